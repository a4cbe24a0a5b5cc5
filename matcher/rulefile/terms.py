"""Reading a product's ``terms:`` block (what the bank offers, not who qualifies)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from ..vocabulary.fields import COLLATERALS
from .source import Location, YDict

CHANNELS = ("online", "offline", "both")
TERM_KEYS = (
    "amount",
    "term_months",
    "rate_pct",
    "collateral",
    "channel",
    "approval_days",
    "priority",
    "illustrative",
)


@dataclass(frozen=True)
class Terms:
    """What the bank offers: shown to the enterprise and used for ranking."""

    amount_min: int | None = None
    amount_max: int | None = None
    term_min: int | None = None
    term_max: int | None = None
    rate_min: Decimal | None = None
    rate_max: Decimal | None = None
    collateral: tuple[str, ...] = ()
    channel: str | None = None
    approval_days: int | None = None
    priority: int = 0
    illustrative: bool = False

    def to_dict(self) -> dict:
        return dict(self._as_dict)

    @cached_property
    def _as_dict(self) -> dict:
        def rng(lo, hi):
            return {k: v for k, v in (("min", lo), ("max", hi)) if v is not None} or None

        out = {
            "amount": rng(self.amount_min, self.amount_max),
            "term_months": rng(self.term_min, self.term_max),
            "rate_pct": rng(
                *(None if r is None else float(r) for r in (self.rate_min, self.rate_max))
            ),
            "collateral": list(self.collateral) or None,
            "channel": self.channel,
            "approval_days": self.approval_days,
            "priority": self.priority,
            "illustrative": self.illustrative,
        }
        return {k: v for k, v in out.items() if v is not None}


def _number(reader, raw: Any, where: Location, what: str, whole: bool):
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        reader.err(where, f"{what} takes a number, not {raw!r}")
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        reader.err(where, f"{what} takes a number, not {raw!r}")
        return None
    if not value.is_finite() or value < 0:
        reader.err(where, f"{what} takes a number of zero or more")
        return None
    if whole:
        if value != value.to_integral_value():
            reader.err(where, f"{what} takes a whole number (yuan, months or days)")
            return None
        return int(value)
    return value


def _range(reader, data: YDict, key: str, whole: bool):
    raw = data.get(key)
    if raw is None:
        return None, None
    where = data.where(key)
    if not isinstance(raw, dict) or not raw or set(raw) - {"min", "max"}:
        reader.err(where, f"{key} takes {{min: …, max: …}}")
        return None, None
    at = raw.where if isinstance(raw, YDict) else (lambda _k: where)
    lo = _number(reader, raw["min"], at("min"), f"{key}.min", whole) if "min" in raw else None
    hi = _number(reader, raw["max"], at("max"), f"{key}.max", whole) if "max" in raw else None
    if lo is not None and hi is not None and lo > hi:
        reader.err(where, f"{key} has min {lo} > max {hi}; swap them")
    return lo, hi


def read_terms(reader, data: Any, where: Location) -> Terms:
    if data is None:
        return Terms()
    if not isinstance(data, YDict):
        reader.err(where, "terms takes a mapping (amount, term_months, rate_pct, …)")
        return Terms()
    for key in data:
        if key not in TERM_KEYS:
            reader.err(
                data.where_key(key),
                f"unknown key '{key}' in terms (expected {', '.join(TERM_KEYS)})",
            )
    amount = _range(reader, data, "amount", True)
    term = _range(reader, data, "term_months", True)
    rate = _range(reader, data, "rate_pct", False)
    collateral = data.get("collateral") or []
    if isinstance(collateral, str):
        collateral = [collateral]
    if not isinstance(collateral, list) or any(c not in COLLATERALS for c in collateral):
        reader.err(data.where("collateral"), f"collateral takes a list of {', '.join(COLLATERALS)}")
        collateral = []
    channel = data.get("channel")
    if channel is not None and channel not in CHANNELS:
        reader.err(data.where("channel"), f"channel takes one of {', '.join(CHANNELS)}")
        channel = None
    days = data.get("approval_days")
    if days is not None:
        days = _number(reader, days, data.where("approval_days"), "approval_days", True)
    priority = data.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int) or not -100 <= priority <= 100:
        reader.err(data.where("priority"), "priority takes a whole number from -100 to 100")
        priority = 0
    illustrative = data.get("illustrative", False)
    if not isinstance(illustrative, bool):
        reader.err(data.where("illustrative"), "illustrative takes true or false")
        illustrative = False
    return Terms(
        amount[0],
        amount[1],
        term[0],
        term[1],
        rate[0],
        rate[1],
        tuple(collateral),
        channel,
        days,
        priority,
        illustrative,
    )
