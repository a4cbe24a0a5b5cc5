"""Every sentence an explanation says, in Chinese and English: the one table to review.

A criterion reads as a loan officer writes it: "无欠税", "成立年限需满2年，当前1年7个月",
"行业不得属于房地产业、金融业", "需在中国农业银行开立结算账户". Each operator has three
forms — the requirement (what the product asks; also the product page's line), *met*
(what the firm has, and that it suffices) and the tails of a failure (当前…) and of an
unknown (未提供…) — and fields whose meaning a template would garble have their own rows:
yes/no facts, counts that may be none, places, industries and banks by name.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from product_catalog.banks import BANKS

from ..vocabulary import fields as F
from ..vocabulary.industries import industry_name, names_exactly
from ..vocabulary.regions import place_name

# --- the tables -----------------------------------------------------------------------

# op: (zh requirement, zh met, en requirement, en met). {name} the field, {bound} the rule's
# value, {low}/{high} a range's ends, {actual} the firm's value.
OPERATORS: dict[str, tuple[str, str, str, str]] = {
    "==": ("{name}需为{bound}", "{name}为{actual}",
           "{name} must be {bound}", "{name} is {actual}"),
    "!=": ("{name}不得为{bound}", "{name}为{actual}，不是{bound}",
           "{name} must not be {bound}", "{name} is {actual}, not {bound}"),
    "<": ("{name}需低于{bound}", "{name}为{actual}，低于{bound}",
          "{name} must be below {bound}", "{name} is {actual}, below {bound}"),
    "<=": ("{name}需不超过{bound}", "{name}为{actual}，未超过{bound}",
           "{name} must be at most {bound}", "{name} is {actual}, not above {bound}"),
    ">": ("{name}需超过{bound}", "{name}为{actual}，超过{bound}",
          "{name} must be above {bound}", "{name} is {actual}, above {bound}"),
    ">=": ("{name}需不低于{bound}", "{name}为{actual}，不低于{bound}",
           "{name} must be at least {bound}", "{name} is {actual}, at least {bound}"),
    "between": ("{name}需在{low}至{high}之间", "{name}为{actual}，在{low}至{high}之间",
                "{name} must be between {low} and {high}",
                "{name} is {actual}, between {low} and {high}"),
    "not_between": ("{name}不得在{low}至{high}之间", "{name}为{actual}，不在{low}至{high}之间",
                    "{name} must not be between {low} and {high}",
                    "{name} is {actual}, outside {low} to {high}"),
    "in": ("{name}需为{bound}", "{name}为{actual}",
           "{name} must be {bound}", "{name} is {actual}"),
    "not_in": ("{name}不得为{bound}", "{name}为{actual}，不是{bound}",
               "{name} must not be {bound}", "{name} is {actual}, not {bound}"),
    "prefix": ("{name}需属于{bound}", "{name}为{actual}，属于{bound}",
               "{name} must be in {bound}", "{name} is {actual}, in {bound}"),
    "not_prefix": ("{name}不得属于{bound}", "{name}为{actual}，不属于{bound}",
                   "{name} must not be in {bound}", "{name} is {actual}, not in {bound}"),
    "contains": ("{name}需包含{bound}", "{name}包含{bound}",
                 "{name} must include {bound}", "{name} include {bound}"),
    "not_contains": ("{name}不得包含{bound}", "{name}不包含{bound}",
                     "{name} must not include {bound}", "{name} do not include {bound}"),
}
# The tails: a failure says what the firm has, an unknown what to ask for.
FAILED = ("{requirement}，当前{actual}", "{requirement}; it is {actual}")
UNKNOWN = ("{requirement}，未提供{missing}", "{requirement}; not stated: {missing}")
LABEL_MET = ("{requirement}（当前{actual}）", "{requirement} (it is {actual})")

# Fields whose operators read differently: places are "in", age and time "满".
FIELD_OPERATORS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("years_in_business", ">="): ("成立年限需满{bound}", "成立年限为{actual}，已满{bound}",
                                  "must have been in business for at least {bound}",
                                  "in business for {actual}, at least {bound}"),
    ("months_in_business", ">="): ("成立时间需满{bound}", "成立时间为{actual}，已满{bound}",
                                   "must have been in business for at least {bound}",
                                   "in business for {actual}, at least {bound}"),
    ("legal_rep_age", ">="): ("法定代表人需年满{bound}", "法定代表人年龄为{actual}，已年满{bound}",
                              "the legal representative must be at least {bound}",
                              "the legal representative is {actual}, at least {bound}"),
    ("legal_rep_age", "between"): ("法定代表人年龄需在{low}至{high}之间",
                                   "法定代表人年龄为{actual}，在{low}至{high}之间",
                                   "the legal representative must be aged {low} to {high}",
                                   "the legal representative is aged {actual}, within {low} to {high}"),
    **{(place, op): words for place in ("region_code", "province_code", "city_code")
       for op, words in {
           "==": ("注册地需在{bound}", "注册地在{actual}",
                  "must be registered in {bound}", "registered in {actual}"),
           "in": ("注册地需在{bound}", "注册地在{actual}",
                  "must be registered in {bound}", "registered in {actual}"),
           "prefix": ("注册地需在{bound}", "注册地在{actual}",
                      "must be registered in {bound}", "registered in {actual}"),
           "!=": ("注册地不得在{bound}", "注册地在{actual}，不在{bound}",
                  "must not be registered in {bound}", "registered in {actual}, not {bound}"),
           "not_in": ("注册地不得在{bound}", "注册地在{actual}，不在{bound}",
                      "must not be registered in {bound}", "registered in {actual}, not {bound}"),
           "not_prefix": ("注册地不得在{bound}", "注册地在{actual}，不在{bound}",
                          "must not be registered in {bound}",
                          "registered in {actual}, not {bound}"),
       }.items()},
    ("bank_relationships", "contains"): (
        "需在{bound}开立结算账户", "已在{bound}开立结算账户",
        "must hold a settlement account at {bound}", "holds a settlement account at {bound}"),
    ("bank_relationships", "not_contains"): (
        "不得在{bound}开立结算账户", "未在{bound}开立结算账户",
        "must not hold a settlement account at {bound}",
        "holds no settlement account at {bound}"),
}
FIELD_FAILED = {"bank_relationships": ("{requirement}，当前开户行为{actual}",
                                       "{requirement}; it banks with {actual}"),
                "legal_rep_age": ("{requirement}，当前{actual}", "{requirement}; aged {actual}"),
                "years_in_business": ("{requirement}，当前{actual}",
                                      "{requirement}; it has been {actual}"),
                "months_in_business": ("{requirement}，当前{actual}",
                                       "{requirement}; it has been {actual}")}

# How a field is named in a sentence, when not as in the field table.
NAMES: dict[str, tuple[str, str]] = {
    "industry_code": ("行业", "industry"), "industry_section": ("行业", "industry"),
    "region_code": ("注册地", "registered region"), "province_code": ("注册地", "province"),
    "city_code": ("注册地", "city"), "months_in_business": ("成立时间", "time in business"),
    "size_class": ("企业规模", "firm size"),
    "legal_rep_age": ("法定代表人年龄", "the legal representative's age"),
}

@dataclass(frozen=True)
class Flag:
    """A yes/no fact in words: as stated (also the requirement), after 当前 in a failure,
    as an English requirement and statement, and what to ask for when it is unknown."""
    zh: tuple[str, str]         # (true, false): 无欠税
    zh_now: tuple[str, str]     # 当前有欠税
    en_need: tuple[str, str]    # must have no tax arrears
    en: tuple[str, str]         # has no tax arrears
    en_now: tuple[str, str]     # it has some
    ask_zh: str                 # 是否欠税


FLAGS: dict[str, Flag] = {
    "tax_arrears": Flag(("有欠税", "无欠税"), ("当前有欠税", "当前无欠税"),
                        ("must have tax arrears", "must have no tax arrears"),
                        ("has tax arrears", "has no tax arrears"),
                        ("it has some", "it has none"), "是否欠税"),
    "overdue_current": Flag(("有当前逾期", "无当前逾期"), ("当前有逾期", "当前无逾期"),
                            ("must have overdue loans", "must have no overdue loans"),
                            ("has overdue loans", "has no overdue loans"),
                            ("it has some", "it has none"), "是否有当前逾期"),
    "dishonest_debtor": Flag(("已被列入失信被执行人名单", "未被列入失信被执行人名单"),
                             ("当前已被列入", "当前未被列入"),
                             ("must be listed as a dishonest judgment debtor",
                              "must not be listed as a dishonest judgment debtor"),
                             ("is listed as a dishonest judgment debtor",
                              "is not listed as a dishonest judgment debtor"),
                             ("it is listed", "it is not listed"), "是否为失信被执行人"),
    "high_tech": Flag(("为高新技术企业", "非高新技术企业"), ("当前是", "当前不是"),
                      ("must be a certified high-tech enterprise",
                       "must not be a certified high-tech enterprise"),
                      ("is a certified high-tech enterprise",
                       "is not a certified high-tech enterprise"),
                      ("it is one", "it is not"), "是否为高新技术企业"),
    "specialized_sme": Flag(("为专精特新企业", "非专精特新企业"), ("当前是", "当前不是"),
                            ("must be a specialized and innovative SME",
                             "must not be a specialized and innovative SME"),
                            ("is a specialized and innovative SME",
                             "is not a specialized and innovative SME"),
                            ("it is one", "it is not"), "是否为专精特新企业"),
}
FLAG_FAILED = ("需{requirement}，{actual}", "{requirement}; {actual}")
LABEL_FAILED = "{requirement}，{actual}"

# Counts in English, with the firm as subject: (must …, has …, one, many); {n} is the
# count with its comparison ("at most 1 time").
EN_COUNTS: dict[str, tuple[str, str, str, str]] = {
    "overdue_count_24m": ("must have been overdue {n} in the last 24 months",
                          "has been overdue {n} in the last 24 months", "time", "times"),
    "zero_filings_12m": ("must have filed {n} in the last 12 months",
                         "has filed {n} in the last 12 months", "zero tax return", "zero tax returns"),
    "credit_inquiries_3m": ("must have had {n} in the last 3 months",
                            "has had {n} in the last 3 months", "credit inquiry", "credit inquiries"),
    "credit_inquiries_6m": ("must have had {n} in the last 6 months",
                            "has had {n} in the last 6 months", "credit inquiry", "credit inquiries"),
    "admin_penalties_24m": ("must have had {n} in the last 24 months",
                            "has had {n} in the last 24 months",
                            "administrative penalty", "administrative penalties"),
    "enforcement_cases": ("must have {n}", "has {n}", "open enforcement case",
                          "open enforcement cases"),
    "ip_count": ("must hold {n}", "holds {n}", "IP right (patent, trademark, software copyright)",
                 "IP rights (patents, trademarks, software copyrights)"),
    "employees": ("must have {n}", "has {n}", "employee", "employees"),
    "social_insurance_headcount": ("must have {n} with social insurance",
                                   "has {n} with social insurance", "employee", "employees"),
    "tax_filing_months": ("must have filed taxes for {n} in a row",
                          "has filed taxes for {n} in a row", "month", "months"),
    "invoice_months": ("must have invoiced for {n} in a row", "has invoiced for {n} in a row",
                       "month", "months"),
    "utility_months_paid": ("must have paid utilities for {n}", "has paid utilities for {n}",
                            "month", "months"),
}
EN_COMPARED = {"==": "exactly {}", "!=": "other than {}", "<": "fewer than {}",
               "<=": "at most {}", ">": "more than {}", ">=": "at least {}"}
EN_COUNT_MET = "{has} ({bound})"
EN_COUNT_FAILED = "{requirement}; actually {actual}"

# Counts a product may want to be none (== 0 or <= 0): zh, en as stated.
NONE: dict[str, tuple[str, str]] = {
    "overdue_count_24m": ("近24个月无逾期", "no overdue episodes in the last 24 months"),
    "zero_filings_12m": ("近12个月无零申报", "no zero tax filings in the last 12 months"),
    "credit_inquiries_3m": ("近3个月无征信查询", "no credit inquiries in the last 3 months"),
    "credit_inquiries_6m": ("近6个月无征信查询", "no credit inquiries in the last 6 months"),
    "enforcement_cases": ("无被执行案件", "no open enforcement cases"),
    "admin_penalties_24m": ("近24个月无行政处罚", "no administrative penalties in the last 24 months"),
}
NONE_FORMS = ("需{none}", "{none}", "must have {none}", "has {none}")

# English units by count: (one, many).
EN_UNITS = {"times": ("time", "times"), "months": ("month", "months"), "years": ("year", "years"),
            "people": ("person", "people"), "cases": ("case", "cases"),
            "items": ("item", "items"), "yuan": ("yuan", "yuan")}
# Enum values: zh names (beyond the field table's) and en names.
CHOICES_ZH = {**F.CHOICE_ZH, "micro": "微型企业", "small": "小型企业", "medium": "中型企业",
              "large": "大型企业", "none": "信用（无担保）"}
CHOICES_EN = {"individual_business": "an individual business", "enterprise": "an enterprise",
              "cooperative": "a farmers' cooperative", "working_capital": "working capital",
              "real_estate": "a real-estate mortgage", "receivables": "receivables",
              "guarantee": "a guarantee", "equipment": "equipment", "none": "none (unsecured)",
              "micro": "micro", "small": "small", "medium": "medium-sized", "large": "large",
              "expansion": "expansion", "refinance": "refinancing", "other": "other"}
# Sets of size classes with the name people give them.
SIZE_SETS = {frozenset({"micro", "small"}): ("小微企业", "micro or small"),
             frozenset({"micro", "small", "medium"}): ("中小微企业", "micro, small or medium-sized")}
TAX_RATING_ZH = "{}级"

# --- values ---------------------------------------------------------------------------

WAN = Decimal(10000)


def months_text(months: int, lang: str) -> str:
    """A span of months as people say it: 1年7个月, 2 years."""
    years, rest = divmod(int(months), 12)
    if lang == "zh":
        return (f"{years}年" if years else "") + (f"{rest}个月" if rest or not years else "")
    parts = [_count(years, "years")] if years else []
    if rest or not years:
        parts.append(_count(rest, "months"))
    return " ".join(parts)


def _number(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _count(value: Any, unit_en: str) -> str:
    one, many = EN_UNITS.get(unit_en, (unit_en, unit_en))
    return f"{_number(value)} {one if value == 1 else many}" if unit_en else _number(value)


def money(value: Any, lang: str) -> str:
    """Yuan, exact: 2万元 and 300万元 from 10,000 up, else 8600元; CNY 20,000 in English."""
    amount = Decimal(str(value))
    if lang == "zh":
        if abs(amount) >= WAN:
            return f"{format((amount / WAN).normalize(), 'f')}万元"
        return f"{format(amount.normalize(), 'f')}元"
    if amount == amount.to_integral_value():
        return f"CNY {amount:,.0f}"
    return f"CNY {amount.normalize():,f}"


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


def value_text(name: str, value: Any, lang: str, actual: bool = False) -> str:
    """One value of field ``name`` as a sentence shows it; an actual industry keeps its code."""
    fld = F.FIELDS[name]
    if value is None:
        return "未提供" if lang == "zh" else "not stated"
    if isinstance(value, (tuple, list)):
        return _joined([value_text(name, v, lang, actual) for v in value], lang, "and")
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if fld.kind == F.MONEY:
        return money(value, lang)
    if fld.kind == F.RATIO:
        return f"{format((Decimal(str(value)) * 100).normalize(), 'f')}%"
    if name == "months_in_business":
        return f"{_number(value)}个月" if lang == "zh" else _count(value, "months")
    if name in ("region_code", "province_code", "city_code"):
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
        return f"{_number(value)}{fld.unit_zh}"
    if name == "legal_rep_age":
        return _number(value)  # "aged 18 to 60", not "18 years"
    return _count(value, fld.unit_en)


def _joined(items: list[str], lang: str, last: str) -> str:
    """A list as a sentence gives it: A级或B级, 上海市、江苏省或浙江省; A, B or M."""
    if len(items) < 2:
        return "".join(items)
    if lang == "zh":
        return "、".join(items) if last == "and" else "、".join(items[:-1]) + "或" + items[-1]
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def bound_text(name: str, op: str, value: Any, lang: str) -> dict[str, str]:
    """The rule's value as the templates' {bound}, or {low} and {high} for a range."""
    if op in ("between", "not_between"):
        low, high = (value_text(name, v, lang) for v in value)
        unit = F.FIELDS[name].unit_zh
        if lang == "zh" and unit and F.FIELDS[name].kind != F.MONEY and low.endswith(unit):
            low = low[: -len(unit)]  # 18至60周岁, not 18周岁至60周岁
        return {"low": low, "high": high}
    if isinstance(value, (tuple, list)):
        if name == "size_class" and frozenset(value) in SIZE_SETS:
            return {"bound": SIZE_SETS[frozenset(value)][lang == "en"]}
        # "需为A级或B级" but "不得为C级、D级"; English says "or" both ways.
        last = "or" if lang == "en" or op in ("in", "prefix") else "and"
        return {"bound": _joined([value_text(name, v, lang) for v in value], lang, last)}
    return {"bound": value_text(name, value, lang)}


def _name(name: str, lang: str) -> str:
    fld = F.FIELDS[name]
    own = NAMES.get(name)
    return (own[lang == "en"] if own else (fld.en if lang == "en" else fld.zh))


def _forms(name: str, op: str) -> tuple[str, str, str, str]:
    return FIELD_OPERATORS.get((name, op)) or OPERATORS[op]


def _none_asked(name: str, op: str, value: Any) -> bool:
    return name in NONE and op in ("==", "<=") and not isinstance(value, bool) and value == 0


def _flag_wanted(name: str, op: str, value: Any) -> bool | None:
    """The yes/no a flag criterion asks for, or None when it is not a plain yes/no test."""
    if name in FLAGS and op in ("==", "!=") and isinstance(value, bool):
        return value if op == "==" else not value
    return None


# --- sentences ------------------------------------------------------------------------

def _en_count(name: str, value: Any) -> str:
    one, many = EN_COUNTS[name][2:]
    return f"{_number(value)} {one if value == 1 else many}"


def _en_counted(name: str, op: str, value: Any) -> str | None:
    """A count's English bound with its comparison ("at most 1 time"), when it has one."""
    if name not in EN_COUNTS or isinstance(value, bool):
        return None
    if op in ("between", "not_between"):
        low, high = value
        words = "between {} and {}" if op == "between" else "not between {} and {}"
        return words.format(_number(low), _en_count(name, high))
    if op in EN_COMPARED:
        return EN_COMPARED[op].format(_en_count(name, value))
    return None


