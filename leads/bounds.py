"""What a lead's own history allows a bank to state about it.

A decision is checked against the application it answers: an approval cannot exceed the
amount the enterprise asked for nor the product's ceiling when it applied, nor run longer
than the product's longest term; money goes out after the lead was made and approved, not
in year 1. The ceilings are stored in the lead at creation (``amount_max``, ``term_max``)
because the product's terms may change while the lead is open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .clock import SHANGHAI
from .errors import InvalidInput

TERM_MONTHS_MAX = 600  # the vocabulary's ceiling on a term (50 years)
# The record fields the checks read (one HMGET).
FIELDS = ("requested_amount", "amount_max", "term_max", "created_ms", "approved_ms")


@dataclass(frozen=True)
class LeadBounds:
    amount_max: int | None = None  # the smaller of the request and the product's ceiling
    amount_why: str = ""
    term_max: int = TERM_MONTHS_MAX
    earliest: date | None = None  # money cannot go out before this Beijing day
    earliest_why: str = ""

    @classmethod
    def of(cls, stored: Mapping[str, Any]) -> LeadBounds:
        """The bounds of a lead from its stored fields (an older lead may lack some)."""
        requested = _int(stored.get("requested_amount"))
        product_max = _int(stored.get("amount_max"))
        ceilings = [
            (v, why)
            for v, why in (
                (requested, "the requested amount"),
                (product_max, "the product's maximum amount"),
            )
            if v is not None
        ]
        amount, why = min(ceilings) if ceilings else (None, "")
        term = _int(stored.get("term_max")) or TERM_MONTHS_MAX
        moments = [
            (_int(stored.get(k)), name)
            for k, name in (
                ("created_ms", "the day the lead was made"),
                ("approved_ms", "the day it was approved"),
            )
            if _int(stored.get(k))
        ]
        earliest, when = max(moments) if moments else (None, "")
        day = datetime.fromtimestamp(earliest / 1000, SHANGHAI).date() if earliest else None
        return cls(amount, why, min(term, TERM_MONTHS_MAX), day, when)

    def check_amount(self, amount: int, name: str = "details.amount") -> None:
        if self.amount_max is not None and amount > self.amount_max:
            raise InvalidInput(name, f"{amount} exceeds {self.amount_why} ({self.amount_max})")

    def check_term(self, months: int, name: str = "details.term_months") -> None:
        if months > self.term_max:
            raise InvalidInput(
                name, f"{months} months exceeds the product's longest term ({self.term_max} months)"
            )

    def check_day(self, day: date, name: str = "details.date") -> None:
        if self.earliest is not None and day < self.earliest:
            raise InvalidInput(
                name,
                f"{day.isoformat()} is before {self.earliest_why} ({self.earliest.isoformat()})",
            )


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
