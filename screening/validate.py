"""Validating a firm table column by column, with the profile schema's own rules.

Why this shape: a firm base is a million profiles, and ``load_profile`` costs tens of
microseconds each. So each column is checked with array operations where the answer
is plain (an int64 count within its range, a float money amount with at most two
decimals), and everything else — every distinct text, code, date and boolean, and the
rare number the fast path does not vouch for — goes through the marshmallow field of
``matcher.vocabulary.profile.ProfileSchema`` itself, once per distinct value. The fast path only
ever *accepts* values that field would accept with the same value; anything it doubts
is asked of the field, so the verdicts and the messages are the profile's own.

A row with any bad field is left out and reported (row number, field, message); a
problem with the file itself (an unknown or derived column) refuses the import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from marshmallow import ValidationError

from matcher.vocabulary import fields as F
from matcher.vocabulary.profile import DERIVED_POSTED, ProfileSchema

from .columns import (
    CONSENT,
    FIRM_ID,
    FIRM_ID_MAX,
    SCALE,
    CodedColumn,
    Column,
    ListColumn,
    NumberColumn,
)

_INT_TEXT = re.compile(r"[+-]?[0-9]+\Z")
# Below these magnitudes a float's shortest repr and its value scaled to fen (or to
# millionths for ratios) round-trip exactly, so the fast path may read floats.
_FLOAT_EXACT = {2: 2.0**40, 6: 2.0**30, 0: 2.0**53}


class FirmBaseError(ValueError):
    """The file cannot be imported at all (not one bad row: the file itself)."""


@dataclass
class RowProblem:
    row: int  # 1-based record number in the file
    field: str
    message: str

    def to_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class Checked:
    """Valid rows' columns (posted fields only), their firm ids and consent, and problems."""

    firm_ids: np.ndarray  # object array of str
    consent: np.ndarray  # bool
    columns: dict[str, Column]
    problems: list[RowProblem]
    rows_read: int


def check_table(
    table: pa.Table, as_of: date, text_source: bool = False, row_numbers: np.ndarray | None = None
) -> Checked:
    """Validate every column of ``table``; rows with any problem are dropped and reported.

    ``text_source``: values came from CSV text ("12", "true"), read as the JSON they spell.
    ``row_numbers``: each record's number as the reader counts them (default 1, 2, …).
    """
    n = table.num_rows
    rows = np.arange(1, n + 1) if row_numbers is None else np.asarray(row_numbers)
    _check_names(table.column_names)
    schema = ProfileSchema(as_of=as_of)
    bad = np.zeros(n, dtype=bool)
    problems: list[tuple[int, str, str]] = []

    def report(field_name: str, where: np.ndarray, messages: list[str]) -> None:
        bad[where] = True
        problems.extend((int(i), field_name, m) for i, m in zip(where, messages))

    firm_ids = _firm_ids(table, report, rows)
    consent = _consent(table, report)
    columns: dict[str, Column] = {}
    for name, fld in F.POSTED_FIELDS.items():
        if name not in table.column_names:
            columns[name] = _absent(fld, n)
            continue
        array = table.column(name).combine_chunks()
        mf = schema.fields[name]
        check = _value_check(mf, fld, text_source, schema if name == "established_on" else None)
        if fld.kind in SCALE:
            columns[name] = _numbers(array, fld, check, lambda w, m, nm=name: report(nm, w, m))
        elif fld.kind == F.LIST:
            columns[name] = _lists(array, mf, text_source, lambda w, m, nm=name: report(nm, w, m))
        else:
            columns[name] = coded_from_arrow(array, check, lambda w, m, nm=name: report(nm, w, m))
    keep = np.flatnonzero(~bad)
    problems.sort(key=lambda p: (p[0], p[1]))
    found = [RowProblem(int(rows[i]), f, m) for i, f, m in problems]
    return Checked(
        firm_ids[keep], consent[keep], {k: c.take(keep) for k, c in columns.items()}, found, n
    )


