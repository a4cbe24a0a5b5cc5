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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    pre_load,
    validate,
    validates,
    validates_schema,
)
from marshmallow import fields as mf

from . import fields as F
from .posted import (
    SPECIAL_CHECKS,
    BankIds,
    IsoDate,
    Money,
    Ratio,
    StrictBoolean,
    Text,
    WholeNumber,
    json_type,
)
from .sizeclass import size_class

UNKNOWN_FIELD = "unknown field; see docs/profile.md"
DERIVED_POSTED = "derived by the service, do not post"

# No registered enterprise that applies for a loan today was registered earlier.
ESTABLISHED_FLOOR = date(1900, 1, 1)

# How a value of each kind is written, where the field table gives no unit.
_KIND_UNITS = {
    F.RATIO: ("小数，0.8 即 80%", "decimal fraction, 0.8 = 80%"),
    F.DATE: ("YYYY-MM-DD", "YYYY-MM-DD"),
    F.BOOLEAN: ("true / false", "true / false"),
}


def field_documentation(fld: F.Field) -> dict:
    """The field's Chinese name, unit and example, for ``/openapi.json`` (its readers are
    portal developers filling a profile in from Chinese registration and tax records)."""
    unit_zh, unit_en = (
        (fld.unit_zh, fld.unit_en) if fld.unit_zh else _KIND_UNITS.get(fld.kind, ("", ""))
    )
    description = (
        f"{fld.zh}"
        + (f"（{unit_zh}）" if unit_zh else "")
        + f" — {fld.en}"
        + (f", {unit_en}" if unit_en else "")
    )
    if fld.choices:
        description += ". " + ", ".join(
            f"{c} {F.CHOICE_ZH[c]}" if c in F.CHOICE_ZH else c for c in fld.choices
        )
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
    if fld.name in SPECIAL_CHECKS:
        validators.append(SPECIAL_CHECKS[fld.name])
    elif fld.kind == F.CODE:
        raise LookupError(f"no shape is known for the code field {fld.name!r}")
    options = {"validate": validators, "metadata": field_documentation(fld)}
    kinds = {
        F.LIST: BankIds,
        F.MONEY: Money,
        F.RATIO: Ratio,
        F.INTEGER: WholeNumber,
        F.BOOLEAN: StrictBoolean,
        F.DATE: IsoDate,
        F.ENUM: Text,
        F.STRING: Text,
        F.CODE: Text,
    }
    return kinds[fld.kind](**options)


# One marshmallow field per row of the vocabulary, made at import: a base class mypy
# cannot see through, hence the one ignore below.
_PostedFields = Schema.from_dict(
    {name: _schema_field(f) for name, f in F.POSTED_FIELDS.items()}, name="PostedFields"
)


class ProfileSchema(_PostedFields):  # type: ignore[misc,valid-type]
    """Every posted field of ``docs/profile.md``; loads to a dict of the known fields only.

    ``as_of`` is the evaluation date, needed to refuse a registration in the future.
    """

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": UNKNOWN_FIELD, "type": "a profile must be a JSON object"}

    def __init__(self, *args, as_of: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of or date.today()

    @pre_load
    def _drop_unknowable(self, data, **kwargs):
        """Drop nulls of posted fields ("not known") and derived names (reported below)."""
        if not isinstance(data, Mapping):
            return data
        return {
            key: value
            for key, value in data.items()
            if key not in F.DERIVED_FIELDS and not (key in self.fields and value is None)
        }

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _refuse_derived(self, data, original_data, **kwargs):
        if isinstance(original_data, Mapping):
            posted = [key for key in original_data if key in F.DERIVED_FIELDS]
            if posted:
                raise ValidationError({key: [DERIVED_POSTED] for key in posted})

    @validates("established_on")
    def _not_in_future(self, value: date, **kwargs):
        if value < ESTABLISHED_FLOOR:
            raise ValidationError(
                f"{value.isoformat()} is before "
                f"{ESTABLISHED_FLOOR.isoformat()}: not a registration date"
            )
        if value > self.as_of:
            raise ValidationError(
                f"{value.isoformat()} is after the evaluation date {self.as_of.isoformat()}"
            )


class ProfileError(ValueError):
    """A profile that cannot be loaded; ``errors`` maps each field's path to its messages."""

    def __init__(self, errors: Mapping[Any, Any]):
        self.errors = dict(errors)
        lines = self.lines()
        super().__init__(
            f"invalid profile ({len(lines)} problem{'s' * (len(lines) != 1)}): " + "; ".join(lines)
        )

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
    size = size_class(
        industry,
        employees=values.get("employees"),
        annual_revenue=values.get("annual_revenue"),
        total_assets=values.get("total_assets"),
    )
    if size is not None:
        derived["size_class"] = size
    region = values.get("region_code")
    if isinstance(region, str) and region:
        derived["province_code"] = region[:2] + "0000"
        derived["city_code"] = region[:4] + "00"
    return derived


@lru_cache(maxsize=16)
def _schema_for(as_of: date) -> ProfileSchema:
    """Building a schema costs as much as loading with it; one per evaluation date."""
    return ProfileSchema(as_of=as_of)


def load_profile(data: object, as_of: date | None = None) -> Profile:
    """Validate a posted profile (the parsed JSON) and add its derived fields.

    Raises ``ProfileError`` listing every problem. ``as_of`` defaults to today.
    """
    as_of = as_of or date.today()
    if not isinstance(data, Mapping):
        raise ProfileError({"_schema": [f"a profile must be a JSON object, got {json_type(data)}"]})
    try:
        values = _schema_for(as_of).load(data)
    except ValidationError as err:
        raise ProfileError(err.normalized_messages()) from None
    values.update(derive(values, as_of))
    return Profile(MappingProxyType(values), as_of)
