"""Redis unavailable means StoreUnavailable (503) from every call; the embedded mode works."""

import pytest

from leads import ConfigError, LeadStore, StoreUnavailable, connect
from tests.support.redis_server import (
    BANK,
    PRODUCT,
    TEST_BRANCHES,
    FakeClock,
    RedisServer,
    lead_request,
)


def test_every_call_raises_store_unavailable_while_redis_is_stopped(owned_redis, tmp_path):
    store = LeadStore(
        connect(owned_redis.url, tmp_path, timeout=1), TEST_BRANCHES, clock=FakeClock()
    )
    lead_id = store.create(**lead_request(1)).lead["id"]
    store.ping()
    owned_redis.stop()
    calls = [
        lambda: store.ping(),
        lambda: store.create(**lead_request(2)),
        lambda: store.lead(lead_id, admin=True),
        lambda: store.events(lead_id, bank=BANK),
        lambda: store.claim(BANK, "officer-1", 5),
        lambda: store.transition(lead_id, BANK, "accepted"),
        lambda: store.route_overflow(BANK),
        lambda: store.stats(),
        lambda: store.approval_rates([PRODUCT], "small", "130000"),
        lambda: store.cap_usage(BANK),
    ]
    for call in calls:
        with pytest.raises(StoreUnavailable) as caught:
            call()
        assert caught.value.http_status == 503 and caught.value.retry_after > 0
        assert "Redis" in str(caught.value)
    ready, why = store.readiness()
    assert not ready and "Redis is unavailable" in why
    owned_redis.start()  # back: the same store serves again, nothing was half-written
    assert store.readiness() == (True, "Redis answers")
    assert store.transition(lead_id, BANK, "accepted")["status"] == "accepted"
    assert store.stats()["total"]["leads"] == 1


def test_a_redis_that_refuses_writes_is_unavailable_too(owned_redis, tmp_path):
    store = LeadStore(connect(owned_redis.url, tmp_path), TEST_BRANCHES, clock=FakeClock())
    owned_redis.client().config_set("maxmemory", "1")  # every write now answers OOM
    with pytest.raises(StoreUnavailable, match="out of memory"):
        store.create(**lead_request(1))


def test_a_malformed_url_names_the_setting(tmp_path):
    with pytest.raises(ConfigError, match="LOANMATCH_REDIS_URL"):
        connect("http://localhost:6379", tmp_path)


def test_a_client_that_returns_bytes_is_refused():
    import redis

    with pytest.raises(ConfigError, match="decode_responses"):
        LeadStore(redis.Redis(), TEST_BRANCHES)


def test_without_a_url_an_embedded_redis_keeps_leads_under_the_data_dir(tmp_path):
    data_dir = tmp_path / "var"
    client = connect(None, data_dir)
    try:
        store = LeadStore(client, TEST_BRANCHES, clock=FakeClock())
        lead_id = store.create(**lead_request(1)).lead["id"]
        assert store.claim(BANK, "officer-1", 1)[0]["id"] == lead_id
        assert client.config_get("appendonly") == {"appendonly": "yes"}
    finally:
        client.shutdown(save=True)
    assert (data_dir / "redis.db").exists()
    reopened = connect(None, data_dir)
    try:
        store = LeadStore(reopened, TEST_BRANCHES, clock=FakeClock())
        assert store.lead(lead_id, admin=True)["status"] == "routed"
    finally:
        reopened.shutdown(save=True)


def test_a_server_that_is_not_there_fails_the_readiness_check(tmp_path):
    server = RedisServer(tmp_path / "never-started")
    store = LeadStore(connect(server.url, tmp_path, timeout=0.5), TEST_BRANCHES)
    with pytest.raises(StoreUnavailable, match="Redis is unavailable"):
        store.ping()
