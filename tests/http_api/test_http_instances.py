"""Two instances behave as one service: real gunicorn instances, one real Redis.

Each instance has its own port, rules folder and data folder; they share the Redis on
127.0.0.1:6379 under a key prefix of the test's own. A publish or retire accepted by
one is served by the other under the same ``catalog_version``; an instance killed
with SIGKILL and started again catches up, and an edit made on its disk while it was
down is merged and published, not lost. How soon (seconds) is ``bench/instances.py``'s
to measure; the bound here is generous, so a loaded machine does not fail the test.
"""

from __future__ import annotations

import time

import pytest

from tests.support.editing_api import BASE, JINGYING, KEYS, SMALL_TAXPAYER, status_of, write_rules
from tests.support.gunicorn_instance import Instance, call

ALL_KEYS = (
    f"portal:{KEYS['portal']},admin:{KEYS['admin']},bank:icbc:{KEYS['icbc']},bank:ccb:{KEYS['ccb']}"
)
ICBC = "/v1/banks/icbc/products/icbc-jingying"
CCB = "/v1/banks/ccb/products/ccb-shuidai"
LIVE_WITHIN = 30.0  # seconds: a bound, not a speed target


@pytest.fixture
def redis_url(shared_redis):
    where = shared_redis.connection_pool.connection_kwargs
    return f"redis://{where['host']}:{where['port']}/0"


@pytest.fixture
def make_instance(tmp_path, redis_url, key_prefix):
    started: list[Instance] = []

    def make(name: str, empty: bool = False, **env: str) -> Instance:
        rules = tmp_path / name / "rules"
        if empty:
            rules.mkdir(parents=True, exist_ok=True)
        elif not rules.exists():
            write_rules(rules)
        instance = Instance(
            rules,
            tmp_path / name / "var",
            ALL_KEYS,
            KEYS["admin"],
            env={
                "LOANMATCH_REDIS_URL": redis_url,
                "LOANMATCH_REDIS_PREFIX": key_prefix,
                "LOANMATCH_PUBLISH_INTERVAL": "off",
                **env,
            },
            workers=1,
        )
        started.append(instance)
        return instance.start()

    yield make
    for instance in started:
        instance.stop()


def matched(instance, profile=SMALL_TAXPAYER, **query):
    query.setdefault("explain", "none")
    status, doc, _ = call(
        instance.base,
        "/v1/match?as_of=2026-12-01" + "".join(f"&{k}={v}" for k, v in query.items()),
        KEYS["portal"],
        profile,
    )
    assert status == 200, doc
    return doc


def served_within(instance, version, seconds=LIVE_WITHIN, profile=SMALL_TAXPAYER):
    """The first answer under ``version``, which must come within ``seconds``. (For a
    second after a version goes live, the old workers may still answer a request.)"""
    started = time.monotonic()
    while (doc := matched(instance, profile))["catalog_version"] != version:
        assert time.monotonic() - started <= seconds, (
            f"{instance.base} did not serve {version} within {seconds} s: {instance.tail()}"
        )
        time.sleep(0.1)
    return doc


