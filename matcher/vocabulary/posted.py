"""How one posted JSON value is read: the profile's field types and its code checks.

Each type refuses what a person could misread (a float for money, "no" for false, a
blank name) and says what it wanted and what it got, in words a portal can show. The
profile schema (``profile.py``) puts them together, one per field kind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, validate
from marshmallow import fields as mf

from . import fields as F
from .creditcode import credit_code_problem
from .ids import BANK_ID
from .regions import PROVINCES as PROVINCE_NAMES

_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?\Z")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_REGION_CODE = re.compile(r"[0-9]{6}\Z")
_INDUSTRY_CODE = re.compile(r"([A-T])([0-9]{2,4})?\Z")
_FEN = Decimal("0.01")

# GB/T 2260 provinces of the mainland, where a firm with a 统一社会信用代码 is registered.
PROVINCES = frozenset(code[:2] for code in PROVINCE_NAMES)
# GB/T 4754-2017: the divisions (大类, first two digits) of each section (门类).
DIVISIONS = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 97),
    "T": (98, 98),
}


def json_type(value: object) -> str:
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
    return f"got {json_type(value)} {_shown(value)}"


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


class _Validated:
    """marshmallow 4 wraps a field's validators in a new ``And`` for every value, and a
    profile has forty values: run them directly, and only when one refuses let
    marshmallow gather every message, as it always has."""

    validators: list

    def _validate(self, value) -> None:
        try:
            for validator in self.validators:
                if validator(value) is False:
                    raise ValidationError("refused")
        except ValidationError:
            super()._validate(value)  # type: ignore[misc]


class _Exact(_Validated, mf.Decimal):
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


class WholeNumber(_Validated, mf.Integer):
    """An ``int``; 12.0 is read as 12, but 12.5, true and "12" are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, (float, Decimal)):
            number = _to_decimal(value)
            if number is not None and number == number.to_integral_value():
                return int(number)
        raise ValidationError(f"must be a whole number, {_got(value)}")


class StrictBoolean(_Validated, mf.Boolean):
    """Only JSON ``true`` or ``false``: "no" or 0 is too easy to misread."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        raise ValidationError(f"must be true or false, {_got(value)}")


class IsoDate(_Validated, mf.Date):
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


class Text(_Validated, mf.String):
    """A non-blank string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(f"must be a string, {_got(value)}")
        if not value.strip():
            raise ValidationError("must not be blank")
        if _SURROGATE.search(value):  # not Unicode: no encoder (or durable_rules) takes it
            raise ValidationError(
                "holds a lone surrogate (an unpaired \\uD800-\\uDFFF escape); send valid text"
            )
        return value


def _check_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(f"统一社会信用代码 {problem}")


def _check_region_code(value: str) -> None:
    if not _REGION_CODE.match(value):
        raise ValidationError(
            f'must be a 6-digit 行政区划代码 (GB/T 2260) such as "130203", {_got(value)}'
        )
    if value[:2] not in PROVINCES:
        raise ValidationError(f"{_shown(value)} does not start with a province code (GB/T 2260)")


def _check_industry_code(value: str) -> None:
    match = _INDUSTRY_CODE.match(value)
    if not match:
        raise ValidationError(
            f"must be a GB/T 4754-2017 code: a section letter A-T, "
            f'optionally with 2-4 digits, such as "C3311"; {_got(value)}'
        )
    section, digits = match.groups()
    low, high = DIVISIONS[section]
    if digits and not low <= int(digits[:2]) <= high:
        raise ValidationError(
            f"{_shown(value)}: division {digits[:2]} is not in section "
            f"{section} (which holds {low:02d}-{high:02d})"
        )


def _check_bank_id(value: str) -> None:
    if not BANK_ID.match(value):
        raise ValidationError(
            f"must be a bank id of lower-case letters, digits and '_' "
            f'(such as "icbc"), {_got(value)}'
        )


class BankIds(_Validated, mf.List):
    """Bank ids, each once, in the order posted."""

    def __init__(self, **kwargs):
        super().__init__(
            Text(validate=[validate.Length(max=F.BANK_ID_MAX), _check_bank_id]), **kwargs
        )

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, (list, tuple)):
            raise ValidationError(f"must be a list of bank ids, {_got(value)}")
        return list(dict.fromkeys(super()._deserialize(value, attr, data, **kwargs)))


SPECIAL_CHECKS = {
    "credit_code": _check_credit_code,
    "region_code": _check_region_code,
    "industry_code": _check_industry_code,
}
