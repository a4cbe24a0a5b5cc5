"""The dashboard's figures from lead records in a real Redis, on a clock the test moves."""

from __future__ import annotations

from tests.support.redis_server import BANK, lead_request
from workbench.figures import figures, lead_rows


def test_figures_count_firms_money_rates_and_waiting_times(make_store, clock):
    store = make_store()
    first = store.create(**lead_request(1)).lead["id"]
    second = store.create(**lead_request(2, region_code="510104")).lead["id"]
    store.create(**lead_request(1, product_id="testbank-other"))  # the same firm again
    clock.advance(hours=2)
    claimed = store.claim(BANK, "officer-1", count=10)
    assert len(claimed) == 3
    clock.advance(hours=1)
    store.claim(BANK, "officer-2", count=10)  # a second claim does not reset the first
    store.transition(first, BANK, "accepted", actor="k")
    store.transition(second, BANK, "accepted", actor="k")
    clock.advance(hours=2)
    store.transition(
        first,
        BANK,
        "approved",
        {"amount": 600_000, "rate_pct": "3.9", "term_months": 12},
        actor="k",
    )
    store.transition(second, BANK, "declined", {"reason": "revenue"}, actor="k")
    clock.advance(hours=24)
    store.transition(first, BANK, "disbursed", {"amount": 600_000, "date": "2024-05-07"}, actor="k")

    data = figures(lead_rows(store))
    total = data["total"]
    assert total["leads"] == 3 and total["enterprises"] == 2
    assert total["requested"] == 3_000_000
    assert total["approved"] == 600_000 and total["disbursed"] == 600_000
    assert total["approval_rate"] == 0.5
    assert total["hours_to_claim"] == 2.0
    assert total["hours_to_decision"] == 5.0
    assert set(data["city"]) == {"130200", "510100"}
    assert data["city"]["510100"]["approval_rate"] == 0.0
    assert list(data["month"]) == ["2024-05"]
    assert data["bank"][BANK]["leads"] == 3
    assert lead_rows(store, "otherbank") == []