def requirement(name: str, op: str, value: Any) -> tuple[str, str]:
    """What a criterion asks for, standing alone (the product page's line): zh, en."""
    if op == "exists":
        fld = F.FIELDS[name]
        if value:
            return f"需提供{fld.zh}", f"{fld.en} must be stated"
        return f"不应提供{fld.zh}", f"{fld.en} must not be stated"
    wanted = _flag_wanted(name, op, value)
    if wanted is not None:
        flag = FLAGS[name]
        return flag.zh[not wanted], flag.en_need[not wanted]
    if _none_asked(name, op, value):
        none = NONE[name]
        return none[0], NONE_FORMS[2].format(none=none[1])
    forms = _forms(name, op)
    zh = forms[0].format(name=_name(name, "zh"), **bound_text(name, op, value, "zh"))
    counted = _en_counted(name, op, value)
    if counted is not None:
        return zh, EN_COUNTS[name][0].format(n=counted)
    en = forms[2].format(name=_name(name, "en"), **bound_text(name, op, value, "en"))
    return zh, en


def met(name: str, op: str, value: Any, actual: Any, actual_zh: str,
        actual_en: str) -> tuple[str, str]:
    """A criterion the firm meets, saying what it has: 无欠税, 资产负债率为45%，未超过70%."""
    if op == "exists":
        fld = F.FIELDS[name]
        if value:
            return f"已提供{fld.zh}", f"{fld.en} is stated"
        return f"未提供{fld.zh}", f"{fld.en} is not stated"
    wanted = _flag_wanted(name, op, value)
    if wanted is not None:
        flag = FLAGS[name]
        return flag.zh[not wanted], flag.en[not wanted]
    if _none_asked(name, op, value):
        none = NONE[name]
        return none[0], NONE_FORMS[3].format(none=none[1])
    forms = _forms(name, op)
    zh = forms[1].format(name=_name(name, "zh"), actual=actual_zh,
                         **bound_text(name, op, value, "zh"))
    counted = _en_counted(name, op, value)
    if counted is not None:
        has = EN_COUNTS[name][1].format(n=_en_count(name, actual))
        if op in EN_COMPARED:  # the noun once: "(at most 2)"
            counted = EN_COMPARED[op].format(_number(value))
        return zh, EN_COUNT_MET.format(has=has, bound=counted)
    en = forms[3].format(name=_name(name, "en"), actual=actual_en,
                         **bound_text(name, op, value, "en"))
    return zh, en


