"""Screening one slice of the firm base against products: statuses, tallies, status rows.

The answer per (firm, product) is ``Catalog.match``'s: the product's eligibility is the
``all`` of its top-level conditions, so it is *eligible* when every one passes,
*ineligible* when one fails, *incomplete* otherwise; a *near miss* is ineligible,
failing at most ``NEAR_MISS_LIMIT`` top-level conditions, none on a field the firm
cannot change (``triage.FIXED_FIELDS``) — the catalog's own constants, imported.

A slice gives additive ``Counts`` (``screening.counts``), so slices can be screened
anywhere — one after another here, as Spark partitions in ``screening.spark`` — and
summed; ``screening.summary`` turns the sum into summary.json.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from matcher.catalog import NEAR_MISS_LIMIT
from matcher.engine.triage import FIXED_FIELDS
from matcher.rulefile.condition import fields_used, top_level
from matcher.rulefile.product import Product

from .columns import Column, coded_of
from .counts import Cells, Counts
from .derive import dated_derived, established_after
from .engine import FirmEvaluator

ELIGIBLE, INELIGIBLE, INCOMPLETE, NEAR_MISS = "eligible", "ineligible", "incomplete", "near_miss"
COUNTED = (ELIGIBLE, INCOMPLETE, NEAR_MISS)
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
        out.append(
            Plan(product, conditions, tuple(fields_used(c) <= FIXED_FIELDS for c in conditions))
        )
    return out


@dataclass
class StatusRows:
    """Per (firm, product) rows for eligible, near-miss and incomplete answers."""

    firm: np.ndarray  # index into the slice's firm ids (sorted order)
    product: np.ndarray  # int32 index into the plans
    status: np.ndarray  # int8 index into STATUS_NAMES
    failing: np.ndarray  # int8 failing top-level conditions


STATUS_NAMES = (ELIGIBLE, NEAR_MISS, INCOMPLETE)


def screen_slice(
    columns: dict[str, Column],
    n: int,
    items: Sequence[Plan],
    as_of: date,
    statuses: bool = True,
    progress=None,
) -> tuple[Counts, StatusRows | None]:
    """Screen ``n`` firms (already in ``cell_order``) against ``items`` at ``as_of``."""
    evaluator, cells = prepare(columns, n, as_of)
    counts = Counts.empty(COUNTED, cells, len(items), sum(len(i.conditions) for i in items))
    firms = cells.per_cell(evaluator.valid[None, :])
    counts.firms_total = int(firms.sum())
    counts.firms = {d: v[0] for d, v in cells.by_segment(firms).items()}
    rows: list[tuple] = []
    position = 0
    for number, item in enumerate(items):
        bits = _screen_product(evaluator, counts, position, item)
        position += len(item.conditions)
        per_cell = cells.per_cell(bits[:3])
        counts.totals[number] = per_cell.sum(axis=1)
        for d, per_segment in cells.by_segment(per_cell).items():
            counts.segments[d][number] = per_segment
        if statuses:
            rows.append(_status_rows(bits, number, n))
        if progress:
            progress(1)
    found: StatusRows | None = None
    if statuses:
        found = StatusRows(
            *(
                np.concatenate([r[k] for r in rows]) if rows else np.zeros(0, dtype=t)
                for k, t in enumerate((np.int64, np.int32, np.int8, np.int8))
            )
        )
    return counts, found


def prepare(columns: dict[str, Column], n: int, as_of: date) -> tuple[FirmEvaluator, Cells]:
    """The evaluator and segment cells of a slice at ``as_of`` (dated fields derived;
    firms registered after ``as_of`` count nowhere, as load_profile refuses them)."""
    columns = dict(columns)
    established = coded_of(columns, "established_on")
    columns.update(dated_derived(established, as_of))
    valid = ~established_after(established, as_of)
    return FirmEvaluator(columns, n, valid), Cells(columns, n)


def _screen_product(ev: FirmEvaluator, counts: Counts, position: int, item: Plan) -> np.ndarray:
    """Bits of (eligible, incomplete, near miss, failing two or more); binding counted.

    Failures are counted to three with bit counters (``one``, ``two``, ``three``:
    at least that many failing conditions), in place, in preallocated words.
    """
    outcomes = ev.outcomes(item.conditions)
    out = np.zeros((4, ev.words), np.uint64)
    eligible, incomplete, near, two = out
    eligible |= ev.valid
    one, three, fixed, unknown, tmp = np.zeros((5, ev.words), np.uint64)
    for outcome, is_fixed in zip(outcomes, item.fixed):
        f = outcome.fails
        eligible &= outcome.passes
        np.bitwise_and(two, f, out=tmp)
        three |= tmp
        np.bitwise_and(one, f, out=tmp)
        two |= tmp
        one |= f
        np.bitwise_or(outcome.passes, f, out=tmp)
        np.invert(tmp, out=tmp)
        unknown |= tmp
        if is_fixed:
            fixed |= f
    unknown &= ev.valid
    np.invert(one, out=incomplete)
    incomplete &= ev.valid
    np.bitwise_and(incomplete, ~eligible, out=incomplete)
    np.bitwise_or(three, fixed, out=tmp)
    np.invert(tmp, out=near)
    near &= one
    alone = one & ~two
    found = counts.binding[position : position + len(outcomes)]
    for offset, outcome in enumerate(outcomes):
        np.bitwise_and(outcome.fails, alone, out=tmp)
        found[offset, 0] = int(np.bitwise_count(tmp).sum(dtype=np.int64))
        np.bitwise_and(tmp, ~unknown, out=tmp)
        found[offset, 1] = int(np.bitwise_count(tmp).sum(dtype=np.int64))
    return out


def _status_rows(bits: np.ndarray, number: int, n: int) -> tuple:
    """(firm, product, status, failing) of the eligible, near-miss and incomplete firms."""
    flags = np.unpackbits(bits.view(np.uint8), axis=1, bitorder="little")[:, :n]
    parts = []
    for code, row in enumerate((0, 2, 1)):  # STATUS_NAMES order
        firms = np.flatnonzero(flags[row])
        failing = (
            (1 + flags[3][firms]).astype(np.int8) if row == 2 else np.zeros(len(firms), np.int8)
        )
        parts.append((firms, np.full(len(firms), code, np.int8), failing))
    firms = np.concatenate([p[0] for p in parts])
    return (
        firms,
        np.full(len(firms), number, np.int32),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )
