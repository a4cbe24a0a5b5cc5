"""The per-key budget is shared by every worker through the service's own Redis by default,
and matching keeps answering (counted per worker) while that Redis is down."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest

from service import create_app
from tests.support.gunicorn import call, clean_env, stop, wait_until_up
from tests.support.paths import REPO, RULES
from tests.support.redis_server import free_port

KEY = "portal-key-for-gunicorn-test"
PROFILE = {"region_code": "130203", "tax_credit_rating": "A"}


@pytest.fixture
def rules(tmp_path):
    folder = tmp_path / "rules" / "icbc"
    folder.mkdir(parents=True)
    (folder / "shuidai.yaml").write_text(
        "id: icbc-shuidai\nbank: icbc\nname: 税贷\neligibility:\n  all:\n"
        "    - {field: tax_credit_rating, op: in, value: [A, B]}\n",
        encoding="utf-8",
    )
    return folder.parent


def make_app(rules, **env):
    return create_app(
        {
            "LOANMATCH_RULES": str(rules),
            "LOANMATCH_RATE_LIMIT": "off",
            "LOANMATCH_LOG_JSON": "off",
            **env,
        }
    )


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def redis_url(client) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs.get('db', 0)}"


def test_two_workers_spend_one_budget_in_the_services_redis(rules, shared_redis, key_prefix):
    key = "portal-" + secrets.token_hex(12)
    env = {
        "LOANMATCH_API_KEYS": f"portal:{key}",
        "LOANMATCH_RATE_LIMIT": "3/minute",
        "LOANMATCH_REDIS_URL": redis_url(shared_redis),
        "LOANMATCH_REDIS_PREFIX": key_prefix,
    }
    first, second = (make_app(rules, **env).test_client() for _ in range(2))
    codes = [
        client.get("/v1/products", headers=bearer(key)).status_code
        for client in (first, second, first, second)
    ]
    assert codes == [200, 200, 200, 429]
    assert list(shared_redis.scan_iter(match=f"{key_prefix}ratelimit*"))  # under the prefix


def test_with_redis_down_matching_answers_and_each_worker_still_limits(rules, tmp_path):
    key = "portal-" + secrets.token_hex(12)
    app = make_app(
        rules,
        LOANMATCH_API_KEYS=f"portal:{key}",
        LOANMATCH_RATE_LIMIT="3/minute",
        LOANMATCH_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
    )
    client = app.test_client()
    codes = [
        client.post("/v1/match", json=PROFILE, headers=bearer(key)).status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]


@pytest.mark.slow
def test_the_rate_limit_is_one_budget_across_workers_in_the_embedded_redis(tmp_path):
    """Two gunicorn workers, no Redis configured: the embedded one keeps the counts."""
    port = free_port()
    env = clean_env(
        LOANMATCH_RULES=str(RULES),
        LOANMATCH_API_KEYS=f"portal:{KEY}",
        LOANMATCH_BIND=f"127.0.0.1:{port}",
        LOANMATCH_WORKERS="2",
        LOANMATCH_RATE_LIMIT="6/minute",
        LOANMATCH_DATA_DIR=str(tmp_path / "var"),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service:app"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process)
        codes = [
            call(f"http://127.0.0.1:{port}/v1/products", None, {"Authorization": f"Bearer {KEY}"})[
                0
            ]
            for _ in range(10)
        ]
    finally:
        stop(process)
    # Per worker, two workers would allow up to 12; one shared budget allows 6.
    assert codes == [200] * 6 + [429] * 4, codes
