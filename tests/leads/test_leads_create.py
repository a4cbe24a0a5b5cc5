"""Creating a lead: what is stored, dedup, idempotency, and refusal without a trace."""

import pytest

from leads import DuplicateLead, IdempotencyConflict, InvalidInput, NoBranch
from leads.ids import is_lead_id
from tests.support.redis_server import BANK, PRODUCT, lead_request, make_profile


def keys_under(client, prefix):
    return sorted(client.scan_iter(match=f"{prefix}*"))


def test_a_created_lead_is_routed_recorded_and_has_its_first_event(make_store):
    store = make_store()
    made = store.create(**lead_request(1), idempotency_key="req-1")
    lead = made.lead
    assert made.created
    assert is_lead_id(lead["id"])
    assert lead["status"] == "routed" and lead["branch"] == "lubei"
    assert lead["requested_amount"] == 1_000_000 and lead["requested_term_months"] == 12
    assert lead["profile"]["name"] == "唐山市示例企业1号有限公司"
    assert lead["consent"] == {
        "granted": True,
        "at": "2024-05-01T09:00:00+08:00",
        "version": "2024-05",
    }
    assert lead["catalog_version"] == "2024-05-06.1"
    assert lead["created_at"] == "2024-05-06T10:00:00.000+08:00"
    assert store.lead(lead["id"], portal="portal-1") == lead
    (event,) = store.events(lead["id"], portal="portal-1")
    assert event == {
        "at": "2024-05-06T10:00:00.000+08:00",
        "status": "routed",
        "from": None,
        "actor": "portal-1",
        "details": {"branch": "lubei"},
    }


def test_lead_ids_sort_by_creation_time_and_differ(make_store, clock):
    store = make_store()
    ids = []
    for n in range(20):
        ids.append(store.create(**lead_request(n)).lead["id"])
        clock.advance(milliseconds=1)
    assert ids == sorted(ids) and len(set(ids)) == 20


def test_a_repeated_idempotency_key_returns_the_first_lead(make_store):
    store = make_store()
    first = store.create(**lead_request(1), idempotency_key="abc")
    again = store.create(**lead_request(1), idempotency_key="abc")
    assert not again.created
    assert again.lead == first.lead
    assert store.stats()["total"]["leads"] == 1


def test_an_idempotency_key_reused_for_another_request_is_refused(make_store):
    store = make_store()
    first = store.create(**lead_request(1), idempotency_key="abc")
    with pytest.raises(IdempotencyConflict) as caught:
        store.create(**lead_request(1, amount=2_000_000), idempotency_key="abc")
    assert caught.value.existing_id == first.lead["id"]
    assert caught.value.http_status == 422


def test_idempotency_keys_of_different_portals_do_not_collide(make_store):
    store = make_store()
    one = store.create(**lead_request(1, portal="portal-1"), idempotency_key="abc")
    two = store.create(**lead_request(2, portal="portal-2"), idempotency_key="abc")
    assert two.created and two.lead["id"] != one.lead["id"]


def test_the_same_enterprise_and_product_within_the_window_is_a_duplicate(make_store, clock):
    store = make_store()
    first = store.create(**lead_request(1))
    clock.advance(days=29, hours=23)
    with pytest.raises(DuplicateLead) as caught:
        store.create(**lead_request(1, portal="portal-2"))
    assert caught.value.existing_id == first.lead["id"]
    assert caught.value.http_status == 409
    # Another product of the same enterprise is a new application.
    assert store.create(**lead_request(1, product_id="testbank-other")).created
    clock.advance(hours=1)
    later = store.create(**lead_request(1))
    assert later.created and later.lead["id"] != first.lead["id"]


def test_the_dedup_window_is_configurable(make_store, clock):
    store = make_store(dedup_window=__import__("datetime").timedelta(days=1))
    store.create(**lead_request(1))
    clock.advance(hours=23)
    with pytest.raises(DuplicateLead):
        store.create(**lead_request(1))
    clock.advance(hours=1)
    assert store.create(**lead_request(1)).created


