"""纳税信用等级: lists (A、B或M级, A/B类, AB级, A\\B\\M) and thresholds (B级(含)以上).

The grades are ordered A > B > M > C > D (``matcher.vocabulary.fields.TAX_RATINGS``, best
first), so "B级以上" is [A, B]: M, the grade of new taxpayers, is not above B.
"""

from __future__ import annotations

import re

from matcher.vocabulary.fields import TAX_RATINGS

from .criteria import criterion
from .text import Found, Segment

_ANCHOR = (
    r"(?:纳税人?信用(?:评价)?(?:等级|评级|级别|评价)?|纳税(?:等级|评级|级别|评价)"
    r"|税务(?:信用)?(?:等级|评级))"
)
_GRADE = r"[ABMCD](?:级|类)?"
_LIST = rf"{_GRADE}(?:\s*(?:、|/|\\|,|或者|或|及|和|与|以及)?\s*{_GRADE})*"
_INCL = r"\((?:含|不含|包含|不包含)(?:[ABMCD]级?|本级|本数)?\)"
_EXPR = (
    rf"(?P<cmp>不低于|不得低于|不高于|高于|低于|至少为?|非|不为|不是|不能为|不得为|不属于)?\s*"
    rf"(?P<grades>{_LIST})\s*(?P<i1>{_INCL})?\s*(?P<dir>及以上|或以上|以上|及以下|或以下|以下)?"
    rf"\s*(?P<i2>{_INCL})?"
)
_FORWARD = re.compile(
    rf"(?P<anchor>{_ANCHOR})\s*(?:均|为|是|在|达到|达|属于|须为|需为|应为|:)*\s*{_EXPR}"
    rf"(?:的?(?:纳税人|企业))?"
)
_BACKWARD = re.compile(rf"{_EXPR}\s*(?:的)?纳税(?:信用)?人")

_RANK = {g: i for i, g in enumerate(TAX_RATINGS)}


def _grades(m: re.Match) -> tuple[str, list[str]]:
    letters = sorted(set(re.findall(r"[ABMCD]", m.group("grades"))), key=_RANK.__getitem__)
    cmp_word, direction = m.group("cmp") or "", m.group("dir") or ""
    excluded_end = any(i and "不" in i for i in (m.group("i1"), m.group("i2")))
    if cmp_word in ("非", "不为", "不是", "不能为", "不得为", "不属于"):
        return "not_in", letters
    if cmp_word in ("不低于", "不得低于", "至少", "至少为") or "以上" in direction:
        worst = max(_RANK[g] for g in letters)
        grades = [
            g for g in TAX_RATINGS if _RANK[g] < worst or (_RANK[g] == worst and not excluded_end)
        ]
        return "in", grades
    if cmp_word == "高于":
        return "in", [g for g in TAX_RATINGS if _RANK[g] < min(_RANK[x] for x in letters)]
    if cmp_word in ("不高于",) or "以下" in direction:
        best = min(_RANK[g] for g in letters)
        return "in", [
            g for g in TAX_RATINGS if _RANK[g] > best or (_RANK[g] == best and not excluded_end)
        ]
    if cmp_word == "低于":
        return "in", [g for g in TAX_RATINGS if _RANK[g] > max(_RANK[x] for x in letters)]
    return "in", letters


def read_grades(seg: Segment) -> list[Found]:
    found = []
    for pattern in (_FORWARD, _BACKWARD):
        for m in pattern.finditer(seg.masked()):
            op, grades = _grades(m)
            if not grades:
                continue
            seg.claim(m.start(), m.end())
            found.append(Found(m.start(), m.end(), [criterion("tax_credit_rating", op, grades)]))
    return found
