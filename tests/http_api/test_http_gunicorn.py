"""The service as deployed: real gunicorn processes on a free port, driven over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from matcher.catalog import load_catalog
from tests.support.gunicorn import call, clean_env, free_port, stop, wait_until_up
from tests.support.paths import REPO

pytestmark = pytest.mark.slow

RULES = REPO / "rules"
KEY = "portal-key-for-gunicorn-test"
PROFILE = {
    "entity_type": "enterprise",
    "established_on": "2016-05-20",
    "region_code": "130203",
    "industry_code": "C3311",
    "employees": 86,
    "annual_revenue": 28000000,
    "total_assets": 35000000,
    "debt_ratio": 0.52,
    "tax_paid_12m": 920000,
    "tax_credit_rating": "B",
    "legal_rep_age": 51,
    "dishonest_debtor": False,
    "overdue_current": False,
    "overdue_count_24m": 0,
    "specialized_sme": True,
    "bank_relationships": ["tsbank"],
    "requested_amount": 3000000,
}


def post_chunked(port: int, body: bytes) -> int:
    """A body without Content-Length, as a streaming client sends it."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "POST",
        "/v1/match",
        body=iter([body]),
        encode_chunked=True,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"},
    )
    return connection.getresponse().status


def test_gunicorn_serves_matches(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env(
        LOANMATCH_RULES=str(RULES),
        LOANMATCH_API_KEYS=f"portal:{KEY}",
        LOANMATCH_BIND=f"127.0.0.1:{port}",
        LOANMATCH_WORKERS="2",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service:app"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(base, process)
        status, headers, body = call(
            base + "/v1/match?as_of=2026-12-01",
            PROFILE,
            {"Authorization": f"Bearer {KEY}", "X-Request-ID": "gunicorn-test-1"},
        )
        assert status == 200, body
        assert headers["X-Request-ID"] == "gunicorn-test-1"
        expected = load_catalog(RULES).match(PROFILE, as_of=date(2026, 12, 1)).to_dict()
        assert json.loads(body) == expected
        assert call(base + "/v1/match", PROFILE)[0] == 401
        status, headers, body = call(
            base + "/v1/match", {"employees": "many"}, {"Authorization": f"Bearer {KEY}"}
        )
        assert status == 422 and headers["Content-Type"] == "application/problem+json"
        assert post_chunked(port, b'{"name": "' + b"x" * (1024 * 1024) + b'"}') == 413
        metrics = call(base + "/metrics")[2].decode()
        matched = [
            line
            for line in metrics.splitlines()
            if line.startswith('loanmatch_profiles_total{endpoint="match",outcome="matched"}')
        ]
        assert matched and float(matched[0].rsplit(" ", 1)[1]) == 1  # summed over workers
    finally:
        out, err = stop(process)
    access = [json.loads(line) for line in out.splitlines() if '"event": "access"' in line]
    assert any(line["request_id"] == "gunicorn-test-1" and line["status"] == 200 for line in access)
    assert KEY not in out + err
    assert process.returncode == 0, err


def test_serve_command_starts_gunicorn_on_the_given_port(tmp_path):
    port = free_port()
    env = clean_env(LOANMATCH_AUTH="off", LOANMATCH_WORKERS="1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from loanmatch_cli.main import main; main()",
            "serve",
            "--port",
            str(port),
            "--rules",
            str(RULES),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process)
        status, _, body = call(f"http://127.0.0.1:{port}/v1/products")
        assert status == 200
        assert json.loads(body)["total"] == len(load_catalog(RULES))
    finally:
        _, err = stop(process)
    assert "LOANMATCH_AUTH=off" in err


def test_serve_command_listens_where_loanmatch_bind_says(tmp_path):
    port = free_port()
    env = clean_env(
        LOANMATCH_AUTH="off",
        LOANMATCH_WORKERS="1",
        LOANMATCH_BIND=f"127.0.0.1:{port}",
        LOANMATCH_DATA_DIR=str(tmp_path / "var"),
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from loanmatch_cli.main import main; main()",
            "serve",
            "--rules",
            str(RULES),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process)
        status, _, _ = call(f"http://127.0.0.1:{port}/healthz")
        assert status == 200
    finally:
        _, err = stop(process)
    assert f"serving http://127.0.0.1:{port}/" in err


def test_serve_refuses_to_start_without_keys(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from loanmatch_cli.main import main; main()",
            "serve",
            "--rules",
            str(RULES),
        ],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "LOANMATCH_API_KEYS" in result.stderr and "LOANMATCH_AUTH=off" in result.stderr
    missing = subprocess.run(
        [
            sys.executable,
            "-c",
            "from loanmatch_cli.main import main; main()",
            "serve",
            "--rules",
            str(tmp_path / "nowhere"),
        ],
        cwd=tmp_path,
        env=clean_env(LOANMATCH_AUTH="off"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2 and "no such rules folder" in missing.stderr


def test_gunicorn_refuses_bad_rules_with_a_clear_message(tmp_path):
    (tmp_path / "icbc").mkdir()
    (tmp_path / "icbc" / "broken.yaml").write_text(
        "id: x\nbank: icbc\nname: n\neligibility: {field: nope, op: '==', value: 1}\n"
    )
    process = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service:app"],
        cwd=REPO,
        env=clean_env(
            LOANMATCH_RULES=str(tmp_path),
            LOANMATCH_AUTH="off",
            LOANMATCH_BIND=f"127.0.0.1:{free_port()}",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode != 0
    assert "cannot start" in process.stderr and "broken.yaml" in process.stderr
    assert "Traceback" not in process.stderr
