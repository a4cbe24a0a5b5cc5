"""Product terms from the header lines: 产品额度, 贷款期限, 参考利率, 担保方式, 办理渠道,
审批时效, 数据说明.

Amounts are yuan (最高300万元 → max 3000000), terms months (最长1年 → 12, 半年 → 6),
rates percent (年化4.35%起 → min 4.35).  A lone figure is a ceiling for amount
and term, a floor for a rate.  A line that yields nothing is reported.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from .comparisons import Bound, find_bounds
from .numerals import DAYS, DURATION, HOURS, MINUTES, MONEY, RATIO, as_number

_ILLUSTRATIVE = re.compile(
    r"示意|示例|仅供参考|供参考|说明性|演示|模拟|虚构|非真实|并非实际|不一致|"
    r"以.{0,12}为准|illustrative",
    re.I,
)
_COLLATERAL = [
    (re.compile(r"纯信用|信用|免抵押|无抵押|无需抵押|免担保|无担保|无需担保"), "none"),
    (re.compile(r"设备抵押|机器设备|机械设备"), "equipment"),
    (re.compile(r"应收账款|应收"), "receivables"),
    (re.compile(r"(?:房产|房地产|不动产|住房|厂房|土地)?抵押"), "real_estate"),
    (re.compile(r"保证|担保|联保|互保"), "guarantee"),
]
_ONLINE = re.compile(
    r"线上|网上|在线|手机银行|网银|网上银行|APP|小程序|微信|电子渠道|企业网银", re.I
)
_OFFLINE = re.compile(r"线下|网点|柜面|柜台|客户经理|营业厅")
_INSTANT = re.compile(r"实时|秒批|即时|当天|当日|立即")


def _edges(bounds: list[Bound], kind: str, bare_is_max: bool) -> tuple[list, list]:
    lows, highs = [], []
    for b in bounds:
        if b.kind != kind:
            continue
        if b.lower:
            lows.append(b.lower.quantity.value)
        if b.upper:
            highs.append(b.upper.quantity.value)
        if b.bare is not None:
            (highs if bare_is_max else lows).append(b.bare.value)
    return lows, highs


def _range(lows: list, highs: list, convert) -> dict:
    out = {}
    if lows:
        out["min"] = convert(min(lows))
    if highs:
        out["max"] = convert(max(highs))
    return {k: v for k, v in out.items() if v is not None}


def read_amount(value: str) -> dict:
    lows, highs = _edges(find_bounds(value), MONEY, bare_is_max=True)
    return _range(lows, highs, as_number)


def read_term(value: str) -> dict:
    lows, highs = _edges(find_bounds(value), DURATION, bare_is_max=True)
    return _range(lows, highs, lambda v: int(v) if v == int(v) else None)


def read_rate(value: str) -> dict:
    lows, highs = _edges(find_bounds(value), RATIO, bare_is_max=False)
    # rate_pct is in percent: undo the fraction the quantity was read as
    return _range(lows, highs, lambda v: (v * 100).normalize())


_COLLATERAL_FILLER = re.compile(
    r"[\s、,，;；/\\()（）或和及与等]|方式|贷款|担保方式|可|均可|提供|组合|相结合"
)


def read_collateral(value: str) -> tuple[list[str], str]:
    """Collateral kinds in the order named, and any wording no kind covers (知识产权质押)."""
    taken: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for pattern, kind in _COLLATERAL:
        for m in pattern.finditer(value):
            if any(m.start() < e and s < m.end() for s, e in spans):
                continue
            spans.append((m.start(), m.end()))
            taken.append((m.start(), kind))
    rest = "".join(
        ch if not any(s <= i < e for s, e in spans) else " " for i, ch in enumerate(value)
    )
    unread = " ".join(w for w in _COLLATERAL_FILLER.sub(" ", rest).split())
    return list(dict.fromkeys(kind for _, kind in sorted(taken))), unread


def read_channel(value: str) -> str | None:
    online, offline = bool(_ONLINE.search(value)), bool(_OFFLINE.search(value))
    if online and offline:
        return "both"
    return "online" if online else "offline" if offline else None


def read_approval_days(value: str) -> int | None:
    days = []
    for b in find_bounds(value):
        for q in b.quantities:
            if q.kind == DAYS:
                days.append(q.value)
            elif q.kind == HOURS:
                days.append(Decimal(math.ceil(q.value / 24)))
            elif q.kind == MINUTES:
                days.append(Decimal(int(q.value // 1440)))  # 最快5分钟: the same day
    if days:
        return int(max(days))
    m = re.search(r"T\s*\+\s*(\d+)", value)
    if m:
        return int(m.group(1))
    return 0 if _INSTANT.search(value) else None


def is_illustrative(value: str) -> bool:
    return bool(_ILLUSTRATIVE.search(value))
