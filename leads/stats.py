"""Lead statistics: what was asked, what the banks did with it, and how fast.

Computed from the lead records themselves (read in pages through the creation
index, pipelined), not from counters kept beside them, so the figures cannot
drift from the leads they describe, and the median needs the individual
durations anyway. Reading ~100,000 leads takes about a second; beyond that, cache
the answer or keep per-month counters.

Definitions, for every group (all leads, each bank, product and creation month):
  leads                     leads created
  by_status                 how many are in each status now
  amount_requested          yuan asked for, all leads
  amount_approved           yuan approved, leads a bank approved (even if later withdrawn)
  amount_disbursed          yuan disbursed
  pickup_rate               leads accepted / leads that reached the bank (routed, or
                            accepted straight from the queue); None before any did
  median_hours_to_decision  from creation to approval or decline; None before any decision
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

import redis

from .clock import Clock, iso, month_key
from .keys import Keys
from .lifecycle import STATUSES

PAGE = 1000
_FIELDS = (
    "bank",
    "product_id",
    "status",
    "requested_amount",
    "approved_amount",
    "disbursed_amount",
    "created_ms",
    "routed_ms",
    "accepted_ms",
    "decided_ms",
)


@dataclass
class _Tally:
    leads: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    requested: int = 0
    approved: int = 0
    disbursed: int = 0
    reached: int = 0
    accepted: int = 0
    decision_hours: list[float] = field(default_factory=list)

    def add(self, lead: dict[str, Any]) -> None:
        self.leads += 1
        self.by_status[lead["status"]] = self.by_status.get(lead["status"], 0) + 1
        self.requested += lead["requested_amount"] or 0
        self.approved += lead["approved_amount"] or 0
        self.disbursed += lead["disbursed_amount"] or 0
        if lead["routed_ms"] is not None or lead["accepted_ms"] is not None:
            self.reached += 1
        if lead["accepted_ms"] is not None:
            self.accepted += 1
        if lead["decided_ms"] is not None:
            self.decision_hours.append((lead["decided_ms"] - lead["created_ms"]) / 3_600_000)

    def report(self) -> dict[str, Any]:
        return {
            "leads": self.leads,
            "by_status": dict(self.by_status),
            "amount_requested": self.requested,
            "amount_approved": self.approved,
            "amount_disbursed": self.disbursed,
            "pickup_rate": round(self.accepted / self.reached, 4) if self.reached else None,
            "median_hours_to_decision": round(statistics.median(self.decision_hours), 2)
            if self.decision_hours
            else None,
        }


def compute_stats(
    client: redis.Redis, keys: Keys, clock: Clock, bank: str | None = None
) -> dict[str, Any]:
    """Statistics of every lead (``bank`` None, for an admin) or of one bank's leads."""
    total = _Tally()
    groups: dict[str, dict[str, _Tally]] = {"by_bank": {}, "by_product": {}, "by_month": {}}
    index = keys.index(bank)
    start = 0
    while True:
        lead_ids = client.zrange(index, start, start + PAGE - 1)
        if not lead_ids:
            break
        start += len(lead_ids)
        pipe = client.pipeline(transaction=False)
        for lead_id in lead_ids:
            pipe.hmget(keys.lead(lead_id), *_FIELDS)
        for values in pipe.execute():
            if values[0] is None:
                continue  # indexed but gone: only if someone deleted the record by hand
            lead = _typed(dict(zip(_FIELDS, values)))
            total.add(lead)
            for group, key in (
                ("by_bank", lead["bank"]),
                ("by_product", lead["product_id"]),
                ("by_month", month_key(lead["created_ms"])),
            ):
                groups[group].setdefault(key, _Tally()).add(lead)
    return {
        "as_of": iso(clock()),
        "bank": bank,
        "total": total.report(),
        **{
            name: {key: tally.report() for key, tally in sorted(tallies.items())}
            for name, tallies in groups.items()
        },
    }


def _typed(values: dict[str, str | None]) -> dict[str, Any]:
    return {
        name: (int(value) if value not in (None, "") else None)
        if name.endswith(("_ms", "_amount"))
        else value
        for name, value in values.items()
    }
