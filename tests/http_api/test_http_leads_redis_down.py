"""Redis stopped under a running service: matching answers, lead endpoints say 503 and when
to retry, ``/readyz`` names Redis, and everything recovers when Redis is back."""

from __future__ import annotations

import time

from tests.support.leads_api import (
    ADMIN,
    BANK,
    PORTAL,
    application,
    bearer,
    make_app,
    profile,
    write_rules,
)


def test_with_redis_stopped_matching_answers_and_leads_say_when_to_retry(tmp_path, owned_redis):
    app = make_app(write_rules(tmp_path / "rules"), owned_redis.url, "down-test:")
    client = app.test_client()
    lead = client.post("/v1/leads", json=application(1), headers=bearer(PORTAL)).get_json()
    assert client.get("/readyz").status_code == 200

    owned_redis.stop()
    started = time.monotonic()
    batch = client.post(
        "/v1/match/batch", json={"profiles": [profile(2), profile(3)]}, headers=bearer(PORTAL)
    )
    assert batch.status_code == 200, batch.get_data(as_text=True)
    assert {
        m["score_breakdown"]["approval"]
        for r in batch.get_json()["results"]
        for m in r["result"]["matches"]
    } == {0.5}
    matched = client.post("/v1/match", json=profile(2), headers=bearer(PORTAL))
    assert matched.status_code == 200 and matched.get_json()["matches"]
    assert {m["score_breakdown"]["approval"] for m in matched.get_json()["matches"]} == {0.5}
    assert time.monotonic() - started < 15  # answered, not hung on the dead connection
    calls = [
        client.post("/v1/leads", json=application(2), headers=bearer(PORTAL)),
        client.get(f"/v1/leads/{lead['id']}", headers=bearer(PORTAL)),
        client.get(f"/v1/leads/{lead['id']}/events", headers=bearer(BANK)),
        client.post(
            f"/v1/leads/{lead['id']}/status", json={"status": "accepted"}, headers=bearer(BANK)
        ),
        client.post("/v1/banks/hbbank/leads/claim?consumer=o1", headers=bearer(BANK)),
        client.get("/v1/banks/hbbank/leads", headers=bearer(BANK)),
        client.get("/v1/stats", headers=bearer(ADMIN)),
    ]
    for response in calls:
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
        assert int(response.headers["Retry-After"]) > 0
        assert response.get_json()["retry_after"] == int(response.headers["Retry-After"])
    ready = client.get("/readyz")
    assert ready.status_code == 503
    checks = ready.get_json()["checks"]
    assert checks["redis"]["ok"] is False and "Redis" in checks["redis"]["detail"]
    assert checks["catalog"]["ok"] is True

    owned_redis.start()  # the same port and data (AOF)
    assert client.get("/readyz").status_code == 200
    again = client.get(f"/v1/leads/{lead['id']}", headers=bearer(PORTAL))
    assert again.status_code == 200 and again.get_json()["status"] == "routed"
    assert client.post("/v1/leads", json=application(2), headers=bearer(PORTAL)).status_code == 201