def _check_names(names: list[str]) -> None:
    for name in names:
        if name in (FIRM_ID, CONSENT) or name in F.POSTED_FIELDS:
            continue
        if name in F.DERIVED_FIELDS:
            raise FirmBaseError(f"column '{name}': {DERIVED_POSTED}; drop it from the file")
        raise FirmBaseError(
            f"column '{name}' is not a field of the profile vocabulary "
            f"(see docs/screening.md); rename or drop it"
        )
    if FIRM_ID not in names:
        raise FirmBaseError(f"no '{FIRM_ID}' column: every firm needs an opaque id")
    if len(set(names)) != len(names):
        raise FirmBaseError("a column name appears twice")


def _firm_ids(table: pa.Table, report, rows: np.ndarray) -> np.ndarray:
    array = table.column(FIRM_ID).combine_chunks()
    if pa.types.is_integer(array.type):
        array = pc.cast(array, pa.string())
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        report(FIRM_ID, np.arange(len(array)), [f"must be text, got {array.type}"] * len(array))
        return np.full(len(array), "", dtype=object)
    ids = np.asarray(array.to_numpy(zero_copy_only=False), dtype=object)
    missing = np.flatnonzero(pc.is_null(array).to_numpy(zero_copy_only=False))
    report(FIRM_ID, missing, ["is missing: every firm needs an opaque id"] * len(missing))
    lengths = pc.utf8_length(pc.utf8_trim_whitespace(array)).to_numpy(zero_copy_only=False)
    blank = np.flatnonzero(np.nan_to_num(lengths.astype(float), nan=1.0) == 0)
    report(FIRM_ID, blank, ["must not be blank"] * len(blank))
    long = np.flatnonzero(
        np.nan_to_num(pc.utf8_length(array).to_numpy(zero_copy_only=False).astype(float))
        > FIRM_ID_MAX
    )
    report(FIRM_ID, long, [f"is longer than {FIRM_ID_MAX} characters"] * len(long))
    ids[missing] = ""
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    repeat = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    repeat = repeat[ordered[repeat] != ""]
    if len(repeat):
        first: dict[str, int] = {}
        for i in order:
            first.setdefault(ids[i], i)
        where = np.sort(order[repeat])
        report(
            FIRM_ID,
            where,
            [f"duplicate firm id {ids[i]!r} (first at row {rows[first[ids[i]]]})" for i in where],
        )
    return ids


def _consent(table: pa.Table, report) -> np.ndarray:
    n = table.num_rows
    if CONSENT not in table.column_names:
        return np.zeros(n, dtype=bool)
    array = table.column(CONSENT).combine_chunks()
    if pa.types.is_string(array.type):
        lowered = pc.utf8_lower(array)
        yes, no = pc.equal(lowered, "true"), pc.equal(lowered, "false")
        good = pc.or_kleene(pc.or_kleene(yes, no), pc.is_null(array))
        wrong = np.flatnonzero(~pc.fill_null(good, True).to_numpy(zero_copy_only=False))
        report(CONSENT, wrong, ["must be true or false"] * len(wrong))
        return pc.fill_null(yes, False).to_numpy(zero_copy_only=False)
    if not pa.types.is_boolean(array.type):
        report(CONSENT, np.arange(n), [f"must be true or false, got {array.type}"] * n)
        return np.zeros(n, dtype=bool)
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)  # unstated: no consent


def _from_text(value: Any, fld: F.Field) -> Any:
    """CSV text read as the JSON value it spells, for the field's kind."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if fld.kind == F.BOOLEAN and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if fld.kind == F.INTEGER and _INT_TEXT.match(text):
        return int(text)
    return value


def _value_check(
    mf, fld: F.Field, text_source: bool, schema: ProfileSchema | None
) -> Callable[[Any], tuple[Any, str | None]]:
    """(loaded value, None) or (None, message): the profile field's own verdict."""

    def check(value: Any) -> tuple[Any, str | None]:
        if text_source:
            value = _from_text(value, fld)
        if isinstance(value, np.generic):
            value = value.item()
        try:
            loaded = mf.deserialize(value)
            if schema is not None:
                schema._not_in_future(loaded)
            return loaded, None
        except ValidationError as err:
            messages = err.messages
            if isinstance(messages, dict):
                messages = [str(m) for m in messages.values()]
            return None, "; ".join(str(m) for m in messages)

    return check


