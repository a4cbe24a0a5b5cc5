"""The firm table's columns: the profile vocabulary laid out as typed columns.

Why a fixed layout: the screening engine, the snapshot on disk, the SQL a bank runs in
its own warehouse and the Spark job all read the same columns, so each field's storage
is derived once here from ``matcher.vocabulary.fields`` (the table the profile schema is built
from) and never restated. Numbers are exact: money is ``decimal(18,2)`` (fen), ratios
``decimal(18,6)``, counts ``int64``; in memory they are int64 scaled by 10**scale, so a
comparison with a rule's Decimal bound is an exact integer comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import numpy as np
import pyarrow as pa

from matcher.vocabulary import fields as F

FIRM_ID = "firm_id"
CONSENT = "contact_consent"
FIRM_ID_MAX = 64  # characters of an opaque firm id

SCALE = {F.MONEY: 2, F.RATIO: 6, F.INTEGER: 0}
# Derived at import: they do not depend on the evaluation date.
STATIC_DERIVED = ("size_class", "province_code", "city_code", "industry_section")
# Derived at screening time, from established_on and the evaluation date.
DATED_DERIVED = ("months_in_business", "years_in_business")
SEGMENTS = ("city_code", "industry_section", "size_class")


def arrow_type(fld: F.Field) -> pa.DataType:
    """The column type of one vocabulary field in the firm table."""
    if fld.kind == F.MONEY:
        return pa.decimal128(18, 2)
    if fld.kind == F.RATIO:
        return pa.decimal128(18, 6)
    if fld.kind == F.INTEGER:
        return pa.int64()
    if fld.kind == F.BOOLEAN:
        return pa.bool_()
    if fld.kind == F.DATE:
        return pa.date32()
    if fld.kind == F.LIST:
        return pa.list_(pa.string())
    return pa.string()


def table_schema() -> pa.Schema:
    """Every column of a validated firm table (a snapshot), in a fixed order."""
    columns = [
        pa.field(FIRM_ID, pa.string(), nullable=False),
        pa.field(CONSENT, pa.bool_(), nullable=False),
    ]
    columns += [pa.field(name, arrow_type(fld)) for name, fld in F.POSTED_FIELDS.items()]
    columns += [pa.field(name, arrow_type(F.FIELDS[name])) for name in STATIC_DERIVED]
    return pa.schema(columns)


@dataclass
class NumberColumn:
    """A numeric field: values scaled by 10**scale (exact), and which are known."""

    scale: int
    values: np.ndarray  # int64
    known: np.ndarray  # bool

    def take(self, order: np.ndarray) -> NumberColumn:
        return NumberColumn(self.scale, self.values[order], self.known[order])


@dataclass
class CodedColumn:
    """A text, enum, boolean or date field: codes into its distinct values (-1 unknown)."""

    codes: np.ndarray  # int32
    values: list[Any] = dc_field(default_factory=list)

    @property
    def known(self) -> np.ndarray:
        return self.codes >= 0

    def take(self, order: np.ndarray) -> CodedColumn:
        return CodedColumn(self.codes[order], self.values)

    def decoded(self, missing: Any = None) -> np.ndarray:
        """The values per row as an object array (``missing`` where unknown)."""
        table = np.array(list(self.values) + [missing], dtype=object)
        return table[self.codes]


@dataclass
class ListColumn:
    """A list field: each row's items as codes into the distinct items."""

    offsets: np.ndarray  # int64, rows + 1
    items: np.ndarray  # int32 codes
    values: list[Any]
    known: np.ndarray  # bool

    def take(self, order: np.ndarray) -> ListColumn:
        starts, stops = self.offsets[:-1][order], self.offsets[1:][order]
        lengths = stops - starts
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        index = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        return ListColumn(offsets, self.items[index], self.values, self.known[order])


Column = NumberColumn | CodedColumn | ListColumn


def coded(values: np.ndarray | list, known: np.ndarray | None = None) -> CodedColumn:
    """Distinct values numbered in sorted order (so codes compare like values)."""
    array = np.asarray(values, dtype=object)
    if known is None:
        known = np.array([v is not None for v in array], dtype=bool)
    distinct = sorted(set(array[known].tolist()))
    index = {v: i for i, v in enumerate(distinct)}
    codes = np.full(len(array), -1, dtype=np.int32)
    if len(distinct):
        lookup = np.vectorize(index.__getitem__, otypes=[np.int32])
        codes[known] = lookup(array[known]) if known.any() else []
    return CodedColumn(codes, distinct)


def cell_order(columns: dict[str, Column]) -> np.ndarray:
    """Firms in (city, section, size) order, so each segment cell is one run of firms
    (``screening.counts``); snapshots are stored in this order."""
    keys = [coded_of(columns, name).codes for name in reversed(SEGMENTS)]
    return np.lexsort(keys)


def coded_of(columns: dict[str, Column], name: str) -> CodedColumn:
    """The coded column ``name`` (a text, enum, boolean or date field)."""
    column = columns[name]
    if not isinstance(column, CodedColumn):
        raise TypeError(f"{name} is not a coded column")
    return column


def number_of(columns: dict[str, Column], name: str) -> NumberColumn:
    column = columns[name]
    if not isinstance(column, NumberColumn):
        raise TypeError(f"{name} is not a numeric column")
    return column


def in_order(order: np.ndarray) -> bool:
    return bool(np.all(order[1:] > order[:-1])) if len(order) > 1 else True
