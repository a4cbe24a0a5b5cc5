"""Delivery: each lead to one consumer at a time, again after the visibility timeout if
not accepted, never again once accepted or withdrawn."""

import time
from datetime import timedelta

import pytest

from leads import InvalidInput
from tests.support.redis_server import BANK, lead_request

TIMEOUT = timedelta(milliseconds=200)


def ids(claimed):
    return [lead["id"] for lead in claimed]


def test_an_unaccepted_lead_is_delivered_again_after_the_visibility_timeout(make_store):
    store = make_store(visibility_timeout=TIMEOUT)
    lead_id = store.create(**lead_request(1)).lead["id"]
    assert ids(store.claim(BANK, "officer-1", 5)) == [lead_id]
    assert store.claim(BANK, "officer-2", 5) == []  # held by officer-1 within the timeout
    time.sleep(0.3)
    (again,) = store.claim(BANK, "officer-2", 5)
    assert again["id"] == lead_id and again["redelivered"] is True
    assert again["masked"] is True
    store.transition(lead_id, BANK, "accepted")
    time.sleep(0.3)
    assert store.claim(BANK, "officer-3", 5) == []
    assert store.claim(BANK, "officer-1", 5) == []


def test_leads_come_oldest_first_and_count_is_respected(make_store, clock):
    store = make_store(visibility_timeout=TIMEOUT)
    made = []
    for n in range(5):
        made.append(store.create(**lead_request(n)).lead["id"])
        clock.advance(seconds=1)
    assert ids(store.claim(BANK, "officer-1", 2)) == made[:2]
    assert ids(store.claim(BANK, "officer-2", 2)) == made[2:4]
    time.sleep(0.3)
    # Overdue leads come back before fresh ones.
    assert ids(store.claim(BANK, "officer-3", 3)) == made[:3]
    assert ids(store.claim(BANK, "officer-3", 10)) == made[3:]


def test_a_withdrawn_lead_is_not_delivered_even_when_already_claimed(make_store):
    store = make_store(visibility_timeout=TIMEOUT)
    first = store.create(**lead_request(1)).lead["id"]
    second = store.create(**lead_request(2)).lead["id"]
    assert ids(store.claim(BANK, "officer-1", 1)) == [first]
    store.transition(first, None, "withdrawn", portal="portal-1")
    store.transition(second, None, "withdrawn", portal="portal-1")
    time.sleep(0.3)
    assert store.claim(BANK, "officer-2", 10) == []


def test_a_lead_routed_from_the_overflow_queue_is_delivered(make_store, clock):
    from leads import Branch

    store = make_store({BANK: (Branch("a", "A", ("1302",), 1),)})
    store.create(**lead_request(1))
    waiting = store.create(**lead_request(2)).lead["id"]
    assert len(store.claim(BANK, "officer-1", 10)) == 1
    clock.advance(days=1)
    store.route_overflow(BANK)
    assert ids(store.claim(BANK, "officer-1", 10)) == [waiting]


def test_a_lost_consumer_group_is_recreated(make_store, shared_redis, key_prefix):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    stream = f"{key_prefix}bank:{BANK}:stream"
    store.claim(BANK, "officer-1", 1)
    shared_redis.xgroup_destroy(stream, "leads")  # as after restoring an older backup
    assert ids(store.claim(BANK, "officer-1", 1)) == [lead_id]


@pytest.mark.parametrize(
    "consumer, count, field",
    [
        ("", 1, "consumer"),
        ("officer 1", 1, "consumer"),
        ("x" * 65, 1, "consumer"),
        ("officer-1", 0, "count"),
        ("officer-1", 101, "count"),
        ("officer-1", "5", "count"),
    ],
)
def test_bad_claims_name_the_field(make_store, consumer, count, field):
    store = make_store()
    with pytest.raises(InvalidInput) as caught:
        store.claim(BANK, consumer, count)
    assert caught.value.field == field