def unmet(name: str, op: str, value: Any, required: tuple[str, str], actual: Any,
          actual_zh: str, actual_en: str, labelled: bool) -> tuple[str, str]:
    """A criterion the firm fails: the requirement, then what the firm has."""
    if _flag_wanted(name, op, value) is not None and isinstance(actual, bool):
        flag = FLAGS[name]
        now_zh, now_en = flag.zh_now[not actual], flag.en_now[not actual]
        zh_form = LABEL_FAILED if labelled else FLAG_FAILED[0]
        return (zh_form.format(requirement=required[0], actual=now_zh),
                FLAG_FAILED[1].format(requirement=required[1], actual=now_en))
    zh_required = required[0]
    if _none_asked(name, op, value) and not labelled:
        zh_required = NONE_FORMS[0].format(none=NONE[name][0])
    if op == "exists" and actual is None:
        actual_zh, actual_en = "未提供", "not stated"
    zh_form, en_form = FIELD_FAILED.get(name, FAILED)
    if not labelled and _en_counted(name, op, value) is not None:
        en_form, actual_en = EN_COUNT_FAILED, _en_count(name, actual)
    return (zh_form.format(requirement=zh_required, actual=actual_zh),
            en_form.format(requirement=required[1], actual=actual_en))


def undecided(name: str, op: str, value: Any, required: tuple[str, str],
              needed: tuple[str, ...], labelled: bool) -> tuple[str, str]:
    """A criterion on a field the profile does not state: the requirement, then what to ask for."""
    zh_required = required[0]
    if not labelled and (_flag_wanted(name, op, value) is not None or _none_asked(name, op, value)):
        zh_required = "需" + zh_required
    zh_missing = "、".join(f"{_asked(n)}({n})" for n in needed)
    return (UNKNOWN[0].format(requirement=zh_required, missing=zh_missing),
            UNKNOWN[1].format(requirement=required[1], missing=", ".join(needed)))


def _asked(name: str) -> str:
    return FLAGS[name].ask_zh if name in FLAGS else F.FIELDS[name].zh


def labelled_met(required: tuple[str, str], name: str, op: str, value: Any,
                 actual_zh: str, actual_en: str) -> tuple[str, str]:
    """A met criterion the bank worded itself: its words, and what the firm has."""
    if _flag_wanted(name, op, value) is not None or op == "exists":
        return required
    return (LABEL_MET[0].format(requirement=required[0], actual=actual_zh),
            LABEL_MET[1].format(requirement=required[1], actual=actual_en))
