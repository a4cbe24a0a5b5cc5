"""The enterprise profile as posted: validated, typed, and completed with derived fields.

Everything downstream (the durable_rules fact, the reference evaluator, explanations)
trusts a loaded profile: a number is a number of the field's own type, a code has the
shape its prefixes assume, and an absent field is absent. So the checks live here, once,
and a bad post is answered with every problem at once, each under its path
(``{"bank_relationships": {1: [...]}}``), in words the portal can show.

Decisions a caller relies on:

* JSON ``null`` means "not known": the field is dropped, exactly as if it had not been
  posted (``docs/profile.md``: absent is not zero or false). A name outside the posted
  vocabulary is an error whatever its value, null included, because it is a portal bug.
* Money is never a float: an integer stays ``int``; a number or decimal string with
  fen becomes a ``Decimal`` of at most 2 places; a whole amount (``"1200.00"``) is ``int``.
  Ratios are always ``Decimal``. A float is read through its shortest repr (``0.35`` is
  ``Decimal("0.35")``), so a JSON parser's floats lose nothing a person typed.
* Derived fields are computed at an explicit ``as_of`` date so a decision can be replayed.
"""
from __future__ import annotations

from functools import lru_cache

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from marshmallow import (RAISE, Schema, ValidationError, fields as mf, pre_load, validate,
                         validates, validates_schema)

from . import fields as F
from .creditcode import credit_code_problem
from .ids import BANK_ID
from .regions import PROVINCES as PROVINCE_NAMES
from .sizeclass import size_class

UNKNOWN_FIELD = "unknown field; see docs/profile.md"
DERIVED_POSTED = "derived by the service, do not post"

_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?\Z")
# No registered enterprise that applies for a loan today was registered earlier.
ESTABLISHED_FLOOR = date(1900, 1, 1)
_SURROGATE = re.compile("[\ud800-\udfff]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_REGION_CODE = re.compile(r"[0-9]{6}\Z")
_INDUSTRY_CODE = re.compile(r"([A-T])([0-9]{2,4})?\Z")
_FEN = Decimal("0.01")

# GB/T 2260 provinces of the mainland, where a firm with a 统一社会信用代码 is registered.
PROVINCES = frozenset(code[:2] for code in PROVINCE_NAMES)
# GB/T 4754-2017: the divisions (大类, first two digits) of each section (门类).
DIVISIONS = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
    "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70),
    "L": (71, 72), "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83),
    "Q": (84, 85), "R": (86, 90), "S": (91, 97), "T": (98, 98)}


def _json_type(value: object) -> str:
    """The JSON name of a value's type, for messages aimed at portal developers."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return "null" if value is None else type(value).__name__


def _shown(value: object) -> str:
    """``value`` as the poster wrote it (JSON text where it has one), cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _got(value: object) -> str:
    return f"got {_json_type(value)} {_shown(value)}"


def _to_decimal(value: object) -> Decimal | None:
    """A number or plain decimal string as an exact, finite Decimal; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = repr(value)
    elif isinstance(value, str):
        if not _DECIMAL_TEXT.match(value):
            return None
    elif not isinstance(value, Decimal):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class _Exact(mf.Decimal):
    """A number that is dumped as JSON can carry it: an int when whole, else a string."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else str(number)

    @staticmethod
    def _number(value: object, wanted: str) -> Decimal:
        """The posted value as a ``Decimal``, or the field's error naming what it wants."""
        number = _to_decimal(value)
        if number is None:
            raise ValidationError(f"must be {wanted}, {_got(value)}")
        return number


class Money(_Exact):
    """Yuan: ``int`` when whole, else a ``Decimal`` in fen; never a float."""

    def _deserialize(self, value, attr, data, **kwargs):
        number = self._number(value, 'an amount in yuan (a number such as 120000 or "120000.50")')
        if number == number.to_integral_value():
            return int(number)
        if number.normalize().as_tuple().exponent < -2:
            raise ValidationError(f"has more than 2 decimal places (fen): {_shown(value)}")
        try:
            return number.quantize(_FEN)
        except InvalidOperation:
            raise ValidationError(f"is too large to be an amount: {_shown(value)}") from None


class Ratio(_Exact):
    """A decimal fraction (80% is 0.8) as ``Decimal``."""

    def _deserialize(self, value, attr, data, **kwargs):
        return self._number(value, "a decimal ratio such as 0.35 (35%)")


class WholeNumber(mf.Integer):
    """An ``int``; 12.0 is read as 12, but 12.5, true and "12" are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, (float, Decimal)):
            number = _to_decimal(value)
            if number is not None and number == number.to_integral_value():
                return int(number)
        raise ValidationError(f"must be a whole number, {_got(value)}")


class StrictBoolean(mf.Boolean):
    """Only JSON ``true`` or ``false``: "no" or 0 is too easy to misread."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        raise ValidationError(f"must be true or false, {_got(value)}")