def eventually(check, seconds=LIVE_WITHIN):
    """``check()`` holds within ``seconds`` (the instance's old workers stop meanwhile)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.1)


def put(instance, path, text, who):
    return call(
        instance.base, path, KEYS[who], text.encode(), method="PUT", content_type="application/yaml"
    )


@pytest.mark.slow
def test_a_publish_on_one_instance_is_served_by_the_other_and_a_retire_is_gone_on_both(
    make_instance,
):
    a, b = make_instance("a"), make_instance("b")
    old = matched(a)["catalog_version"]
    assert matched(b)["catalog_version"] == old
    assert status_of(matched(b), "icbc-jingying") == "ineligible"

    status, doc, _ = put(a, ICBC, JINGYING.replace("value: 20000", "value: 10000"), "icbc")
    assert status == 200 and doc["live"], doc
    new = doc["catalog_version"]
    assert new != old
    assert status_of(served_within(b, new), "icbc-jingying") == "eligible"
    assert "value: 10000" in (b.rules / "icbc" / "jingying.yaml").read_text(encoding="utf-8")
    eventually(lambda: b.admin("/v1/admin/versions")[1]["live"] == new)
    shared = a.admin("/v1/admin/catalog")[1]["shared"]
    assert shared["version"] == new and shared["unpublished"] is False
    versions = b.admin("/v1/admin/versions")[1]
    assert versions["versions"][0]["actor"].startswith("bank:icbc")  # who, on every instance

    status, doc, _ = call(b.base, CCB, KEYS["ccb"], method="DELETE")
    assert status == 200 and doc["live"], doc
    retired = doc["catalog_version"]
    assert "ccb-shuidai" not in str(served_within(a, retired, profile=BASE))
    eventually(lambda: call(a.base, "/v1/products/ccb-shuidai", KEYS["portal"])[0] == 404)
    assert not (a.rules / "ccb" / "shuidai.yaml").exists()
    served_within(b, retired)  # b's own fresh workers take over as quickly

    # A decision taken before is replayed on the instance that did not take it.
    replayed = matched(a, catalog_version=new, explain="failed")
    assert replayed["catalog_version"] == new
    assert status_of(replayed, "icbc-jingying") == "eligible"

    c = make_instance("c", empty=True)  # a new instance with an empty rules folder
    assert matched(c)["catalog_version"] == retired
    assert (c.rules / "icbc" / "jingying.test.yaml").is_file()  # scenarios travel too


@pytest.mark.slow
def test_an_instance_killed_mid_way_catches_up_and_loses_nothing(make_instance):
    a, b = make_instance("a"), make_instance("b")
    first = matched(a)["catalog_version"]
    served_within(b, first)
    b.kill()  # SIGKILL: no shutdown of any kind
    status, doc, _ = put(a, ICBC, JINGYING.replace("value: 20000", "value: 10000"), "icbc")
    assert status == 200 and doc["live"], doc
    missed = doc["catalog_version"]  # b never serves this one
    # Meanwhile someone edits the dead instance's folder by hand.
    shuidai = b.rules / "ccb" / "shuidai.yaml"
    shuidai.write_text(
        shuidai.read_text(encoding="utf-8").replace("name: 税贷", "name: 新税贷"), encoding="utf-8"
    )

    b.start()
    deadline = time.monotonic() + LIVE_WITHIN
    while True:  # b merges a's publish with its own edit and publishes the result
        doc_b = matched(b)
        product = call(b.base, "/v1/products/ccb-shuidai", KEYS["portal"])[1]
        if product.get("name") == "新税贷" and status_of(doc_b, "icbc-jingying") == "eligible":
            break
        assert time.monotonic() < deadline, b.tail()
        time.sleep(0.2)
    merged = doc_b["catalog_version"]  # a's publish and b's own edit, both
    served_within(a, merged)
    eventually(
        lambda: call(a.base, "/v1/products/ccb-shuidai", KEYS["portal"])[1].get("name") == "新税贷"
    )
    assert "value: 10000" in (b.rules / "icbc" / "jingying.yaml").read_text(encoding="utf-8")
    replayed = matched(b, catalog_version=missed, explain="failed")  # from the shared catalog
    assert replayed["catalog_version"] == missed
    assert status_of(replayed, "icbc-jingying") == "eligible"

    a.kill()
    status, doc, _ = put(b, ICBC, JINGYING.replace("value: 20000", "value: 12000"), "icbc")
    assert status == 200 and doc["live"], doc
    a.start()  # a stale folder: it boots into the shared version
    assert (
        status_of(served_within(a, doc["catalog_version"], profile=BASE), "ccb-shuidai")
        == "eligible"
    )
    assert "value: 12000" in (a.rules / "icbc" / "jingying.yaml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_publish_wakes_the_other_instance_long_before_its_next_poll(make_instance):
    """Both poll every 30 s; the other instance still serves a publish within 15 s,
    because the move is announced on the shared catalog's channel."""
    a = make_instance("a", LOANMATCH_WATCH="30")
    b = make_instance("b", LOANMATCH_WATCH="30")
    served_within(b, matched(a)["catalog_version"])
    status, doc, _ = put(a, ICBC, JINGYING.replace("value: 20000", "value: 10000"), "icbc")
    assert status == 200 and doc["live"], doc
    assert status_of(served_within(b, doc["catalog_version"], 15.0), "icbc-jingying") == "eligible"

    status, doc, _ = call(b.base, CCB, KEYS["ccb"], method="DELETE")  # and back: a retire
    assert status == 200 and doc["live"], doc
    assert "ccb-shuidai" not in str(served_within(a, doc["catalog_version"], 15.0, BASE))


# --- in process: two embedded apps following one shared catalog --------------------------


def test_a_broken_local_edit_waits_while_the_shared_version_goes_live(
    tmp_path, redis_url, key_prefix
):
    from http_api.watching import watch
    from service import create_app

    apps, reloaders = {}, []
    for name in ("a", "b"):
        apps[name] = create_app(
            {
                "LOANMATCH_RULES": str(write_rules(tmp_path / name / "rules")),
                "LOANMATCH_DATA_DIR": str(tmp_path / name / "var"),
                "LOANMATCH_API_KEYS": ALL_KEYS,
                "LOANMATCH_REDIS_URL": redis_url,
                "LOANMATCH_REDIS_PREFIX": key_prefix,
                "LOANMATCH_WATCH": "0.2",
                "LOANMATCH_RATE_LIMIT": "off",
                "LOANMATCH_LOG_JSON": "off",
                "LOANMATCH_PUBLISH_INTERVAL": "off",
            }
        )
        reloaders.append(watch(apps[name]))
    a, b = apps["a"].test_client(), apps["b"].test_client()

    def info(client):
        return client.get(
            "/v1/admin/catalog", headers={"Authorization": f"Bearer {KEYS['admin']}"}
        ).get_json()

    try:
        eventually(
            lambda: (
                info(a)["shared"]["seq"] >= 1
                and info(a)["shared"]["seq"] == info(b)["shared"]["seq"]
            )
        )
        broken = tmp_path / "b" / "rules" / "ccb" / "shuidai.yaml"
        broken.write_text(
            broken.read_text(encoding="utf-8").replace("op: in", "op: within"), encoding="utf-8"
        )
        eventually(lambda: info(b)["pending"] is not None)
        response = a.put(
            ICBC,
            data=JINGYING.replace("value: 20000", "value: 10000").encode(),
            headers={"Authorization": f"Bearer {KEYS['icbc']}", "Content-Type": "application/yaml"},
        )
        assert response.status_code == 200, response.get_json()
        new = response.get_json()["catalog_version"]
        eventually(lambda: info(b)["version"] == new)  # b serves it despite its own edit
        assert info(b)["pending"]["errors"][0]["path"].endswith("ccb/shuidai.yaml")
        assert "op: within" in broken.read_text(encoding="utf-8")  # the edit waits, kept
        assert "value: 10000" in (tmp_path / "b" / "rules" / "icbc" / "jingying.yaml").read_text(
            encoding="utf-8"
        )
        assert info(a)["version"] == new  # nothing of b's broken edit reached a
    finally:
        for reloader in reloaders:
            reloader.stop()
