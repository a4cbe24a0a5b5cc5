"""200 lead applications at once from parallel clients, against branches with small caps.

Every answer is checked against what Redis holds afterwards: no branch over its cap,
no lead that got a 201 missing, no lead that nobody was told about, and one lead per
repeated Idempotency-Key however the retries interleave.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.support.leads_api import (
    BANK,
    PORTAL,
    application,
    bearer,
    make_app,
    redis_url,
    write_rules,
)

TANGSHAN_CAP, HEBEI_CAP = 5, 3
ENTERPRISES = 180
RETRIED = 20  # enterprises whose application is sent twice at once, with one key


def test_parallel_applications_respect_caps_and_lose_nothing(tmp_path, shared_redis, key_prefix):
    rules = write_rules(tmp_path / "rules", tangshan=TANGSHAN_CAP, hebei=HEBEI_CAP)
    app = make_app(rules, redis_url(shared_redis), key_prefix)
    requests = [(n, None) for n in range(RETRIED, ENTERPRISES)]
    requests += [(n, f"retry-{n}") for n in range(RETRIED) for _ in range(2)]
    assert len(requests) == 200
    start = threading.Barrier(16, timeout=30)
    local = threading.local()

    def post(request):
        n, key = request
        if not hasattr(local, "client"):
            local.client = app.test_client()
            start.wait()  # every thread posts at the same moment
        headers = bearer(PORTAL, **({"Idempotency-Key": key} if key else {}))
        response = local.client.post("/v1/leads", json=application(n), headers=headers)
        return n, key, response.status_code, response.get_json()

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(post, requests))

    assert Counter(status for _, _, status, _ in answers) == {201: 200}
    ids_by_enterprise: dict[int, set[str]] = {}
    for n, _, _, lead in answers:
        ids_by_enterprise.setdefault(n, set()).add(lead["id"])
    assert all(len(ids) == 1 for ids in ids_by_enterprise.values())  # retries: one lead
    told = {lead_id for ids in ids_by_enterprise.values() for lead_id in ids}
    assert len(told) == ENTERPRISES

    stored = set(shared_redis.zrange(f"{key_prefix}leads", 0, -1))
    assert stored == told  # none lost, none made behind a caller's back
    records = [shared_redis.hgetall(f"{key_prefix}lead:{lead_id}") for lead_id in told]
    routed = Counter(r["branch"] for r in records if r["status"] == "routed")
    assert routed == {"tangshan": TANGSHAN_CAP, "hebei": HEBEI_CAP}  # full, and never over
    queued = [r["id"] for r in records if r["status"] == "queued"]
    assert len(queued) == ENTERPRISES - TANGSHAN_CAP - HEBEI_CAP
    assert sorted(shared_redis.lrange(f"{key_prefix}bank:hbbank:overflow", 0, -1)) == sorted(queued)
    assert shared_redis.xlen(f"{key_prefix}bank:hbbank:stream") == TANGSHAN_CAP + HEBEI_CAP

    claimed = (
        app.test_client()
        .post("/v1/banks/hbbank/leads/claim?consumer=o&count=100", headers=bearer(BANK))
        .get_json()["leads"]
    )
    assert len(claimed) == TANGSHAN_CAP + HEBEI_CAP
    stats = app.test_client().get("/v1/stats", headers=bearer(BANK)).get_json()["total"]
    assert stats["leads"] == ENTERPRISES and stats["by_status"]["queued"] == len(queued)
