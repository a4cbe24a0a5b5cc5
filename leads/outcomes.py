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
from typing import Iterable

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

    def __init__(self, client: redis.Redis, keys: Keys, alpha: float = ALPHA,
                 beta: float = BETA):
        if alpha <= 0 or beta <= 0:
            raise ValueError("the Beta prior needs alpha > 0 and beta > 0")
        self.client = client
        self.keys = keys
        self.alpha = alpha
        self.beta = beta
        self._version: str | None = None
        self._counts: dict[str, dict[str, int]] = {}  # product id -> its outcome hash
        self._lock = threading.Lock()

    def approval_rates(self, product_ids: Iterable[str], size_class: str | None,
                       province_code: str | None, recheck: bool = True) -> dict[str, float]:
        """Smoothed approval rates in [0, 1] of many products for one segment: one round
        trip when their counts are current, two when some must be read. ``recheck=False``
        trusts the last ``refresh`` (a batch of profiles ranks on one snapshot)."""
        products = list(dict.fromkeys(product_ids))
        if recheck:
            self.refresh()
        with self._lock:
            counts = self._counts
        missing = [p for p in products if p not in counts]
        if missing:
            pipe = self.client.pipeline(transaction=False)
            for product_id in missing:
                pipe.hgetall(self.keys.outcomes(product_id))
            read = {product_id: {k: int(v) for k, v in found.items()}
                    for product_id, found in zip(missing, pipe.execute())}
            with self._lock:
                counts.update(read)  # read after the GET: at least as new as its version
        seg = segment(size_class, province_code)
        fields = ("all|decided", "all|approved", f"{seg}|decided", f"{seg}|approved")
        prior = self._rate(0, 0, 0, 0)  # most products: no decision yet
        return {p: self._rate(*(counts[p].get(f, 0) for f in fields)) if counts[p] else prior
                for p in products}

    def refresh(self) -> None:
        """Forget the counts kept if a decision was recorded since they were read."""
        self._current(self.client.get(self.keys.outcomes_version()))

    def _current(self, version: str | None) -> dict[str, dict[str, int]]:
        with self._lock:
            if version != self._version:
                self._version, self._counts = version, {}
            return self._counts

    def approval_rate(self, product_id: str, size_class: str | None,
                      province_code: str | None) -> float:
        return self.approval_rates([product_id], size_class, province_code)[product_id]

    def _rate(self, decided: int, approved: int, seg_decided: int, seg_approved: int) -> float:
        product = (approved + self.alpha) / (decided + self.alpha + self.beta)
        strength = self.alpha + self.beta
        return (seg_approved + strength * product) / (seg_decided + strength)
