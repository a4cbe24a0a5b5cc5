"""Durability through the HTTP API: a Redis killed with SIGKILL in the middle of a stream of
lead applications, then restarted on the same port and data (AOF, fsync on every write).

What a portal depends on: a 201 means the lead is stored, with its audit trail, and
survives the crash; while Redis is down every lead call says 503 and when to retry
(never a 500); retrying with the same Idempotency-Key afterwards makes exactly one lead
whether or not the failed call reached Redis. What a bank depends on: a lead it claimed
and did not accept comes back, marked redelivered, after the visibility timeout, even
when Redis crashed in between.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from tests.support.leads_api import (
    ADMIN,
    BANK,
    PORTAL,
    application,
    bearer,
    claim,
    credit_code,
    make_app,
    redis_url,
    write_rules,
)

PREFIX = "durable:"
VISIBILITY = 1  # seconds: LOANMATCH_LEAD_VISIBILITY_TIMEOUT's smallest value
CLAIMED_BEFORE = 4  # leads a bank consumer claims before the crash and never accepts
BEFORE_KILL = 40  # 201s from the stream before Redis is killed
DURING_OUTAGE = 5  # 503s seen before Redis is started again
AFTER_RESTART = 15  # 201s after the restart before the stream stops
ACCEPT_EVERY = 4  # the bank accepts every 4th enterprise's lead as soon as it is made


def _app(tmp_path, url: str, prefix: str):
    rules = write_rules(tmp_path / "rules", tangshan=100_000, hebei=100_000)
    return make_app(
        rules,
        url,
        prefix,
        LOANMATCH_LEAD_VISIBILITY_TIMEOUT=str(VISIBILITY),
        LOANMATCH_DATA_DIR=str(tmp_path / "var"),
        LOANMATCH_WATCH="off",
    )


def _apply(client, n: int):
    return client.post(
        "/v1/leads",
        json=application(n),
        headers=bearer(PORTAL, **{"Idempotency-Key": f"apply-{n}"}),
    )


def _accept(client, lead_id: str):
    return client.post(
        f"/v1/leads/{lead_id}/status", json={"status": "accepted"}, headers=bearer(BANK)
    )


def _assert_retry_later(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["retry_after"] == int(response.headers["Retry-After"])


def _assert_retry_later_headers(answer: dict) -> None:
    assert int(answer["headers"]["Retry-After"]) > 0, answer
    assert answer["headers"]["Content-Type"].startswith("application/problem+json")
    assert answer["body"]["status"] == 503 and answer["body"]["retry_after"] > 0


class Stream:
    """A portal posting one enterprise's application after another, from its own thread;
    the bank accepts some of the leads at once. Every answer is kept with its timing."""

    def __init__(self, app, first: int):
        self.app = app
        self.numbers = iter(range(first, first + 1_000_000))
        self.applied: list[dict[str, Any]] = []  # n, status, body, headers, sent, answered
        self.accepts: dict[str, int] = {}  # lead id -> status of the accept call
        self.failures: list[BaseException] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        client = self.app.test_client()
        try:
            while not self.stop.is_set():
                n = next(self.numbers)
                sent = time.monotonic()
                response = _apply(client, n)
                self.applied.append(
                    dict(
                        n=n,
                        status=response.status_code,
                        body=response.get_json(),
                        headers=response.headers,
                        sent=sent,
                        answered=time.monotonic(),
                    )
                )
                if response.status_code == 201 and n % ACCEPT_EVERY == 0:
                    lead_id = response.get_json()["id"]
                    self.accepts[lead_id] = _accept(client, lead_id).status_code
                elif response.status_code == 503:
                    time.sleep(0.02)  # a portal that waits a little before its next call
        except BaseException as err:  # surfaced by the test: a thread's error must fail it
            self.failures.append(err)

    def count(self, status: int, since: float = 0.0) -> int:
        return sum(1 for a in list(self.applied) if a["status"] == status and a["sent"] >= since)

    def wait_for(self, status: int, at_least: int, since: float = 0.0) -> None:
        deadline = time.monotonic() + 15
        while self.count(status, since) < at_least:
            assert not self.failures, self.failures
            assert self.thread.is_alive(), "the stream stopped"
            assert time.monotonic() < deadline, (
                f"only {self.count(status, since)} answers {status} within 15 s"
            )
            time.sleep(0.005)


def test_leads_that_got_201_survive_a_sigkill_and_the_outage_says_retry(tmp_path, owned_redis):
    app = _app(tmp_path, owned_redis.url, PREFIX)
    client = app.test_client()
    # A bank officer claims a few leads before the crash and never accepts them.
    early = {n: _apply(client, n) for n in range(CLAIMED_BEFORE)}
    assert {r.status_code for r in early.values()} == {201}
    held = claim(client, consumer="a", count=CLAIMED_BEFORE).get_json()["leads"]
    claimed_by_a = {lead["id"] for lead in held}
    assert claimed_by_a == {r.get_json()["id"] for r in early.values()}

    stream = Stream(app, first=1000)
    stream.thread.start()
    stream.wait_for(201, BEFORE_KILL)
    owned_redis.kill()  # mid-stream: the portal is still posting
    down_since = time.monotonic()
    stream.wait_for(503, DURING_OUTAGE, since=down_since)
    _assert_retry_later(client.get(f"/v1/leads/{held[0]['id']}", headers=bearer(PORTAL)))
    _assert_retry_later(claim(client, consumer="a"))
    down_until = time.monotonic()
    owned_redis.start()  # the same port and directory: Redis replays its AOF
    up_again = time.monotonic()
    stream.wait_for(201, AFTER_RESTART, since=up_again)
    stream.stop.set()
    stream.thread.join(timeout=15)
    assert not stream.thread.is_alive(), "a lead call hung after the restart"
    assert not stream.failures, stream.failures

    applied = stream.applied
    assert {a["status"] for a in applied} <= {201, 503}, [
        (a["status"], a["body"]) for a in applied if a["status"] not in (201, 503)
    ]
    for answer in applied:
        if answer["status"] == 503:
            _assert_retry_later_headers(answer)
        elif down_since <= answer["sent"] and answer["answered"] <= down_until:
            raise AssertionError(f"a 201 while Redis was down: {answer['body']}")
    assert set(stream.accepts.values()) <= {200, 503}

    # The portal retries every 503 with its Idempotency-Key: one lead each, no duplicate.
    told: dict[int, dict] = {n: r.get_json() for n, r in early.items()}
    for answer in applied:
        if answer["status"] == 201:
            assert answer["n"] not in told
            told[answer["n"]] = answer["body"]
    for answer in applied:
        if answer["status"] == 503:
            again = _apply(client, answer["n"])
            assert again.status_code == 201, again.get_data(as_text=True)
            told[answer["n"]] = again.get_json()  # replayed if the failed call was stored

    for n, made in told.items():
        lead_id = made["id"]
        assert made["profile"]["credit_code"] == credit_code(n) and made["status"] == "routed"
        found = client.get(f"/v1/leads/{lead_id}", headers=bearer(PORTAL))
        assert found.status_code == 200, (n, found.get_data(as_text=True))
        lead = found.get_json()
        events = client.get(f"/v1/leads/{lead_id}/events", headers=bearer(ADMIN))
        assert events.status_code == 200, (n, events.get_data(as_text=True))
        trail = [(e["status"], e["from"]) for e in events.get_json()["events"]]
        accept = stream.accepts.get(lead_id)
        if accept == 200:
            assert lead["status"] == "accepted"
        elif accept is None:
            assert lead == made  # exactly what the 201 said, nothing lost or changed
        assert (
            trail
            == {
                "routed": [("routed", None)],
                "accepted": [("routed", None), ("accepted", "routed")],
            }[lead["status"]]
        )
        assert events.get_json()["events"][0]["details"] == {"branch": "tangshan"}

    # Redis holds exactly the leads callers were told of, each written whole.
    redis = owned_redis.client()
    stored = set(redis.zrange(f"{PREFIX}leads", 0, -1))
    assert stored == {made["id"] for made in told.values()}
    assert set(redis.zrange(f"{PREFIX}bank:hbbank:leads", 0, -1)) == stored
    entries = {entry_id for entry_id, _ in redis.xrange(f"{PREFIX}bank:hbbank:stream")}
    for n, made in told.items():
        record = redis.hgetall(f"{PREFIX}lead:{made['id']}")
        assert redis.llen(f"{PREFIX}lead:{made['id']}:events") >= 1
        assert (
            redis.hget(f"{PREFIX}dedup:{made['product_id']}:{credit_code(n)}", "lead") == made["id"]
        )
        if record["status"] == "routed":
            assert record["stream_id"] in entries  # still on its way to the bank

    # What officer "a" claimed and never accepted is pending still: after the visibility
    # timeout another officer gets it again, marked redelivered; nothing else is.
    time.sleep(max(0.0, VISIBILITY + 0.1 - (time.monotonic() - up_again)))
    offered = claim(client, consumer="b", count=100).get_json()["leads"]
    assert {x["id"] for x in offered if x["redelivered"]} == claimed_by_a
    assert all(x["masked"] for x in offered)
    assert not {x["id"] for x in offered} & {i for i, s in stream.accepts.items() if s == 200}


def test_a_claimed_lead_not_accepted_in_time_goes_to_the_next_claim(
    tmp_path, shared_redis, key_prefix
):
    client = _app(tmp_path, redis_url(shared_redis), key_prefix).test_client()
    first = _apply(client, 1).get_json()
    second = _apply(client, 2).get_json()

    (taken,) = claim(client, consumer="a", count=1).get_json()["leads"]
    assert taken["id"] == first["id"] and taken["redelivered"] is False
    # Within the timeout the lead is officer a's alone: b gets only the next one.
    (fresh,) = claim(client, consumer="b", count=5).get_json()["leads"]
    assert fresh["id"] == second["id"] and fresh["redelivered"] is False
    assert claim(client, consumer="c", count=5).get_json()["leads"] == []

    assert _accept(client, second["id"]).status_code == 200  # b acts on its lead; a does not
    time.sleep(VISIBILITY + 0.2)
    (again,) = claim(client, consumer="c", count=5).get_json()["leads"]
    assert again["id"] == first["id"] and again["redelivered"] is True
    assert again["masked"] is True and "profile" not in again
    assert claim(client, consumer="a", count=5).get_json()["leads"] == []  # c holds it now
    events = client.get(f"/v1/leads/{first['id']}/events", headers=bearer(BANK)).get_json()
    assert [e["status"] for e in events["events"]] == ["routed"]  # delivery is no status

    assert _accept(client, first["id"]).status_code == 200
    time.sleep(VISIBILITY + 0.2)
    for consumer in ("a", "b", "c"):  # accepted: never offered again
        assert claim(client, consumer=consumer, count=5).get_json()["leads"] == []