def _absent(fld: F.Field, n: int) -> Column:
    if fld.kind in SCALE:
        return NumberColumn(SCALE[fld.kind], np.zeros(n, np.int64), np.zeros(n, bool))
    if fld.kind == F.LIST:
        return ListColumn(np.zeros(n + 1, np.int64), np.zeros(0, np.int32), [], np.zeros(n, bool))
    return CodedColumn(np.full(n, -1, np.int32), [])


def _numbers(array: pa.Array, fld: F.Field, check, report) -> NumberColumn:
    """Scaled int64 values: fast where the field's answer is plain, the field's own check
    for the rest (and for every row of a column of another type, such as CSV text)."""
    scale = SCALE[fld.kind]
    n = len(array)
    valid = array.is_valid().to_numpy(zero_copy_only=False) if n else np.zeros(0, bool)
    values = np.zeros(n, dtype=np.int64)
    sure = np.zeros(n, dtype=bool)
    ceiling = {F.MONEY: F.MONEY_MAX, F.INTEGER: F.COUNT_MAX, F.RATIO: F.RATIO_MAX}[fld.kind]
    high = fld.max_value if fld.max_value is not None else ceiling
    low = fld.min_value if fld.min_value is not None else -ceiling
    kind = array.type
    if pa.types.is_integer(kind):
        raw = pc.fill_null(array, 0).to_numpy(zero_copy_only=False).astype(np.int64)
        sure = valid & (raw >= low) & (raw <= high)
        values = raw * 10**scale
    elif pa.types.is_floating(kind):
        raw = pc.fill_null(array, 0).to_numpy(zero_copy_only=False).astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            scaled = np.round(raw * 10.0**scale)
            exact = (np.abs(raw) < _FLOAT_EXACT[scale]) & (scaled / 10.0**scale == raw)
            sure = valid & exact & (raw >= low) & (raw <= high)
        values = np.where(sure, scaled, 0).astype(np.int64)
    elif pa.types.is_decimal(kind) and kind.scale <= scale and kind.precision <= 18:
        raw = decimal_units(array)
        sure = valid & (raw >= low * 10**kind.scale) & (raw <= high * 10**kind.scale)
        values = raw * 10 ** (scale - kind.scale)
    doubt = np.flatnonzero(valid & ~sure)
    if len(doubt):
        found = _python(array.take(pa.array(doubt)))
        cache: dict = {}
        wrong, messages = [], []
        for i, value in zip(doubt, found):
            key = (type(value), value)
            if key not in cache:
                cache[key] = check(value)
            loaded, message = cache[key]
            units = Decimal(0)
            if message is None:
                units = Decimal(loaded).scaleb(scale)
                if units != units.to_integral_value():  # the table keeps 10**-scale
                    message = f"has more than {scale} decimal places: {value}"
            if message is None:
                values[i] = int(units)
                sure[i] = True
            else:
                wrong.append(i)
                messages.append(message)
        report(np.array(wrong, dtype=np.intp), messages)
    return NumberColumn(scale, np.where(sure, values, 0), sure)


def decimal_units(array: pa.Array) -> np.ndarray:
    """A decimal128 array (precision ≤ 18) as int64 in its own scale's units."""
    words = np.frombuffer(array.buffers()[1], dtype=np.int64).reshape(-1, 2)
    units = words[array.offset : array.offset + len(array), 0].copy()
    units[~array.is_valid().to_numpy(zero_copy_only=False)] = 0
    return units


