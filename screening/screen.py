"""Screening one slice of the firm base against products: statuses, tallies, status rows.

The answer per (firm, product) is ``Catalog.match``'s: the product's eligibility is the
``all`` of its top-level conditions, so it is *eligible* when every one passes,
*ineligible* when one fails, *incomplete* otherwise; a *near miss* is ineligible,
failing at most ``NEAR_MISS_LIMIT`` top-level conditions, none on a field the firm
cannot change (``triage.FIXED_FIELDS``) — the catalog's own constants, imported.

A slice gives *tallies*: additive counts in long form (product, dimension, key,
status, count), so slices can be screened anywhere — one after another here, as
Spark partitions in ``screening.spark`` — and summed; ``screening.summary`` turns
the summed tallies into summary.json. Counting per segment is popcounts over ranges:
the slice is sorted by (city, section, size), so each cell is a run of firms.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

import numpy as np

from matcher.catalog import NEAR_MISS_LIMIT
from matcher.condition import fields_used, top_level
from matcher.rule import Product
from matcher.triage import FIXED_FIELDS

from .columns import SEGMENTS, CodedColumn, Column
from .derive import dated_derived, established_after
from .engine import FirmEvaluator, unpack

ELIGIBLE, INELIGIBLE, INCOMPLETE, NEAR_MISS = "eligible", "ineligible", "incomplete", "near_miss"
COUNTED = (ELIGIBLE, INCOMPLETE, NEAR_MISS)
FAIL_ALONE, WOULD_QUALIFY = "fail_alone", "would_qualify"
if NEAR_MISS_LIMIT != 2:  # the bit counters below count failures up to three
    raise ImportError("screening counts near misses failing at most 2 conditions")


@dataclass(frozen=True)
class Plan:
    """A product's top-level conditions and which are on fields a firm cannot change."""
    product: Product
    conditions: tuple
    fixed: tuple[bool, ...]


def plans(products: Sequence[Product]) -> list[Plan]:
    out = []
    for product in products:
        conditions = top_level(product.eligibility)
        out.append(Plan(product, conditions,
                        tuple(fields_used(c) <= FIXED_FIELDS for c in conditions)))
    return out


@dataclass
class Tallies:
    """Long-form counts; ``product`` -1 holds per-segment firm counts."""
    product: np.ndarray  # int32
    dimension: np.ndarray  # object (str)
    key: np.ndarray  # object (str)
    status: np.ndarray  # object (str)
    count: np.ndarray  # int64

    @staticmethod
    def concat(parts: Sequence["Tallies"]) -> "Tallies":
        return Tallies(*(np.concatenate([getattr(p, f) for p in parts]) if parts else
                         np.zeros(0, dtype=t) for f, t in
                         (("product", np.int32), ("dimension", object), ("key", object),
                          ("status", object), ("count", np.int64))))

    def summed(self) -> dict[tuple, int]:
        out: dict[tuple, int] = {}
        for row in zip(self.product.tolist(), self.dimension.tolist(), self.key.tolist(),
                       self.status.tolist(), self.count.tolist()):
            out[row[:4]] = out.get(row[:4], 0) + row[4]
        return out


@dataclass
class StatusRows:
    """Per (firm, product) rows for eligible, near-miss and incomplete answers."""
    firm: np.ndarray  # index into the slice's firm ids (sorted order)
    product: np.ndarray  # int32 index into the plans
    status: np.ndarray  # int8 index into STATUS_NAMES
    failing: np.ndarray  # int8 failing top-level conditions


STATUS_NAMES = (ELIGIBLE, NEAR_MISS, INCOMPLETE)


def cell_order(columns: dict[str, Column]) -> np.ndarray:
    """Firms in (city, section, size) order, so each segment cell is one run."""
    keys = [columns[name].codes for name in reversed(SEGMENTS)]
    return np.lexsort(keys)


def screen_slice(columns: dict[str, Column], n: int, items: Sequence[Plan], as_of: date,
                 statuses: bool = True, progress=None) -> tuple[Tallies, StatusRows | None]:
    """Screen ``n`` firms (already in ``cell_order``) against ``items`` at ``as_of``."""
    evaluator, cells = prepare(columns, n, as_of)
    parts = [cells.firm_tallies()]
    rows: list[tuple] = []
    for number, item in enumerate(items):
        parts.append(_screen_product(evaluator, cells, number, item, rows if statuses else None))
        if progress:
            progress(1)
    found = None
    if statuses:
        found = StatusRows(*(np.concatenate([r[k] for r in rows]) if rows else
                             np.zeros(0, dtype=t) for k, t in
                             enumerate((np.int64, np.int32, np.int8, np.int8))))
    return Tallies.concat(parts), found


def prepare(columns: dict[str, Column], n: int, as_of: date) -> tuple[FirmEvaluator, "Cells"]:
    """The evaluator and segment cells of a slice at ``as_of`` (dated fields derived;
    firms registered after ``as_of`` count nowhere, as load_profile refuses them)."""
    columns = dict(columns)
    columns.update(dated_derived(columns["established_on"], as_of))
    valid = ~established_after(columns["established_on"], as_of)
    return FirmEvaluator(columns, n, valid), Cells(columns, n, valid)


