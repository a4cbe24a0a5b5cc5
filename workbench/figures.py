"""The platform's figures from the lead records: what the dashboard and product lists count.

Read from the records themselves (like ``leads.stats``), through the creation index,
so they cannot drift from the leads. Adds what the operator's dashboard needs and
``leads.stats`` does not group by: distinct enterprises, cities, the approval rate
of decided leads and the time to the first claim.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from leads.clock import SHANGHAI, month_key, to_ms

PAGE = 1000
FIELDS = (
    "bank",
    "product_id",
    "status",
    "credit_code",
    "city_code",
    "requested_amount",
    "approved_amount",
    "disbursed_amount",
    "created_ms",
    "claimed_ms",
    "accepted_ms",
    "approved_ms",
    "declined_ms",
    "decided_ms",
)


def lead_rows(store, bank: str | None = None, since_ms: int | None = None) -> list[dict]:
    """Every lead (of ``bank``; created at or after ``since_ms``) as typed fields."""
    client, index = store.client, store.keys.index(bank)
    low = since_ms if since_ms is not None else "-inf"
    rows: list[dict] = []
    offset = 0
    while True:
        ids = client.zrangebyscore(index, low, "+inf", start=offset, num=PAGE)
        if not ids:
            return rows
        offset += len(ids)
        pipe = client.pipeline(transaction=False)
        for lead_id in ids:
            pipe.hmget(store.keys.lead(lead_id), *FIELDS)
        for values in pipe.execute():
            if values[0] is None:
                continue
            rows.append(
                {
                    name: (int(v) if v not in (None, "") else None)
                    if name.endswith(("_ms", "_amount"))
                    else v
                    for name, v in zip(FIELDS, values)
                }
            )


def month_start_ms(now: datetime | None = None) -> int:
    now = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    return to_ms(now.replace(day=1, hour=0, minute=0, second=0, microsecond=0))


@dataclass
class Tally:
    leads: int = 0
    enterprises: set = field(default_factory=set)
    requested: int = 0
    approved: int = 0
    disbursed: int = 0
    approved_leads: int = 0
    declined_leads: int = 0
    to_claim: list = field(default_factory=list)
    to_decide: list = field(default_factory=list)

    def add(self, row: dict) -> None:
        self.leads += 1
        if row["credit_code"]:
            self.enterprises.add(row["credit_code"])
        self.requested += row["requested_amount"] or 0
        self.approved += row["approved_amount"] or 0
        self.disbursed += row["disbursed_amount"] or 0
        self.approved_leads += row["approved_ms"] is not None
        self.declined_leads += row["declined_ms"] is not None
        # First picked up: the first claim, or the acceptance of a lead taken unclaimed.
        picked = [ms for ms in (row["claimed_ms"], row["accepted_ms"]) if ms is not None]
        if picked:
            self.to_claim.append((min(picked) - row["created_ms"]) / 3_600_000)
        if row["decided_ms"] is not None:
            self.to_decide.append((row["decided_ms"] - row["created_ms"]) / 3_600_000)

    def report(self) -> dict[str, Any]:
        decided = self.approved_leads + self.declined_leads
        return {
            "leads": self.leads,
            "enterprises": len(self.enterprises),
            "requested": self.requested,
            "approved": self.approved,
            "disbursed": self.disbursed,
            "approval_rate": self.approved_leads / decided if decided else None,
            "hours_to_claim": _median(self.to_claim),
            "hours_to_decision": _median(self.to_decide),
        }


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def figures(rows: Iterable[dict]) -> dict[str, Any]:
    """Totals, and the same figures by month, bank and city."""
    total = Tally()
    groups: dict[str, dict[str, Tally]] = {
        "month": defaultdict(Tally),
        "bank": defaultdict(Tally),
        "city": defaultdict(Tally),
    }
    for row in rows:
        total.add(row)
        groups["month"][month_key(row["created_ms"])].add(row)
        groups["bank"][row["bank"] or "?"].add(row)
        groups["city"][row["city_code"] or "?"].add(row)
    return {
        "total": total.report(),
        **{
            name: {key: t.report() for key, t in sorted(tallies.items())}
            for name, tallies in groups.items()
        },
    }


def leads_by_product(rows: Iterable[dict]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["product_id"]] += 1
    return dict(counts)
