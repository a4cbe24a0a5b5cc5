"""Sorting the products durable_rules did not fire into near misses, incomplete
and plainly ineligible — for every product at once.

durable_rules decides who is eligible. For the rest the result only needs to
know how many of a product's top-level conditions fail, and whether one of
them is a condition the enterprise cannot change (region, trade). Catalogs
repeat the same conditions across products ("无当前逾期", "纳税信用等级A、B、M级"),
so each distinct condition is tested once per profile and the per-product
counts are one vectorised sum over a condition table.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .condition import FAIL, PASS, UNKNOWN, Criterion, Node, fields_used, top_level
from .rule import Product

# Failing on these is no near miss: an enterprise cannot move or change trade to qualify.
FIXED_FIELDS = frozenset({"region_code", "province_code", "city_code", "industry_code",
                          "industry_section", "entity_type", "established_on"})


def checker(node: Node) -> Callable[[Mapping[str, Any]], str]:
    """A node's three-valued test as one closure."""
    if not isinstance(node, Criterion) or node.op == "exists":
        return node.outcome
    name, holds = node.field, node.holds

    def check(values: Mapping[str, Any]) -> str:
        actual = values.get(name)
        if actual is None:
            return UNKNOWN
        return PASS if holds(actual) else FAIL
    return check


def _key(node: Node) -> tuple:
    """Equal for conditions that test the same thing, so that each is tested once."""
    if isinstance(node, Criterion):
        return (node.field, node.op, node.value)
    return (node.kind, tuple(_key(child) for child in node.children))


class Triage:
    def __init__(self, products: Sequence[Product]):
        self._checks: list[Callable] = []
        index: dict[tuple, int] = {}
        row_check: list[int] = []
        row_fixed: list[bool] = []
        starts: list[int] = []
        for product in products:
            starts.append(len(row_check))
            for node in top_level(product.eligibility):
                key = _key(node)
                if key not in index:
                    index[key] = len(self._checks)
                    self._checks.append(checker(node))
                row_check.append(index[key])
                row_fixed.append(fields_used(node) <= FIXED_FIELDS)
        self._row_check = np.array(row_check, dtype=np.int32)
        self._row_fixed = np.array(row_fixed, dtype=bool)
        self._starts = np.array(starts, dtype=np.int64)

    @property
    def distinct_conditions(self) -> int:
        return len(self._checks)

    def failures(self, values: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """Per product: failing top-level conditions, and failing ones it cannot change."""
        failed = np.fromiter((check(values) == FAIL for check in self._checks), dtype=bool,
                             count=len(self._checks))
        rows = failed[self._row_check]
        if not len(self._starts):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return (np.add.reduceat(rows.astype(np.int32), self._starts),
                np.add.reduceat((rows & self._row_fixed).astype(np.int32), self._starts))
