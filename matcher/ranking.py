"""The order in which eligible products are shown.

score = 100 × Σ weight × part, every part in [0, 1]:

| part | weight | 1.0 when | falls to |
|---|---|---|---|
| amount_fit | 0.30 | the requested amount lies within the product's range | max/requested above the range, requested/min below it |
| term_fit | 0.15 | the requested term lies within the product's range | the same ratio |
| rate | 0.25 | the product's lowest rate is at or below 3.0% | 0 at 15% and above, linear between |
| speed | 0.10 | decision within a day | 1/(1 + (days−1)/7) |
| priority | 0.05 | priority 100 | 0 at −100 (the platform's nudge) |
| approval | 0.15 | every past lead in the enterprise's segment was approved | the smoothed approval rate (leads) |

A part whose input is unknown (no requested amount, no rate published, no
outcomes yet) scores 0.5, so missing data neither helps nor hurts. Ties are
broken by the lower rate, then the product id, so the order is deterministic.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping

from .rule import Product

WEIGHTS = {"amount_fit": Decimal("0.30"), "term_fit": Decimal("0.15"), "rate": Decimal("0.25"),
           "speed": Decimal("0.10"), "priority": Decimal("0.05"), "approval": Decimal("0.15")}
NEUTRAL = Decimal("0.5")
RATE_BEST, RATE_WORST = Decimal("3.0"), Decimal("15.0")
_CENT = Decimal("0.01")
_PART = Decimal("0.0001")


def _fit(wanted: Any, low: Any, high: Any) -> Decimal:
    if wanted is None or (low is None and high is None) or wanted <= 0:
        return NEUTRAL
    wanted = Decimal(wanted)
    if high is not None and wanted > high:
        return Decimal(high) / wanted
    if low is not None and wanted < low:
        return wanted / Decimal(low)
    return Decimal(1)


def _rate(product: Product) -> Decimal:
    rate = product.terms.rate_min
    if rate is None:
        return NEUTRAL
    span = RATE_WORST - RATE_BEST
    return min(Decimal(1), max(Decimal(0), (RATE_WORST - rate) / span))


def _speed(product: Product) -> Decimal:
    days = product.terms.approval_days
    if days is None:
        return NEUTRAL
    return Decimal(1) / (1 + Decimal(max(days, 1) - 1) / 7)


def score(product: Product, values: Mapping[str, Any],
          approval_rate: Decimal | None = None) -> tuple[Decimal, dict[str, Decimal]]:
    t = product.terms
    parts = {
        "amount_fit": _fit(values.get("requested_amount"), t.amount_min, t.amount_max),
        "term_fit": _fit(values.get("requested_term_months"), t.term_min, t.term_max),
        "rate": _rate(product),
        "speed": _speed(product),
        "priority": (Decimal(t.priority) + 100) / 200,
        "approval": NEUTRAL if approval_rate is None else Decimal(str(approval_rate)),
    }
    parts = {k: v.quantize(_PART, ROUND_HALF_UP) for k, v in parts.items()}
    total = sum(WEIGHTS[k] * v for k, v in parts.items()) * 100
    return total.quantize(_CENT, ROUND_HALF_UP), parts


def order_key(product: Product, total: Decimal) -> tuple:
    rate = product.terms.rate_min if product.terms.rate_min is not None else Decimal("Infinity")
    return (-total, rate, product.id)
