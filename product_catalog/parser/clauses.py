"""A sheet cut into header lines and eligibility clauses, each with its line.

Headers are ``key: value`` lines (银行: 中国农业银行).  After 申请条件 come the
conditions: numbered items (1. / 1、 / (一) / 一、 / ① / (1)), or prose cut at
；/;/。.  A heading such as "满足以下条件之一:" makes the items under it
alternatives; "有下列情形之一的，不予受理:" makes each of them a ground for refusal.
A heading that runs on into the first condition (借款人应具备以下条件：企业注册于…)
is dropped from it.  Clauses keep the bank's wording, to be quoted as ``source``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold, split_outside_parens

HEADER_KEYS: dict[str, tuple[str, ...]] = {
    "bank": ("银行", "发行银行", "贷款银行", "所属银行", "银行名称", "发放银行"),
    "product": ("产品", "产品名称", "贷款产品", "产品名"),
    "amount": (
        "产品额度",
        "贷款额度",
        "额度",
        "授信额度",
        "最高额度",
        "贷款金额",
        "可贷额度",
        "额度上限",
        "单户额度",
        "额度范围",
    ),
    "term": ("贷款期限", "期限", "授信期限", "借款期限", "产品期限"),
    "rate": (
        "参考利率",
        "利率",
        "贷款利率",
        "年化利率",
        "执行利率",
        "利率水平",
        "利率区间",
        "年利率",
        "贷款年利率",
    ),
    "collateral": ("担保方式", "担保", "增信方式", "担保条件"),
    "region": (
        "适用地区",
        "适用区域",
        "服务地区",
        "服务区域",
        "地区",
        "区域",
        "办理地区",
        "适用范围",
    ),
    "channel": ("办理渠道", "申请渠道", "渠道", "申请方式", "办理方式"),
    "approval": ("审批时效", "放款时效", "审批时间", "放款时间", "审批速度", "办理时效"),
    "note": ("数据说明", "说明", "备注", "数据来源"),
    "conditions": (
        "申请条件",
        "准入条件",
        "申请要求",
        "准入要求",
        "客户准入条件",
        "贷款条件",
        "办理条件",
        "申请资格",
        "准入标准",
        "适用对象",
        "贷款对象",
        "服务对象",
        "客户准入",
    ),
}
_KEY_OF = {word: key for key, words in HEADER_KEYS.items() for word in words}
_HEADER_RE = re.compile(r"^\s*(?P<key>[^:\s]{1,10}?)\s*(?::\s*(?P<value>.*?)|(?P<bare>))\s*$")

_MARKERS = [
    ("arabic", r"\d{1,2}\s*[.、](?!\d)"),
    ("paren_arabic", r"\(\d{1,2}\)"),
    ("paren_chinese", r"\([一二三四五六七八九十]{1,3}\)"),
    ("chinese", r"[一二三四五六七八九十]{1,3}、"),
    ("circled", r"[①-⑳]"),
    ("bullet", r"[-•·*]\s"),
]
_MARKER_AT_START = re.compile("|".join(f"(?P<{name}>{p})" for name, p in _MARKERS))
_INLINE_MARKER = re.compile(
    r"(?<=[;。:\s])\s*(?:" + "|".join(p for _, p in _MARKERS[:-1]) + ")"
    r"|[①-⑳]"
)
_ALTERNATIVES = re.compile(r"之一|任一|任意一|其一|其中一项|至少一项|至少一个|任何一项")
# …之一的，不予受理: any one of the items refuses the firm, so each is an exclusion.
_REFUSES = re.compile(
    r"不予受理|不予准入|不予支持|不予办理|不得申请|不能申请|不准入|不得准入|禁止|不得"
)
# 借款人应具备以下条件: words that only announce the conditions after them.
_ANNOUNCES = re.compile(r"(?:以下|下列|如下)(?:基本)?(?:条件|要求)$")
REFUSAL = "，不予受理"  # read after an exclusion item: 有欠税记录的，不予受理
_TERMINAL = ";。"


@dataclass
class HeaderLine:
    key: str  # canonical key (bank, amount…) or "" when unknown
    label: str  # the key as written
    value: str
    line: int
    text: str


@dataclass
class Clause:
    text: str  # the bank's wording, without its number or final punctuation
    line: int
    alternative_group: int | None = None  # clauses sharing a group: any one suffices
    raw: str = ""  # the text as cut, with its final punctuation, for run-on lines
    refuses: bool = False  # under "有下列情形之一的，不予受理": the firm must not be so


def header_key(label: str) -> str:
    return _KEY_OF.get(label.strip(), "")


def _parse_header(number: int, raw: str) -> HeaderLine | None:
    m = _HEADER_RE.match(fold(raw))
    if not m or m.group("value") is None and m.group("bare") is None:
        return None
    label = m.group("key")
    if m.group("value") is None and not header_key(label):
        return None  # a line of prose, not "key:" alone
    start = m.start("value") if m.group("value") is not None else len(raw)
    return HeaderLine(header_key(label), label, raw[start:].strip(), number, raw.strip())


def split_sheet(text: str) -> tuple[list[HeaderLine], list[Clause], list[tuple[int, str]]]:
    """Header lines, eligibility clauses, and stray lines that are neither."""
    headers: list[HeaderLine] = []
    condition_lines: list[tuple[int, str]] = []
    stray: list[tuple[int, str]] = []
    in_conditions = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        header = _parse_header(number, raw)
        if header and header.key and header.key != "conditions":
            in_conditions = False
            headers.append(header)
        elif header and header.key == "conditions":
            in_conditions = True
            headers.append(header)
            if header.value:
                offset = raw.index(header.value)
                condition_lines.append((number, raw[offset:]))
        elif in_conditions:
            condition_lines.append((number, raw))
        elif header:
            headers.append(header)  # an unknown key: reported by the caller
        else:
            stray.append((number, raw.strip()))
    return headers, split_clauses(condition_lines), stray


def _items(lines: list[tuple[int, str]]) -> list[tuple[int, str, str | None]]:
    """(line, text, marker style) for every listed item or run of prose."""
    items = []
    for number, raw in lines:
        folded = fold(raw)
        cuts = [0] + [m.start() for m in _INLINE_MARKER.finditer(folded) if m.start() > 0]
        for start, end in zip(cuts, cuts[1:] + [len(raw)]):
            piece = raw[start:end].strip()
            if not piece:
                continue
            m = _MARKER_AT_START.match(fold(piece))
            style = m.lastgroup if m else None
            items.append((number, piece[m.end() :].strip() if m else piece, style))
    return items


def split_clauses(lines: list[tuple[int, str]]) -> list[Clause]:
    clauses: list[Clause] = []
    group_id, group_style = None, None
    refusing, refusal_style = False, None
    previous_open = False  # the last numbered item ran on without final punctuation
    for number, text, style in _items(lines):
        if style is None and previous_open and clauses and fold(text)[:1] not in _TERMINAL:
            clauses[-1].text = _clean(clauses[-1].raw + text)  # a numbered item run on
            clauses[-1].raw += text
            previous_open = fold(text)[-1:] not in _TERMINAL + ":"
            continue
        if style is not None and style == group_style:
            group_id, group_style = None, None  # back at the level of the heading
        if style is not None and refusing and style == refusal_style:
            refusing, refusal_style = False, None
        head, colon, rest = text.partition("：") if "：" in text else text.partition(":")
        if colon and _ALTERNATIVES.search(head) and _REFUSES.search(head):
            for s, e in split_outside_parens(rest, _TERMINAL):
                if fold(rest[s:e]).strip(_TERMINAL + ", "):
                    clauses.append(Clause(_clean(rest[s:e]), number, raw=rest[s:e], refuses=True))
            if not fold(rest).strip(_TERMINAL + ", "):
                refusing, refusal_style = True, style  # the grounds follow as items
            previous_open = False
            continue
        if colon and _ALTERNATIVES.search(head):
            group_id, group_style = len(clauses) + 1000, style
            for s, e in split_outside_parens(rest, _TERMINAL):
                if fold(rest[s:e]).strip(_TERMINAL + ", "):
                    clauses.append(Clause(_clean(rest[s:e]), number, group_id, raw=rest[s:e]))
            if fold(rest).strip(_TERMINAL + ", "):
                group_id, group_style = None, None  # the alternatives were all on this line
            previous_open = False
            continue
        if colon and fold(rest).strip(_TERMINAL + ", ") and _ANNOUNCES.search(fold(head).strip()):
            text = rest  # 借款人应具备以下条件：企业注册于…: the conditions start after the colon
        pieces = [text] if style else [text[s:e] for s, e in split_outside_parens(text, _TERMINAL)]
        for piece in pieces:
            piece = piece.strip()
            body = fold(piece).rstrip(_TERMINAL + ", ")
            if not body:
                continue
            if body.endswith(":") and not re.search(r"\d", body):
                continue  # a heading such as 企业须同时满足以下条件:
            in_group = group_id if group_id is not None and style != group_style else None
            refused = refusing and style != refusal_style
            clauses.append(
                Clause(
                    _clean(piece), number, None if refused else in_group, raw=piece, refuses=refused
                )
            )
        previous_open = style is not None and fold(text)[-1:] not in _TERMINAL + ":"
    return clauses


def _clean(text: str) -> str:
    text = text.strip()
    while text and fold(text)[-1] in _TERMINAL + ", ":
        text = text[:-1].rstrip()
    while text and fold(text)[0] in _TERMINAL + ",、 ":
        text = text[1:].lstrip()  # the comma after a heading's colon (…不予受理：，…)
    return text


def split_segments(text: str) -> list[tuple[int, int]]:
    """Pieces between commas and semicolons; not the comma of 1,000 or of A,B."""
    folded = fold(text)
    spans = split_outside_parens(text, ",;。")
    merged: list[list[int]] = []
    for start, end in spans:
        joins = (
            merged
            and start > 0
            and folded[start - 1] == ","
            and re.match(r"[0-9A-Z]", folded[start - 2 : start - 1] or " ")
            and re.match(r"[0-9A-Z]", folded[start : start + 1] or " ")
        )
        # ……的，不予受理: the verdict after the comma belongs to what precedes it
        verdict = merged and re.fullmatch(
            r"\s*(?:的)?(?:则)?(?:不予受理|不予准入|不予支持|不得申请|除外)\s*", folded[start:end]
        )
        if joins or verdict:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged if fold(text[s:e]).strip(" ,;。")]