class IsoDate(mf.Date):
    """``YYYY-MM-DD`` exactly (ISO 8601 calendar date)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and _ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
            raise ValidationError(f"is not a calendar date: {_shown(value)}")
        raise ValidationError(f"must be a date as YYYY-MM-DD, {_got(value)}")


class Text(mf.String):
    """A non-blank string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(f"must be a string, {_got(value)}")
        if not value.strip():
            raise ValidationError("must not be blank")
        if _SURROGATE.search(value):  # not Unicode: no encoder (or durable_rules) takes it
            raise ValidationError("holds a lone surrogate (an unpaired \\uD800-\\uDFFF "
                                  "escape); send valid text")
        return value


def _check_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(f"统一社会信用代码 {problem}")


def _check_region_code(value: str) -> None:
    if not _REGION_CODE.match(value):
        raise ValidationError(f"must be a 6-digit 行政区划代码 (GB/T 2260) such as "
                              f"\"130203\", {_got(value)}")
    if value[:2] not in PROVINCES:
        raise ValidationError(f"{_shown(value)} does not start with a province code (GB/T 2260)")


def _check_industry_code(value: str) -> None:
    match = _INDUSTRY_CODE.match(value)
    if not match:
        raise ValidationError(f"must be a GB/T 4754-2017 code: a section letter A-T, "
                              f"optionally with 2-4 digits, such as \"C3311\"; {_got(value)}")
    section, digits = match.groups()
    low, high = DIVISIONS[section]
    if digits and not low <= int(digits[:2]) <= high:
        raise ValidationError(f"{_shown(value)}: division {digits[:2]} is not in section "
                              f"{section} (which holds {low:02d}-{high:02d})")


def _check_bank_id(value: str) -> None:
    if not BANK_ID.match(value):
        raise ValidationError(f"must be a bank id of lower-case letters, digits and '_' "
                              f"(such as \"icbc\"), {_got(value)}")


class BankIds(mf.List):
    """Bank ids, each once, in the order posted."""

    def __init__(self, **kwargs):
        super().__init__(Text(validate=[validate.Length(max=F.BANK_ID_MAX), _check_bank_id]),
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, (list, tuple)):
            raise ValidationError(f"must be a list of bank ids, {_got(value)}")
        return list(dict.fromkeys(super()._deserialize(value, attr, data, **kwargs)))


_SPECIAL_CHECKS = {
    "credit_code": _check_credit_code,
    "region_code": _check_region_code,
    "industry_code": _check_industry_code,
}


# How a value of each kind is written, where the field table gives no unit.
_KIND_UNITS = {F.RATIO: ("小数，0.8 即 80%", "decimal fraction, 0.8 = 80%"),
               F.DATE: ("YYYY-MM-DD", "YYYY-MM-DD"), F.BOOLEAN: ("true / false", "true / false")}


def field_documentation(fld: F.Field) -> dict:
    """The field's Chinese name, unit and example, for ``/openapi.json`` (its readers are
    portal developers filling a profile in from Chinese registration and tax records)."""
    unit_zh, unit_en = (fld.unit_zh, fld.unit_en) if fld.unit_zh else _KIND_UNITS.get(
        fld.kind, ("", ""))
    description = f"{fld.zh}" + (f"（{unit_zh}）" if unit_zh else "") + f" — {fld.en}" + (
        f", {unit_en}" if unit_en else "")
    if fld.choices:
        description += ". " + ", ".join(f"{c} {F.CHOICE_ZH[c]}" if c in F.CHOICE_ZH else c
                                        for c in fld.choices)
    if fld.note:
        description += f" ({fld.note})"
    doc: dict = {"title": fld.zh, "description": description}
    if fld.unit_zh:
        doc["x-unit"] = {"zh": fld.unit_zh, "en": fld.unit_en}
    if fld.example is not None:
        doc["example"] = float(fld.example) if isinstance(fld.example, Decimal) else fld.example
    return doc


def _schema_field(fld: F.Field) -> mf.Field:
    """The marshmallow field for one row of the vocabulary."""
    validators: list = []
    low, high = fld.bounds
    if low is not None or high is not None:
        validators.append(validate.Range(min=low, max=high))
    if fld.choices:
        validators.append(validate.OneOf(fld.choices))
    if fld.kind == F.LIST:
        validators.append(validate.Length(max=F.LIST_MAX_ITEMS))
    elif fld.longest is not None:
        validators.append(validate.Length(max=fld.longest))
    if fld.name in _SPECIAL_CHECKS:
        validators.append(_SPECIAL_CHECKS[fld.name])
    elif fld.kind == F.CODE:
        raise LookupError(f"no shape is known for the code field {fld.name!r}")
    options = {"validate": validators, "metadata": field_documentation(fld)}
    kinds = {F.LIST: BankIds, F.MONEY: Money, F.RATIO: Ratio, F.INTEGER: WholeNumber,
             F.BOOLEAN: StrictBoolean, F.DATE: IsoDate,
             F.ENUM: Text, F.STRING: Text, F.CODE: Text}
    return kinds[fld.kind](**options)


