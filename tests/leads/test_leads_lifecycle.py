"""A lead's life: claimed masked, accepted, approved or declined, disbursed, withdrawn;
every bank sees only its own leads; every change is in the audit trail."""

import json
from decimal import Decimal

import pytest

from leads import InvalidInput, InvalidTransition, NotAllowed, NotFound
from tests.support.redis_server import BANK, PRODUCT, lead_request

APPROVAL = {"amount": 800_000, "rate_pct": "3.85", "term_months": 12}
PERSONAL = ("唐山市示例企业", "9113020", "13800138000")  # name, credit code, phone


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def test_the_whole_lifecycle(make_store, clock):
    store = make_store()
    lead_id = store.create(**lead_request(1), idempotency_key="k1").lead["id"]

    (claimed,) = store.claim(BANK, "officer-1", 10)
    assert claimed["id"] == lead_id and claimed["masked"] and not claimed["redelivered"]
    clock.advance(hours=2)
    accepted = store.transition(lead_id, BANK, "accepted", actor="bank-key-1")
    assert accepted["status"] == "accepted" and not accepted["masked"]
    assert accepted["profile"]["name"] == "唐山市示例企业1号有限公司"
    clock.advance(hours=22)
    approved = store.transition(
        lead_id, BANK, "approved", dict(APPROVAL, note="首贷"), actor="bank-key-1"
    )
    assert approved["approved"] == {
        "at": "2024-05-07T10:00:00.000+08:00",
        "amount": 800_000,
        "rate_pct": Decimal("3.85"),
        "term_months": 12,
        "note": "首贷",
    }
    clock.advance(days=2)
    disbursed = store.transition(
        lead_id, BANK, "disbursed", {"amount": 800_000, "date": "2024-05-09"}, actor="bank-key-2"
    )
    assert disbursed["status"] == "disbursed"
    assert disbursed["disbursed"]["amount"] == 800_000
    assert disbursed["disbursed"]["date"] == "2024-05-09"

    events = store.events(lead_id, bank=BANK)
    assert [(e["from"], e["status"]) for e in events] == [
        (None, "routed"),
        ("routed", "accepted"),
        ("accepted", "approved"),
        ("approved", "disbursed"),
    ]
    assert [e["actor"] for e in events] == ["portal-1", "bank-key-1", "bank-key-1", "bank-key-2"]
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    assert events[2]["details"] == {
        "amount": 800_000,
        "rate_pct": "3.85",
        "term_months": 12,
        "note": "首贷",
    }
    assert store.events(lead_id, portal="portal-1") == events

    stats = store.stats(BANK)["total"]
    assert stats["by_status"]["disbursed"] == 1
    assert (stats["amount_requested"], stats["amount_approved"], stats["amount_disbursed"]) == (
        1_000_000,
        800_000,
        800_000,
    )
    assert stats["pickup_rate"] == 1.0
    assert stats["median_hours_to_decision"] == 24.0
    assert store.approval_rate(PRODUCT, "small", "130000") > 0.5


def test_a_bank_sees_a_masked_summary_until_it_accepts(make_store):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    for view in (store.claim(BANK, "officer-1", 1)[0], store.lead(lead_id, bank=BANK)):
        assert view["masked"] is True
        assert view["summary"] == {
            "industry_code": "C3311",
            "industry_section": "C",
            "province_code": "130000",
            "city_code": "130200",
            "size_class": "small",
        }
        assert view["requested_amount"] == 1_000_000 and view["requested_term_months"] == 12
        assert view["matched_criteria"] == [{"field": "years_in_business", "label": "成立满2年"}]
        text = dump(view)
        for personal in PERSONAL:
            assert personal not in text
        assert "profile" not in view and "consent" not in view
    text = dump(store.events(lead_id, bank=BANK))
    for personal in PERSONAL:
        assert personal not in text
    full = store.transition(lead_id, BANK, "accepted")
    assert full["profile"]["credit_code"] == "911302000000000001"
    assert full["profile"]["contact_phone"] == "13800138000"
    assert full["consent"]["version"] == "2024-05"
    assert store.lead(lead_id, bank=BANK) == full


