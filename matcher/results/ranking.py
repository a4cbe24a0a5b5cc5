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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np

from ..rulefile.product import Product

# Scores are plain floats: they are ordinal, never money, and float arithmetic is
# deterministic for the same inputs; parts are rounded to 4 places, the total to 2
# (exactly as Python's round does), and the weighted parts are added left to right
# in PARTS order, so a score is the same float whichever way it is computed.
PARTS = ("amount_fit", "term_fit", "rate", "speed", "priority", "approval")
WEIGHTS = dict(zip(PARTS, (0.30, 0.15, 0.25, 0.10, 0.05, 0.15)))
NEUTRAL = 0.5
RATE_BEST, RATE_WORST = 3.0, 15.0


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


def fixed_parts(product: Product) -> tuple[float, float, float]:
    """The parts that depend on the product alone: rate, speed, priority."""
    return (
        round(_rate(product), 4),
        round(_speed(product), 4),
        round((product.terms.priority + 100) / 200, 4),
    )


def order_key(product: Product, total: float) -> tuple:
    rate = product.terms.rate_min if product.terms.rate_min is not None else Decimal("Infinity")
    return (-total, rate, product.id)


# Scores are 0-100 with rates in [0, 1]; a total below 2^31 has exact hundredths, and
# with fewer than 2^30 products its key stays far inside int64.
_EXACT_TOTAL, _MAX_TIES = 2.0**31, 2**30


def round_like_python(x: np.ndarray, places: int) -> np.ndarray:
    """``round(v, places)`` for every element, bit for bit.

    Python rounds the exact binary value half-to-even at ``places`` decimals and
    returns the double nearest that decimal; rint(v·10^p)/10^p returns the double
    nearest the same decimal unless the product v·10^p, itself rounded (by at most
    2^-53 of itself: under 5e-7 below 2^32), lands on the other side of a half.
    Elements within 1e-6 of a half are rounded by Python itself (a total is often
    a decimal tie, so Python's exact decision is kept), and so is everything when
    anything is not finite or beyond 2^32.
    """
    scale = 10.0**places
    scaled = x * scale
    if not np.abs(scaled).max(initial=0.0) < 2.0**32:  # NaN too
        return np.array([round(v, places) for v in x.ravel().tolist()]).reshape(x.shape)
    whole = np.rint(scaled)
    out = whole / scale
    doubtful = np.abs(scaled - whole) >= 0.5 - 1e-6
    if doubtful.any():
        out[doubtful] = [_round(v, places) for v in x[doubtful].tolist()]
    return out


# Totals on a decimal half recur from profile to profile (never ±0, which a cache
# would not tell apart).
_round = lru_cache(maxsize=4096)(round)


def _asked(wanted: Any) -> float:
    return np.nan if wanted is None or wanted <= 0 else float(wanted)


def _bounds(pairs: list[tuple[Any, Any]]) -> tuple[list[float], list[float], list[float]]:
    """(low, high, low as divisor) with NaN for an open end; a low of 0 is never
    divided by (nothing positive is below it), so it is NaN as a divisor. Whole
    yuan and months, far below 2^53, compare as floats exactly as they did as ints."""
    low = [np.nan if lo is None else float(lo) for lo, _ in pairs]
    high = [np.nan if hi is None else float(hi) for _, hi in pairs]
    return low, high, [lo if lo > 0 else np.nan for lo in low]


@dataclass(eq=False)
class Ranked:
    """Eligible products best first: their places in the catalog, scores, and the
    parts of each score (``fixed``: rate, speed, priority, as ``fixed_parts``)."""

    order: np.ndarray
    scores: list[float]
    amount_fit: list[float]
    term_fit: list[float]
    approval: list[float]
    ranking: Ranking

    @property
    def fixed(self) -> list[tuple[float, float, float]]:
        """Each product's rate, speed and priority parts (only the breakdowns read them:
        the document's pieces carry them already)."""
        return self.ranking.fixed[self.order].tolist()

    @property
    def products(self) -> list[Product]:
        return self.ranking.products[self.order].tolist()

    def shown(self, top: int | None = None) -> list[Any] | None:
        """What the catalog shows of the first ``top`` products (see ``Ranking``)."""
        shown = self.ranking.shown
        return None if shown is None else shown[self.order[:top]].tolist()

    def breakdowns(self, top: int | None = None) -> list[dict[str, float]]:
        """The first ``top`` products' parts by name, in PARTS order (each product's
        ``score_breakdown``): new dicts."""
        return [
            {
                "amount_fit": amount_fit,
                "term_fit": term_fit,
                "rate": rate,
                "speed": speed,
                "priority": priority,
                "approval": approval,
            }
            for amount_fit, term_fit, approval, (rate, speed, priority) in zip(
                self.amount_fit[:top],
                self.term_fit,
                self.approval,
                self.ranking.fixed[self.order[:top]].tolist(),
            )
        ]

    def __eq__(self, other: object) -> bool:  # as lists of results compare (not arrays)
        return (
            isinstance(other, Ranked)
            and self.products == other.products
            and self.scores == other.scores
            and self.breakdowns() == other.breakdowns()
        )


