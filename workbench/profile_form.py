"""The profile form: the vocabulary's fields in its groups, in the units people use.

One source: every input comes from ``matcher.fields`` (name, kind, labels, units,
choices, groups). People enter money in 万元 and ratios in %; the profile sent to
the API is in yuan (whole yuan, integers) and decimal fractions, as the vocabulary
says. What cannot even be converted is reported here, at its field; everything else
is the API's to judge, and its 422 messages are shown at their fields too.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from matcher.vocabulary import fields as F

EXAMPLE = json.loads((Path(__file__).parent / "example_profile.json").read_text("utf-8"))
WAN = Decimal(10000)
_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?\Z")


@dataclass(frozen=True)
class Input:
    field: F.Field
    group: str

    @property
    def name(self) -> str:
        return self.field.name

    def label(self, lang: str) -> str:
        return self.field.en if lang == "en" else self.field.zh

    def unit(self, lang: str) -> str:
        if self.field.kind == F.MONEY:
            return "10k yuan" if lang == "en" else "万元"
        if self.field.kind == F.RATIO:
            return "%"
        return self.field.unit_en if lang == "en" else self.field.unit_zh

    @property
    def control(self) -> str:
        """select (enum, yes/no), date, number or text."""
        kind = self.field.kind
        if kind in (F.ENUM, F.BOOLEAN):
            return "select"
        if kind == F.DATE:
            return "date"
        if kind in F.NUMERIC_KINDS:
            return "number"
        return "text"

    def choices(self, lang: str) -> list[tuple[str, str]]:
        if self.field.kind == F.BOOLEAN:
            return [
                ("true", "是" if lang == "zh" else "yes"),
                ("false", "否" if lang == "zh" else "no"),
            ]
        return [
            (c, F.CHOICE_ZH.get(c, c) if lang == "zh" else c.replace("_", " "))
            for c in self.field.choices
        ]

    @property
    def example(self) -> str:
        return shown(self.field, EXAMPLE.get(self.name))


def form_groups() -> list[tuple[tuple[str, str, str, str], list[Input]]]:
    return [(group, [Input(f, group[0]) for f in members]) for group, members in F.grouped()]


INPUTS = {i.name: i for _, members in form_groups() for i in members}


def shown(field: F.Field, value: Any) -> str:
    """A profile value as the form shows it (万元, %)."""
    if value is None:
        return ""
    if field.kind == F.MONEY:
        text = format((Decimal(str(value)) / WAN).normalize(), "f")
        return text
    if field.kind == F.RATIO:
        return format((Decimal(str(value)) * 100).normalize(), "f")
    if field.kind == F.BOOLEAN:
        return "true" if value else "false"
    if field.kind == F.LIST:
        return ", ".join(str(v) for v in value)
    return str(value)


def entered_from_profile(profile: Mapping[str, Any]) -> dict[str, str]:
    return {
        name: shown(i.field, profile.get(name))
        for name, i in INPUTS.items()
        if profile.get(name) is not None
    }


def wan_to_yuan(amount: Decimal | str) -> int | None:
    """万元 → whole yuan; None when it is not a number or not a whole number of yuan."""
    number = _decimal(amount) if isinstance(amount, str) else amount
    if number is None:
        return None
    yuan = number * WAN
    return int(yuan) if yuan == yuan.to_integral_value() else None


def _decimal(text: str) -> Decimal | None:
    text = text.replace(",", "").replace("，", "").strip()
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def to_profile(form: Mapping[str, str], lang: str = "zh") -> tuple[dict, dict, dict]:
    """(profile for the API, {field: message} the form itself found, what was entered)."""
    profile: dict[str, Any] = {}
    errors: dict[str, str] = {}
    entered: dict[str, str] = {}
    zh = lang != "en"
    for name, item in INPUTS.items():
        text = (form.get(name) or "").strip()
        if not text:
            continue  # absent means not known
        entered[name] = text
        kind = item.field.kind
        if kind in F.NUMERIC_KINDS:
            number = _decimal(text)
            if number is None:
                errors[name] = "请输入数字" if zh else "enter a number"
            elif kind == F.MONEY:
                yuan = wan_to_yuan(number)
                if yuan is None:
                    errors[name] = (
                        "精确到元即可（万元最多4位小数）"
                        if zh
                        else "at most 4 decimals of 10k yuan (whole yuan)"
                    )
                else:
                    profile[name] = yuan
            elif kind == F.RATIO:
                ratio = float(number / 100)  # a ratio, not money: JSON number text
                if math.isfinite(ratio):
                    profile[name] = ratio
                else:  # past what a float holds: said at the field, not as "JSON Infinity"
                    errors[name] = "数值过大" if zh else "the number is too large"
            elif number != number.to_integral_value():
                errors[name] = "请输入整数" if zh else "enter a whole number"
            else:
                profile[name] = int(number)
        elif kind == F.BOOLEAN:
            if text in ("true", "false"):
                profile[name] = text == "true"
            else:
                errors[name] = "请选择是或否" if zh else "choose yes or no"
        elif kind == F.LIST:
            profile[name] = [part.strip() for part in re.split(r"[,，\s]+", text) if part.strip()]
        else:
            profile[name] = text
    return profile, errors, entered


def api_errors(errors: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The API's 422 errors by form field (``/employees`` → employees)."""
    out: dict[str, str] = {}
    for error in errors:
        name = str(error.get("pointer", "")).strip("/").split("/")[0] or "_form"
        out.setdefault(name, str(error.get("detail", "")))
    return out