def test_a_bank_cannot_see_or_touch_another_banks_lead(make_store):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    assert store.claim("otherbank", "officer-9", 10) == []
    with pytest.raises(NotFound) as caught:
        store.lead(lead_id, bank="otherbank")
    assert caught.value.http_status == 404
    with pytest.raises(NotFound):
        store.events(lead_id, bank="otherbank")
    for status, details in (
        ("accepted", None),
        ("approved", APPROVAL),
        ("declined", {"reason": "policy"}),
    ):
        with pytest.raises(NotFound):
            store.transition(lead_id, "otherbank", status, details)
    # The answer for another bank's lead is the answer for a lead that does not exist.
    with pytest.raises(NotFound) as missing:
        store.lead("01HX5T2680A5BATXVD57EDDHCP", bank="otherbank")
    assert str(missing.value).replace("01HX5T2680A5BATXVD57EDDHCP", lead_id) == str(caught.value)
    assert store.stats("otherbank")["total"]["leads"] == 0
    assert store.lead(lead_id, bank=BANK)["status"] == "routed"
    assert len(store.events(lead_id, bank=BANK)) == 1


def test_a_portal_sees_and_withdraws_only_its_own_leads(make_store):
    store = make_store()
    lead_id = store.create(**lead_request(1, portal="portal-1")).lead["id"]
    with pytest.raises(NotFound):
        store.lead(lead_id, portal="portal-2")
    with pytest.raises(NotFound):
        store.transition(lead_id, None, "withdrawn", portal="portal-2")
    withdrawn = store.transition(
        lead_id,
        None,
        "withdrawn",
        {"note": "已从他行获得贷款"},
        portal="portal-1",
        actor="portal-1/key-4",
    )
    assert withdrawn["withdrawn"]["note"] == "已从他行获得贷款"
    assert store.events(lead_id, admin=True)[-1]["actor"] == "portal-1/key-4"


@pytest.mark.parametrize(
    "bank, portal, status",
    [
        (BANK, None, "withdrawn"),
        (None, "portal-1", "accepted"),
        (None, "portal-1", "approved"),
        (BANK, None, "routed"),
        (BANK, None, "queued"),
    ],
)
def test_each_role_makes_only_its_own_moves(make_store, bank, portal, status):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    with pytest.raises(NotAllowed) as caught:
        store.transition(lead_id, bank, status, portal=portal)
    assert caught.value.http_status == 403
    assert store.lead(lead_id, admin=True)["status"] == "routed"


def test_invalid_transitions_are_refused_and_change_nothing(make_store):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    with pytest.raises(InvalidTransition) as caught:
        store.transition(lead_id, BANK, "approved", APPROVAL)
    assert (caught.value.current, caught.value.requested) == ("routed", "approved")
    assert caught.value.http_status == 409
    store.transition(lead_id, BANK, "accepted")
    with pytest.raises(InvalidTransition):
        store.transition(lead_id, BANK, "accepted")
    with pytest.raises(InvalidTransition):
        store.transition(lead_id, BANK, "disbursed", {"amount": 1, "date": "2024-05-06"})
    store.transition(lead_id, BANK, "declined", {"reason": "credit_record"})
    for bank, portal, status, details in (
        (BANK, None, "approved", APPROVAL),
        (BANK, None, "accepted", None),
        (None, "portal-1", "withdrawn", None),
    ):
        with pytest.raises(InvalidTransition) as caught:
            store.transition(lead_id, bank, status, details, portal=portal)
        assert caught.value.current == "declined"
    assert [e["status"] for e in store.events(lead_id, admin=True)] == [
        "routed",
        "accepted",
        "declined",
    ]
    declined = store.lead(lead_id, bank=BANK)["declined"]
    assert declined["reason"] == "credit_record"


def test_a_bank_may_accept_a_lead_still_waiting_for_capacity(make_store, clock):
    from leads import Branch

    store = make_store({BANK: (Branch("a", "A", ("1302",), 0),)})
    lead_id = store.create(**lead_request(1)).lead["id"]
    assert store.transition(lead_id, BANK, "accepted")["status"] == "accepted"
    store.set_branches({BANK: (Branch("a", "A", ("1302",), 5),)})
    assert store.route_overflow(BANK) == 0
    assert store.lead(lead_id, bank=BANK)["status"] == "accepted"


