"""Look-back windows: 近12个月, 近半年, 2年内, 上一年度, 申请日前两个年度.

Several profile fields count over a fixed window (``credit_inquiries_3m``,
``overdue_count_24m``, ``tax_paid_12m``).  A sheet's window picks the field, or
shows that no field fits, so windows are read before the numbers they contain
could be mistaken for thresholds (近12个月 is not "at least 12 months").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .numerals import NUMBER, parse_number

LAST_YEAR = "last_year"  # the last full (fiscal) year

_PERIOD_RE = re.compile(
    rf"(?P<last>(?:申请日?|申贷)?(?:上一?个?|前一个?)(?:会计|自然|完整|纳税)?年度|上年度|上一年|上年|去年)"
    rf"|(?P<lead>最近|近|过去|申请日?前|申贷前|前)\s*(?P<n>{NUMBER}|半)\s*"
    rf"(?P<unit>个自然年度|个会计年度|个完整年度|个年度|年度|年|个自然月|个月|月)(?:内|以内|之内|期间|来)?"
    rf"|(?P<n2>{NUMBER}|半)\s*(?P<unit2>年|个月)(?:内|之内|期间)"
)


@dataclass(frozen=True)
class Window:
    start: int
    end: int
    months: int
    last_year: bool = False  # 上一年度: a calendar year, read as 12 months

    def __str__(self) -> str:
        return "the last full year" if self.last_year else f"{self.months} months"


def find_windows(text: str) -> list[Window]:
    """Every look-back window in ``text``, in order."""
    found = []
    for m in _PERIOD_RE.finditer(text):
        if m.group("last"):
            found.append(Window(m.start(), m.end(), 12, last_year=True))
            continue
        number = m.group("n") or m.group("n2")
        unit = m.group("unit") or m.group("unit2")
        try:
            count = parse_number(number)
        except ValueError:
            continue
        months = count * (1 if "月" in unit else 12)
        if number == "半":
            months = Decimal(6 if "年" in unit else 0)
        if months == int(months) and months > 0:
            found.append(Window(m.start(), m.end(), int(months)))
    return found
