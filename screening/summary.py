"""summary.json: per product its counts, per segment, and its binding constraints.

Built from summed tallies (``screening.screen``) only, so every engine that produces
the same tallies writes the same file, byte for byte (keys sorted, products in
catalog order).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from matcher.condition import Criterion, Node

from .columns import SEGMENTS
from .screen import (COUNTED, ELIGIBLE, FAIL_ALONE, INCOMPLETE, INELIGIBLE, NEAR_MISS,
                     WOULD_QUALIFY, Plan)


def describe(node: Node) -> str:
    """A condition in the compact words of ``loanmatch diff``."""
    if isinstance(node, Criterion):
        return node.describe()
    inner = ", ".join(describe(child) for child in node.children)
    return f"{node.kind}({inner})"


def build_summary(summed: dict[tuple, int], items: Sequence[Plan], meta: dict[str, Any]
                  ) -> dict[str, Any]:
    firms = summed.get((-1, "all", "", "firms"), 0)
    grouped: dict[tuple, dict[str, int]] = {}
    for (p, d, key, s), count in summed.items():
        if count and d in SEGMENTS:
            grouped.setdefault((p, d, s), {})[key] = count

    def _segment(product: int, dimension: str, status: str) -> dict[str, int]:
        return grouped.get((product, dimension, status), {})

    segment_firms = {name: _segment(-1, name, "firms") for name in SEGMENTS}
    products = []
    for number, item in enumerate(items):
        counts = {status: summed.get((number, "all", "", status), 0) for status in COUNTED}
        segments = {}
        for name in SEGMENTS:
            per = {status: _segment(number, name, status) for status in COUNTED}
            keys = sorted(set().union(*per.values()))
            segments[name] = {key: {status: per[status].get(key, 0) for status in COUNTED}
                              for key in keys}
        binding = []
        for index, condition in enumerate(item.conditions):
            alone = summed.get((number, "binding", str(index), FAIL_ALONE), 0)
            binding.append({"criterion": describe(condition), "position": index,
                            "fail_alone": alone,
                            "would_qualify": summed.get((number, "binding", str(index),
                                                         WOULD_QUALIFY), 0)})
        binding.sort(key=lambda b: (-b["fail_alone"], b["position"]))
        products.append({
            "product_id": item.product.id, "bank": item.product.bank,
            "name": item.product.name,
            ELIGIBLE: counts[ELIGIBLE], INELIGIBLE: firms - counts[ELIGIBLE] - counts[INCOMPLETE],
            INCOMPLETE: counts[INCOMPLETE], NEAR_MISS: counts[NEAR_MISS],
            "segments": segments, "binding_constraints": binding})
    return {**meta, "firms": firms, "segment_firms": segment_firms, "products": products}


def write_summary(summary: dict[str, Any], path: Path) -> None:
    text = json.dumps(summary, ensure_ascii=False, sort_keys=True, indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")
