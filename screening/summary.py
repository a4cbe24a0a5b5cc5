"""summary.json: per product its counts, per segment, and its binding constraints.

Built from summed ``Counts`` only, so every engine that produces the same counts
writes the same file, byte for byte (keys sorted, products in
catalog order).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matcher.rulefile.condition import Criterion, Node

from .columns import SEGMENTS
from .counts import Counts
from .screen import COUNTED, ELIGIBLE, INCOMPLETE, INELIGIBLE, NEAR_MISS, Plan


def describe(node: Node) -> str:
    """A condition in the compact words of ``loanmatch diff``."""
    if isinstance(node, Criterion):
        return node.describe()
    inner = ", ".join(describe(child) for child in node.children)
    return f"{node.kind}({inner})"


def build_summary(counts: Counts, items: Sequence[Plan], meta: dict[str, Any]) -> dict[str, Any]:
    """summary.json's document; segments with no firm counted are left out."""
    index = {status: i for i, status in enumerate(counts.statuses)}
    segment_firms = {
        d: {name: int(v) for name, v in zip(counts.names[d], counts.firms[d]) if v}
        for d in SEGMENTS
    }
    products, position = [], 0
    for number, item in enumerate(items):
        totals = {status: int(counts.totals[number, index[status]]) for status in COUNTED}
        segments = {}
        for d in SEGMENTS:
            matrix = counts.segments[d][number]
            names = counts.names[d]
            segments[d] = {
                names[j]: {status: int(matrix[index[status], j]) for status in COUNTED}
                for j in np.flatnonzero(matrix.any(axis=0))
            }
        binding = []
        for offset, condition in enumerate(item.conditions):
            alone, qualify = counts.binding[position + offset].tolist()
            binding.append(
                {
                    "criterion": describe(condition),
                    "position": offset,
                    "fail_alone": alone,
                    "would_qualify": qualify,
                }
            )
        position += len(item.conditions)
        binding.sort(key=lambda b: (-b["fail_alone"], b["position"]))
        products.append(
            {
                "product_id": item.product.id,
                "bank": item.product.bank,
                "name": item.product.name,
                ELIGIBLE: totals[ELIGIBLE],
                INELIGIBLE: counts.firms_total - totals[ELIGIBLE] - totals[INCOMPLETE],
                INCOMPLETE: totals[INCOMPLETE],
                NEAR_MISS: totals[NEAR_MISS],
                "segments": segments,
                "binding_constraints": binding,
            }
        )
    return {
        **meta,
        "firms": counts.firms_total,
        "segment_firms": segment_firms,
        "products": products,
    }


def write_summary(summary: dict[str, Any], path: Path) -> None:
    text = json.dumps(summary, ensure_ascii=False, sort_keys=True, indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")
