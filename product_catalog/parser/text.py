"""Sheet text as the recognisers see it: normalised, and claimed piece by piece.

Banks mix full-width and ASCII forms (，/, ；/; （/( ≥/>=).  Matching runs on a
copy where full-width ASCII forms are folded to ASCII one character for one, so
every offset still points into the text the bank wrote and the clause can be
quoted as written.  A ``Segment`` remembers which characters some recogniser
has explained; whatever is left over is what the parser could not read, and is
reported instead of dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from .families import Family

Payload = TypeVar("Payload")

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = ord(" ")
_FOLD[ord("﹪")] = ord("%")
_FOLD[ord("〔")] = ord("(")
_FOLD[ord("〕")] = ord(")")
_FOLD[ord("【")] = ord("(")
_FOLD[ord("】")] = ord(")")

MASK = "\x00"

# Parentheses that only say whether a bound is included are part of the bound.
INCLUSION = r"\((?:含|包含|不含|不包含)(?:本数|本级|[0-9一二三四五六七八九十两]+[^()]{0,4})?\)"
INCLUSION_RE = re.compile(INCLUSION)
PAREN_RE = re.compile(r"\([^()]*\)")


def fold(text: str) -> str:
    """``text`` with full-width ASCII forms as ASCII; same length, same offsets."""
    return text.translate(_FOLD)


class Segment:
    """One piece of a clause (between commas or semicolons) being read.

    ``text`` is folded; ``original`` is the bank's wording at the same offsets.
    """

    def __init__(self, original: str, clause: str, line: int):
        self.original = original
        self.text = fold(original)
        self.clause = clause
        self.line = line
        self._claimed = [False] * len(self.text)
        # Facts recognisers leave for later ones: periods, protected bank names…
        self.periods: list = []
        self.protected: list[tuple[int, int]] = []
        self.notes: list[str] = []
        self.topic: Family | None = None  # the last measure this segment named

    def __repr__(self) -> str:
        return f"Segment({self.original!r})"

    def masked(self) -> str:
        """The text with claimed characters replaced, so matches cannot cross them."""
        return "".join(MASK if c else ch for ch, c in zip(self.text, self._claimed))

    def claim(self, start: int, end: int) -> None:
        for i in range(start, end):
            self._claimed[i] = True

    def release(self, start: int, end: int) -> None:
        for i in range(start, end):
            self._claimed[i] = False

    def is_free(self, start: int, end: int) -> bool:
        return not any(self._claimed[start:end])

    def is_protected(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.protected)

    def leftover(self) -> list[tuple[int, int]]:
        """Runs of characters no recogniser has explained, as (start, end)."""
        runs, start = [], None
        for i, claimed in enumerate(self._claimed + [True]):
            if not claimed and start is None:
                start = i
            elif claimed and start is not None:
                runs.append((start, i))
                start = None
        return runs


def split_outside_parens(text: str, separators: str) -> list[tuple[int, int]]:
    """Spans of ``text`` between separator characters that are not inside (…)."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(fold(text)):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in separators and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text)))
    return spans


@dataclass
class Found:
    """Criteria read from one stretch of a segment (``start``..``end``)."""

    start: int
    end: int
    nodes: list[dict]


def longest_matches(
    text: str, patterns: Sequence[tuple[re.Pattern, Payload]]
) -> list[tuple[int, int, Payload]]:
    """Non-overlapping matches, leftmost first and longest at each place.

    Alternation in one regex takes the first alternative that fits; wording
    like 纳税 / 纳税收入 / 纳税信用等级 needs the longest, whatever the order.
    """
    hits = [
        (m.start(), m.end(), payload)
        for pattern, payload in patterns
        for m in pattern.finditer(text)
        if m.end() > m.start()
    ]
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    chosen: list[tuple[int, int, Payload]] = []
    end = -1
    for hit in hits:
        if hit[0] >= end:
            chosen.append(hit)
            end = hit[1]
    return chosen


_NEGATIVE_AFTER = re.compile(
    r"不支持|暂不支持|不受理|暂不受理|不含|不包括|不包含|禁止|不得为|不得从事|"
    r"不属于|不在|不接受|不准入|不予准入|不涉及|排除|非"
)
_EXCEPT = re.compile(r"除([^,;。]*?)(?:以)?外")
_EXCEPT_AFTER = re.compile(r"除外|不予受理|不予准入|不予支持|不准入")


def negative_zones(text: str) -> list[tuple[int, int, int, int]]:
    """Stretches of ``text`` that the wording excludes, with the excluding word.

    After 不支持/不含/非…, inside 除…外, and before a closing 除外 (房地产、金融业除外)
    back to the start of the segment or the enclosing parenthesis.  Each zone is
    (start, end, word start, word end).
    """
    zones = []
    for m in _EXCEPT.finditer(text):
        zones.append((m.start(1), m.end(1), m.start(), m.end()))
    for m in _NEGATIVE_AFTER.finditer(text):
        zones.append((m.end(), len(text), m.start(), m.end()))
    for m in _EXCEPT_AFTER.finditer(text):
        if text[max(0, m.start() - 1) : m.start()] == "以":
            continue
        opening = text.rfind("(", 0, m.start())
        closing = text.rfind(")", 0, m.start())
        zones.append((opening + 1 if opening > closing else 0, m.start(), m.start(), m.end()))
    return zones


def claim_excluding_words(seg: Segment, zones, spans: list[tuple[int, int]]) -> None:
    """Mark the word of each zone that excludes one of ``spans`` as read."""
    for start, end, word_start, word_end in zones:
        if any(start <= s and e <= end for s, e in spans):
            seg.claim(word_start, word_end)


def in_zones(zones, start: int, end: int) -> bool:
    return any(zone[0] <= start and end <= zone[1] for zone in zones)
