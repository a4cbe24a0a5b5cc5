"""Approval rates: a Beta prior so a new product or segment is not punished for no history."""

import pytest

from tests.support.redis_server import BANK, PRODUCT, lead_request

APPROVAL = {"amount": 500_000, "rate_pct": "4.2", "term_months": 12}


def decide(store, n, approve, region_code="130203", product_id=PRODUCT, size_class="small"):
    request = lead_request(n, region_code=region_code, product_id=product_id)
    request["profile"]["size_class"] = size_class
    lead_id = store.create(**request).lead["id"]
    store.transition(lead_id, BANK, "accepted")
    if approve:
        store.transition(lead_id, BANK, "approved", APPROVAL)
    else:
        store.transition(lead_id, BANK, "declined", {"reason": "revenue"})
    return lead_id


def test_a_product_without_history_gets_the_prior_mean(make_store):
    store = make_store()
    assert store.approval_rate("brand-new", "micro", "510000") == 0.5
    store = make_store(prior_alpha=1, prior_beta=3)
    assert store.approval_rate("brand-new", "micro", "510000") == 0.25


def test_a_segment_is_shrunk_toward_its_products_rate(make_store):
    store = make_store()
    for n, approve in enumerate([True, True, True, False]):  # small firms in Hebei
        decide(store, n, approve)
    decide(store, 10, False, region_code="510104", size_class="medium")  # one in Sichuan
    # Product: 3 of 5 approved, prior Beta(2, 2): (3 + 2) / (5 + 4) = 5/9.
    product = 5 / 9
    # small|13: 3 of 4, prior strength 4 centred on the product: (3 + 4p) / (4 + 4).
    assert store.approval_rate(PRODUCT, "small", "130000") == pytest.approx((3 + 4 * product) / 8)
    # medium|51: 0 of 1: (0 + 4p) / (1 + 4), below the product but far from 0.
    assert store.approval_rate(PRODUCT, "medium", "510000") == pytest.approx(4 * product / 5)
    # A segment with no decision yet gets the product's rate.
    assert store.approval_rate(PRODUCT, "micro", "320000") == pytest.approx(product)
    # Any region code of the province names the same segment.
    assert store.approval_rate(PRODUCT, "small", "130203") == store.approval_rate(
        PRODUCT, "small", "130000"
    )


def test_rates_of_many_products_come_in_one_call(make_store):
    store = make_store()
    decide(store, 1, True)
    decide(store, 2, False, product_id="testbank-other")
    products = [PRODUCT, "testbank-other", "brand-new"]
    rates = store.approval_rates(products, "small", "130000")
    assert list(rates) == products
    assert rates == {p: store.approval_rate(p, "small", "130000") for p in products}
    assert rates[PRODUCT] > rates["brand-new"] == 0.5 > rates["testbank-other"]
    assert all(0 <= rate <= 1 for rate in rates.values())


def test_a_lead_counts_once_whatever_happens_after_the_decision(make_store):
    store = make_store()
    approved = decide(store, 1, True)
    before = store.approval_rate(PRODUCT, "small", "130000")
    store.transition(approved, BANK, "disbursed", {"amount": 500_000, "date": "2024-05-06"})
    other = decide(store, 2, True)
    store.transition(other, None, "withdrawn", portal="portal-1")
    after = store.approval_rate(PRODUCT, "small", "130000")
    # Two approvals out of two decisions, however they ended.
    assert after == pytest.approx((2 + 4 * (4 / 6)) / 6) and after > before


def test_leads_not_yet_decided_do_not_count(make_store):
    store = make_store()
    lead_id = store.create(**lead_request(1)).lead["id"]
    store.transition(lead_id, BANK, "accepted")
    store.transition(
        store.create(**lead_request(2)).lead["id"], None, "withdrawn", portal="portal-1"
    )
    assert store.approval_rate(PRODUCT, "small", "130000") == 0.5


def _reads(client):
    return client.info("commandstats").get("cmdstat_hgetall", {}).get("calls", 0)


