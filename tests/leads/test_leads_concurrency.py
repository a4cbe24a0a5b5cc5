"""200 lead requests at once against small caps: no cap exceeded, no lead lost, no duplicate."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from leads import Branch, DuplicateLead
from tests.support.redis_server import BANK, lead_request

CAPS = {"a": 5, "b": 3, "province": 4}
SMALL_CAPS = {
    BANK: (
        Branch("a", "A", ("1302",), CAPS["a"], weight=2),
        Branch("b", "B", ("1302",), CAPS["b"], weight=1),
        Branch("province", "河北", ("13",), CAPS["province"]),
    )
}


def attempt(store, request, key):
    try:
        return "made", store.create(**request, idempotency_key=key).lead["id"]
    except DuplicateLead as err:
        return "duplicate", err.existing_id


def test_200_parallel_requests_respect_caps_and_lose_nothing(
    make_store, shared_redis, key_prefix, clock
):
    store = make_store(SMALL_CAPS)
    jobs = [(lead_request(n), f"distinct-{n}") for n in range(170)]
    jobs += [(lead_request(500), "retried-key")] * 20  # one request retried 20 times
    jobs += [(lead_request(600), f"double-{i}") for i in range(10)]  # one firm, 10 clicks
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(lambda job: attempt(store, *job), jobs))

    assert len({lead_id for _, lead_id in results[170:190]}) == 1
    double = results[190:]
    assert Counter(kind for kind, _ in double) == {"made": 1, "duplicate": 9}
    assert len({lead_id for _, lead_id in double}) == 1
    returned = {lead_id for _, lead_id in results}
    assert len(returned) == 172

    leads = [store.lead(lead_id, admin=True) for lead_id in returned]
    by_branch = Counter(lead["branch"] for lead in leads if lead["status"] == "routed")
    assert by_branch == {"a": 5, "b": 3, "province": 4}  # every cap filled, none exceeded
    assert store.cap_usage(BANK) == CAPS
    queued = {lead["id"] for lead in leads if lead["status"] == "queued"}
    assert len(queued) == 172 - 12
    overflow = shared_redis.lrange(f"{key_prefix}bank:{BANK}:overflow", 0, -1)
    assert sorted(overflow) == sorted(queued)  # each waiting lead queued exactly once
    assert shared_redis.xlen(f"{key_prefix}bank:{BANK}:stream") == 12
    assert store.stats(BANK)["total"]["leads"] == 172

    # The next day, the queue drains into the new day's capacity from several workers at
    # once while new leads keep coming: still no cap exceeded.
    clock.advance(days=1)
    with ThreadPoolExecutor(max_workers=8) as pool:
        drained = [pool.submit(store.route_overflow, BANK) for _ in range(4)]
        fresh = [pool.submit(store.create, **lead_request(1000 + n)) for n in range(20)]
        moved = sum(f.result() for f in drained)
        fresh_routed = sum(f.result().lead["status"] == "routed" for f in fresh)
    assert moved + fresh_routed == 12
    assert store.cap_usage(BANK) == CAPS
    assert store.stats(BANK)["total"]["by_status"]["queued"] == 172 + 20 - 24
