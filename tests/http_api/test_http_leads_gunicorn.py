"""Leads through real gunicorn on the default embedded Redis (no LOANMATCH_REDIS_URL).

The master starts the embedded server before forking; the workers share it. A worker
that exits must not take the server with it (it inherited the master's ownership),
the master stops it on shutdown, and the leads are still there on the next start.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from leads import embedded
from tests.support.gunicorn import call, clean_env, free_port, stop, wait_until_up
from tests.support.leads_api import BANK, KEYS, PORTAL, application, bearer, write_rules

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def start(run_dir: Path, rules: Path, port: int) -> subprocess.Popen:
    env = clean_env(
        LOANMATCH_RULES=str(rules),
        LOANMATCH_API_KEYS=KEYS,
        LOANMATCH_BIND=f"127.0.0.1:{port}",
        LOANMATCH_WORKERS="2",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"), "service:app"],
        cwd=run_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_until_up(f"http://127.0.0.1:{port}", process)
    return process


def server_pid(data_dir: Path) -> int:
    settings = json.loads((data_dir / "redis.db.settings").read_text())
    return int(Path(settings["pidfile"]).read_text())


def wait_for(condition, seconds=15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_lead_through_gunicorn_on_the_embedded_redis(tmp_path):
    rules = write_rules(tmp_path / "rules")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    data_dir = run_dir / "var"  # LOANMATCH_DATA_DIR's default, under the working directory
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start(run_dir, rules, port)
    try:
        status, headers, body = call(base + "/v1/leads", application(1), bearer(PORTAL))
        assert status == 201, body
        lead = json.loads(body)
        assert lead["status"] == "routed" and headers["Location"] == f"/v1/leads/{lead['id']}"
        status, _, body = call(
            base + "/v1/banks/hbbank/leads/claim?consumer=officer-1", {}, bearer(BANK)
        )
        assert status == 200, body
        (offered,) = json.loads(body)["leads"]
        assert offered["id"] == lead["id"] and offered["masked"] is True
        ready = json.loads(call(base + "/readyz")[2])
        assert ready["checks"]["redis"]["ok"] is True
        assert str(data_dir.resolve()) in ready["checks"]["redis"]["detail"]

        redis_pid = server_pid(data_dir)
        assert psutil.pid_exists(redis_pid) and redis_pid not in {
            p.pid for p in psutil.Process(process.pid).children(recursive=True)
        } | {process.pid}
        worker = psutil.Process(process.pid).children()[0]
        os.kill(worker.pid, signal.SIGTERM)  # gunicorn forks a replacement
        assert wait_for(
            lambda: not psutil.pid_exists(worker.pid) or worker.status() == psutil.STATUS_ZOMBIE
        )
        assert wait_for(lambda: len(psutil.Process(process.pid).children()) == 2)
        assert embedded.socket_path(data_dir) is not None  # the server outlived the worker
        for _ in range(6):  # whichever worker answers, the lead is there
            status, _, body = call(base + f"/v1/leads/{lead['id']}", None, bearer(PORTAL))
            assert status == 200 and json.loads(body)["id"] == lead["id"]
    finally:
        _, err = stop(process)
    assert process.returncode == 0, err
    assert wait_for(lambda: embedded.socket_path(data_dir) is None)  # the master stopped it
    assert "Traceback" not in err

    process = start(run_dir, rules, port)  # the next start finds the leads on disk
    try:
        status, _, body = call(base + f"/v1/leads/{lead['id']}", None, bearer(PORTAL))
        assert status == 200 and json.loads(body)["status"] == "routed"
        status, _, body = call(base + "/v1/leads", application(1), bearer(PORTAL))
        assert status == 409 and json.loads(body)["lead_id"] == lead["id"]
    finally:
        _, err = stop(process)
    assert process.returncode == 0, err
    assert wait_for(lambda: embedded.socket_path(data_dir) is None)
