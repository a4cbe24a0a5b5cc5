"""The plain-Python reference: ``matcher.rulefile.condition.evaluate`` over every product.

This is the oracle the others are checked against, and the figure that shows what
a straightforward interpreter of the rule tree costs. No pre-filtering, no
sharing: every criterion of every product is tested, three-valued.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matcher.rulefile.condition import evaluate
from matcher.rulefile.product import Product


class ReferenceEvaluator:
    """Every product's outcome (PASS / FAIL / UNKNOWN) for one profile's values."""

    name = "python reference"

    def __init__(self, products: Sequence[Product]):
        self.trees = [p.eligibility for p in products]

    def __len__(self) -> int:
        return len(self.trees)

    def outcomes(self, values: Mapping[str, Any]) -> list[str]:
        return [evaluate(tree, values) for tree in self.trees]
