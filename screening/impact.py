"""The impact of a rule edit: per changed product, the firms that gain and lose eligibility.

Only products whose eligibility differs are screened (an edit of the terms changes
nobody's eligibility), each old and new version once over the firm base; firms that
gain are eligible under NEW and not under OLD, and the reverse for those that lose,
counted per segment like a screening.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from matcher.rulefile.product import Product

from .columns import SEGMENTS
from .counts import Counts, total
from .embedded import SLICE
from .firmbase import FirmBase
from .screen import prepare

GAINED, LOST = "gained", "lost"


@dataclass
class Change:
    product_id: str
    change: str  # changed | added | removed
    old: Product | None
    new: Product | None
    counts: dict[str, int] = field(default_factory=dict)
    segments: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "product_id": self.product_id,
            "change": self.change,
            GAINED: self.counts.get(GAINED, 0),
            LOST: self.counts.get(LOST, 0),
            "segments": self.segments,
        }

    def line(self) -> str:
        return (
            f"{self.product_id} ({self.change}): +{self.counts.get(GAINED, 0):,} firms, "
            f"-{self.counts.get(LOST, 0):,}"
        )


def changed_products(old: Sequence[Product], new: Sequence[Product]) -> list[Change]:
    """Products whose eligibility differs, in id order (criteria compared, not locations)."""
    before, after = {p.id: p for p in old}, {p.id: p for p in new}
    out = []
    for pid in sorted(set(before) | set(after)):
        a, b = before.get(pid), after.get(pid)
        if a is None:
            out.append(Change(pid, "added", None, b))
        elif b is None:
            out.append(Change(pid, "removed", a, None))
        elif a.eligibility != b.eligibility:
            out.append(Change(pid, "changed", a, b))
    return out


def impact(base: FirmBase, changes: list[Change], as_of: date, progress=None) -> list[Change]:
    ordered = base.in_cell_order()
    parts: list[Counts] = []
    for start in range(0, max(len(ordered), 1), SLICE):
        rows = np.arange(start, min(start + SLICE, len(ordered)))
        part = ordered.take(rows) if len(ordered) > SLICE else ordered
        evaluator, cells = prepare(part.columns, len(part), as_of)
        counts = Counts.empty((GAINED, LOST), cells, len(changes), 0)
        nothing = np.zeros(evaluator.words, np.uint64)
        for number, change in enumerate(changes):
            before = evaluator.outcome(change.old.eligibility).passes if change.old else nothing
            after = evaluator.outcome(change.new.eligibility).passes if change.new else nothing
            per_cell = cells.per_cell(np.stack([after & ~before, before & ~after]))
            counts.totals[number] = per_cell.sum(axis=1)
            for d, found in cells.by_segment(per_cell).items():
                counts.segments[d][number] = found
            if progress:
                progress(1)
        parts.append(counts)
    summed = total(parts)
    for number, change in enumerate(changes):
        change.counts = {GAINED: int(summed.totals[number, 0]), LOST: int(summed.totals[number, 1])}
        change.segments = {}
        for d in SEGMENTS:
            matrix = summed.segments[d][number]
            change.segments[d] = {
                summed.names[d][j]: {GAINED: int(matrix[0, j]), LOST: int(matrix[1, j])}
                for j in np.flatnonzero(matrix.any(axis=0))
            }
    return changes
