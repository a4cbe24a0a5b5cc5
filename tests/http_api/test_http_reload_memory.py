"""A bank publishing again and again leaves no memory behind in the gunicorn master.

durable_rules never frees a compiled ruleset, so a master that compiled every new
catalog in place grew by its catalog's size per publish. The master now re-executes
itself for each new version; its resident memory after 50 publishes stays within 10%
of what it was after the first. Also here: the per-bank publish throttle (429 with
Retry-After) and the master's control socket under the instance's data folder.
"""

from __future__ import annotations

import shutil
import socket
import time

import pytest

from service import create_app
from tests.support.editing_api import JINGYING, KEYS, write_rules
from tests.support.gunicorn_instance import REPO, Instance, call

PUBLISH = "/v1/banks/icbc/products/icbc-probe"
PROBE = """\
id: icbc-probe
bank: icbc
name: 试验贷{number}
eligibility:
  all:
    - {{field: years_in_business, op: ">=", value: 2}}
"""
ALL_KEYS = (
    f"portal:{KEYS['portal']},admin:{KEYS['admin']},bank:icbc:{KEYS['icbc']},bank:ccb:{KEYS['ccb']}"
)


def publish(instance, text, who="icbc"):
    return call(
        instance.base,
        PUBLISH,
        KEYS[who],
        text.encode(),
        method="PUT",
        content_type="application/yaml",
    )


def draft(number: int) -> str:
    return PROBE.format(number=number)  # no scenario file: each publish is quick


@pytest.fixture
def instance(tmp_path):
    # The repository's 57 products: a master that kept each catalog grows ~15 MB a publish.
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    running = Instance(
        tmp_path / "rules",
        tmp_path / "var",
        ALL_KEYS,
        KEYS["admin"],
        env={"LOANMATCH_PUBLISH_INTERVAL": "0.2"},
        workers=1,
    )
    running.start()
    yield running
    running.stop()


def publish_live(instance, number):
    status, doc, _ = publish(instance, draft(number))
    while status == 429:  # the test's throttle is short; wait it out
        time.sleep(0.2)
        status, doc, _ = publish(instance, draft(number))
    assert status in (200, 201) and doc["live"], doc
    deadline = time.monotonic() + 30  # served by the master's fresh workers, then measured
    while instance.admin("/v1/admin/catalog")[1].get("version") != doc["catalog_version"]:
        assert time.monotonic() < deadline, "the published version was not served in 30 s"
        time.sleep(0.1)
    return doc["catalog_version"]


@pytest.mark.slow
def test_fifty_publishes_leave_the_masters_memory_where_the_first_left_it(instance):
    publish_live(instance, 1)
    after_first = instance.master_rss_kib()
    for number in range(2, 51):
        publish_live(instance, number)
        now = instance.master_rss_kib()  # checked as it goes: a leak fails early
        assert now <= after_first * 1.10, (number, after_first, now)
    assert instance.process.poll() is None


@pytest.mark.slow
def test_each_instance_has_its_control_socket_in_its_data_folder(tmp_path):
    first = Instance(
        write_rules(tmp_path / "a" / "rules"),
        tmp_path / "a" / "var",
        ALL_KEYS,
        KEYS["admin"],
        workers=1,
    ).start()
    second = Instance(
        write_rules(tmp_path / "b" / "rules"),
        tmp_path / "b" / "var",
        ALL_KEYS,
        KEYS["admin"],
        workers=1,
    ).start()
    try:
        for instance in (first, second):
            path = instance.data / "gunicorn.ctl"
            deadline = time.monotonic() + 10
            while not path.is_socket():
                assert time.monotonic() < deadline, f"no control socket at {path}"
                time.sleep(0.1)
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(str(path))  # the master answers there, not in a shared place
        assert first.tail().count("Control socket listening at " + str(first.data)) >= 1
    finally:
        first.stop()
        second.stop()


def test_a_bank_publishing_again_too_soon_gets_429_with_retry_after(tmp_path):
    app = create_app(
        {
            "LOANMATCH_RULES": str(write_rules(tmp_path / "rules")),
            "LOANMATCH_API_KEYS": ALL_KEYS,
            "LOANMATCH_DATA_DIR": str(tmp_path / "var"),
            "LOANMATCH_WATCH": "off",
            "LOANMATCH_RATE_LIMIT": "off",
            "LOANMATCH_LOG_JSON": "off",
            "LOANMATCH_PUBLISH_INTERVAL": "30",
        }
    )
    client = app.test_client()

    def put(text, who="icbc"):
        return client.put(
            "/v1/banks/icbc/products/icbc-jingying",
            data=text.encode(),
            headers={"Authorization": f"Bearer {KEYS[who]}", "Content-Type": "application/yaml"},
        )

    first = put(JINGYING.replace("value: 20000", "value: 10000"))
    assert first.status_code == 200, first.get_json()
    unchanged = put(JINGYING.replace("value: 20000", "value: 10000"))
    assert unchanged.status_code == 200  # changes nothing: not counted, not refused
    again = put(JINGYING.replace("value: 20000", "value: 15000"))
    assert again.status_code == 429
    assert again.mimetype == "application/problem+json"
    assert 1 <= int(again.headers["Retry-After"]) <= 30
    assert "LOANMATCH_PUBLISH_INTERVAL" in again.get_json()["detail"]
    assert "value: 10000" in (tmp_path / "rules" / "icbc" / "jingying.yaml").read_text(
        encoding="utf-8"
    )  # the refused change was not written
    retire = client.delete(
        "/v1/banks/icbc/products/icbc-jingying", headers={"Authorization": f"Bearer {KEYS['icbc']}"}
    )
    assert retire.status_code == 429  # a retire is a change too
    assert put(JINGYING, who="admin").status_code == 200  # the platform is not throttled
    other = client.put(
        "/v1/banks/ccb/products/ccb-shuidai",
        headers={"Authorization": f"Bearer {KEYS['ccb']}", "Content-Type": "application/yaml"},
        data=(tmp_path / "rules" / "ccb" / "shuidai.yaml")
        .read_bytes()
        .replace(b"name: ", b"name: New"),
    )
    assert other.status_code == 200, other.get_json()  # another bank has its own count
