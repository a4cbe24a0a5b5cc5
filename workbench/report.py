"""The enterprise report (企业画像与融资匹配报告) as data, from a profile and its match.

Pure: no Flask, so the page (``/ui/report``) and ``loanmatch report`` render the
same template from the same figures. The match result is ``MatchResult.to_dict``
with ``explain="all"``, whether it came from ``POST /v1/match`` or the catalog.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from matcher.vocabulary import fields as F
from matcher.vocabulary.industries import SECTIONS as INDUSTRY_SECTIONS
from matcher.vocabulary.regions import region_name

from .profile_form import shown

# GB/T 4754-2017 sections (门类), the English capitalised as a report's cell.
SECTIONS = {letter: (zh, en[:1].upper() + en[1:]) for letter, (zh, en) in INDUSTRY_SECTIONS.items()}
SIZE_NAMES = {
    "micro": ("微型企业", "micro"),
    "small": ("小型企业", "small"),
    "medium": ("中型企业", "medium"),
    "large": ("大型企业", "large"),
}
INDICATORS_SHOWN = 12


def _lang_pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def field_label(name: str, lang: str) -> str:
    """A vocabulary field's name in ``lang`` (the name itself outside the vocabulary)."""
    field = F.FIELDS.get(name)
    if field is None:
        return name
    return field.en if lang == "en" else field.zh


def value_text(name: str, value: Any, lang: str) -> str:
    """A value with its unit, as a person reads it: 2,800 万元, 52%, 是."""
    field = F.FIELDS.get(name)
    if value is None:
        return "—"
    if field is None:
        return str(value)
    if field.kind == F.MONEY:
        return f"{shown(field, value)} {'10k yuan' if lang == 'en' else '万元'}"
    if field.kind == F.RATIO:
        return f"{shown(field, value)}%"
    if field.kind == F.BOOLEAN:
        return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
    if field.kind == F.ENUM:
        return F.CHOICE_ZH.get(str(value), str(value)) if lang != "en" else str(value)
    if isinstance(value, list):
        return "、".join(value_text(name, v, lang) for v in value)
    unit = field.unit_en if lang == "en" else field.unit_zh
    return f"{value} {unit}".strip()


def portrait(profile: Mapping[str, Any], derived: Mapping[str, Any], lang: str) -> dict:
    region = profile.get("region_code")
    city = derived.get("city_code")
    province = derived.get("province_code")
    names: list[str] = []
    for code in (province, city, region):
        name = region_name(code) if code else None
        if name and name not in names:  # a district outside the table names its city
            names.append(name)
    section = derived.get("industry_section")
    size = derived.get("size_class")
    return {
        "name": profile.get("name") or "—",
        "credit_code": profile.get("credit_code") or "—",
        "size_class": _lang_pick(SIZE_NAMES[size], lang) if size in SIZE_NAMES else "—",
        "years_in_business": derived.get("years_in_business"),
        "months_in_business": derived.get("months_in_business"),
        "region": (" ".join(names) or "—") + (f" ({region})" if region else ""),
        "industry": (_lang_pick(SECTIONS[section], lang) if section in SECTIONS else "—")
        + (f" ({profile.get('industry_code')})" if profile.get("industry_code") else ""),
    }


_ORDER = {"fail": 0, "unknown": 1, "pass": 2}


def indicators(result: Mapping[str, Any], lang: str) -> list[dict]:
    """The fields the products test, each with its value and the thresholds on it: the
    same requirement is one line naming its products, failed ones first, and fields that
    fail somewhere come before those that pass everywhere."""
    rows: dict[str, dict] = {}
    tests: dict[str, dict] = defaultdict(dict)
    for item in (*result.get("matches", []), *result.get("near_misses", [])):
        for criterion in item.get("criteria", []):
            name = criterion.get("field")
            if not name or name in (
                "region_code",
                "province_code",
                "city_code",
                "industry_code",
                "industry_section",
            ):
                continue
            rows.setdefault(
                name,
                {
                    "field": name,
                    "label": field_label(name, lang),
                    "value": value_text(name, criterion.get("actual"), lang),
                },
            )
            message = criterion.get("message")
            text = (
                message.get(lang) or message.get("zh")
                if isinstance(message, dict)
                else str(message)
            )
            line = tests[name].setdefault(
                (criterion.get("outcome"), text),
                {"outcome": criterion.get("outcome"), "message": text, "products": []},
            )
            line["products"].append(item["name"])

    def rank(name: str) -> tuple:
        lines = tests[name].values()
        return (
            min(_ORDER.get(t["outcome"], 1) for t in lines),
            -sum(len(t["products"]) for t in lines),
            name,
        )

    ordered = sorted(rows, key=rank)[:INDICATORS_SHOWN]
    return [
        {
            **rows[n],
            "tests": sorted(
                tests[n].values(), key=lambda t: (_ORDER.get(t["outcome"], 1), -len(t["products"]))
            ),
        }
        for n in ordered
    ]


def report_data(profile: Mapping[str, Any], result: Mapping[str, Any], lang: str) -> dict:
    derived = result.get("profile", {})
    return {
        "portrait": portrait(profile, derived, lang),
        "indicators": indicators(result, lang),
        "matches": result.get("matches", []),
        "near_misses": result.get("near_misses", []),
        "incomplete": result.get("incomplete", []),
        "summary": result.get("summary", {}),
        "catalog_version": result.get("catalog_version"),
        "as_of": result.get("as_of"),
        "field_label": lambda name: field_label(name, lang),
    }