def test_credit_codes_are_compared_without_case_or_spaces(make_store):
    store = make_store()
    store.create(**lead_request(1))
    request = lead_request(1)
    request["profile"]["credit_code"] = " " + request["profile"]["credit_code"].lower() + " "
    with pytest.raises(DuplicateLead):
        store.create(**request)


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda r: r["consent"].update(granted=False), "consent.granted"),
        (lambda r: r["consent"].update(at="yesterday"), "consent.at"),
        (lambda r: r["consent"].update(at="2024-05-01T09:00:00"), "consent.at"),
        (lambda r: r["consent"].update(at="2024-06-01T09:00:00+08:00"), "consent.at"),
        (lambda r: r["consent"].pop("version"), "consent.version"),
        (lambda r: r.update(consent=None), "consent"),
        (lambda r: r["profile"].pop("credit_code"), "profile.credit_code"),
        (lambda r: r["profile"].update(region_code="1302"), "profile.region_code"),
        (lambda r: r.update(amount=1000.5), "amount"),
        (lambda r: r.update(amount=0), "amount"),
        (lambda r: r.update(term_months=True), "term_months"),
        (lambda r: r.update(product_id="Bad Product"), "product_id"),
        (lambda r: r.update(portal=""), "portal"),
        (lambda r: r.update(matched_criteria="all"), "matched_criteria"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    make_store, shared_redis, key_prefix, change, field
):
    store = make_store()
    request = lead_request(1)
    change(request)
    with pytest.raises(InvalidInput) as caught:
        store.create(**request)
    assert caught.value.field == field
    assert caught.value.http_status == 422
    assert keys_under(shared_redis, key_prefix) == []


def test_a_region_no_branch_serves_is_refused_and_nothing_is_written(
    make_store, shared_redis, key_prefix
):
    store = make_store()
    with pytest.raises(NoBranch) as caught:
        store.create(**lead_request(1, region_code="650102"))
    assert "650102" in str(caught.value) and caught.value.http_status == 422
    with pytest.raises(NoBranch, match="no branch file"):
        store.create(**lead_request(1, bank="nobank", product_id="nobank-x"))
    assert keys_under(shared_redis, key_prefix) == []


def test_a_refused_duplicate_leaves_the_caps_untouched(make_store):
    store = make_store()
    store.create(**lead_request(1))
    with pytest.raises(DuplicateLead):
        store.create(**lead_request(1))
    assert store.cap_usage(BANK) == {"lubei": 1, "city-a": 0, "city-b": 0, "hebei": 0, "sichuan": 0}


def test_decimal_and_date_values_in_the_profile_are_kept_exactly(make_store):
    from datetime import date
    from decimal import Decimal

    store = make_store()
    request = lead_request(1)
    request["profile"].update(
        annual_revenue=Decimal("28000000.55"),
        debt_ratio=Decimal("0.52"),
        established_on=date(2016, 5, 20),
    )
    lead = store.create(**request).lead
    assert lead["profile"]["annual_revenue"] == Decimal("28000000.55")
    assert lead["profile"]["debt_ratio"] == Decimal("0.52")
    assert lead["profile"]["established_on"] == "2016-05-20"
    assert lead["product_id"] == PRODUCT


def test_a_profile_loaded_by_the_matcher_is_taken_as_it_is(make_store):
    """The HTTP layer passes what ``load_profile`` returned: dates, Decimals, derived fields."""
    from datetime import date
    from decimal import Decimal

    from matcher.vocabulary.profile import load_profile

    posted = {
        name: value
        for name, value in make_profile(1).items()
        if name
        not in ("size_class", "province_code", "city_code", "industry_section", "contact_phone")
    }
    posted.update(credit_code="91130203MA07LQ8K34", total_assets=35_000_000)
    profile = load_profile(posted, as_of=date(2024, 5, 6))
    store = make_store()
    lead = store.create(**dict(lead_request(1), profile=profile)).lead
    assert lead["profile"]["established_on"] == "2016-05-20"
    assert lead["profile"]["debt_ratio"] == Decimal("0.52")
    assert lead["profile"]["credit_code"] == posted["credit_code"]
    masked = store.lead(lead["id"], bank=BANK)
    assert masked["summary"]["size_class"] == profile.values["size_class"]
    assert masked["summary"]["city_code"] == "130200"


def test_a_create_resent_after_a_lost_reply_makes_one_lead(make_store):
    """redis-py re-sends a command once when the connection drops before the reply."""
    store = make_store()
    script = store.scripts.create

    def sent_twice(**call):
        script(**call)  # ran on the server; its reply was lost
        return script(**call)

    store.scripts.create = sent_twice
    made = store.create(**lead_request(1))
    assert made.created and made.lead["status"] == "routed"
    assert store.stats()["total"]["leads"] == 1
    assert store.cap_usage(BANK)["lubei"] == 1
    assert len(store.events(made.lead["id"], admin=True)) == 1