class Ranking:
    """A catalog's products as arrays of what the score reads, built once, so a
    match scores and orders its ~200 eligible products in a few array operations.

    ``shown``, one object per product, is handed back in rank order (the catalog
    gives the result document's per-product templates), so the document is built
    without reaching through 200 products, cold in memory after the engine ran:
    that costs about as much as building their entries. ``pieces`` are the same
    entries as bytes, for the products in this order (``document.EntryPieces``).
    """

    def __init__(
        self, products: Sequence[Product], shown: Sequence[Any] | None = None, pieces: Any = None
    ):
        self.products = _objects(products)
        self.shown = None if shown is None else _objects(shown)
        self.pieces = pieces
        self._ids = np.array([p.id for p in products], dtype=object)
        terms = [p.terms for p in products]
        amount = _bounds([(t.amount_min, t.amount_max) for t in terms])
        term = _bounds([(t.term_min, t.term_max) for t in terms])
        fixed = [fixed_parts(p) for p in products]
        self.fixed = _objects(fixed)
        weighted = [[WEIGHTS[k] * part for k, part in zip(PARTS[2:5], parts)] for parts in fixed]
        # Equal scores: the lower rate, then the id (order_key); equal keys share a
        # rank so that the stable sort keeps the products' given order, as sorted() does.
        tie_rank = _dense_rank([order_key(p, 0.0) for p in products])
        # One row per product (its inputs side by side: a match reads ~200 of 3,000):
        # 0-5 low, high, low as divisor, each for (amount, term); 6-8 the fixed parts
        # weighted; 9 the tie rank (exact: far below 2^53).
        self._table = np.array(
            [
                [*bounds, *w, t]
                for bounds, w, t in zip(
                    zip(amount[0], term[0], amount[1], term[1], amount[2], term[2]),
                    weighted,
                    tie_rank.tolist(),
                )
            ],
            dtype=float,
        ).reshape(len(products), 10)
        self._id_rank = _dense_rank([p.id for p in products])
        self._tie_rank = tie_rank
        self._ties = int(tie_rank.max(initial=0)) + 1

    def rank(
        self,
        indexes: Sequence[int],
        values: Mapping[str, Any],
        approval_rates: Mapping[str, Any] | None = None,
    ) -> Ranked:
        """The products at ``indexes`` (places in the catalog), scored and sorted."""
        at = (
            indexes
            if isinstance(indexes, np.ndarray)
            else np.fromiter(indexes, dtype=np.intp, count=len(indexes))
        )
        table = np.ascontiguousarray(np.take(self._table, at, axis=0).T)
        low, high, divisor = table[0:2], table[2:4], table[4:6]
        asked = np.array(
            [
                [_asked(values.get("requested_amount"))],
                [_asked(values.get("requested_term_months"))],
            ]
        )
        # _fit: above the range max/asked, below it asked/min, else 1.0; 0.5 unknown
        fit = np.where(high < asked, high / asked, np.where(low > asked, asked / divisor, 1.0))
        fit[(np.isnan(low) & np.isnan(high)) | np.isnan(asked)] = NEUTRAL
        fit = round_like_python(fit, 4)
        approval = np.full(len(at), NEUTRAL)
        if approval_rates:
            given = list(map(approval_rates.get, self._ids[at].tolist()))
            rates = np.array(given, dtype=float)  # None becomes NaN
            known = ~np.isnan(rates)
            if not known.all():  # a NaN given is not a rate missing
                known = np.array([rate is not None for rate in given], dtype=bool)
            if known.any():
                approval[known] = round_like_python(rates[known], 4)
        # Σ weight × part, added left to right in PARTS order, as sum() adds
        total = WEIGHTS["amount_fit"] * fit[0] + WEIGHTS["term_fit"] * fit[1]
        for row in table[6:9]:
            total = total + row
        total = round_like_python(100 * (total + WEIGHTS["approval"] * approval), 2)
        # Totals have two decimals: in whole hundredths, with the tie rank below them,
        # one integer key per product orders as (-total, tie rank) does, while the
        # hundredths are exact and the key fits in 64 bits.
        if np.abs(total).max(initial=0.0) < _EXACT_TOTAL and self._ties < _MAX_TIES:
            key = np.rint(total * 100).astype(np.int64) * -self._ties + self._tie_rank[at]
            ranked = np.argsort(key, kind="stable")
        else:  # a NaN or infinite total, or an approval rate far outside [0, 1]
            ranked = np.lexsort((table[9], -total))
        order = at[ranked]
        amount_fit, term_fit = fit[:, ranked].tolist()
        return Ranked(
            order,
            total[ranked].tolist(),
            amount_fit,
            term_fit,
            approval[ranked].tolist() if approval_rates else [NEUTRAL] * len(at),
            self,
        )

    def fewest_first(self, counts: np.ndarray, indexes: np.ndarray, limit: int | None) -> list[int]:
        """The first ``limit`` of ``indexes`` by count, then by product id (near
        misses: fewest failed conditions first); as sorted() on (count, id) would."""
        key = counts.astype(np.int64) * len(self._id_rank) + self._id_rank[indexes]
        if limit is not None and limit < len(key):  # only the first few need ordering
            first = np.argpartition(key, limit)[:limit]
            return indexes[first[np.argsort(key[first])]].tolist()
        return indexes[np.argsort(key)].tolist()


def _objects(items: Sequence[Any]) -> np.ndarray:
    """A 1-d array of the objects themselves (never unpacked, even if they are tuples)."""
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _dense_rank(keys: list) -> np.ndarray:
    """Each key's place among the distinct keys, so comparing ranks is comparing keys."""
    ranks = np.zeros(len(keys), dtype=np.int64)
    previous, rank = object(), -1
    for i in sorted(range(len(keys)), key=keys.__getitem__):
        if keys[i] != previous:
            previous, rank = keys[i], rank + 1
        ranks[i] = rank
    return ranks


def score(
    product: Product, values: Mapping[str, Any], approval_rate: Any = None
) -> tuple[float, dict[str, float]]:
    """One product's score and parts: the formula above, by the catalog's own code."""
    rates = None if approval_rate is None else {product.id: approval_rate}
    ranked = Ranking([product]).rank([0], values, rates)
    return ranked.scores[0], ranked.breakdowns()[0]
