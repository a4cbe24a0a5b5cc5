"""How one value reads in an explanation: money exactly in 万元 or 元, ratios as %,
places, industries and banks by name, enum values in words, English units by number.
The sentences around them are ``wording``'s."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from product_catalog.banks import BANKS

from ..vocabulary import fields as F
from ..vocabulary.industries import industry_name, names_exactly
from ..vocabulary.regions import place_name

PLACES = ("region_code", "province_code", "city_code")
WAN = Decimal(10000)

# English units by count: (one, many).
EN_UNITS = {
    "times": ("time", "times"),
    "months": ("month", "months"),
    "years": ("year", "years"),
    "people": ("person", "people"),
    "cases": ("case", "cases"),
    "items": ("item", "items"),
    "yuan": ("yuan", "yuan"),
}
# Enum values: zh names (beyond the field table's) and en names.
CHOICES_ZH = {
    **F.CHOICE_ZH,
    "micro": "微型企业",
    "small": "小型企业",
    "medium": "中型企业",
    "large": "大型企业",
    "none": "信用（无担保）",
}
CHOICES_EN = {
    "individual_business": "an individual business",
    "enterprise": "an enterprise",
    "cooperative": "a farmers' cooperative",
    "working_capital": "working capital",
    "real_estate": "a real-estate mortgage",
    "receivables": "receivables",
    "guarantee": "a guarantee",
    "equipment": "equipment",
    "none": "none (unsecured)",
    "micro": "micro",
    "small": "small",
    "medium": "medium-sized",
    "large": "large",
    "expansion": "expansion",
    "refinance": "refinancing",
    "other": "other",
}
TAX_RATING_ZH = "{}级"


def months_text(months: int, lang: str) -> str:
    """A span of months as people say it: 1年7个月, 2 years."""
    years, rest = divmod(int(months), 12)
    if lang == "zh":
        return (f"{years}年" if years else "") + (f"{rest}个月" if rest or not years else "")
    parts = [_count(years, "years")] if years else []
    if rest or not years:
        parts.append(_count(rest, "months"))
    return " ".join(parts)


def number(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _count(value: Any, unit_en: str) -> str:
    one, many = EN_UNITS.get(unit_en, (unit_en, unit_en))
    return f"{number(value)} {one if value == 1 else many}" if unit_en else number(value)


def _yuan(amount: Decimal) -> Decimal:
    """Whole yuan as such, fen to two places (32000.50), anything finer exactly."""
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    cents = amount.quantize(Decimal("0.01"))
    return cents if cents == amount else amount.normalize()


def _amount(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def in_wan(value: Any) -> bool:
    """Whether an amount reads in 万元: whole hundreds of yuan from 10,000 up (2万元, 1.5万元)."""
    amount = Decimal(str(value))
    return abs(amount) >= WAN and amount % 100 == 0


@lru_cache(maxsize=4096)
def _rule_in_wan(rule: Any) -> bool:
    """Whether a rule's amounts all read in 万元: an amount compared with it does too.
    Asked for every amount a sentence shows, of a few thousand rules: cached."""
    bounds = rule if isinstance(rule, (tuple, list)) else [rule]
    return all(_amount(b) and in_wan(b) for b in bounds)


def money(value: Any, lang: str, wan: bool = False) -> str:
    """Yuan, exact: 2万元, 1.5万元 and 300万元 for whole hundreds from 10,000 up, else
    8600元 or 1234567元 (never rounded); with ``wan`` (a rule in 万元) any whole amount from
    10,000 up is in 万元 too, to compare with it: 123.4567万元. CNY 20,000 in English."""
    amount = Decimal(str(value))
    if lang == "zh":
        whole = amount == amount.to_integral_value()
        if in_wan(amount) or (wan and whole and abs(amount) >= WAN):
            return f"{format((amount / WAN).normalize(), 'f')}万元"
        return f"{format(_yuan(amount), 'f')}元"
    return f"CNY {_yuan(amount):,f}"


def place(code: str, lang: str) -> str:
    found = place_name(code)
    if found is None:
        return code
    name, exact = found
    if lang == "zh":
        return name if exact else f"{name}（{code}）"
    return f"{name} ({code})"


def industry(code: str, lang: str, with_code: bool) -> str:
    name = industry_name(code, lang)
    if name is None:
        return code
    if with_code and not names_exactly(code):
        return f"{name}（{code}）" if lang == "zh" else f"{name} ({code})"
    return name


def bank(bank_id: str) -> str:
    known = BANKS.get(bank_id)
    return known.name if known else bank_id


def value_text(name: str, value: Any, lang: str, actual: bool = False, rule: Any = None) -> str:
    """One value of field ``name`` as a sentence shows it; an actual industry keeps its code,
    an actual amount takes the unit of the ``rule`` it is compared with."""
    fld = F.FIELDS[name]
    if value is None:
        return "未提供" if lang == "zh" else "not stated"
    if isinstance(value, (tuple, list)):
        return joined([value_text(name, v, lang, actual) for v in value], lang, "and")
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if fld.kind == F.MONEY:
        bounds = tuple(rule) if isinstance(rule, list) else rule  # hashable, to be cached
        return money(value, lang, rule is not None and _rule_in_wan(bounds))
    if fld.kind == F.RATIO:
        return f"{format((Decimal(str(value)) * 100).normalize(), 'f')}%"
    if name == "months_in_business":
        return f"{number(value)}个月" if lang == "zh" else _count(value, "months")
    if name in PLACES:
        return place(str(value), lang)
    if name in ("industry_code", "industry_section"):
        return industry(str(value), lang, actual)
    if name == "bank_relationships":
        return bank(str(value))
    if name == "tax_credit_rating":
        return TAX_RATING_ZH.format(value) if lang == "zh" else str(value)
    if fld.kind == F.ENUM:
        table = CHOICES_ZH if lang == "zh" else CHOICES_EN
        return table.get(value, str(value).replace("_", " "))
    if lang == "zh":
        return f"{number(value)}{fld.unit_zh}"
    if name == "legal_rep_age":
        return number(value)  # "aged 18 to 60", not "18 years"
    return _count(value, fld.unit_en)


def joined(items: list[str], lang: str, last: str) -> str:
    """A list as a sentence gives it: A级或B级, 上海市、江苏省或浙江省; A, B or M."""
    if len(items) < 2:
        return "".join(items)
    if lang == "zh":
        return "、".join(items) if last == "and" else "、".join(items[:-1]) + "或" + items[-1]
    return ", ".join(items[:-1]) + f" {last} " + items[-1]