def _screen_product(ev: FirmEvaluator, cells: "Cells", number: int, item: Plan,
                    rows: list | None) -> Tallies:
    outcomes = ev.outcomes(item.conditions)
    eligible = ev.valid.copy()
    one, two, three = (np.zeros(ev.words, np.uint64) for _ in range(3))
    fixed = np.zeros(ev.words, np.uint64)
    unknown = np.zeros(ev.words, np.uint64)
    for outcome, is_fixed in zip(outcomes, item.fixed):
        f = outcome.fails
        eligible &= outcome.passes
        three |= two & f
        two |= one & f
        one |= f
        unknown |= ~(outcome.passes | f)
        if is_fixed:
            fixed |= f
    unknown &= ev.valid
    incomplete = ev.valid & ~eligible & ~one
    near = one & ~three & ~fixed
    tallies = [cells.tally(number, ELIGIBLE, eligible), cells.tally(number, INCOMPLETE, incomplete),
               cells.tally(number, NEAR_MISS, near)]
    alone = one & ~two
    keys, names, counts = [], [], []
    for index, outcome in enumerate(outcomes):
        fail_alone = outcome.fails & alone
        keys += [str(index), str(index)]
        names += [FAIL_ALONE, WOULD_QUALIFY]
        counts += [_popcount(fail_alone), _popcount(fail_alone & ~unknown)]
    tallies.append(_long(number, "binding", keys, names, counts))
    if rows is not None:
        for code, bits in enumerate((eligible, near, incomplete)):
            firms = np.flatnonzero(unpack(bits, ev.n))
            if code == 1:
                failing = np.where(unpack(two, ev.n)[firms], 2, 1).astype(np.int8)
            else:
                failing = np.zeros(len(firms), dtype=np.int8)
            rows.append((firms, np.full(len(firms), number, np.int32),
                         np.full(len(firms), code, np.int8), failing))
    return Tallies.concat(tallies)


def _popcount(words: np.ndarray) -> int:
    return int(np.bitwise_count(words).sum())


def _long(product: int, dimension: str, keys: list, statuses: list, counts: list) -> Tallies:
    counts = np.asarray(counts, dtype=np.int64)
    keep = counts != 0
    size = int(keep.sum())
    return Tallies(np.full(size, product, np.int32), np.full(size, dimension, object),
                   np.asarray(keys, dtype=object)[keep], np.asarray(statuses, dtype=object)[keep],
                   counts[keep])


class Cells:
    """Runs of firms with equal (city, section, size), and each segment's cells."""

    def __init__(self, columns: dict[str, Column], n: int, valid: np.ndarray):
        codes = np.stack([columns[name].codes for name in SEGMENTS], axis=1) if n else \
            np.zeros((0, len(SEGMENTS)), np.int32)
        change = np.flatnonzero(np.any(codes[1:] != codes[:-1], axis=1)) + 1
        self.starts = np.concatenate([[0], change]).astype(np.int64) if n else np.zeros(0, np.int64)
        self.bounds = np.concatenate([self.starts, [n]]).astype(np.int64)
        self.valid = valid
        self.segments = []  # per dimension: (cell -> segment number, segment names)
        for d, name in enumerate(SEGMENTS):
            column: CodedColumn = columns[name]
            names = np.array([str(v) for v in column.values] + ["unknown"], dtype=object)
            segment = codes[self.starts, d].astype(np.intp) if n else np.zeros(0, np.intp)
            segment[segment < 0] = len(names) - 1
            self.segments.append((name, segment, names))

    def counts(self, bits: np.ndarray) -> np.ndarray:
        """Set bits per cell: cumulative popcounts at the run bounds."""
        per_word = np.concatenate([[0], np.cumsum(np.bitwise_count(bits), dtype=np.int64)])
        word, offset = self.bounds // 64, self.bounds % 64
        padded = np.concatenate([bits, np.zeros(1, np.uint64)])
        low = np.bitwise_count(padded[word] & ((np.uint64(1) << offset.astype(np.uint64))
                                               - np.uint64(1)))
        before = per_word[word] + low.astype(np.int64)
        return np.diff(before)

    def tally(self, product: int, status: str, bits: np.ndarray) -> Tallies:
        per_cell = self.counts(bits)
        total = int(per_cell.sum())
        parts = [_long(product, "all", [""], [status], [total])]
        if total:
            for name, segment, names in self.segments:
                sums = np.bincount(segment, weights=per_cell, minlength=len(names))
                parts.append(_long(product, name, list(names), [status] * len(names),
                                   sums.astype(np.int64)))
        return Tallies.concat(parts)

    def firm_tallies(self) -> Tallies:
        from .engine import pack
        return self.tally(-1, "firms", pack(self.valid))