@pytest.mark.parametrize(
    "status, details, field",
    [
        ("approved", {"amount": 800_000, "term_months": 12}, "details.rate_pct"),
        ("approved", dict(APPROVAL, amount=800_000.5), "details.amount"),
        ("approved", dict(APPROVAL, rate_pct="abc"), "details.rate_pct"),
        ("approved", dict(APPROVAL, rate_pct=0), "details.rate_pct"),
        ("approved", dict(APPROVAL, term_months=0), "details.term_months"),
        ("approved", dict(APPROVAL, colour="red"), "details.colour"),
        ("declined", {"reason": "bad vibes"}, "details.reason"),
        ("declined", {"reason": "other"}, "details.note"),
        ("declined", {"reason": "policy", "note": "x" * 501}, "details.note"),
    ],
)
def test_bad_details_name_the_field(make_store, status, details, field):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    store.transition(lead_id, BANK, "accepted")
    with pytest.raises(InvalidInput) as caught:
        store.transition(lead_id, BANK, status, details)
    assert caught.value.field == field
    assert store.lead(lead_id, bank=BANK)["status"] == "accepted"


def test_a_float_rate_keeps_its_written_digits(make_store):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    store.transition(lead_id, BANK, "accepted")
    view = store.transition(lead_id, BANK, "approved", dict(APPROVAL, rate_pct=4.35))
    assert view["approved"]["rate_pct"] == Decimal("4.35")


@pytest.mark.parametrize(
    "details, message",
    [
        ({"amount": 800_001, "date": "2024-05-06"}, "exceeds the approved amount 800000"),
        ({"amount": 800_000, "date": "2024-05-07"}, "in the future"),
        ({"amount": 800_000, "date": "06/05/2024"}, "YYYY-MM-DD"),
    ],
)
def test_a_disbursement_must_fit_the_approval_and_have_happened(make_store, details, message):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    store.transition(lead_id, BANK, "accepted")
    store.transition(lead_id, BANK, "approved", APPROVAL)
    with pytest.raises(InvalidInput, match=message):
        store.transition(lead_id, BANK, "disbursed", details)
    assert store.lead(lead_id, bank=BANK)["status"] == "approved"


def test_unknown_statuses_and_malformed_ids(make_store):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    with pytest.raises(InvalidInput) as caught:
        store.transition(lead_id, BANK, "finished")
    assert caught.value.field == "status"
    for bad in ("nope", "../../etc", lead_id.lower(), ""):
        with pytest.raises(NotFound):
            store.lead(bad, admin=True)
        with pytest.raises(NotFound):
            store.transition(bad, BANK, "accepted")


def test_the_caller_must_say_who_is_asking(make_store):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    with pytest.raises(ValueError):
        store.lead(lead_id)
    with pytest.raises(ValueError):
        store.events(lead_id, bank=BANK, admin=True)
    with pytest.raises(ValueError):
        store.transition(lead_id, BANK, "withdrawn", portal="portal-1")


def test_a_transition_resent_after_a_lost_reply_happens_once(make_store):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    script = store.scripts.transition

    def sent_twice(**call):
        script(**call)  # ran on the server; its reply was lost
        return script(**call)

    store.scripts.transition = sent_twice
    store.transition(lead_id, BANK, "accepted")
    store.transition(lead_id, BANK, "approved", APPROVAL)
    assert [e["status"] for e in store.events(lead_id, admin=True)] == [
        "routed",
        "accepted",
        "approved",
    ]
    assert store.stats()["total"]["amount_approved"] == 800_000
    assert store.approval_rate(PRODUCT, "small", "130000") == pytest.approx((1 + 4 * 0.6) / 5)


def test_absurd_amounts_are_refused_before_lua_compares_them_as_floats(make_store):
    store = make_store()
    lead_id = store.create(**lead_request(7)).lead["id"]
    store.transition(lead_id, BANK, "accepted")
    with pytest.raises(InvalidInput) as caught:
        store.transition(lead_id, BANK, "approved", dict(APPROVAL, amount=10**400))
    assert caught.value.field.endswith("amount")
    store.transition(lead_id, BANK, "approved", APPROVAL)
    with pytest.raises(InvalidInput):
        store.transition(lead_id, BANK, "disbursed", {"amount": 10**401, "date": "2024-05-20"})
    assert store.lead(lead_id, bank=BANK)["status"] == "approved"
