"""A Redis killed with SIGKILL mid-stream of creations loses no lead whose create() returned,
and leaves no half-written one."""

import threading
import time

from leads import LeadStore, StoreUnavailable, connect
from tests.support.redis_server import BANK, TEST_BRANCHES, FakeClock, lead_request

WRITERS = 4


def test_every_returned_lead_survives_a_sigkill(owned_redis, tmp_path):
    store = LeadStore(connect(owned_redis.url, tmp_path), TEST_BRANCHES, clock=FakeClock())
    returned: dict[str, str] = {}  # lead id -> status at creation
    accepted: set[str] = set()
    failures: list[BaseException] = []
    stop = threading.Event()
    numbers = iter(range(1_000_000))
    lock = threading.Lock()

    def write():
        while not stop.is_set():
            with lock:
                n = next(numbers)
            try:
                lead = store.create(**lead_request(n), idempotency_key=f"k{n}").lead
                returned[lead["id"]] = lead["status"]
                if n % 3 == 0:
                    store.transition(lead["id"], BANK, "accepted")
                    accepted.add(lead["id"])
            except StoreUnavailable:
                if not stop.is_set():
                    time.sleep(0.01)
            except BaseException as err:  # surfaced below: a thread's error must fail the test
                failures.append(err)
                return

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(returned) < 150 and not failures and time.monotonic() < deadline:
        time.sleep(0.005)
    owned_redis.kill()  # mid-stream: the writers are still sending
    time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert len(returned) >= 150

    owned_redis.start()  # same port, same directory: replays the AOF
    client = owned_redis.client()
    for lead_id, status in returned.items():
        lead = store.lead(lead_id, admin=True)
        events = store.events(lead_id, admin=True)
        assert events[0]["status"] == status == "routed"
        if lead_id in accepted:
            assert lead["status"] == "accepted"
            assert [e["status"] for e in events] == ["routed", "accepted"]
    # Nothing half-written: every lead record has its events, index entry and dedup key.
    indexed = set(client.zrange("loanmatch:leads", 0, -1))
    records = {
        key.split(":")[2]
        for key in client.scan_iter(match="loanmatch:lead:*")
        if not key.endswith(":events")
    }
    assert set(returned) <= records == indexed
    for lead_id in records:
        assert client.llen(f"loanmatch:lead:{lead_id}:events") >= 1
    # And the store works on after the restart.
    assert store.create(**lead_request(2_000_000)).created
