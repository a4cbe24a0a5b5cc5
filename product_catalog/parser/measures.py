"""Numbers in a segment, matched to the measure each one bounds.

A bound belongs to the measure named just before it (纳税总额≥1万元), or, when
none is, to the one named just after it (有两年经营记录, 2年内无2次逾期).  An age
needs no name: 年满18周岁 is about the legal representative.  Each measure takes
the look-back window written next to it (近三个月征信查询).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field

from .comparisons import find_bounds
from .criteria import MONTH_FIELDS, criterion, implied, read_bound
from .families import AGE_FAMILY, FAMILIES, Family
from .numerals import AGE, DURATION
from .text import Found, Segment, longest_matches
from .windows import Window, find_windows

_NEG_BEFORE = re.compile(
    r"(?:无|没有|不存在|未|从未|未曾|不得有|未发生|未出现|不得出现|不得发生|杜绝)"
    r"(?:受到|受过|遭受|被)?$"
)
# A month-count measure kept up over a look-back window (近24个月连续纳税, 近12个月按时缴纳水电费):
# the window is the number of months it must have run.
_CONTINUOUS = re.compile(r"连续|按时|正常|持续")
# What joins two measures named before one shared bound (开票收入或纳税申报收入不低于300万元).
_LIST_LINK = re.compile(r"\s*(?:或者|或|以及|及|和|与|、|/)\s*")
_ANCHORS = [(f.anchor, f) for f in FAMILIES]


@dataclass
class _Anchor:
    family: Family
    start: int
    end: int
    text: str
    window: Window | None = None
    bounds: list = dc_field(default_factory=list)
    shared: bool = False  # the bounds stand after the next measure, which has them too


def read_windows(seg: Segment) -> None:
    for window in find_windows(seg.masked()):
        seg.claim(window.start, window.end)
        seg.periods.append(window)


def _window_for(
    anchor: _Anchor, previous: _Anchor | None, next_start: int, windows: list[Window]
) -> Window | None:
    floor = previous.end if previous else 0
    before = [w for w in windows if floor <= w.start and w.end <= anchor.start]
    if before:
        return before[-1]
    after = [w for w in windows if anchor.end <= w.start and w.end <= next_start]
    if after:
        return after[0]
    return previous.window if previous else None


def read_measures(seg: Segment, topic: Family | None = None) -> tuple[list[Found], list[str]]:
    """Criteria from every bounded measure in ``seg``, and notes on bounds no field takes.

    A segment that names no measure but bounds something continues ``topic``,
    the measure its clause named last.
    """
    masked = seg.masked()
    anchors = [_Anchor(f, s, e, seg.text[s:e]) for s, e, f in longest_matches(masked, _ANCHORS)]
    if anchors:
        seg.topic = anchors[-1].family
    elif topic is not None:
        anchors = [_Anchor(topic, 0, 0, "")]
        seg.topic = topic
    anchors = _join_lists(seg, anchors)
    for a in anchors:
        seg.claim(a.start, a.end)
    bounds = find_bounds(seg.masked())
    for i, a in enumerate(anchors):
        next_start = anchors[i + 1].start if i + 1 < len(anchors) else len(seg.text)
        a.window = _window_for(a, anchors[i - 1] if i else None, next_start, seg.periods)
    implied_age: _Anchor | None = None
    for b in bounds:
        owner = _owner(b, anchors)
        if owner is None and b.kind == AGE:
            if implied_age is None:
                implied_age = _Anchor(AGE_FAMILY, b.start, b.start, "年龄")
            owner = implied_age
        if owner is not None:
            owner.bounds.append(b)
    if implied_age is not None:
        anchors.append(implied_age)
    _share_bounds(seg, anchors)

    found: list[Found] = []
    notes: list[str] = []
    bound_families = {a.family.name for a in anchors if a.bounds}
    used: set[int] = set()  # windows some measure was read with
    for a in anchors:
        blocker = a.family.blocked_by
        if blocker and blocker[0].search(seg.text[: a.start]):
            notes.append(blocker[1])
            for b in a.bounds:
                seg.claim(b.start, b.end)
            used.add(id(a.window))
            continue
        if not a.bounds:
            if a.end == a.start:
                continue  # the clause's topic, carried over, found nothing to bound here
            node = _unbounded(seg, a)
            if node is not None:
                found.append(Found(a.start, a.end, [node]))
                used.add(id(a.window))
            elif a.family.name not in bound_families:
                seg.release(a.start, a.end)  # a word like 经营 with nothing to say
            continue
        used.add(id(a.window))
        for b in a.bounds:
            outcome = read_bound(a.family, b, a.window, a.text)
            seg.claim(b.start, b.end)  # explained, by criteria or by the note
            if outcome.note:
                notes.append(outcome.note)
                continue
            if outcome.caveat:
                notes.append(outcome.caveat)
            span = (a.start, a.end) if a.shared else (min(a.start, b.start), max(a.end, b.end))
            found.append(Found(span[0], span[1], outcome.criteria))
    for window in seg.periods:
        if id(window) not in used:
            seg.release(window.start, window.end)  # 近两年纳税信用等级…: a window no measure took
    return found, notes


def _gap_is_link(seg: Segment, start: int, end: int) -> bool:
    """Only a list word (and look-back windows, which belong to the measures) lies between."""
    kept = "".join(
        ch
        for i, ch in enumerate(seg.text[start:end], start)
        if not any(w.start <= i < w.end for w in seg.periods)
    )
    return bool(_LIST_LINK.fullmatch(kept))


def _join_lists(seg: Segment, anchors: list[_Anchor]) -> list[_Anchor]:
    """Measures of one family listed together are one measure (发明专利、实用新型专利或软件著作权
    合计3项以上: one count of them all)."""
    joined: list[_Anchor] = []
    for a in anchors:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.family is a.family
            and a.start > last.end
            and _LIST_LINK.fullmatch(seg.text[last.end : a.start])
        ):
            joined[-1] = _Anchor(a.family, last.start, a.end, seg.text[last.start : a.end])
        else:
            joined.append(a)
    return joined


def _share_bounds(seg: Segment, anchors: list[_Anchor]) -> None:
    """A measure named with no bound, then 或/及 and another measure that has one, takes that
    bound too: 近12个月开票收入或上年度纳税申报收入不低于300万元 bounds both."""
    for a, b in zip(anchors, anchors[1:]):
        if a.bounds or not b.bounds or a.end <= a.start or a.family is b.family:
            continue
        if not _gap_is_link(seg, a.end, b.start):
            continue
        shared = [bound for bound in b.bounds if a.family.reading(bound.kind) is not None]
        if shared:
            a.bounds = shared
            a.shared = True


def _owner(bound, anchors: list[_Anchor]) -> _Anchor | None:
    before = [a for a in anchors if a.end <= bound.start]
    if before and before[-1].family.reading(bound.kind) is not None:
        return before[-1]
    after = [a for a in anchors if a.start >= bound.end]
    if after and after[0].family.reading(bound.kind) is not None:
        return after[0]
    if before and bound.kind != AGE and before[-1].end > before[-1].start:
        return before[-1]  # its reading will say why no field fits
    return None


def _unbounded(seg: Segment, a: _Anchor) -> dict | None:
    """A measure named with no number: 无逾期, 近两年无行政处罚, 盈利, 无零申报."""
    family = a.family
    neg = _NEG_BEFORE.search(seg.text[: a.start])
    if neg and family.negated_bare:
        spec = family.negated_bare
        if a.window is None and family.negated_bare_unwindowed:
            spec = family.negated_bare_unwindowed
        elif a.window is not None:
            reading = family.reading(family.plain_kind or "") if family.plain_kind else None
            windows = reading.windows if reading else None
            if windows and a.window.months not in windows:
                return None
        seg.claim(neg.start(), neg.end())
        return implied(spec)
    if not neg and a.window is not None and _CONTINUOUS.search(a.text):
        reading = family.reading(DURATION)
        if reading is not None and reading.field in MONTH_FIELDS:
            return criterion(reading.field, ">=", a.window.months)
    if not neg and family.implied:
        if family.caveat and family.caveat[0].search(a.text):
            seg.notes.append(family.caveat[1])
        return implied(family.implied)
    return None
