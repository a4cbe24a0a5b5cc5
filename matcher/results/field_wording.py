"""The sentences of yes/no facts and counts: fields an operator's template would garble.

A yes/no fact reads "无欠税" and a count that must be none "近24个月无逾期", which no
operator template in ``wording`` gives; an English count needs its noun, singular or
plural ("at most 1 time"). ``sentences`` takes these rows over the operator's for the
fields they name. A table to review, like ``wording``'s, pinned by the same tests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Flag:
    """A yes/no fact in words: as stated (also the requirement), after 当前 in a failure,
    as an English requirement and statement, and what to ask for when it is unknown."""

    zh: tuple[str, str]  # (true, false): 无欠税
    zh_now: tuple[str, str]  # 当前有欠税
    en_need: tuple[str, str]  # must have no tax arrears
    en: tuple[str, str]  # has no tax arrears
    en_now: tuple[str, str]  # it has some
    ask_zh: str  # 是否欠税


FLAGS: dict[str, Flag] = {
    "tax_arrears": Flag(
        ("有欠税", "无欠税"),
        ("当前有欠税", "当前无欠税"),
        ("must have tax arrears", "must have no tax arrears"),
        ("has tax arrears", "has no tax arrears"),
        ("it has some", "it has none"),
        "是否欠税",
    ),
    "overdue_current": Flag(
        ("有当前逾期", "无当前逾期"),
        ("当前有逾期", "当前无逾期"),
        ("must have overdue loans", "must have no overdue loans"),
        ("has overdue loans", "has no overdue loans"),
        ("it has some", "it has none"),
        "是否有当前逾期",
    ),
    "dishonest_debtor": Flag(
        ("已被列入失信被执行人名单", "未被列入失信被执行人名单"),
        ("当前已被列入", "当前未被列入"),
        (
            "must be listed as a dishonest judgment debtor",
            "must not be listed as a dishonest judgment debtor",
        ),
        (
            "is listed as a dishonest judgment debtor",
            "is not listed as a dishonest judgment debtor",
        ),
        ("it is listed", "it is not listed"),
        "是否为失信被执行人",
    ),
    "high_tech": Flag(
        ("为高新技术企业", "非高新技术企业"),
        ("当前是", "当前不是"),
        (
            "must be a certified high-tech enterprise",
            "must not be a certified high-tech enterprise",
        ),
        ("is a certified high-tech enterprise", "is not a certified high-tech enterprise"),
        ("it is one", "it is not"),
        "是否为高新技术企业",
    ),
    "specialized_sme": Flag(
        ("为专精特新企业", "非专精特新企业"),
        ("当前是", "当前不是"),
        (
            "must be a specialized and innovative SME",
            "must not be a specialized and innovative SME",
        ),
        ("is a specialized and innovative SME", "is not a specialized and innovative SME"),
        ("it is one", "it is not"),
        "是否为专精特新企业",
    ),
}
FLAG_UNKNOWN = "需{requirement}"  # then the unknown tail: 需无欠税，未提供…
FLAG_FAILED = ("需{requirement}，{actual}", "{requirement}; {actual}")
LABEL_FAILED = "{requirement}，{actual}"

NONE_FAILED = "{requirement}，{tail}"  # 近24个月需无逾期，当前逾期2次

# Counts in English, with the firm as subject: (must …, has …, one, many); {n} is the
# count with its comparison ("at most 1 time").
EN_COUNTS: dict[str, tuple[str, str, str, str]] = {
    "overdue_count_24m": (
        "must have been overdue {n} in the last 24 months",
        "has been overdue {n} in the last 24 months",
        "time",
        "times",
    ),
    "zero_filings_12m": (
        "must have filed {n} in the last 12 months",
        "has filed {n} in the last 12 months",
        "zero tax return",
        "zero tax returns",
    ),
    "credit_inquiries_3m": (
        "must have had {n} in the last 3 months",
        "has had {n} in the last 3 months",
        "credit inquiry",
        "credit inquiries",
    ),
    "credit_inquiries_6m": (
        "must have had {n} in the last 6 months",
        "has had {n} in the last 6 months",
        "credit inquiry",
        "credit inquiries",
    ),
    "admin_penalties_24m": (
        "must have had {n} in the last 24 months",
        "has had {n} in the last 24 months",
        "administrative penalty",
        "administrative penalties",
    ),
    "enforcement_cases": (
        "must have {n}",
        "has {n}",
        "open enforcement case",
        "open enforcement cases",
    ),
    "ip_count": ("must hold {n}", "holds {n}", "IP right", "IP rights"),
    "employees": ("must have {n}", "has {n}", "employee", "employees"),
    "social_insurance_headcount": (
        "must have {n} with social insurance",
        "has {n} with social insurance",
        "employee",
        "employees",
    ),
    "tax_filing_months": (
        "must have filed taxes for {n} in a row",
        "has filed taxes for {n} in a row",
        "month",
        "months",
    ),
    "invoice_months": (
        "must have invoiced for {n} in a row",
        "has invoiced for {n} in a row",
        "month",
        "months",
    ),
    "utility_months_paid": (
        "must have paid utilities for {n}",
        "has paid utilities for {n}",
        "month",
        "months",
    ),
}
EN_COMPARED = {
    "==": "exactly {}",
    "!=": "other than {}",
    "<": "fewer than {}",
    "<=": "at most {}",
    ">": "more than {}",
    ">=": "at least {}",
}
EN_COUNT_MET = "{has} ({bound})"
EN_COUNT_FAILED = "{requirement}; actually {actual}"

# Counts a product may want to be none (== 0 or <= 0): zh as stated and as required,
# en as required and as stated, and zh what a failing firm has (当前逾期2次).
NONE: dict[str, tuple[str, str, str, str, str]] = {
    "overdue_count_24m": (
        "近24个月无逾期",
        "近24个月需无逾期",
        "must not have been overdue in the last 24 months",
        "has not been overdue in the last 24 months",
        "当前逾期{actual}",
    ),
    "zero_filings_12m": (
        "近12个月无零申报",
        "近12个月需无零申报",
        "must have filed no zero tax returns in the last 12 months",
        "has filed no zero tax returns in the last 12 months",
        "当前零申报{actual}",
    ),
    "credit_inquiries_3m": (
        "近3个月无征信查询",
        "近3个月需无征信查询",
        "must have had no credit inquiries in the last 3 months",
        "has had no credit inquiries in the last 3 months",
        "当前查询{actual}",
    ),
    "credit_inquiries_6m": (
        "近6个月无征信查询",
        "近6个月需无征信查询",
        "must have had no credit inquiries in the last 6 months",
        "has had no credit inquiries in the last 6 months",
        "当前查询{actual}",
    ),
    "enforcement_cases": (
        "无被执行案件",
        "需无被执行案件",
        "must have no open enforcement cases",
        "has no open enforcement cases",
        "当前有{actual}",
    ),
    "admin_penalties_24m": (
        "近24个月无行政处罚",
        "近24个月需无行政处罚",
        "must have had no administrative penalties in the last 24 months",
        "has had no administrative penalties in the last 24 months",
        "当前受处罚{actual}",
    ),
}
