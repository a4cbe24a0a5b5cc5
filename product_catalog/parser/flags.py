"""Yes/no facts: 无当前逾期, 未列入失信被执行人名单, 无欠税, 高新技术企业, 专精特新.

A sheet names a bad fact to exclude it (无…, 未列入…, …的不予受理) and a good
one to require it.  A bad fact named without any negation is not guessed at:
the clause is left for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .criteria import criterion
from .text import Found, Segment

_NEG_BEFORE = re.compile(
    r"(?:无|未|不存在|没有|不得有|不得|不能有|不能|不属于|不是|非|不在|从未|未曾|不)(?:被)?"
    r"(?:列入|纳入|列为|存在|有|出现|发生|为|属于|涉及|在)?(?:任何)?$"
)
_NEG_AFTER = re.compile(
    r"^(?:的|之)?[,，]?(?:企业|客户|借款人|申请人|情况)?"
    r"(?:不予受理|不予准入|不予支持|不予办理|不得申请|不能申请|不可申请|不准入|除外)"
)
_LIST_LINK = re.compile(r"^(?:、|及|和|或|与|以及|/)$")


@dataclass(frozen=True)
class Flag:
    field: str
    pattern: re.Pattern
    bad: bool  # named to be excluded (逾期) rather than required (高新)
    fixed: bool | None = None  # the wording itself says the value (当前无逾期 → False)
    caveat: tuple[re.Pattern, str] | None = None  # wording the flag only approximates


FLAGS = [
    Flag(
        "overdue_current",
        re.compile(r"(?:当前|目前|现在|现时)(?:无|没有|不存在)(?:贷款|信贷|信用卡)?逾期"),
        bad=True,
        fixed=False,
    ),
    Flag(
        "overdue_current",
        re.compile(
            r"(?:当前|目前|现在|现有|尚有|现时)(?:存在)?(?:贷款|信贷|信用卡|征信)?"
            r"逾期(?:记录|情况|贷款)?"
        ),
        bad=True,
    ),
    Flag(
        "dishonest_debtor",
        re.compile(
            r"(?:被列为|被列入|被纳入|列为|列入|纳入)?"
            r"(?:最高人民法院|人民法院|法院)?(?:公布的)?(?:失信被执行人|失信人|失信)"
            r"(?:名单|记录|行为|信息)?"
        ),
        bad=True,
    ),
    Flag(
        "tax_arrears",
        re.compile(r"(?:欠税|欠缴税款|拖欠税款|欠缴税费)(?:记录|情况|行为)?"),
        bad=True,
    ),
    Flag(
        "high_tech",
        re.compile(
            r"(?:有效期内的?)?(?:国家级?|认定的|经认定的)?(?:高新技术企业|高新企业)"
            r"(?:认定|资质|证书|称号)?"
        ),
        bad=False,
    ),
    Flag(
        "specialized_sme",
        re.compile(
            r"(?:(?:国家|省|市)级?(?:及以上|以上)?)?专精特新(?:[\"“]?小巨人[\"”]?)?"
            r"(?:中小企业|企业)?(?:认定|资质|证书|称号)?"
        ),
        bad=False,
        caveat=(
            re.compile(r"(?:国家|省)级?(?:及以上|以上)|国家级|省级"),
            "read as specialized_sme == true: the profile does not record the "
            "certifying level the sheet asks for",
        ),
    ),
]


def read_flags(seg: Segment) -> list[Found]:
    found: list[Found] = []
    masked = seg.masked()
    hits: list[tuple[int, int, Flag]] = []
    for flag in FLAGS:
        for m in flag.pattern.finditer(masked):
            if not any(m.start() < e and s < m.end() for s, e, _ in hits):
                hits.append((m.start(), m.end(), flag))
    hits.sort(key=lambda h: h[0])
    previous: tuple[int, bool | None] | None = None  # end and negation of the last flag read
    for start, end, flag in hits:
        negated, claim_from = _negation(seg.text, start, end, previous)
        if flag.fixed is not None:
            value = flag.fixed
        elif negated is None:
            if flag.bad:
                continue  # 存在逾期? the polarity is unclear: leave the words for review
            value = True
        else:
            value = not negated
        seg.claim(claim_from, end + (negated is not None and _after_len(seg.text, end)))
        found.append(Found(start, end, [criterion(flag.field, "==", value)]))
        if flag.caveat and flag.caveat[0].search(seg.text[start:end]):
            seg.notes.append(flag.caveat[1])
        previous = (end, negated)
    return found


def _after_len(text: str, end: int) -> int:
    m = _NEG_AFTER.match(text[end:])
    return m.end() if m else 0


def _negation(text: str, start: int, end: int, previous) -> tuple[bool | None, int]:
    """Whether the fact at start..end is negated, and where its wording begins."""
    m = _NEG_BEFORE.search(text[:start])
    if m and m.end() > m.start():
        return True, m.start()
    if previous and _LIST_LINK.match(text[previous[0] : start]) and previous[1] is not None:
        return previous[1], start  # 无欠税、当前逾期: one 无 for the whole list
    if _NEG_AFTER.match(text[end:]):
        return True, start
    return None, start
