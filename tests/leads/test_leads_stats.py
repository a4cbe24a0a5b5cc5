"""Statistics by status, amounts, pickup rate and time to decision, per bank, product and month."""

from tests.support.redis_server import BANK, PRODUCT, lead_request

APPROVAL = {"amount": 600_000, "rate_pct": "4.0", "term_months": 12}


def test_statistics_of_a_month_of_leads(make_store, clock):
    store = make_store()
    # May: four leads to testbank, one to otherbank.
    a = store.create(**lead_request(1)).lead["id"]
    b = store.create(**lead_request(2, amount=2_000_000)).lead["id"]
    c = store.create(**lead_request(3)).lead["id"]
    store.create(**lead_request(4, product_id="testbank-other"))
    store.create(**lead_request(5, bank="otherbank", product_id="otherbank-x"))
    clock.advance(hours=3)
    store.transition(a, BANK, "accepted")
    store.transition(b, BANK, "accepted")
    store.transition(c, None, "withdrawn", portal="portal-1")
    clock.advance(hours=3)
    store.transition(a, BANK, "approved", APPROVAL)  # 6 h after creation
    clock.advance(hours=4)
    store.transition(b, BANK, "declined", {"reason": "debt_level"})  # 10 h
    store.transition(a, BANK, "disbursed", {"amount": 500_000, "date": "2024-05-06"})
    # June: one more, undecided.
    clock.advance(days=30)
    e = store.create(**lead_request(6)).lead["id"]
    store.transition(e, BANK, "accepted")

    everything = store.stats()
    total = everything["total"]
    assert total["leads"] == 6
    assert total["by_status"] == {
        "queued": 0,
        "routed": 2,
        "accepted": 1,
        "approved": 0,
        "declined": 1,
        "disbursed": 1,
        "withdrawn": 1,
    }
    assert total["amount_requested"] == 7_000_000
    assert total["amount_approved"] == 600_000
    assert total["amount_disbursed"] == 500_000
    assert total["pickup_rate"] == 0.5  # 3 accepted of 6 that reached a bank
    assert total["median_hours_to_decision"] == 8.0
    assert set(everything["by_bank"]) == {BANK, "otherbank"}
    assert everything["by_bank"]["otherbank"]["leads"] == 1
    assert everything["by_month"]["2024-05"]["leads"] == 5
    assert everything["by_month"]["2024-06"]["by_status"]["accepted"] == 1
    assert everything["by_product"]["testbank-other"]["pickup_rate"] == 0.0
    assert everything["by_product"][PRODUCT]["amount_requested"] == 5_000_000
    assert everything["as_of"].startswith("2024-06-05T")

    mine = store.stats(BANK)
    assert mine["bank"] == BANK
    assert mine["total"]["leads"] == 5
    assert set(mine["by_bank"]) == {BANK}
    assert mine["total"]["pickup_rate"] == 0.6  # 3 of 5


def test_statistics_of_no_leads(make_store):
    total = make_store().stats("nobank")["total"]
    assert total["leads"] == 0 and total["amount_requested"] == 0
    assert total["pickup_rate"] is None and total["median_hours_to_decision"] is None


def test_statistics_read_more_leads_than_one_page(make_store, monkeypatch):
    import leads.stats

    monkeypatch.setattr(leads.stats, "PAGE", 7)
    store = make_store()
    for n in range(30):
        store.create(**lead_request(n))
    assert store.stats()["total"]["leads"] == 30
