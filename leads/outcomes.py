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
from collections import OrderedDict
from typing import Iterable

import redis

from .keys import Keys

ALPHA = 2.0
BETA = 2.0
UNKNOWN = "unknown"
CACHED_SEGMENTS = 32  # segments whose rates a process keeps (each: up to one rate a product)


def segment(size_class: str | None, region_code: str | None) -> str:
    """The segment a lead is counted in: its size class and the province of any region code
    (``130203`` and ``130000`` are both ``13``)."""
    province = region_code[:2] if region_code and len(region_code) >= 2 else UNKNOWN
    return f"{size_class or UNKNOWN}|{province}"


class Outcomes:
    """Approval rates, read for every match: ~200 eligible products a profile.

    Reading each product's counts on every match was a quarter of a worker's time,
    while counts change only when a bank decides a lead. So rates are kept per
    segment with the outcomes version they were read at (``transition.lua``
    increments it with every decision it counts): one GET tells whether they are
    still current, and only products not yet read are fetched. Never stale: a
    decision recorded before the GET is seen by it.
    """

    def __init__(self, client: redis.Redis, keys: Keys, alpha: float = ALPHA,
                 beta: float = BETA):
        if alpha <= 0 or beta <= 0:
            raise ValueError("the Beta prior needs alpha > 0 and beta > 0")
        self.client = client
        self.keys = keys
        self.alpha = alpha
        self.beta = beta
        self._cache: OrderedDict[str, tuple[bytes | None, dict[str, float]]] = OrderedDict()
        self._lock = threading.Lock()

    def approval_rates(self, product_ids: Iterable[str], size_class: str | None,
                       province_code: str | None) -> dict[str, float]:
        """Smoothed approval rates in [0, 1] of many products for one segment: one round
        trip when they are cached, two when some must be read."""
        products = list(dict.fromkeys(product_ids))
        seg = segment(size_class, province_code)
        version = self.client.get(self.keys.outcomes_version())
        rates = self._cached(seg, version)
        missing = [p for p in products if p not in rates]
        if missing:
            pipe = self.client.pipeline(transaction=False)
            for product_id in missing:
                pipe.hmget(self.keys.outcomes(product_id), "all|decided", "all|approved",
                           f"{seg}|decided", f"{seg}|approved")
            read = {product_id: self._rate(*(int(n or 0) for n in counts))
                    for product_id, counts in zip(missing, pipe.execute())}
            with self._lock:
                rates.update(read)  # read after the GET: at least as new as its version
        return {p: rates[p] for p in products}

    def _cached(self, seg: str, version: bytes | None) -> dict[str, float]:
        with self._lock:
            found = self._cache.get(seg)
            if found is None or found[0] != version:
                found = self._cache[seg] = (version, {})
                while len(self._cache) > CACHED_SEGMENTS:
                    self._cache.popitem(last=False)
            self._cache.move_to_end(seg)
            return found[1]

    def approval_rate(self, product_id: str, size_class: str | None,
                      province_code: str | None) -> float:
        return self.approval_rates([product_id], size_class, province_code)[product_id]

    def _rate(self, decided: int, approved: int, seg_decided: int, seg_approved: int) -> float:
        product = (approved + self.alpha) / (decided + self.alpha + self.beta)
        strength = self.alpha + self.beta
        return (seg_approved + strength * product) / (seg_decided + strength)
