"""The sentences an explanation says by operator, in Chinese and English: a table to review.

A criterion reads as a loan officer writes it: "成立年限需满2年，当前1年7个月",
"行业不得属于房地产业、金融业", "需在中国农业银行开立结算账户". Each operator has three
forms — the requirement (what the product asks; also the product page's line), *met*
(what the firm has, and that it suffices) and the tails of a failure (当前…) and of an
unknown (未提供…) — and fields whose meaning a template would garble have their own rows:
places, industries and banks by name here; yes/no facts ("无欠税") and counts that may be
none in ``field_wording``. ``sentences`` picks the row; ``values`` words the
values put in.
"""

from __future__ import annotations

from . import values as V

# --- the tables -----------------------------------------------------------------------

# op: (zh requirement, zh met, en requirement, en met). {name} the field, {bound} the rule's
# value, {low}/{high} a range's ends, {actual} the firm's value.
OPERATORS: dict[str, tuple[str, str, str, str]] = {
    "==": ("{name}需为{bound}", "{name}为{actual}", "{name} must be {bound}", "{name} is {actual}"),
    "!=": (
        "{name}不得为{bound}",
        "{name}为{actual}，不是{bound}",
        "{name} must not be {bound}",
        "{name} is {actual}, not {bound}",
    ),
    "<": (
        "{name}需低于{bound}",
        "{name}为{actual}，低于{bound}",
        "{name} must be below {bound}",
        "{name} is {actual}, below {bound}",
    ),
    "<=": (
        "{name}需不超过{bound}",
        "{name}为{actual}，未超过{bound}",
        "{name} must be at most {bound}",
        "{name} is {actual}, not above {bound}",
    ),
    ">": (
        "{name}需超过{bound}",
        "{name}为{actual}，超过{bound}",
        "{name} must be above {bound}",
        "{name} is {actual}, above {bound}",
    ),
    ">=": (
        "{name}需不低于{bound}",
        "{name}为{actual}，不低于{bound}",
        "{name} must be at least {bound}",
        "{name} is {actual}, at least {bound}",
    ),
    "between": (
        "{name}需在{low}至{high}之间",
        "{name}为{actual}，在{low}至{high}之间",
        "{name} must be between {low} and {high}",
        "{name} is {actual}, between {low} and {high}",
    ),
    "not_between": (
        "{name}不得在{low}至{high}之间",
        "{name}为{actual}，不在{low}至{high}之间",
        "{name} must not be between {low} and {high}",
        "{name} is {actual}, outside {low} to {high}",
    ),
    "in": ("{name}需为{bound}", "{name}为{actual}", "{name} must be {bound}", "{name} is {actual}"),
    "not_in": (
        "{name}不得为{bound}",
        "{name}为{actual}，不是{bound}",
        "{name} must not be {bound}",
        "{name} is {actual}, not {bound}",
    ),
    "prefix": (
        "{name}需属于{bound}",
        "{name}为{actual}，属于{bound}",
        "{name} must be in {bound}",
        "{name} is {actual}, in {bound}",
    ),
    "not_prefix": (
        "{name}不得属于{bound}",
        "{name}为{actual}，不属于{bound}",
        "{name} must not be in {bound}",
        "{name} is {actual}, not in {bound}",
    ),
    "contains": (
        "{name}需包含{bound}",
        "{name}包含{bound}",
        "{name} must include {bound}",
        "{name} include {bound}",
    ),
    "not_contains": (
        "{name}不得包含{bound}",
        "{name}不包含{bound}",
        "{name} must not include {bound}",
        "{name} do not include {bound}",
    ),
}
# The tails: a failure says what the firm has, an unknown what to ask for.
FAILED = ("{requirement}，当前{actual}", "{requirement}; it is {actual}")
FAILED_NAMED = "{requirement}，当前为{actual}"  # a kind or a class, not an amount: 当前为企业
FAILED_EMPTY = ("{requirement}，当前为空", "{requirement}; it has none")  # an empty list
UNKNOWN = ("{requirement}，未提供{missing}", "{requirement}; not stated: {missing}")
LABEL_MET = ("{requirement}（当前{actual}）", "{requirement} (it is {actual})")

# ``exists``: whether a field is stated at all. {name} the field; (true, false) as asked.
EXISTS = (
    ("需提供{name}", "不应提供{name}"),  # zh requirement
    ("已提供{name}", "未提供{name}"),  # zh met
    ("{name} must be stated", "{name} must not be stated"),  # en requirement
    ("{name} is stated", "{name} is not stated"),  # en met
)
NOT_STATED = ("未提供", "not stated")  # what a firm has when it states nothing

