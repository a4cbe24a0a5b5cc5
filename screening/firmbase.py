"""The firm base: validated columns of the platform's enterprises, and its content hash.

Read from Parquet, CSV or JSON Lines into Arrow, validated column-wise
(``screening.validate``), completed with the derived fields that do not depend on the
evaluation date (``screening.derive``), and written back as the canonical table
(``screening.columns.table_schema``) that snapshots, SQL and Spark all read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from matcher.vocabulary import fields as F

from .columns import (
    CONSENT,
    FIRM_ID,
    SCALE,
    STATIC_DERIVED,
    CodedColumn,
    Column,
    ListColumn,
    NumberColumn,
    cell_order,
    in_order,
    table_schema,
)
from .derive import static_derived
from .validate import (
    Checked,
    FirmBaseError,
    RowProblem,
    check_table,
    coded_from_arrow,
    decimal_units,
)

VERSION_KEY = b"loanmatch.firm_base_version"
FORMATS = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


@dataclass
class FirmBase:
    firm_ids: np.ndarray  # object array of str
    consent: np.ndarray  # bool
    columns: dict[str, Column]  # posted fields and STATIC_DERIVED
    version: str
    problems: list[RowProblem]
    rows_read: int

    def __len__(self) -> int:
        return len(self.firm_ids)

    def to_arrow(self) -> pa.Table:
        arrays = [pa.array(self.firm_ids.tolist(), pa.string()), pa.array(self.consent)]
        schema = table_schema()
        for fld in list(schema)[2:]:
            arrays.append(_to_arrow(self.columns[fld.name], fld.type))
        return pa.Table.from_arrays(
            arrays, schema=schema.with_metadata({VERSION_KEY: self.version.encode()})
        )

    def in_cell_order(self) -> FirmBase:
        """The base sorted for screening (``columns.cell_order``); itself if it is."""
        order = cell_order(self.columns)
        return self if in_order(order) else self.take(order)

    def take(self, rows: np.ndarray) -> FirmBase:
        return FirmBase(
            self.firm_ids[rows],
            self.consent[rows],
            {k: c.take(rows) for k, c in self.columns.items()},
            self.version,
            self.problems,
            self.rows_read,
        )


def read_firms(path: str | Path, as_of: date | None = None) -> FirmBase:
    """A firm file (or a snapshot) as a validated FirmBase; FirmBaseError if unreadable."""
    path = Path(path)
    table, rows, text = read_table(path)
    version = (table.schema.metadata or {}).get(VERSION_KEY)
    if version and table.schema.remove_metadata() == table_schema():
        return from_snapshot(table, version.decode())
    if version:  # a snapshot with its derived columns: validate its posted part again
        table = table.drop_columns([c for c in STATIC_DERIVED if c in table.column_names])
    checked = check_table(table, as_of or date.today(), text_source=text, row_numbers=rows)
    return from_checked(checked)


def read_table(path: Path) -> tuple[pa.Table, np.ndarray | None, bool]:
    """The file as an Arrow table, the record numbers to report, and whether it was text."""
    if not path.is_file():
        raise FirmBaseError(f"{path}: no such file")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise FirmBaseError(f"{path}: unknown format; use .parquet, .csv or .jsonl")
    try:
        if kind == "parquet":
            return pq.read_table(path), None, False
        if kind == "csv":
            text = {
                name: pa.string()
                for name, fld in F.FIELDS.items()
                if fld.kind in (F.ENUM, F.STRING, F.CODE, F.LIST)
            }
            options = pacsv.ConvertOptions(
                strings_can_be_null=True, column_types={FIRM_ID: pa.string(), **text}
            )
            table = pacsv.read_csv(path, convert_options=options)
            return table, np.arange(2, table.num_rows + 2), True  # line numbers (header is 1)
        return _read_jsonl(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise FirmBaseError(f"{path}: cannot be read as {kind}: {exc}") from None


def _read_jsonl(path: Path) -> tuple[pa.Table, np.ndarray, bool]:
    """JSON Lines, one firm an object a line; a line that is no object is a bad row."""
    records, lines = [], []
    broken: list[tuple[int, str]] = []
    with open(path, "rb") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                broken.append((number, f"not JSON: {exc}"))
                continue
            if not isinstance(record, dict):
                broken.append((number, "a line must be a JSON object"))
                continue
            records.append(record)
            lines.append(number)
    names = list(dict.fromkeys(k for r in records for k in r))
    columns = {}
    for name in names:
        values = [r.get(name) for r in records]
        try:
            columns[name] = pa.array(values, type=_json_type(name))
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            columns[name] = _mixed(values)
    table = pa.table(columns) if columns else pa.table({FIRM_ID: pa.array([], pa.string())})
    if broken:
        raise FirmBaseError(
            "; ".join(f"{path}:{n}: {m}" for n, m in broken[:5])
            + (f" … and {len(broken) - 5} more" if len(broken) > 5 else "")
        )
    return table, np.array(lines, dtype=np.int64), False


def _json_type(name: str) -> pa.DataType | None:
    """Let Arrow infer a JSON column, except firm ids (text) and lists (of text)."""
    if name == FIRM_ID:
        return None
    fld = F.FIELDS.get(name)
    return pa.list_(pa.string()) if fld is not None and fld.kind == F.LIST else None


def _mixed(values: list) -> pa.Array:
    """A JSON column whose values are of several types: each value's JSON in an Arrow
    binary column, decoded by the validator one value at a time (for its message)."""
    return pa.array([None if v is None else orjson.dumps(v) for v in values], pa.binary())


def from_checked(checked: Checked) -> FirmBase:
    columns = dict(checked.columns)
    columns.update(static_derived(columns))
    base = FirmBase(
        checked.firm_ids, checked.consent, columns, "", checked.problems, checked.rows_read
    )
    base = base.in_cell_order()
    base.version = content_version(base)
    return base


def content_version(base: FirmBase) -> str:
    """``sha256:`` of the validated content, independent of file format and row order."""
    order = np.argsort(base.firm_ids, kind="stable")
    digest = hashlib.sha256()
    digest.update("\0".join(base.firm_ids[order].tolist()).encode())
    digest.update(base.consent[order].tobytes())
    for name in sorted(base.columns):
        column = base.columns[name].take(order)
        digest.update(name.encode())
        if isinstance(column, NumberColumn):
            digest.update(np.where(column.known, column.values, 0).tobytes())
            digest.update(column.known.tobytes())
        elif isinstance(column, CodedColumn):
            digest.update(repr(column.values).encode())
            digest.update(column.codes.tobytes())
        else:
            digest.update(repr(column.values).encode())
            digest.update(column.offsets.tobytes() + column.items.tobytes())
            digest.update(column.known.tobytes())
    return "sha256:" + digest.hexdigest()[:16]


def from_snapshot(table: pa.Table, version: str) -> FirmBase:
    """A snapshot written by ``FirmBase.to_arrow``: typed already, read without re-checking."""
    ids = np.asarray(table.column(FIRM_ID).to_numpy(), dtype=object)
    consent = table.column(CONSENT).to_numpy()
    columns: dict[str, Column] = {}
    for fld in list(table.schema)[2:]:
        array = table.column(fld.name).combine_chunks()
        kind = F.FIELDS[fld.name].kind
        if kind in SCALE:
            known = array.is_valid().to_numpy(zero_copy_only=False)
            raw = (
                decimal_units(array)
                if pa.types.is_decimal(array.type)
                else pa.compute.fill_null(array, 0).to_numpy()
            )
            columns[fld.name] = NumberColumn(SCALE[kind], raw.astype(np.int64), known)
        elif kind == F.LIST:
            known = array.is_valid().to_numpy(zero_copy_only=False)
            filled = pa.compute.fill_null(array, pa.scalar([], array.type))
            offsets = filled.offsets.to_numpy().astype(np.int64)
            items = coded_from_arrow(filled.flatten(), lambda v: (v, None), lambda w, m: None)
            columns[fld.name] = ListColumn(offsets - offsets[0], items.codes, items.values, known)
        else:
            columns[fld.name] = coded_from_arrow(array, lambda v: (v, None), lambda w, m: None)
    return FirmBase(ids, consent, columns, version, [], table.num_rows)


def _to_arrow(column: Column, kind: pa.DataType) -> pa.Array:
    mask = pa.array(~column.known)
    if isinstance(column, NumberColumn):
        if pa.types.is_decimal(kind):
            words = np.stack([column.values, column.values >> 63], axis=1)
            validity = pa.array(column.known).buffers()[1]
            return pa.Array.from_buffers(
                kind,
                len(column.values),
                [validity, pa.py_buffer(words.tobytes())],
                null_count=int((~column.known).sum()),
            )
        return pa.array(column.values, kind, mask=~column.known)
    if isinstance(column, ListColumn):
        items = pa.array(
            np.array(list(column.values) + [None], dtype=object)[column.items], pa.string()
        )
        return pa.ListArray.from_arrays(pa.array(column.offsets, pa.int32()), items, mask=mask)
    values = column.decoded()
    return pa.array(values.tolist(), kind)
