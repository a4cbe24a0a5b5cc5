"""Comparison wording and the bounds it sets.

以上 / 以下 / 不低于 / 不超过 / 满 include the bound; 超过 / 低于 exclude it, unless
the text says (含) or (不含).  A range (18-65周岁, 20周岁(含)至65周岁(含)) sets two
bounds at once, and a trailing 不予受理 or a leading 无 turns a bound round
(超过60周岁的不予受理 → at most 60; 无2次逾期 → fewer than 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from .numerals import NUMBER, PLAIN, QUANTITY_RE, UNIT, Quantity, quantity_at
from .text import INCLUSION

# Comparison words before a number, longest first within each direction.
_PREFIXES: dict[str, tuple[str, ...]] = {
    ">=": (
        "大于或等于",
        "高于或等于",
        "大于等于",
        "不得低于",
        "不能低于",
        "不应低于",
        "不得少于",
        "不能少于",
        "不低于",
        "不少于",
        "不小于",
        "不短于",
        "至少为",
        "至少",
        "最低为",
        "最低",
        "最少",
        "最短",
        "年满",
        "已满",
        "满",
        "达到",
        "低至",
        "≥",
        ">=",
    ),
    "<=": (
        "小于或等于",
        "低于或等于",
        "小于等于",
        "不得超过",
        "不能超过",
        "不应超过",
        "不可超过",
        "不得高于",
        "不得多于",
        "不得大于",
        "不超过",
        "不高于",
        "不大于",
        "不多于",
        "控制在",
        "最高为",
        "最高",
        "最多",
        "最长",
        "至多",
        "≤",
        "<=",
    ),
    ">": ("超过", "超出", "高于", "大于", "多于", "长于", ">"),
    "<": ("未达到", "不足", "未满", "不满", "低于", "小于", "少于", "短于", "<"),
}
_PREFIX_OP = {w: op for op, words in _PREFIXES.items() for w in words}
_PREFIX = "|".join(re.escape(w) for w in sorted(_PREFIX_OP, key=len, reverse=True))

_SUFFIX_OP = {
    "及以上": ">=",
    "或以上": ">=",
    "以上": ">=",
    "起": ">=",
    "及以下": "<=",
    "或以下": "<=",
    "以下": "<=",
    "以内": "<=",
    "之内": "<=",
}
_SUFFIX = "|".join(sorted(_SUFFIX_OP, key=len, reverse=True))

_INCLUSION = INCLUSION  # (含), (不含), (含本数), (含3次)
_QTY = rf"(?:百分之{NUMBER}|半年|半个年度|{NUMBER}\s*(?:{UNIT})?半?)"
_NEG_BEFORE = r"无|没有|不得有|不能有|不存在|不得出现|未出现|未发生|不得发生"
_NEG_AFTER = (
    r"(?:的|之)?[,，]?(?:企业|客户|借款人|申请人|情况)?"
    r"(?:不予受理|不予准入|不予支持|不予办理|不得申请|不能申请|不可申请|不准入|不得准入|除外)"
)

_RANGE_RE = re.compile(
    rf"(?:在|介于|为)?(?P<q1>{_QTY})(?P<i1>{_INCLUSION})?\s*(?:-|~|—|–|至|到)\s*"
    rf"(?P<q2>{_QTY})(?P<i2>{_INCLUSION})?(?:之间|以内|范围内)?(?P<negafter>{_NEG_AFTER})?"
)
_SINGLE_RE = re.compile(
    rf"(?P<neg>{_NEG_BEFORE})?(?P<pre>{_PREFIX})?\s*(?:有|为|在|达)?\s*(?:人民币)?\s*(?P<q>{_QTY})"
    rf"(?P<i1>{_INCLUSION})?\s*(?P<suf>{_SUFFIX})?(?P<i2>{_INCLUSION}|含)?"
    rf"(?P<negafter>{_NEG_AFTER})?"
)
_SIGN_RE = re.compile(r"(?P<sign>不为负(?:数|值)?|非负(?:数|值)?|为正(?:数|值)?|为负(?:数|值)?)")


@dataclass(frozen=True)
class Edge:
    quantity: Quantity
    inclusive: bool


@dataclass(frozen=True)
class Bound:
    """What one comparison says about a number.

    ``lower``/``upper`` are set for a stated direction; a bare number
    (有两年经营记录, 无2次逾期) has ``bare`` instead, and its field decides which
    way it points.  ``negated`` means the whole statement is excluded.
    """

    start: int
    end: int
    lower: Edge | None = None
    upper: Edge | None = None
    bare: Quantity | None = None
    negated: bool = False

    @property
    def kind(self) -> str:
        for q in self.quantities:
            if q.kind != PLAIN:
                return q.kind
        return PLAIN

    @property
    def quantities(self) -> list[Quantity]:
        parts = (
            self.bare,
            self.lower.quantity if self.lower else None,
            self.upper.quantity if self.upper else None,
        )
        return [q for q in parts if q is not None]

    def flipped(self) -> Bound:
        """The bound of 'not this' for a one-sided bound (超过60周岁的不予受理 → ≤ 60)."""
        if self.lower and not self.upper:
            return replace(
                self, lower=None, upper=Edge(self.lower.quantity, not self.lower.inclusive)
            )
        if self.upper and not self.lower:
            return replace(
                self, upper=None, lower=Edge(self.upper.quantity, not self.upper.inclusive)
            )
        return replace(self, negated=not self.negated)


def _inclusion(marks: list[str | None], default: bool) -> bool:
    for mark in marks:
        if mark and "不" in mark:
            return False
        if mark:
            return True
    return default


def _quantity(match: re.Match, group: str) -> Quantity | None:
    found = QUANTITY_RE.match(match.group(group))
    return quantity_at(found, match.start(group)) if found else None


def _range(m: re.Match) -> Bound | None:
    q1, q2 = _quantity(m, "q1"), _quantity(m, "q2")
    if q1 is None or q2 is None:
        return None
    q1 = q1.with_unit_of(q2)
    bound = Bound(
        m.start(),
        m.end(),
        lower=Edge(q1, _inclusion([m.group("i1")], True)),
        upper=Edge(q2, _inclusion([m.group("i2")], True)),
    )
    return bound.flipped() if m.group("negafter") else bound


def _single(m: re.Match) -> Bound | None:
    q = _quantity(m, "q")
    if q is None:
        return None
    pre, suf = m.group("pre"), m.group("suf")
    if not (pre or suf or m.group("neg") or q.kind != PLAIN):
        return None  # a lone number such as the 一 of 统一 states nothing
    op = _PREFIX_OP.get(pre) if pre else _SUFFIX_OP.get(suf)
    marks = [m.group("i1"), m.group("i2")]
    if op is None:
        bound = Bound(m.start(), m.end(), bare=q, negated=bool(m.group("neg")))
    else:
        inclusive = _inclusion(marks, op in (">=", "<="))
        edge = Edge(q, inclusive)
        bound = (
            Bound(m.start(), m.end(), lower=edge)
            if op.startswith(">")
            else Bound(m.start(), m.end(), upper=edge)
        )
        if m.group("neg"):
            bound = bound.flipped()
    if m.group("negafter"):
        bound = bound.flipped() if bound.bare is None else replace(bound, negated=not bound.negated)
    return bound


def _sign(m: re.Match) -> Bound:
    zero = Quantity(Decimal(0), "", PLAIN, m.start(), m.end())
    word = m.group("sign")
    if word.startswith(("不为负", "非负")):
        return Bound(m.start(), m.end(), lower=Edge(zero, True))
    if word.startswith("为正"):
        return Bound(m.start(), m.end(), lower=Edge(zero, False))
    return Bound(m.start(), m.end(), upper=Edge(zero, False))


def find_bounds(text: str) -> list[Bound]:
    """Every comparison in ``text`` (already masked where other readings claimed it)."""
    found: list[Bound] = []
    pos = 0
    while pos < len(text):
        candidates = [
            (_RANGE_RE.search(text, pos), _range),
            (_SINGLE_RE.search(text, pos), _single),
            (_SIGN_RE.search(text, pos), _sign),
        ]
        matched = [(m, f) for m, f in candidates if m is not None]
        if not matched:
            break
        # The earliest match wins; at the same place, a range before a single number.
        m, reader = min(matched, key=lambda c: (c[0].start(), -len(c[0].group())))
        bound = reader(m)
        if bound is not None:
            found.append(bound)
        pos = max(m.end(), pos + 1)
    return found
