"""The embedded engine: the firm base screened in slices in this process.

Slices bound the memory (each distinct condition holds two bits per firm of the slice),
and are the unit the Spark runner distributes, so both engines run the same code per
slice and differ only in who sums the tallies.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Sequence

import numpy as np
import pyarrow as pa

from matcher.rulefile.product import Product

from .firmbase import FirmBase
from .counts import total
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
    return {"firm_base_version": base.version, "catalog_version": catalog_version,
            "as_of": as_of.isoformat(), "firm_base_rows": len(base)}


def screen_embedded(base: FirmBase, products: Sequence[Product], catalog_version: str,
                    as_of: date, statuses: bool = True,
                    progress: Callable[[int], None] | None = None) -> Screening:
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


def status_table(firm_ids: np.ndarray, items: Sequence[Plan], parts: Sequence[StatusRows]
                 ) -> pa.Table:
    """statuses.parquet's rows, ordered by product (catalog order) then firm id."""
    firm = np.concatenate([p.firm for p in parts]) if parts else np.zeros(0, np.int64)
    product = np.concatenate([p.product for p in parts]) if parts else np.zeros(0, np.int32)
    status = np.concatenate([p.status for p in parts]) if parts else np.zeros(0, np.int8)
    failing = np.concatenate([p.failing for p in parts]) if parts else np.zeros(0, np.int8)
    rank = np.empty(len(firm_ids), dtype=np.int64)
    rank[np.argsort(firm_ids, kind="stable")] = np.arange(len(firm_ids))
    order = np.lexsort((rank[firm], product))
    return make_status_table(firm_ids[firm[order]], [i.product.id for i in items],
                             product[order], status[order], failing[order])


def make_status_table(firm_ids, product_ids: Sequence[str], product: np.ndarray,
                      status: np.ndarray, failing: np.ndarray) -> pa.Table:
    return pa.table({
        "firm_id": pa.array(list(firm_ids), pa.string()),
        "product_id": pa.DictionaryArray.from_arrays(pa.array(product, pa.int32()),
                                                     pa.array(list(product_ids), pa.string())),
        "status": pa.DictionaryArray.from_arrays(pa.array(status, pa.int8()),
                                                 pa.array(STATUS_NAMES, pa.string())),
        "failing_criteria": pa.array(failing, pa.int8()),
    })
