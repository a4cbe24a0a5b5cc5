"""The practical lower bound: one profile against every product with array operations.

The evaluator is ``matcher.engine.vector.Forest`` (its docstring says how criteria become
columns); the triage of ``Catalog.match`` uses the same one for top-level
conditions. Here it is given whole eligibility trees, one per product.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from matcher.engine.vector import FAIL_CODE, OUTCOMES, PASS_CODE, UNKNOWN_CODE, Forest
from matcher.rulefile.product import Product

__all__ = ["NumpyCatalog", "OUTCOMES", "FAIL_CODE", "UNKNOWN_CODE", "PASS_CODE"]


class NumpyCatalog:
    """Products compiled to criterion columns; ``codes`` answers for one profile."""

    name = "numpy"

    def __init__(self, products: Sequence[Product]):
        self._forest = Forest(p.eligibility for p in products)

    def __len__(self) -> int:
        return len(self._forest)

    def codes(self, values: Mapping[str, Any]) -> np.ndarray:
        """Each product's outcome as 0 (FAIL), 1 (UNKNOWN) or 2 (PASS), in product order."""
        return self._forest.codes(values)

    def eligible(self, values: Mapping[str, Any]) -> np.ndarray:
        """Indexes of the products that PASS."""
        return np.flatnonzero(self.codes(values) == PASS_CODE)

    def outcomes(self, values: Mapping[str, Any]) -> list[str]:
        return [OUTCOMES[c] for c in self.codes(values).tolist()]
