"""Counting firms per product, status and segment, as dense additive matrices.

Why matrices: a platform's catalog is thousands of products, each counted per status in
every city, industry section and size class; one matrix per segment dimension
(product × status × segment) is filled with a few array operations per product and
summed across slices with one addition, where rows of (product, segment, count) would
cost a Python object each. Slices whose firms name different segments (Spark
partitions) are aligned by segment name before they are added.

Counting is popcounts over runs: a slice is sorted by (city, section, size), so each
*cell* of equal segments is one run of firms, counted from cumulative popcounts at the
run bounds; each dimension's counts are then the cells' counts summed per segment.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .columns import SEGMENTS, Column, coded_of

UNKNOWN = "unknown"


class Cells:
    """Runs of firms with equal (city, section, size), and each run's segments."""

    def __init__(self, columns: dict[str, Column], n: int):
        codes = (
            np.stack([coded_of(columns, name).codes for name in SEGMENTS], axis=1)
            if n
            else np.zeros((0, len(SEGMENTS)), np.int32)
        )
        change = np.flatnonzero(np.any(codes[1:] != codes[:-1], axis=1)) + 1
        starts = np.concatenate([[0], change]).astype(np.int64) if n else np.zeros(0, np.int64)
        bounds = np.concatenate([starts, [n]]).astype(np.int64)
        self._word, self._offset = bounds // 64, (bounds % 64).astype(np.uint64)
        self.names: dict[str, list[str]] = {}
        self._segment: dict[str, np.ndarray] = {}  # cell -> segment number, per dimension
        self._places: dict[tuple[str, int], np.ndarray] = {}
        for d, name in enumerate(SEGMENTS):
            column = coded_of(columns, name)
            names = [str(v) for v in column.values] + [UNKNOWN]
            segment = codes[starts, d].astype(np.intp) if n else np.zeros(0, np.intp)
            segment[segment < 0] = len(names) - 1
            self.names[name], self._segment[name] = names, segment

    def per_cell(self, bits: np.ndarray) -> np.ndarray:
        """Set bits per cell for each row of ``bits`` (rows × words) → rows × cells."""
        padded = np.concatenate([bits, np.zeros((len(bits), 1), np.uint64)], axis=1)
        before = np.zeros((len(bits), padded.shape[1] + 1), dtype=np.int64)
        np.cumsum(np.bitwise_count(padded), axis=1, out=before[:, 1:])
        low = padded[:, self._word] & ((np.uint64(1) << self._offset) - np.uint64(1))
        at = before[:, self._word] + np.bitwise_count(low)
        return np.diff(at, axis=1)

    def by_segment(self, per_cell: np.ndarray) -> dict[str, np.ndarray]:
        """Cell counts summed per segment of each dimension (rows × segments; exact, as
        float64 holds counts below 2**53)."""
        rows = len(per_cell)
        out = {}
        for name, segment in self._segment.items():
            size = len(self.names[name])
            places = self._places.get((name, rows))
            if places is None:
                places = (np.arange(rows)[:, None] * size + segment[None, :]).ravel()
                self._places[(name, rows)] = places
            summed = np.bincount(places, weights=per_cell.ravel(), minlength=rows * size)
            out[name] = np.rint(summed).astype(np.int64).reshape(rows, size)
        return out


@dataclass
class Counts:
    """Firms per (product, status) in total and per segment; ``binding`` per condition."""

    statuses: tuple[str, ...]
    names: dict[str, list[str]]  # segment names per dimension ("unknown" last)
    firms: dict[str, np.ndarray]  # firms per segment
    firms_total: int
    totals: np.ndarray  # products × statuses
    segments: dict[str, np.ndarray]  # products × statuses × segments
    binding: np.ndarray  # conditions (all products, in order) × (fail alone, would qualify)

    @staticmethod
    def empty(statuses: Sequence[str], cells: Cells, products: int, conditions: int) -> Counts:
        k = len(statuses)
        return Counts(
            tuple(statuses),
            dict(cells.names),
            {d: np.zeros(len(n), np.int64) for d, n in cells.names.items()},
            0,
            np.zeros((products, k), np.int64),
            {d: np.zeros((products, k, len(n)), np.int64) for d, n in cells.names.items()},
            np.zeros((conditions, 2), np.int64),
        )

    def add(self, other: Counts) -> Counts:
        """The sum of two slices' counts (segments aligned by name)."""
        names, firms, segments = {}, {}, {}
        for d in self.names:
            union = _union(self.names[d], other.names[d])
            names[d] = union
            firms[d] = _align(self.firms[d], self.names[d], union) + _align(
                other.firms[d], other.names[d], union
            )
            segments[d] = _align(self.segments[d], self.names[d], union) + _align(
                other.segments[d], other.names[d], union
            )
        return Counts(
            self.statuses,
            names,
            firms,
            self.firms_total + other.firms_total,
            self.totals + other.totals,
            segments,
            self.binding + other.binding,
        )

    def to_bytes(self) -> bytes:
        """For shipping a partition's counts from a Spark executor to the driver."""
        buffer = io.BytesIO()
        arrays: dict[str, Any] = {"totals": self.totals, "binding": self.binding}
        for d in self.names:
            arrays[f"firms.{d}"] = self.firms[d]
            arrays[f"segments.{d}"] = self.segments[d]
        head = {"statuses": self.statuses, "names": self.names, "firms_total": self.firms_total}
        arrays["head"] = np.frombuffer(json.dumps(head).encode(), np.uint8)
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    @staticmethod
    def from_bytes(data: bytes) -> Counts:
        found = np.load(io.BytesIO(data))
        head = json.loads(found["head"].tobytes())
        names = head["names"]
        return Counts(
            tuple(head["statuses"]),
            names,
            {d: found[f"firms.{d}"] for d in names},
            head["firms_total"],
            found["totals"],
            {d: found[f"segments.{d}"] for d in names},
            found["binding"],
        )


def _union(a: list[str], b: list[str]) -> list[str]:
    if a == b:
        return a
    return sorted((set(a) | set(b)) - {UNKNOWN}) + [UNKNOWN]


def _align(values: np.ndarray, names: list[str], union: list[str]) -> np.ndarray:
    if names == union:
        return values
    place = {name: i for i, name in enumerate(union)}
    out = np.zeros(values.shape[:-1] + (len(union),), dtype=values.dtype)
    out[..., [place[n] for n in names]] = values
    return out


def total(parts: Sequence[Counts]) -> Counts:
    result = parts[0]
    for part in parts[1:]:
        result = result.add(part)
    return result
