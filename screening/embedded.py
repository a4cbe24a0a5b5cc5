"""The embedded engine: the firm base screened in slices in this process.

Slices bound the memory (each distinct condition holds two bits per firm of the slice),
and are the unit the Spark runner distributes, so both engines run the same code per
slice and differ only in who sums the tallies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from matcher.rulefile.product import Product

from .counts import total
from .firmbase import FirmBase
from .screen import STATUS_NAMES, Plan, StatusRows, plans, screen_slice
from .summary import build_summary

SLICE = 1 << 20  # firms per slice


@dataclass
class Screening:
    summary: dict[str, Any]
    statuses: pa.Table | None


def select(products: Sequence[Product], product_ids: Sequence[str] | None) -> list[Product]:
    """The products asked for, in catalog order; KeyError names an unknown id."""
    if not product_ids:
        return list(products)
    known = {p.id for p in products}
    unknown = [pid for pid in product_ids if pid not in known]
    if unknown:
        raise KeyError(", ".join(unknown))
    wanted = set(product_ids)
    return [p for p in products if p.id in wanted]


def meta(base: FirmBase, catalog_version: str, as_of: date) -> dict[str, Any]:
    return {
        "firm_base_version": base.version,
        "catalog_version": catalog_version,
        "as_of": as_of.isoformat(),
        "firm_base_rows": len(base),
    }


def screen_embedded(
    base: FirmBase,
    products: Sequence[Product],
    catalog_version: str,
    as_of: date,
    statuses: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Screening:
    items = plans(products)
    ordered = base.in_cell_order()
    parts, found = [], []
    for start in range(0, max(len(ordered), 1), SLICE):
        rows = np.arange(start, min(start + SLICE, len(ordered)))
        part = ordered.take(rows) if len(ordered) > SLICE else ordered
        t, s = screen_slice(part.columns, len(part), items, as_of, statuses, progress)
        parts.append(t)
        if s is not None:
            s.firm = s.firm + start
            found.append(s)
    summary = build_summary(total(parts), items, meta(base, catalog_version, as_of))
    table = status_table(ordered.firm_ids, items, found) if statuses else None
    return Screening(summary, table)


def status_table(
    firm_ids: np.ndarray, items: Sequence[Plan], parts: Sequence[StatusRows]
) -> pa.Table:
    """statuses.parquet's rows (``parts`` index ``firm_ids``)."""

    def joined(name: str, dtype) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts]) if parts else np.zeros(0, dtype)

    ids = pa.array(firm_ids, pa.string()).take(pa.array(joined("firm", np.int64)))
    return make_status_table(
        ids,
        [i.product.id for i in items],
        joined("product", np.int32),
        joined("status", np.int8),
        joined("failing", np.int8),
    )


def make_status_table(
    firm_ids: pa.Array,
    product_ids: Sequence[str],
    product: np.ndarray,
    status: np.ndarray,
    failing: np.ndarray,
) -> pa.Table:
    """The rows ordered by product (catalog order) then firm id, whoever computed them."""
    table = pa.table(
        {
            "firm_id": firm_ids,
            "product_id": pa.DictionaryArray.from_arrays(
                pa.array(product, pa.int32()), pa.array(list(product_ids), pa.string())
            ),
            "status": pa.DictionaryArray.from_arrays(
                pa.array(status, pa.int8()), pa.array(STATUS_NAMES, pa.string())
            ),
            "failing_criteria": pa.array(failing, pa.int8()),
        }
    )
    keys = pa.table({"product": pa.array(product, pa.int32()), "firm_id": firm_ids})
    return table.take(pc.sort_indices(keys, [("product", "ascending"), ("firm_id", "ascending")]))
