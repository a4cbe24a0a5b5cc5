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
from typing import Any

from ..vocabulary import fields as F
from . import values as V
from .values import joined, value_text

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
FAILED_NAMED = "{requirement}，当前为{actual}"  # a kind or a class, not an amount: 当前为企业
FAILED_EMPTY = ("{requirement}，当前为空", "{requirement}; it has none")  # an empty list
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
                                   "the legal representative is aged {actual}, "
                                   "within {low} to {high}"),
    **{(place, op): words for place in V.PLACES
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
FIELD_EMPTY = {"bank_relationships": ("{requirement}，当前未在任何银行开立结算账户",
                                      "{requirement}; it holds none")}
# Bounds of zero that a loan officer says in words (净利润 > 0 is 盈利).
AT_ZERO: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("net_profit", ">"): ("需盈利（净利润为正）", "盈利，净利润{actual}",
                          "must be profitable (net profit above zero)",
                          "profitable, net profit {actual}"),
    ("net_profit", ">="): ("净利润不得为负", "净利润为{actual}，不为负",
                           "net profit must not be negative",
                           "net profit is {actual}, not negative"),
}
FIELD_FAILED = {**{place: ("{requirement}，当前在{actual}",
                          "{requirement}; it is registered in {actual}")
                   for place in V.PLACES},
                "bank_relationships": ("{requirement}，当前结算账户开在{actual}",
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
                         "has filed {n} in the last 12 months",
                         "zero tax return", "zero tax returns"),
    "credit_inquiries_3m": ("must have had {n} in the last 3 months",
                            "has had {n} in the last 3 months",
                            "credit inquiry", "credit inquiries"),
    "credit_inquiries_6m": ("must have had {n} in the last 6 months",
                            "has had {n} in the last 6 months",
                            "credit inquiry", "credit inquiries"),
    "admin_penalties_24m": ("must have had {n} in the last 24 months",
                            "has had {n} in the last 24 months",
                            "administrative penalty", "administrative penalties"),
    "enforcement_cases": ("must have {n}", "has {n}", "open enforcement case",
                          "open enforcement cases"),
    "ip_count": ("must hold {n}", "holds {n}", "IP right", "IP rights"),
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

# Counts a product may want to be none (== 0 or <= 0): zh as stated and as required,
# en as required and as stated.
NONE: dict[str, tuple[str, str, str, str]] = {
    "overdue_count_24m": ("近24个月无逾期", "近24个月需无逾期",
                          "must not have been overdue in the last 24 months",
                          "has not been overdue in the last 24 months"),
    "zero_filings_12m": ("近12个月无零申报", "近12个月需无零申报",
                         "must have filed no zero tax returns in the last 12 months",
                         "has filed no zero tax returns in the last 12 months"),
    "credit_inquiries_3m": ("近3个月无征信查询", "近3个月需无征信查询",
                            "must have had no credit inquiries in the last 3 months",
                            "has had no credit inquiries in the last 3 months"),
    "credit_inquiries_6m": ("近6个月无征信查询", "近6个月需无征信查询",
                            "must have had no credit inquiries in the last 6 months",
                            "has had no credit inquiries in the last 6 months"),
    "enforcement_cases": ("无被执行案件", "需无被执行案件",
                          "must have no open enforcement cases", "has no open enforcement cases"),
    "admin_penalties_24m": ("近24个月无行政处罚", "近24个月需无行政处罚",
                            "must have had no administrative penalties in the last 24 months",
                            "has had no administrative penalties in the last 24 months"),
}

# Sets of size classes with the name people give them.
SIZE_SETS = {frozenset({"micro", "small"}): ("小微企业", "micro or small"),
             frozenset({"micro", "small", "medium"}): ("中小微企业", "micro, small or medium-sized")}
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
        return {"bound": joined([value_text(name, v, lang) for v in value], lang, last)}
    return {"bound": value_text(name, value, lang)}


def _name(name: str, lang: str) -> str:
    fld = F.FIELDS[name]
    own = NAMES.get(name)
    return (own[lang == "en"] if own else (fld.en if lang == "en" else fld.zh))


def _forms(name: str, op: str, value: Any) -> tuple[str, str, str, str]:
    if (name, op) in AT_ZERO and not isinstance(value, (bool, tuple, list)) and value == 0:
        return AT_ZERO[name, op]
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
    return f"{V.number(value)} {one if value == 1 else many}"


def _en_counted(name: str, op: str, value: Any) -> str | None:
    """A count's English bound with its comparison ("at most 1 time"), when it has one."""
    if name not in EN_COUNTS or isinstance(value, bool):
        return None
    if op in ("between", "not_between"):
        low, high = value
        words = "between {} and {}" if op == "between" else "not between {} and {}"
        return words.format(V.number(low), _en_count(name, high))
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
        return NONE[name][0], NONE[name][2]
    forms = _forms(name, op, value)
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
    if _none_asked(name, op, value) or (name in NONE and actual == 0 and op in ("<=", "<")):
        return NONE[name][0], NONE[name][3]  # 近24个月无逾期, whatever the bound allowed
    forms = _forms(name, op, value)
    zh = forms[1].format(name=_name(name, "zh"), actual=actual_zh,
                         **bound_text(name, op, value, "zh"))
    counted = _en_counted(name, op, value)
    if counted is not None:
        has = EN_COUNTS[name][1].format(n=_en_count(name, actual))
        if op in EN_COMPARED:  # the noun once: "(at most 2)"
            counted = EN_COMPARED[op].format(V.number(value))
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
        zh_required = NONE[name][1]
    if op == "exists" and actual is None:
        actual_zh, actual_en = "未提供", "not stated"
    zh_form, en_form = FIELD_FAILED.get(name, FAILED)
    if isinstance(actual, (tuple, list)) and not actual:
        zh_form, en_form = FIELD_EMPTY.get(name, FAILED_EMPTY)
    if name not in FIELD_FAILED and F.FIELDS[name].kind in (F.ENUM, F.CODE) and actual is not None:
        zh_form = FAILED_NAMED
    if not labelled and _en_counted(name, op, value) is not None:
        en_form, actual_en = EN_COUNT_FAILED, _en_count(name, actual)
    return (zh_form.format(requirement=zh_required, actual=actual_zh),
            en_form.format(requirement=required[1], actual=actual_en))


def undecided(name: str, op: str, value: Any, required: tuple[str, str],
              needed: tuple[str, ...], labelled: bool) -> tuple[str, str]:
    """A criterion on a field the profile does not state: the requirement, then what to ask for."""
    zh_required = required[0]
    if not labelled and _flag_wanted(name, op, value) is not None:
        zh_required = "需" + zh_required
    elif not labelled and _none_asked(name, op, value):
        zh_required = NONE[name][1]
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
