"""The order in which eligible products are shown.

score = 100 × Σ weight × part, every part in [0, 1]:

| part | weight | 1.0 when | falls to |
|---|---|---|---|
| amount_fit | 0.30 | the requested amount lies within the product's range | max/requested above the range, requested/min below it |
| term_fit | 0.15 | the requested term lies within the product's range | the same ratio |
| rate | 0.25 | the product's lowest rate is at or below 3.0% | 0 at 15% and above, linear between |
| speed | 0.10 | decision within a day | 1/(1 + (days−1)/7) |
| priority | 0.05 | priority 100 | 0 at −100 (the platform's nudge) |
| approval | 0.15 | banks approved every decided lead for the product in the enterprise's segment (nearer 1 the more there were) | the product's approval rate in the segment, smoothed by a Beta(2, 2) prior |

A part whose input is unknown (no requested amount, no rate published, no
outcomes yet) scores 0.5, so missing data neither helps nor hurts. Ties are
broken by the lower rate, then the product id, so the order is deterministic.

approval: a segment is the size class in the province (``small|13``); a lead counts
once the bank approves or declines it. The rate is the posterior mean of
``leads/outcomes.py``: 0.5 for a product without decisions, the product's own
smoothed rate for a segment without them, and about four decisions before a
segment's record weighs as much as the prior. The HTTP service reads it from the
lead store for each match (``http_api/lead_service.py``); when the store is down
or not running the part is 0.5 and the match still answers.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from .rule import Product

# Scores are plain floats: they are ordinal, never money, and float arithmetic is
# deterministic for the same inputs; parts are rounded to 4 places, the total to 2.
WEIGHTS = {"amount_fit": 0.30, "term_fit": 0.15, "rate": 0.25, "speed": 0.10,
           "priority": 0.05, "approval": 0.15}
NEUTRAL = 0.5
RATE_BEST, RATE_WORST = 3.0, 15.0


def _fit(wanted: Any, low: Any, high: Any) -> float:
    if wanted is None or (low is None and high is None) or wanted <= 0:
        return NEUTRAL
    wanted = float(wanted)
    if high is not None and wanted > high:
        return float(high) / wanted
    if low is not None and wanted < low:
        return wanted / float(low)
    return 1.0


def _rate(product: Product) -> float:
    rate = product.terms.rate_min
    if rate is None:
        return NEUTRAL
    return min(1.0, max(0.0, (RATE_WORST - float(rate)) / (RATE_WORST - RATE_BEST)))


def _speed(product: Product) -> float:
    days = product.terms.approval_days
    if days is None:
        return NEUTRAL
    return 1.0 / (1.0 + (max(days, 1) - 1) / 7.0)


def _fixed_parts(product: Product) -> dict[str, float]:
    """The parts that depend on the product alone, computed once per product
    (kept on the frozen product itself: products live as long as their catalog)."""
    parts = product.__dict__.get("_ranking_parts")
    if parts is None:
        parts = product.__dict__["_ranking_parts"] = {
            "rate": round(_rate(product), 4), "speed": round(_speed(product), 4),
            "priority": round((product.terms.priority + 100) / 200, 4)}
    return parts


def score(product: Product, values: Mapping[str, Any],
          approval_rate: Any = None) -> tuple[float, dict[str, float]]:
    t = product.terms
    parts = {
        "amount_fit": round(_fit(values.get("requested_amount"), t.amount_min, t.amount_max), 4),
        "term_fit": round(_fit(values.get("requested_term_months"), t.term_min, t.term_max), 4),
        **_fixed_parts(product),
        "approval": NEUTRAL if approval_rate is None else round(float(approval_rate), 4),
    }
    total = round(100 * sum(WEIGHTS[k] * v for k, v in parts.items()), 2)
    return total, parts


def order_key(product: Product, total: float) -> tuple:
    rate = product.terms.rate_min if product.terms.rate_min is not None else Decimal("Infinity")
    return (-total, rate, product.id)
