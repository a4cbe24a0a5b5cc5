"""Approval rates per product and segment, for the ranking to weigh.

A segment is a size class in a province (``small|13``: a small firm in Hebei).
Raw rates are noisy: a product with one decided lead would show 0% or 100%. So each
rate is a posterior mean with a Beta prior, in two steps:

    product rate   p = (A + alpha) / (D + alpha + beta)        prior Beta(alpha, beta)
    segment rate   r = (a + k p) / (d + k),  k = alpha + beta  prior Beta(k p, k (1 - p))

with D, A the product's decided and approved leads and d, a those of the segment.
With the default alpha = beta = 2 a new product gets 0.5 (the prior mean), a
segment without history gets its product's rate, and it takes about four decided
leads for a segment's own record to count as much as the prior. Counts are kept
by ``scripts/transition.lua`` when a bank approves or declines; a lead decides
once, so a disbursement or a later withdrawal does not count again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import redis

from .keys import Keys

ALPHA = 2.0
BETA = 2.0
UNKNOWN = "unknown"


def segment(size_class: str | None, region_code: str | None) -> str:
    """The segment a lead is counted in: its size class and the province of any region code
    (``130203`` and ``130000`` are both ``13``)."""
    province = region_code[:2] if region_code and len(region_code) >= 2 else UNKNOWN
    return f"{size_class or UNKNOWN}|{province}"


class Outcomes:
    """Approval rates, read for every match: ~200 eligible products a profile.

    Reading each product's counts on every match was a quarter of a worker's time,
    while counts change only when a bank decides a lead. So a process keeps every
    product's counts (all segments: a product without decisions is an empty hash)
    with the outcomes version they were read at; ``transition.lua`` increments it
    with every decision it counts. One GET tells whether they are still current,
    and only products not read since are fetched. Never stale: a decision recorded
    before the GET is seen by it.
    """

    def __init__(self, client: redis.Redis, keys: Keys, alpha: float = ALPHA, beta: float = BETA):
        if alpha <= 0 or beta <= 0:
            raise ValueError("the Beta prior needs alpha > 0 and beta > 0")
        self.client = client
        self.keys = keys
        self.alpha = alpha
        self.beta = beta
        self._version: str | None = None
        self._counts: dict[str, dict[str, int]] = {}  # product id -> its outcome hash
        self._covered: Sequence[str] | None = None  # the ids last known all read
        self._lock = threading.Lock()

    def snapshot(self, product_ids: Sequence[str], recheck: bool = True) -> ApprovalRates:
        """The approval rates of ``product_ids`` as data, for a match to rank with: one
        round trip when their counts are current, two when some must be read.
        ``recheck=False`` trusts the last ``refresh`` (a batch ranks on one snapshot).
        Passing the same sequence again (a catalog's ``product_ids``) skips looking for
        products not read yet until a decision is recorded."""
        if recheck:
            self.refresh()
        with self._lock:
            counts, covered = self._counts, self._covered
        if product_ids is not covered:
            missing = [p for p in dict.fromkeys(product_ids) if p not in counts]
            if missing:
                pipe = self.client.pipeline(transaction=False)
                for product_id in missing:
                    pipe.hgetall(self.keys.outcomes(product_id))
                read = {
                    product_id: {k: int(v) for k, v in found.items()}
                    for product_id, found in zip(missing, pipe.execute())
                }
                with self._lock:
                    counts.update(read)  # read after the GET: at least as new as its version
            with self._lock:
                if self._counts is counts:
                    self._covered = product_ids
        return ApprovalRates(counts, self.alpha, self.beta)

    def approval_rates(
        self,
        product_ids: Iterable[str],
        size_class: str | None,
        province_code: str | None,
        recheck: bool = True,
    ) -> dict[str, float]:
        """Smoothed approval rates in [0, 1] of many products for one segment."""
        products = list(dict.fromkeys(product_ids))
        rates = self.snapshot(products, recheck).segment(size_class, province_code)
        return {p: rates[p] for p in products}

    def refresh(self) -> None:
        """Forget the counts kept if a decision was recorded since they were read."""
        self._current(self.client.get(self.keys.outcomes_version()))

    def _current(self, version: str | None) -> dict[str, dict[str, int]]:
        with self._lock:
            if version != self._version:
                self._version, self._counts, self._covered = version, {}, None
            return self._counts

    def approval_rate(
        self, product_id: str, size_class: str | None, province_code: str | None
    ) -> float:
        return self.approval_rates([product_id], size_class, province_code)[product_id]


class ApprovalRates:
    """Every product's decided and approved counts at one outcomes version: plain data,
    read before a match, so the matcher ranks without calling back into leads."""

    def __init__(
        self, counts: Mapping[str, Mapping[str, int]], alpha: float = ALPHA, beta: float = BETA
    ):
        self.counts = counts  # entries are only ever added, never changed (see Outcomes)
        self.alpha = alpha
        self.beta = beta

    def segment(self, size_class: str | None, region_code: str | None) -> SegmentRates:
        """Each product's rate in the segment of ``size_class`` and ``region_code``."""
        return SegmentRates(self, segment(size_class, region_code))

    def for_profile(self, values: Mapping[str, Any]) -> SegmentRates:
        """The rates for a profile's segment (its size class and province)."""
        return self.segment(values.get("size_class"), values.get("province_code"))

    def rate(self, decided: int, approved: int, seg_decided: int, seg_approved: int) -> float:
        product = (approved + self.alpha) / (decided + self.alpha + self.beta)
        strength = self.alpha + self.beta
        return (seg_approved + strength * product) / (seg_decided + strength)


class SegmentRates(Mapping[str, float]):
    """Product id → smoothed approval rate in one segment, worked out when looked up
    (a match looks up its eligible products only); a product never read has none."""

    def __init__(self, rates: ApprovalRates, seg: str):
        self._rates = rates
        self._fields = ("all|decided", "all|approved", f"{seg}|decided", f"{seg}|approved")
        self._prior = rates.rate(0, 0, 0, 0)  # most products: no decision yet

    def __getitem__(self, product_id: str) -> float:
        found = self._rates.counts[product_id]
        return self._rates.rate(*(found.get(f, 0) for f in self._fields)) if found else self._prior

    def get(self, product_id: str, default: Any = None) -> Any:  # no KeyError on the hot path
        found = self._rates.counts.get(product_id)
        if found is None:
            return default
        return self._rates.rate(*(found.get(f, 0) for f in self._fields)) if found else self._prior

    def __len__(self) -> int:
        return len(self._rates.counts)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._rates.counts))