# One marshmallow field per row of the vocabulary, made at import: a base class mypy
# cannot see through, hence the one ignore below.
_PostedFields = Schema.from_dict({name: _schema_field(f) for name, f in F.POSTED_FIELDS.items()},
                                 name="PostedFields")


class ProfileSchema(_PostedFields):  # type: ignore[misc,valid-type]
    """Every posted field of ``docs/profile.md``; loads to a dict of the known fields only.

    ``as_of`` is the evaluation date, needed to refuse a registration in the future.
    """

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": UNKNOWN_FIELD,
                      "type": "a profile must be a JSON object"}

    def __init__(self, *args, as_of: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of or date.today()

    @pre_load
    def _drop_unknowable(self, data, **kwargs):
        """Drop nulls of posted fields ("not known") and derived names (reported below)."""
        if not isinstance(data, Mapping):
            return data
        return {key: value for key, value in data.items()
                if key not in F.DERIVED_FIELDS
                and not (key in self.fields and value is None)}

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _refuse_derived(self, data, original_data, **kwargs):
        if isinstance(original_data, Mapping):
            posted = [key for key in original_data if key in F.DERIVED_FIELDS]
            if posted:
                raise ValidationError({key: [DERIVED_POSTED] for key in posted})

    @validates("established_on")
    def _not_in_future(self, value: date, **kwargs):
        if value < ESTABLISHED_FLOOR:
            raise ValidationError(f"{value.isoformat()} is before "
                                  f"{ESTABLISHED_FLOOR.isoformat()}: not a registration date")
        if value > self.as_of:
            raise ValidationError(f"{value.isoformat()} is after the evaluation date "
                                  f"{self.as_of.isoformat()}")


class ProfileError(ValueError):
    """A profile that cannot be loaded; ``errors`` maps each field's path to its messages."""

    def __init__(self, errors: Mapping[Any, Any]):
        self.errors = dict(errors)
        lines = self.lines()
        super().__init__(f"invalid profile ({len(lines)} problem{'s' * (len(lines) != 1)}): "
                         + "; ".join(lines))

    def lines(self) -> list[str]:
        """One ``path: message`` per problem, in a stable order."""
        out: list[str] = []

        def walk(node, path):
            if isinstance(node, Mapping):
                for key in sorted(node, key=str):
                    walk(node[key], (*path, str(key)))
            elif isinstance(node, (list, tuple)):
                for message in node:
                    walk(message, path)
            else:
                out.append(f"{'.'.join(path) or '_schema'}: {node}")
        walk(self.errors, ())
        return out


@dataclass(frozen=True)
class Profile:
    """A loaded profile: posted and derived fields that are KNOWN, at the date ``as_of``."""
    values: Mapping[str, object]
    as_of: date

    def get(self, name: str, default: object = None) -> object:
        return self.values.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def missing(self, names: Iterable[str]) -> list[str]:
        """Those of ``names`` the profile does not state, in the order given."""
        return [name for name in names if name not in self.values]


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``: a month is complete on the same day-of-month.

    2024-01-31 → 2024-02-29 is 0 (no 31st in February yet), → 2024-03-01 is 1.
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def derive(values: Mapping[str, object], as_of: date) -> dict[str, object]:
    """The derived fields that ``values`` determine at ``as_of``; unknown ones are absent."""
    derived: dict[str, object] = {}
    established = values.get("established_on")
    if isinstance(established, date):
        months = months_between(established, as_of)
        derived["months_in_business"] = months
        derived["years_in_business"] = months // 12
    industry = values.get("industry_code")
    industry = industry if isinstance(industry, str) and industry else None
    if industry:
        derived["industry_section"] = industry[0]
    size = size_class(industry, employees=values.get("employees"),
                      annual_revenue=values.get("annual_revenue"),
                      total_assets=values.get("total_assets"))
    if size is not None:
        derived["size_class"] = size
    region = values.get("region_code")
    if isinstance(region, str) and region:
        derived["province_code"] = region[:2] + "0000"
        derived["city_code"] = region[:4] + "00"
    return derived


@lru_cache(maxsize=16)
def _schema_for(as_of: date) -> "ProfileSchema":
    """Building a schema costs as much as loading with it; one per evaluation date."""
    return ProfileSchema(as_of=as_of)


def load_profile(data: object, as_of: date | None = None) -> Profile:
    """Validate a posted profile (the parsed JSON) and add its derived fields.

    Raises ``ProfileError`` listing every problem. ``as_of`` defaults to today.
    """
    as_of = as_of or date.today()
    if not isinstance(data, Mapping):
        raise ProfileError({"_schema": [f"a profile must be a JSON object, "
                                        f"got {_json_type(data)}"]})
    try:
        values = _schema_for(as_of).load(data)
    except ValidationError as err:
        raise ProfileError(err.normalized_messages()) from None
    values.update(derive(values, as_of))
    return Profile(MappingProxyType(values), as_of)
