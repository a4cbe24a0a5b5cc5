"""Sorting the products durable_rules did not fire into near misses, incomplete
and plainly ineligible — for every product at once.

durable_rules decides who is eligible. For the rest the result only needs to
know how many of a product's top-level conditions fail, and whether one of
them is a condition the enterprise cannot change (region, trade). Catalogs
repeat the same conditions across products ("无当前逾期", "纳税信用等级A、B、M级"),
so the distinct top-level conditions are one ``matcher.engine.vector.Forest``, decided
for all of them with array operations.

Counting is bit arithmetic, because a row per (product, condition) is ten rows
per product and a pass over them costs more than deciding the conditions: each
product holds a bitset over the distinct conditions (one 64-bit word per 64
conditions), the profile's failing conditions are one more, and a product's
count is the popcount of their AND. Conditions on FIXED_FIELDS only come first,
in words of their own, so the words' popcounts summed give both counts at once.
A product that lists one condition twice counts it twice; the repeats are kept
aside and added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..rulefile.condition import FAIL, PASS, UNKNOWN, Criterion, Node, fields_used, top_level
from ..rulefile.product import Product
from ..vocabulary.fields import POSTED_FIELDS, SOURCES_OF
from .vector import FAIL_CODE, PASS_CODE, UNKNOWN_CODE, Forest

# Failing on these is no near miss: an enterprise cannot move or change trade to qualify.
FIXED_FIELDS = frozenset(
    {
        "region_code",
        "province_code",
        "city_code",
        "industry_code",
        "industry_section",
        "entity_type",
        "established_on",
    }
)


def _words(flags: np.ndarray) -> np.ndarray:
    """Boolean flags along the last axis (a multiple of 64 long) as 64-bit words.

    Profile and products go through this one function, so a condition is the
    same bit of the same word on both sides whatever the machine's byte order.
    """
    return np.packbits(flags, axis=-1, bitorder="little").view(np.uint64)


class Triage:
    """The products' top-level conditions, built once per catalog; ``failures`` per profile."""

    def __init__(self, products: Sequence[Product]):
        nodes: list[Node] = []
        numbers: list[int] = []
        fixed: list[bool] = []
        for number, product in enumerate(products):
            for node in top_level(product.eligibility):
                nodes.append(node)
                numbers.append(number)
                fixed.append(fields_used(node) <= FIXED_FIELDS)
        self._forest = Forest(nodes)
        row_product = np.array(numbers, dtype=np.intp)
        row_fixed = np.array(fixed, dtype=bool)
        # A condition is a place in the forest (equal nodes share one) and whether it is
        # fixed, which is the same for equal nodes; fixed ones first, in words of their own.
        span = self._forest.size + 1
        key = np.where(row_fixed, 0, span) + self._forest.roots
        distinct, row_condition = np.unique(key, return_inverse=True)
        row_condition = row_condition.reshape(-1)
        fixed_count = int(np.count_nonzero(distinct < span))
        self._fixed_words = -(-fixed_count // 64)
        words = self._fixed_words + -(-(len(distinct) - fixed_count) // 64)
        bit = np.concatenate(
            [
                np.arange(fixed_count),
                self._fixed_words * 64 + np.arange(len(distinct) - fixed_count),
            ]
        )
        row_bit = bit[row_condition].astype(np.intp)
        # Each product's top-level conditions, in order, as bits: what a result lists
        # about a product is read from the codes of its conditions, not evaluated again.
        order = np.argsort(row_product, kind="stable")
        self._bits_of = (
            np.split(
                row_bit[order], np.cumsum(np.bincount(row_product, minlength=len(products)))[:-1]
            )
            if len(products)
            else []
        )
        # Where each bit's condition is in what the forest answers; padding bits never fail.
        self._tested = np.zeros(words * 64, dtype=np.intp)
        self._tested[bit] = distinct % span
        self._real = np.zeros(words * 64, dtype=bool)
        self._real[bit] = True
        self._distinct = len(distinct)
        # A product's first row of a condition is a bit; a repeat is kept aside.
        first = np.zeros(len(row_bit), dtype=bool)
        first[np.unique(row_product * (words * 64) + row_bit, return_index=True)[1]] = True
        has = np.zeros((len(products), words * 64), dtype=bool)
        has[row_product[first], row_bit[first]] = True
        self._sets = np.ascontiguousarray(_words(has).T)  # (words, products)
        self._repeat_product = row_product[~first]
        self._repeat_bit = row_bit[~first]
        self._repeat_fixed = row_fixed[~first]
        # What ``missing_fields`` would name for an undecided top-level criterion: its
        # posted sources, as bits of a mask; a group's undecided rows depend on the profile.
        self._sources = np.zeros(words * 64, dtype=np.uint64)
        self._group = np.zeros(words * 64, dtype=bool)
        names = {name: n for n, name in enumerate(sorted(POSTED_FIELDS))}
        for node, bit in zip(nodes, row_bit.tolist()):
            sources: tuple[str, ...] = ()
            if isinstance(node, Criterion):
                sources = SOURCES_OF.get(node.field, (node.field,))
            if not sources or len(names) > 64 or any(s not in names for s in sources):
                self._group[bit] = True
            else:
                self._sources[bit] = sum(1 << names[s] for s in sources)
        # Counts summed in bytes when no product could reach 256.
        most = np.bincount(row_product).max() if len(row_product) else 0
        self._sum_dtype = np.uint8 if most < 256 else np.int32

    @property
    def distinct_conditions(self) -> int:
        return self._distinct

    def failures(self, values: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """Per product: failing top-level conditions, and failing ones it cannot change."""
        return self.counts(values)[:2]

    def counts(self, values: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``failures``, and per product whether a top-level condition is undecided
        (a field it needs is missing). A product without either is eligible by the
        reference's logic, since its eligibility is the ``all`` of those conditions:
        the catalog checks durable_rules' answers against that."""
        return self.screen(values)[:3]

    def screen(
        self, values: Mapping[str, Any]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``counts``, and every condition's code for ``top_outcomes``. Counted for every
        product: picking a profile's candidates out of the sets first costs more than
        the counts of the others (``docs/performance.md``)."""
        codes = self._forest.evaluate(values)[self._tested]
        sets = self._sets
        failed = (codes == FAIL_CODE) & self._real
        counts = np.bitwise_count(sets & _words(failed)[:, None])
        fixed_failing = counts[: self._fixed_words].sum(axis=0, dtype=self._sum_dtype)
        failing = fixed_failing + counts[self._fixed_words :].sum(axis=0, dtype=self._sum_dtype)
        failing, fixed_failing = failing.astype(np.int32), fixed_failing.astype(np.int32)
        if len(self._repeat_product):
            hit = failed[self._repeat_bit]
            np.add.at(failing, self._repeat_product[hit], 1)
            np.add.at(fixed_failing, self._repeat_product[hit & self._repeat_fixed], 1)
        unknown = (codes == UNKNOWN_CODE) & self._real
        if unknown.any():
            undecided = np.bitwise_or.reduce(sets & _words(unknown)[:, None], axis=0) != 0
        else:  # every condition decided: a full profile, the common case
            undecided = np.zeros(sets.shape[1], dtype=bool)
        return failing, fixed_failing, undecided, codes

    def missing_counts(
        self, codes: np.ndarray, products: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For undecided products (``screen``'s codes): how many posted fields their
        ``missing_fields`` name, and whether that count is exact — it is not where an
        undecided top-level condition is a group (an ``any``, a ``not``), whose relevant
        rows depend on the profile. An answer lists 20 of possibly thousands of
        undecided products, fewest missing first; this orders them without explaining
        every one."""
        unknown = (codes == UNKNOWN_CODE) & self._real
        sets = self._sets[:, products]
        bits = np.flatnonzero(unknown & ~self._group)
        held = (sets[bits >> 6] >> (bits & 63).astype(np.uint64)[:, None]) & np.uint64(1)
        masks = np.bitwise_or.reduce(held * self._sources[bits][:, None], axis=0)
        groups = np.flatnonzero(unknown & self._group)
        inexact = (sets[groups >> 6] >> (groups & 63).astype(np.uint64)[:, None]) & np.uint64(1)
        exact = ~inexact.any(axis=0)
        return np.bitwise_count(masks).astype(np.int64), exact

    def top_outcomes(self, codes: np.ndarray, products: Sequence[int]) -> list[list[str]]:
        """Each product's top-level conditions' outcomes (``screen``'s codes), in order;
        read for all the products in one step (an answer explains ~20)."""
        if not len(products):
            return []
        parts = [self._bits_of[product] for product in products]
        flat = _OUTCOMES[codes[np.concatenate(parts)]].tolist()
        out, start = [], 0
        for part in parts:
            out.append(flat[start : start + len(part)])
            start += len(part)
        return out


_OUTCOMES = np.empty(3, dtype=object)  # by code
_OUTCOMES[[FAIL_CODE, UNKNOWN_CODE, PASS_CODE]] = [FAIL, UNKNOWN, PASS]
