"""Routing: most specific branch first, weighted round robin, caps, and the overflow queue."""

import pytest

from leads import Branch
from tests.support.redis_server import BANK, lead_request


def branches(*items):
    return {BANK: tuple(items)}


def statuses(store, lead_ids):
    return [store.lead(lead_id, admin=True)["status"] for lead_id in lead_ids]


def test_weights_share_leads_between_equally_specific_branches(make_store):
    store = make_store(
        branches(
            Branch("a", "A", ("1302",), 100, weight=3), Branch("b", "B", ("1302",), 100, weight=1)
        )
    )
    order = [store.create(**lead_request(n)).lead["branch"] for n in range(40)]
    assert order.count("a") == 30 and order.count("b") == 10
    # Smooth: B's turns are spread out, never four A's in a row.
    assert "a" * 4 not in "".join(x[0] for x in order)


def test_the_most_specific_branch_comes_first_and_caps_spill_to_the_next_tier(make_store):
    store = make_store(
        branches(
            Branch("district", "路北", ("130203",), 2),
            Branch("city", "唐山", ("1302",), 1),
            Branch("province", "河北", ("13",), 1),
            Branch("anywhere", "总行", ("*",), 1),
        )
    )
    order = [store.create(**lead_request(n)).lead["branch"] for n in range(6)]
    assert order == ["district", "district", "city", "province", "anywhere", None]
    assert store.cap_usage(BANK) == {"district": 2, "city": 1, "province": 1, "anywhere": 1}


def test_a_lead_for_another_city_skips_branches_that_do_not_serve_it(make_store):
    store = make_store()
    lead = store.create(**lead_request(1, region_code="130102")).lead  # 石家庄
    assert lead["branch"] == "hebei"


def test_when_every_branch_is_full_the_lead_waits_and_is_routed_the_next_day(make_store, clock):
    store = make_store(branches(Branch("a", "A", ("1302",), 2), Branch("b", "B", ("13",), 1)))
    made = [store.create(**lead_request(n)).lead for n in range(6)]
    assert [lead["status"] for lead in made] == ["routed"] * 3 + ["queued"] * 3
    assert [lead["branch"] for lead in made[3:]] == [None] * 3
    queued = [lead["id"] for lead in made[3:]]
    assert store.events(queued[0], admin=True)[0]["status"] == "queued"
    assert store.route_overflow(BANK) == 0  # same day: still full
    assert statuses(store, queued) == ["queued"] * 3

    clock.advance(hours=14)  # 00:00 the next Beijing day
    assert store.route_overflow(BANK) == 3
    routed = [store.lead(lead_id, admin=True) for lead_id in queued]
    assert [lead["branch"] for lead in routed] == ["a", "a", "b"]  # oldest first
    last = store.events(queued[0], admin=True)[-1]
    assert (last["status"], last["from"], last["actor"]) == ("routed", "queued", "system")
    assert last["details"] == {"branch": "a"}
    assert store.route_overflow(BANK) == 0


def test_raising_a_cap_routes_waiting_leads_the_same_day(make_store):
    store = make_store(branches(Branch("a", "A", ("1302",), 1)))
    made = [store.create(**lead_request(n)).lead["id"] for n in range(4)]
    assert statuses(store, made) == ["routed", "queued", "queued", "queued"]
    store.set_branches(branches(Branch("a", "A", ("1302",), 3)))
    assert store.route_all_overflow() == {BANK: 2}
    assert statuses(store, made) == ["routed", "routed", "routed", "queued"]


def test_a_full_region_does_not_hold_up_another_regions_waiting_leads(make_store):
    layout = branches(Branch("ts", "唐山", ("1302",), 1), Branch("sjz", "石家庄", ("1301",), 0))
    store = make_store(layout)
    store.create(**lead_request(1))
    blocked = store.create(**lead_request(2)).lead["id"]  # 唐山, full
    waiting = store.create(**lead_request(3, region_code="130102")).lead["id"]  # 石家庄, paused
    store.set_branches(
        branches(Branch("ts", "唐山", ("1302",), 1), Branch("sjz", "石家庄", ("1301",), 5))
    )
    assert store.route_overflow(BANK) == 1
    assert statuses(store, [blocked, waiting]) == ["queued", "routed"]


def test_a_withdrawn_waiting_lead_leaves_the_queue_and_is_never_routed(make_store, clock):
    store = make_store(branches(Branch("a", "A", ("1302",), 1)))
    store.create(**lead_request(1))
    waiting = store.create(**lead_request(2)).lead["id"]
    store.transition(waiting, None, "withdrawn", portal="portal-1")
    clock.advance(days=1)
    assert store.route_overflow(BANK) == 0
    assert store.lead(waiting, admin=True)["status"] == "withdrawn"
    assert store.cap_usage(BANK) == {"a": 0}


def test_a_waiting_lead_whose_region_lost_its_branches_keeps_waiting(make_store, clock):
    store = make_store(branches(Branch("a", "A", ("1302",), 0)))
    waiting = store.create(**lead_request(1)).lead["id"]
    store.set_branches(branches(Branch("b", "B", ("51",), 5)))
    clock.advance(days=1)
    assert store.route_overflow(BANK) == 0
    assert store.lead(waiting, admin=True)["status"] == "queued"
    assert store.stats(BANK)["total"]["by_status"]["queued"] == 1


@pytest.mark.parametrize("cap", [0, 1])
def test_a_cap_of_zero_pauses_a_branch(make_store, cap):
    store = make_store(branches(Branch("a", "A", ("1302",), cap)))
    lead = store.create(**lead_request(1)).lead
    assert lead["status"] == ("routed" if cap else "queued")
