"""A bank reads its own products' history over the API, and the CLI reads it with --server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from werkzeug.serving import make_server

from tests.support.editing_api import (  # noqa: F401 (fixtures)
    JINGYING,
    KEYS,
    SHUIDAI,
    app,
    auth,
    put,
    rules,
)
from tests.support.paths import REPO

EDITED = JINGYING.replace("value: 20000", "value: 10000")


@pytest.fixture
def history(app):
    """Three versions: the start, icbc's edit (by icbc's key), ccb's edit (by admin)."""
    client = app.test_client()
    start = client.post("/v1/admin/reload", headers=auth("admin")).get_json()["version"]
    icbc = put(client, "icbc", "icbc", "icbc-jingying", EDITED).get_json()["catalog_version"]
    ccb = put(client, "admin", "ccb", "ccb-shuidai", SHUIDAI.replace("[A, B]", "[A]"))
    ccb = ccb.get_json()["catalog_version"]
    return client, start, icbc, ccb


def test_a_bank_lists_only_the_versions_and_files_of_its_own_products(history):
    client, start, icbc, ccb = history
    doc = client.get("/v1/banks/icbc/versions", headers=auth("icbc")).get_json()
    assert doc["live"] == ccb
    assert [v["version"] for v in doc["versions"]] == [icbc, start]  # newest first, no ccb edit
    assert doc["versions"][0]["modified"] == ["icbc/jingying.yaml"]
    assert doc["versions"][0]["actor"].startswith("bank:icbc")
    every = [f for v in doc["versions"] for k in ("added", "removed", "modified") for f in v[k]]
    assert every and all(f.startswith("icbc/") for f in every)


def test_a_bank_diffs_its_own_products_criterion_by_criterion(history):
    client, start, icbc, ccb = history
    response = client.get(
        "/v1/banks/icbc/versions/diff", headers=auth("icbc"), query_string={"from": start[:11]}
    )  # a prefix; to: the live one
    assert response.status_code == 200, response.get_json()
    doc = response.get_json()
    assert (doc["from"], doc["to"]) == (start, ccb)
    assert [p["lines"] for p in doc["products"]] == [
        ["icbc/jingying: tax_paid_12m >= 20000 → >= 10000"]
    ]  # ccb's change is not shown


def test_another_banks_history_is_refused_and_an_admin_sees_any(history):
    client, start, icbc, ccb = history
    for path in ("/v1/banks/ccb/versions", f"/v1/banks/ccb/versions/diff?from={start}"):
        assert client.get(path, headers=auth("icbc")).status_code == 403
        assert client.get(path, headers=auth("portal")).status_code == 403
        assert client.get(path).status_code == 401
    doc = client.get(
        f"/v1/banks/ccb/versions/diff?from={icbc}&to={ccb}", headers=auth("admin")
    ).get_json()
    assert [p["lines"] for p in doc["products"]] == [
        ["ccb/shuidai: tax_credit_rating in [A, B] → in [A]"]
    ]
    assert client.get("/v1/banks/nobank/versions", headers=auth("admin")).status_code == 404


def test_an_unknown_version_is_a_404_that_says_where_to_look(history):
    client = history[0]
    response = client.get(
        "/v1/banks/icbc/versions/diff?from=sha256:0000000000000000", headers=auth("icbc")
    )
    assert response.status_code == 404
    assert "/v1/banks/icbc/versions" in response.get_json()["detail"]
    missing = client.get("/v1/banks/icbc/versions/diff", headers=auth("icbc"))
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["field"] == "from"


@pytest.fixture
def server(app, history):
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", history
    http.shutdown()


def cli(tmp_path, *args, key=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOANMATCH_")}
    if key:
        env["LOANMATCH_API_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "loanmatch_cli", *args],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cli_reads_versions_and_diffs_from_a_server_with_a_bank_key(server, tmp_path):
    url, (_, start, icbc, ccb) = server
    listed = cli(tmp_path, "versions", "--server", url, "--bank", "icbc", key=KEYS["icbc"])
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [start, icbc]
    assert "2 recorded version(s)" in listed.stderr
    diffed = cli(
        tmp_path, "diff", start, "live", "--server", url, "--bank", "icbc", key=KEYS["icbc"]
    )
    assert diffed.returncode == 0, diffed.stderr
    assert diffed.stdout.splitlines() == ["icbc/jingying: tax_paid_12m >= 20000 → >= 10000"]


def test_the_cli_says_what_to_do_without_a_key_or_with_another_banks(server, tmp_path):
    url, _ = server
    nokey = cli(tmp_path, "versions", "--server", url, "--bank", "icbc")
    assert nokey.returncode == 2 and "LOANMATCH_API_KEY" in nokey.stderr
    other = cli(tmp_path, "versions", "--server", url, "--bank", "ccb", key=KEYS["icbc"])
    assert other.returncode == 2 and "403" in other.stderr
    down = cli(
        tmp_path, "versions", "--server", "http://127.0.0.1:9", "--bank", "icbc", key=KEYS["icbc"]
    )
    assert down.returncode == 2 and "cannot reach" in down.stderr