# Fields whose operators read differently: places are "in", age and time "满".
FIELD_OPERATORS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("years_in_business", ">="): (
        "成立年限需满{bound}",
        "成立年限为{actual}，已满{bound}",
        "must have been in business for at least {bound}",
        "in business for {actual}, at least {bound}",
    ),
    ("months_in_business", ">="): (
        "成立时间需满{bound}",
        "成立时间为{actual}，已满{bound}",
        "must have been in business for at least {bound}",
        "in business for {actual}, at least {bound}",
    ),
    ("legal_rep_age", ">="): (
        "法定代表人需年满{bound}",
        "法定代表人年龄为{actual}，已年满{bound}",
        "the legal representative must be at least {bound}",
        "the legal representative is {actual}, at least {bound}",
    ),
    ("legal_rep_age", "between"): (
        "法定代表人年龄需在{low}至{high}之间",
        "法定代表人年龄为{actual}，在{low}至{high}之间",
        "the legal representative must be aged {low} to {high}",
        "the legal representative is aged {actual}, within {low} to {high}",
    ),
    **{
        (place, op): words
        for place in V.PLACES
        for op, words in {
            "==": (
                "注册地需在{bound}",
                "注册地在{actual}",
                "must be registered in {bound}",
                "registered in {actual}",
            ),
            "in": (
                "注册地需在{bound}",
                "注册地在{actual}",
                "must be registered in {bound}",
                "registered in {actual}",
            ),
            "prefix": (
                "注册地需在{bound}",
                "注册地在{actual}",
                "must be registered in {bound}",
                "registered in {actual}",
            ),
            "!=": (
                "注册地不得在{bound}",
                "注册地在{actual}，不在{bound}",
                "must not be registered in {bound}",
                "registered in {actual}, not {bound}",
            ),
            "not_in": (
                "注册地不得在{bound}",
                "注册地在{actual}，不在{bound}",
                "must not be registered in {bound}",
                "registered in {actual}, not {bound}",
            ),
            "not_prefix": (
                "注册地不得在{bound}",
                "注册地在{actual}，不在{bound}",
                "must not be registered in {bound}",
                "registered in {actual}, not {bound}",
            ),
        }.items()
    },
    ("bank_relationships", "contains"): (
        "需在{bound}开立结算账户",
        "已在{bound}开立结算账户",
        "must hold a settlement account at {bound}",
        "holds a settlement account at {bound}",
    ),
    ("bank_relationships", "not_contains"): (
        "不得在{bound}开立结算账户",
        "未在{bound}开立结算账户",
        "must not hold a settlement account at {bound}",
        "holds no settlement account at {bound}",
    ),
}
FIELD_EMPTY = {
    "bank_relationships": (
        "{requirement}，当前未在任何银行开立结算账户",
        "{requirement}; it holds none",
    )
}
# Bounds of zero that a loan officer says in words (净利润 > 0 is 盈利).
AT_ZERO: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("net_profit", ">"): (
        "需盈利（净利润为正）",
        "盈利，净利润{actual}",
        "must be profitable (net profit above zero)",
        "profitable, net profit {actual}",
    ),
    ("net_profit", ">="): (
        "净利润不得为负",
        "净利润为{actual}，不为负",
        "net profit must not be negative",
        "net profit is {actual}, not negative",
    ),
}
FIELD_FAILED = {
    **dict.fromkeys(
        V.PLACES, ("{requirement}，当前在{actual}", "{requirement}; it is registered in {actual}")
    ),
    "bank_relationships": (
        "{requirement}，当前结算账户开在{actual}",
        "{requirement}; it banks with {actual}",
    ),
    "legal_rep_age": ("{requirement}，当前{actual}", "{requirement}; aged {actual}"),
    "years_in_business": ("{requirement}，当前{actual}", "{requirement}; it has been {actual}"),
    "months_in_business": ("{requirement}，当前{actual}", "{requirement}; it has been {actual}"),
}

# How a field is named in a sentence, when not as in the field table.
NAMES: dict[str, tuple[str, str]] = {
    "industry_code": ("行业", "industry"),
    "industry_section": ("行业", "industry"),
    "region_code": ("注册地", "registered region"),
    "province_code": ("注册地", "province"),
    "city_code": ("注册地", "city"),
    "months_in_business": ("成立时间", "time in business"),
    "size_class": ("企业规模", "firm size"),
    "legal_rep_age": ("法定代表人年龄", "the legal representative's age"),
}


# Sets of size classes with the name people give them.
SIZE_SETS = {
    frozenset({"micro", "small"}): ("小微企业", "micro or small"),
    frozenset({"micro", "small", "medium"}): ("中小微企业", "micro, small or medium-sized"),
}
