"""``loanmatch route-overflow``: cron's routing pass, with the service's environment only."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.leads_api import PORTAL, application, bearer, make_app, redis_url, write_rules
from tests.support.paths import REPO

pytest_plugins = ("tests.support.redis_server",)


def route_overflow(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LOANMATCH_")}
    return subprocess.run(
        [sys.executable, "-m", "loanmatch_cli", "route-overflow"],
        env={**clean, **env, "PYTHONPATH": str(REPO)},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_queued_lead_is_routed_once_a_cap_is_raised(tmp_path, shared_redis, key_prefix):
    rules = write_rules(tmp_path / "rules", tangshan=0, hebei=0)  # every hbbank branch full
    app = make_app(
        rules, redis_url(shared_redis), key_prefix, LOANMATCH_DATA_DIR=str(tmp_path / "var")
    )
    made = app.test_client().post("/v1/leads", json=application(1), headers=bearer(PORTAL))
    assert made.status_code == 201 and made.get_json()["status"] == "queued", made.get_json()
    env = {
        "LOANMATCH_RULES": str(rules),
        "LOANMATCH_REDIS_URL": redis_url(shared_redis),
        "LOANMATCH_REDIS_PREFIX": key_prefix,
    }  # no API keys: it needs none
    still_full = route_overflow(env)
    assert still_full.returncode == 0, still_full.stderr
    assert still_full.stdout == "" and "routed 0 queued lead(s)" in still_full.stderr
    write_rules(rules, tangshan=5, hebei=0)
    routed = route_overflow(env)
    assert routed.returncode == 0, routed.stderr
    assert routed.stdout.splitlines() == ["hbbank\t1"]
    lead = app.test_client().get(f"/v1/leads/{made.get_json()['id']}", headers=bearer(PORTAL))
    assert lead.get_json()["status"] == "routed" and lead.get_json()["branch"] == "tangshan"


def test_a_broken_branch_file_is_a_clear_error(tmp_path, shared_redis, key_prefix):
    rules = write_rules(tmp_path / "rules")
    (rules / "hbbank" / "_branches.yaml").write_text("- {id: x, regions: 5}\n", encoding="utf-8")
    done = route_overflow(
        {
            "LOANMATCH_RULES": str(rules),
            "LOANMATCH_REDIS_URL": redis_url(shared_redis),
            "LOANMATCH_REDIS_PREFIX": key_prefix,
        }
    )
    assert done.returncode == 2 and "_branches.yaml" in done.stderr
    assert "Traceback" not in done.stderr
