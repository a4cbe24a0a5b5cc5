"""Field errors in words a person reads, in Chinese and English.

Marshmallow's defaults ("Not a valid integer.") and the profile's English messages
are rewritten per field: ``detail`` stays English (as before), and ``message`` gives
``{"zh", "en"}`` like the explanations elsewhere in the API. The Chinese names of
profile fields come from the vocabulary's field table; the request's own fields are
named here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from matcher.vocabulary.fields import FIELDS

# The lead application's own members (profile fields are named by the vocabulary).
NAMES_ZH = {
    "": "请求",
    "product_id": "产品",
    "requested_amount": "申请金额",
    "requested_term_months": "申请期限",
    "consent": "授权",
    "consent.granted": "是否授权",
    "consent.at": "授权时间",
    "consent.version": "授权文本版本",
    "contact": "联系人",
    "contact.name": "联系人姓名",
    "contact.phone": "联系电话",
    "contact.email": "电子邮箱",
    "profile": "企业信息",
    "Idempotency-Key": "幂等键 Idempotency-Key",
}
_TYPES_ZH = {
    "string": "字符串",
    "number": "数字",
    "boolean": "布尔值",
    "object": "对象",
    "array": "数组",
    "null": "null",
}
# What a member of a lead application must be, in words, for marshmallow's bare messages.
_EXPECTED = {
    "requested_amount": ("a whole number of yuan, such as 1000000", "以元计的整数，如 1000000"),
    "requested_term_months": (
        "a whole number of months from 1 to 600",
        "1 到 600 之间的整数（月）",
    ),
    "product_id": (
        "a product id such as tsbank-shuiyi-dai (GET /v1/products lists them)",
        "产品编号，如 tsbank-shuiyi-dai（GET /v1/products 可查）",
    ),
    "consent": ("an object with granted, at and version", "含 granted、at、version 的对象"),
    "consent.granted": ("true", "true"),
    "consent.at": (
        "an ISO 8601 date-time with its offset, such as 2024-05-06T09:30:00+08:00",
        "带时区的 ISO 8601 时间，如 2024-05-06T09:30:00+08:00",
    ),
    "consent.version": (
        "the version of the consent text the enterprise agreed to",
        "企业同意的授权文本版本",
    ),
    "contact": (
        "an object with name and phone (email optional)",
        "含 name、phone（email 可选）的对象",
    ),
    "profile": (
        "an object: the enterprise's profile, as posted to /v1/match",
        "对象：企业信息，与 /v1/match 相同",
    ),
}


def _got(kind: str, value: str) -> str:
    return f"，收到{_TYPES_ZH.get(kind, kind)} {value}"


# (English pattern, English rewrite or None to keep, Chinese), tried in order.
_Rule = tuple[re.Pattern, Callable[[re.Match, str], str] | None, Callable[[re.Match, str], str]]
_RULES: list[_Rule] = [
    (re.compile(p), en, zh)
    for p, en, zh in [
        (r"^Missing data for required field\.$", lambda m, f: "is required", lambda m, f: "必填"),
        (r"^Field may not be null\.$", lambda m, f: "must not be null", lambda m, f: "不能为 null"),
        (
            r"^Unknown field\.$|^unknown field",
            lambda m, f: (
                "is not a profile field (the Profile schema in /openapi.json lists them)"
                if f.startswith("profile.")
                else "is not a field this request takes"
            ),
            lambda m, f: (
                "不是企业信息的字段（见 /openapi.json 的 Profile）"
                if f.startswith("profile.")
                else "不是本请求的字段"
            ),
        ),
        (
            r"^Not a valid (integer|string|boolean|mapping type|number|list)\.$",
            lambda m, f: f"must be {_EXPECTED.get(f, (m.group(1),))[0]}",
            lambda m, f: f"须为{_EXPECTED.get(f, (None, m.group(1)))[1]}",
        ),
        (
            r"^Invalid input type\.$",
            lambda m, f: f"must be {_EXPECTED.get(f, ('an object',))[0]}",
            lambda m, f: f"须为{_EXPECTED.get(f, (None, '对象'))[1]}",
        ),
        (
            r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$",
            lambda m, f: f"must be from {m.group(1)} to {m.group(2)}",
            lambda m, f: f"须在 {m.group(1)} 到 {m.group(2)} 之间",
        ),
        (
            r"^Must be greater than or equal to (\S+)\.$",
            None,
            lambda m, f: f"不能小于 {m.group(1)}",
        ),
        (
            r"^Length must be between (\d+) and (\d+)\.$",
            lambda m, f: f"must be {m.group(1)} to {m.group(2)} characters long",
            lambda m, f: f"长度须为 {m.group(1)} 到 {m.group(2)} 个字符",
        ),
        (
            r"^Shorter than minimum length 1\.$",
            lambda m, f: "must not be empty",
            lambda m, f: "不能为空",
        ),
        (
            r"^Longer than maximum length (\d+)\.$",
            lambda m, f: f"must be at most {m.group(1)} characters long",
            lambda m, f: f"不能超过 {m.group(1)} 个字符",
        ),
        (
            r"^Must be one of: (.*)\.$",
            lambda m, f: f"must be one of {m.group(1)}",
            lambda m, f: f"须为以下之一：{m.group(1)}",
        ),
        (
            r"^must be a whole number, got (\w+) (.*)$",
            None,
            lambda m, f: "须为整数" + _got(m.group(1), m.group(2)),
        ),
        (
            r"^must be an amount in yuan .*?, got (\w+) (.*)$",
            None,
            lambda m, f: (
                '须为以元计的金额（如 120000 或 "120000.50"）' + _got(m.group(1), m.group(2))
            ),
        ),
        (
            r"^must be a decimal ratio .*?, got (\w+) (.*)$",
            None,
            lambda m, f: "须为小数比例（如 0.35 即 35%）" + _got(m.group(1), m.group(2)),
        ),
        (
            r"^must be true or false, got (\w+) (.*)$",
            None,
            lambda m, f: "须为 true 或 false" + _got(m.group(1), m.group(2)),
        ),
        (
            r"^must be a date as YYYY-MM-DD, got (\w+) (.*)$",
            None,
            lambda m, f: "须为 YYYY-MM-DD 格式的日期" + _got(m.group(1), m.group(2)),
        ),
        (
            r"^must be a string, got (\w+) (.*)$",
            None,
            lambda m, f: "须为字符串" + _got(m.group(1), m.group(2)),
        ),
        (r"^must not be blank$", None, lambda m, f: "不能为空"),
        (r"^is not a calendar date: (.*)$", None, lambda m, f: f"不是有效日期：{m.group(1)}"),
        (
            r"^must be a 6-digit .*?, got (\w+) (.*)$",
            None,
            lambda m, f: (
                '须为 6 位行政区划代码（GB/T 2260），如 "130203"' + _got(m.group(1), m.group(2))
            ),
        ),
        (
            r"^(\S+) does not start with a province code",
            None,
            lambda m, f: f"{m.group(1)} 的前两位不是省级行政区划代码（GB/T 2260）",
        ),
        (r"^needed by the product$", None, lambda m, f: "该产品需要这项信息才能判断"),
        (
            r"^required to make a lead$|is required to make a lead$",
            None,
            lambda m, f: "申请贷款时必填",
        ),
        (r"^the enterprise must consent", None, lambda m, f: "须经企业授权后才能将申请发送给银行"),
        (r"^must state its time zone", None, lambda m, f: "须注明时区，如 +08:00"),
        (r"^(\S+) is in the future$", None, lambda m, f: f"{m.group(1)} 晚于当前时间"),
        (
            r"^(\S+) is before (\S+): not a real consent$",
            None,
            lambda m, f: f"{m.group(1)} 早于 {m.group(2)}，不是真实的授权时间",
        ),
        (
            r"^must be an ISO 8601 date-time; got (.*)$",
            None,
            lambda m, f: f"须为带时区的 ISO 8601 时间，收到 {m.group(1)}",
        ),
        (r"^must name the version of the consent text$", None, lambda m, f: "须注明授权文本版本"),
        (
            r"^no product '(.*)' in the catalog",
            None,
            lambda m, f: f"目录中没有产品 {m.group(1)}（GET /v1/products 可查）",
        ),
        (
            r"^differs from the request's (\S+) \((.*)\); send one value$",
            None,
            lambda m, f: f"与请求中的 {m.group(1)}（{m.group(2)}）不一致，只需填写一处",
        ),
        (
            r"^must be 1-(\d+) printable ASCII characters$",
            None,
            lambda m, f: f"须为 1 到 {m.group(1)} 个可打印 ASCII 字符",
        ),
    ]
]


def name_zh(field: str) -> str:
    """The Chinese name of a member (``profile.tax_paid_12m``: 近12个月纳税总额)."""
    if field in NAMES_ZH:
        return NAMES_ZH[field]
    last = field.rsplit(".", 1)[-1]
    if field.startswith("profile."):
        return FIELDS[last].zh if last in FIELDS else last
    return field


def readable(field: str, detail: str) -> dict[str, str]:
    """``{"zh", "en"}`` for one message about ``field`` (dotted, as in ``errors``)."""
    for pattern, english, chinese in _RULES:
        found = pattern.search(detail)
        if found:
            en = english(found, field) if english else detail
            return {"zh": f"{name_zh(field)}：{chinese(found, field)}", "en": en}
    return {"zh": f"{name_zh(field)}：{detail}", "en": detail}


def with_messages(errors: list[dict]) -> list[dict]:
    """``problems.field_errors`` entries, each with ``message`` and a rewritten ``detail``."""
    out = []
    for error in errors:
        message = readable(error["field"], error["detail"])
        out.append({**error, "detail": message["en"], "message": message})
    return out