def test_cached_rates_follow_every_decision_seen_by_any_worker(make_store, shared_redis):
    # Two stores on one Redis stand for two gunicorn workers: the one that reads
    # rates must see a decision the other records, on its very next read.
    reader, writer = make_store(), make_store()
    products = [PRODUCT, "testbank-other"]
    assert reader.approval_rates(products, "small", "130000") == dict.fromkeys(products, 0.5)
    decide(writer, 1, True)
    first = reader.approval_rates(products, "small", "130000")
    assert first[PRODUCT] > 0.5 and first["testbank-other"] == 0.5
    decide(writer, 2, False, product_id="testbank-other")
    second = reader.approval_rates(products, "small", "130000")
    assert second[PRODUCT] == first[PRODUCT] and second["testbank-other"] < 0.5
    assert second == make_store().approval_rates(products, "small", "130000")  # uncached


def test_unchanged_rates_are_not_read_again(make_store, shared_redis):
    store = make_store()
    decide(store, 1, True)
    products = [PRODUCT, "testbank-other", "brand-new"]
    first = store.approval_rates(products, "small", "130000")
    before = _reads(shared_redis)
    assert store.approval_rates(products, "small", "130000") == first
    assert store.approval_rates(products[:2], "small", "130000") == {
        p: first[p] for p in products[:2]
    }
    assert _reads(shared_redis) == before
    # another segment needs no read (a product's counts hold every segment's)
    assert store.approval_rates(products, "micro", "510000") == {
        p: make_store().approval_rates([p], "micro", "510000")[p] for p in products
    }
    assert _reads(shared_redis) == before + len(products)  # those of the uncached stores
    store.approval_rates(["testbank-new"], "small", "130000")  # a product not read yet is
    assert _reads(shared_redis) == before + len(products) + 1


def test_a_batch_ranks_on_one_snapshot_taken_by_refresh(make_store):
    reader, writer = make_store(), make_store()
    reader.refresh_outcomes()
    assert reader.approval_rates([PRODUCT], "small", "130000", recheck=False) == {PRODUCT: 0.5}
    decide(writer, 1, True)
    # not rechecked: the snapshot holds (counts already read are kept)
    assert reader.approval_rates([PRODUCT], "small", "130000", recheck=False) == {PRODUCT: 0.5}
    reader.refresh_outcomes()
    assert reader.approval_rates([PRODUCT], "small", "130000", recheck=False)[PRODUCT] > 0.5


def test_a_snapshot_is_data_read_once_for_a_catalogs_products(make_store, shared_redis):
    # The matcher ranks with a snapshot taken before matching, never by calling back:
    # it holds every product's counts, answers any segment, and costs no read per match
    # while nothing is decided (the catalog passes the same tuple of ids each time).
    reader, writer = make_store(), make_store()
    decide(writer, 1, True)
    ids = (PRODUCT, "testbank-other", "brand-new")
    snapshot = reader.approval_snapshot(ids)
    small, micro = (
        snapshot.segment("small", "130203"),
        snapshot.for_profile({"size_class": "micro", "province_code": "510000"}),
    )
    assert dict(small) == reader.approval_rates(ids, "small", "130000")
    assert dict(micro) == make_store().approval_rates(ids, "micro", "510000")
    assert small.get("not-in-the-catalog") is None and "not-in-the-catalog" not in small
    before = _reads(shared_redis)
    for _ in range(3):
        assert dict(reader.approval_snapshot(ids).segment("small", "130000")) == dict(small)
    assert _reads(shared_redis) == before  # one GET each, no HGETALL
    decide(writer, 2, False)
    before = _reads(shared_redis)
    after = reader.approval_snapshot(ids).segment("small", "130000")
    assert after[PRODUCT] < small[PRODUCT]
    assert _reads(shared_redis) == before + len(ids)  # read again once, in one pipeline
    assert small[PRODUCT] > 0.5  # a snapshot already taken does not move
