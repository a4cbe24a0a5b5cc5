"""The per-key budget is shared by every worker through the service's own Redis by default,
and matching keeps answering (counted per worker) while that Redis is down."""
from __future__ import annotations

import secrets

from tests.redis_server import free_port
from tests.test_http_errors import PROFILE, bearer, make_app, rules  # noqa: F401  (fixture)


def redis_url(client) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs.get('db', 0)}"


def test_two_workers_spend_one_budget_in_the_services_redis(rules, shared_redis, key_prefix):
    key = "portal-" + secrets.token_hex(12)
    env = {"LOANMATCH_API_KEYS": f"portal:{key}", "LOANMATCH_RATE_LIMIT": "3/minute",
           "LOANMATCH_REDIS_URL": redis_url(shared_redis), "LOANMATCH_REDIS_PREFIX": key_prefix}
    first, second = (make_app(rules, **env).test_client() for _ in range(2))
    codes = [client.get("/v1/products", headers=bearer(key)).status_code
             for client in (first, second, first, second)]
    assert codes == [200, 200, 200, 429]
    assert list(shared_redis.scan_iter(match=f"{key_prefix}ratelimit*"))  # under the prefix


def test_with_redis_down_matching_answers_and_each_worker_still_limits(rules, tmp_path):
    key = "portal-" + secrets.token_hex(12)
    app = make_app(rules, LOANMATCH_API_KEYS=f"portal:{key}", LOANMATCH_RATE_LIMIT="3/minute",
                   LOANMATCH_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    client = app.test_client()
    codes = [client.post("/v1/match", json=PROFILE, headers=bearer(key)).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