def coded_from_arrow(array: pa.Array, check, report) -> CodedColumn:
    """Each distinct value checked once by the profile field; codes in sorted value order."""
    n = len(array)
    if n == 0:
        return CodedColumn(np.zeros(0, np.int32), [])
    encoded = array.dictionary_encode()
    distinct = _python(encoded.dictionary)
    verdicts = [check(value) for value in distinct]
    good = sorted({v for v, m in verdicts if m is None}, key=lambda v: (type(v).__name__, v))
    index = {v: i for i, v in enumerate(good)}
    lookup = np.array([index[v] if m is None else -2 for v, m in verdicts] + [-1], np.int32)
    raw = pc.fill_null(encoded.indices, len(distinct)).to_numpy(zero_copy_only=False)
    codes = lookup[raw]
    wrong = np.flatnonzero(codes == -2)
    if len(wrong):
        report(wrong, [verdicts[raw[i]][1] for i in wrong])
        codes[wrong] = -1
    return CodedColumn(codes.astype(np.int32), good)


def _lists(array: pa.Array, mf, text_source: bool, report) -> ListColumn:
    """A list column (or, from CSV, text as a JSON array or items separated by '|')."""
    if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
        lists = array
    else:
        python = _python(array)
        if text_source:
            python = [_split(v) for v in python]
        lists = None
        try:
            lists = pa.array(python, type=pa.list_(pa.string()))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
        if lists is None:  # not lists of text: every row through the field, for its message
            wrong, messages = [], []
            for i, value in enumerate(python):
                if value is not None:
                    try:
                        mf.deserialize(value)
                    except ValidationError as err:
                        wrong.append(i)
                        messages.append("; ".join(_flat(err.messages)))
            report(np.array(wrong, dtype=np.intp), messages)
            lists = pa.array(
                [
                    v
                    if isinstance(v, list)
                    and all(isinstance(x, str) for x in v)
                    and i not in set(wrong)
                    else None
                    for i, v in enumerate(python)
                ],
                type=pa.list_(pa.string()),
            )
    known = lists.is_valid().to_numpy(zero_copy_only=False)
    lists = pc.fill_null(lists, pa.scalar([], type=lists.type)) if lists.null_count else lists
    offsets = np.asarray(lists.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    offsets = offsets - offsets[0]
    flat = lists.flatten()
    items = (
        coded_from_arrow(flat, _item_check(mf), lambda w, m: None)
        if len(flat)
        else CodedColumn(np.zeros(0, np.int32), [])
    )
    bad_items = np.flatnonzero(items.codes < 0)
    if len(bad_items):
        owner = np.searchsorted(offsets, bad_items, side="right") - 1
        verdict = _item_check(mf)
        by_row: dict[int, str] = {}
        for row, item in zip(owner, bad_items):
            message = verdict(flat[int(item)].as_py())[1] or "must not be null"
            by_row.setdefault(int(row), f"[{int(item - offsets[row])}] {message}")
        rows = np.array(sorted(by_row), dtype=np.intp)
        report(rows, [by_row[r] for r in rows])
        known[rows] = False
    return ListColumn(offsets, items.codes, items.values, known)


def _item_check(mf):
    inner = mf.inner

    def check(value):
        try:
            return inner.deserialize(value), None
        except ValidationError as err:
            return None, "; ".join(_flat(err.messages))

    return check


def _python(array: pa.Array) -> list:
    """Python values; a binary column holds JSON of mixed types (see firmbase._mixed)."""
    values = array.to_pylist()
    if pa.types.is_binary(array.type):
        return [None if v is None else json.loads(v) for v in values]
    return values


def _split(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except ValueError:
            return value
    return [item.strip() for item in text.split("|") if item.strip()]


def _flat(messages) -> list[str]:
    if isinstance(messages, dict):
        return [f"[{k}] {m}" for k, v in messages.items() for m in _flat(v)]
    if isinstance(messages, (list, tuple)):
        return [m for item in messages for m in _flat(item)]
    return [str(messages)]
