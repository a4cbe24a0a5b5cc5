"""Setting aside products for another region before any rule runs.

Most products are regional (a city bank lends in its own city). A product
whose top-level eligibility names regions can only match an enterprise
registered under one of them, so an index from region prefix to products
answers "which products could this profile match at all" with three dict
look-ups. The rest are ineligible by a criterion the enterprise cannot change,
which is exactly what the rule would have said — durable_rules still decides
every product that remains.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..rulefile.condition import Criterion, top_level
from ..rulefile.product import Product
from ..vocabulary.fields import BOOLEAN, ENUM, FIELDS

_KEPT = 8192  # region codes whose candidates are kept (any six digits may be posted)


class RegionIndex:
    def __init__(self, products: Sequence[Product]):
        self.national: list[int] = []
        self.by_prefix: dict[str, list[int]] = defaultdict(list)
        for index, product in enumerate(products):
            prefixes = product.region_prefixes
            if prefixes is None:
                self.national.append(index)
            else:
                for prefix in prefixes:
                    self.by_prefix[prefix].append(index)
        self.size = len(products)
        self._arrays: dict[str | None, np.ndarray] = {}

    def candidate_array(self, values: Mapping[str, Any]) -> np.ndarray:
        """``candidates`` as an array, kept per region code (a few thousand exist); read-only."""
        region = values.get("region_code")
        found = self._arrays.get(region)
        if found is None:
            found = np.array(self.candidates(values), dtype=np.int64)
            found.flags.writeable = False
            if len(self._arrays) < _KEPT:
                self._arrays[region] = found
        return found

    def candidates(self, values: Mapping[str, Any]) -> list[int]:
        """Indexes of the products this profile could match, ascending."""
        region = values.get("region_code")
        if region is None:
            return list(range(self.size))
        found = set(self.national)
        for length in (2, 4, 6):
            found.update(self.by_prefix.get(region[:length], ()))
        return sorted(found)

    @staticmethod
    def order_key(product: Product) -> tuple:
        """Products of one region side by side, and within a region those asking the same
        categorical things (tax grade, size class, …) side by side, so that a profile that
        rules out a region or a requirement skips whole rulesets."""
        prefixes = product.region_prefixes
        region = ("",) if prefixes is None else tuple(sorted(prefixes))
        signature = _categorical_signature(product)
        return region, signature[:1], _thresholds(product), signature


# Money floors most profiles fall below, strictest first: within a region and a first
# categorical requirement, a profile's possible products then form runs, so it skips
# the rulesets of the floors above its figures (``docs/performance.md``).
_THRESHOLD_FIELDS = ("annual_revenue", "tax_paid_12m")


def _thresholds(product: Product) -> tuple[float, ...]:
    floors = dict.fromkeys(_THRESHOLD_FIELDS, 0.0)
    for node in top_level(product.eligibility):
        if isinstance(node, Criterion) and node.field in floors and node.op in (">=", ">"):
            floors[node.field] = min(floors[node.field], -float(node.value))
    return tuple(floors.values())


def _categorical_signature(product: Product) -> tuple:
    found = []
    for node in top_level(product.eligibility):
        if isinstance(node, Criterion) and FIELDS[node.field].kind in (ENUM, BOOLEAN):
            value = node.value if isinstance(node.value, tuple) else (node.value,)
            found.append((node.field, node.op, tuple(str(v) for v in value)))
    # The requirements most profiles fail first, so that their products cluster.
    order = {"tax_credit_rating": 0, "size_class": 1, "entity_type": 2}
    return tuple(sorted(found, key=lambda f: (order.get(f[0], 9), f)))
