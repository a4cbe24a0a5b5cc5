"""Numbers with their units, read the ways banks write them.

Sheets write 300万元, 三百万元, 伍拾万元 (the capital numerals of contracts), 1.5亿,
两年, 三年(含), 半年, 一年半, 24个月, 18周岁, 80%, 百分之八十, 6次.  A sum in a foreign
currency (100万美元) is a quantity of its own kind, which no yuan field takes.  The profile counts money in yuan, history in
months, ratios as fractions, so every quantity carries its kind and its value
in the profile's unit.  Chinese numerals go through ``cn2an``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

MONEY = "money"
DURATION = "duration"
AGE = "age"
RATIO = "ratio"
COUNT = "count"
DAYS = "days"
HOURS = "hours"
MINUTES = "minutes"
FOREIGN_MONEY = "foreign_money"  # 美元, 欧元, 港元: not yuan, so no money field takes it
PLAIN = "plain"  # a bare number: its field decides what it counts

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN_DIGIT = "零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾"
_CN = (
    rf"[{_CN_DIGIT}][{_CN_DIGIT}百千佰仟]*(?:[万亿][{_CN_DIGIT}百千佰仟]+)*"
    r"(?:点[零〇一二三四五六七八九]+)?"
)
# Capital numerals (大写) as the ordinary ones cn2an reads.
_CAPITALS = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟〇", "一二三四五六七八九十百千零")
NUMBER = rf"(?:{_ARABIC}|{_CN})"

# (spelling, kind, factor to the profile's unit); longest spelling first.
_UNITS: list[tuple[str, str, int]] = [
    ("万美元", FOREIGN_MONEY, 10_000),
    ("万欧元", FOREIGN_MONEY, 10_000),
    ("万港元", FOREIGN_MONEY, 10_000),
    ("万港币", FOREIGN_MONEY, 10_000),
    ("美元", FOREIGN_MONEY, 1),
    ("欧元", FOREIGN_MONEY, 1),
    ("港元", FOREIGN_MONEY, 1),
    ("港币", FOREIGN_MONEY, 1),
    ("万元人民币", MONEY, 10_000),
    ("元人民币", MONEY, 1),
    ("亿元", MONEY, 100_000_000),
    ("万元", MONEY, 10_000),
    ("千元", MONEY, 1_000),
    ("亿", MONEY, 100_000_000),
    ("万", MONEY, 10_000),
    ("元", MONEY, 1),
    ("周岁", AGE, 1),
    ("岁", AGE, 1),
    ("个自然年度", DURATION, 12),
    ("个会计年度", DURATION, 12),
    ("个完整年度", DURATION, 12),
    ("个年度", DURATION, 12),
    ("周年", DURATION, 12),
    ("年", DURATION, 12),
    ("个自然月", DURATION, 1),
    ("个月", DURATION, 1),
    ("月", DURATION, 1),
    ("个百分点", RATIO, 1),
    ("%", RATIO, 1),
    ("次", COUNT, 1),
    ("人", COUNT, 1),
    ("名", COUNT, 1),
    ("家", COUNT, 1),
    ("项", COUNT, 1),
    ("件", COUNT, 1),
    ("笔", COUNT, 1),
    ("户", COUNT, 1),
    ("个工作日", DAYS, 1),
    ("工作日", DAYS, 1),
    ("天", DAYS, 1),
    ("日", DAYS, 1),
    ("个小时", HOURS, 1),
    ("小时", HOURS, 1),
    ("分钟", MINUTES, 1),
]
_UNIT_INFO = {spelling: (kind, factor) for spelling, kind, factor in _UNITS}
UNIT = "|".join(re.escape(u) for u, _, _ in _UNITS)

QUANTITY_RE = re.compile(
    rf"百分之(?P<pct>{NUMBER})"
    rf"|(?P<half_year>半年|半个年度)"
    rf"|(?P<num>{NUMBER})\s*(?P<unit>{UNIT})?(?P<half>半)?"
)


@dataclass(frozen=True)
class Quantity:
    """A number as written (``number``, ``unit``) and what it means (``kind``)."""

    number: Decimal
    unit: str
    kind: str
    start: int
    end: int
    half: bool = False  # 一年半: the year count plus six months

    @property
    def value(self) -> Decimal:
        """The quantity in the profile's unit: yuan, months, a fraction, a count."""
        if self.kind == RATIO:
            return self.number / 100
        if self.kind == DURATION:
            months = self.number * _UNIT_INFO[self.unit][1]
            return months + (6 if self.half else 0)
        if self.unit in _UNIT_INFO:
            return self.number * _UNIT_INFO[self.unit][1]
        return self.number

    @property
    def in_years(self) -> bool:
        """True when a duration is a whole number of years as written (满2年, not 18个月)."""
        return (
            self.kind == DURATION
            and _UNIT_INFO[self.unit][1] == 12
            and not self.half
            and self.number == self.number.to_integral_value()
        )

    def with_unit_of(self, other: Quantity) -> Quantity:
        """This unitless number read in ``other``'s unit (the 18 of 18-65周岁)."""
        if self.kind != PLAIN:
            return self
        return Quantity(self.number, other.unit, other.kind, self.start, self.end, self.half)


def parse_number(text: str) -> Decimal:
    """The value of an Arabic or Chinese numeral: '1,500' → 1500, '两千' → 2000.

    ValueError for something that only looks like one (十十).
    """
    text = text.strip()
    if re.fullmatch(_ARABIC, text):
        return Decimal(text.replace(",", ""))
    if text in ("半",):
        return Decimal("0.5")
    import cn2an  # half a second to import: paid only by text that has Chinese numerals

    try:
        value = cn2an.cn2an(text.translate(_CAPITALS), "normal")
    except (ValueError, KeyError, IndexError) as exc:
        raise ValueError(f"not a number: {text}") from exc
    return Decimal(str(value))


def quantity_at(match: re.Match, offset: int = 0) -> Quantity | None:
    """The ``Quantity`` of a ``QUANTITY_RE`` match (offset: where the searched text began),
    or None when the digits do not make a number."""
    try:
        return _quantity_at(match, offset)
    except ValueError:
        return None


def _quantity_at(match: re.Match, offset: int) -> Quantity:
    start, end = match.start() + offset, match.end() + offset
    if match.group("pct"):
        return Quantity(parse_number(match.group("pct")), "%", RATIO, start, end)
    if match.group("half_year"):
        return Quantity(Decimal(6), "个月", DURATION, start, end)
    number = parse_number(match.group("num"))
    unit = match.group("unit") or ""
    half = bool(match.group("half")) and unit in ("年", "周年")
    if match.group("half") and not half:
        end -= 1  # 半 after another unit is not part of this number
    kind = _UNIT_INFO[unit][0] if unit else PLAIN
    return Quantity(number, unit, kind, start, end, half)


def find_quantities(text: str) -> list[Quantity]:
    """Every number in ``text`` with its unit, in order."""
    found = (quantity_at(m) for m in QUANTITY_RE.finditer(text))
    return [q for q in found if q is not None]


def as_number(value: Decimal) -> int | Decimal:
    """An int when the value is whole (money and counts stay ints), else the Decimal."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()
