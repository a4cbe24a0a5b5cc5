"""How one profile field becomes a column value the vectorised evaluator can test.

``matcher.engine.vector`` tests every distinct criterion of a catalog at once, as rows of
arrays. That works only if each field of the profile is first turned into one
small, fixed-width value per field, computed once per profile, that every
criterion on the field can be tested against with one array operation:

* a number's *rank* among the bounds the catalog names for the field
  (``NumberLine``): an integer, so interval tests are exact;
* a *mask* over the values the catalog names for the field (``Vocabulary``):
  64-bit words, so ``in`` over any number of values is one AND per word.

Both give exactly the answers of ``Criterion.holds`` on the values a loaded
profile holds (``matcher.vocabulary.profile``): that is the contract the triage and the
agreement tests hold them to.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

WORD = 64


class NumberLine:
    """The bounds the catalog names on one numeric field, and a value's exact place among them.

    Why ranks and not float64: profile ratios are Decimals of any precision and
    money may exceed 2**53, where a float would call ``0.8000000000000000001 <= 0.8``
    true. A value's rank is the number of bounds below it plus the number not
    above it: ``2i + 1`` when it equals the i-th bound (in sorted order), ``2i``
    when it lies between the bounds i-1 and i. Both numbers come from Python's own
    comparisons (int, Decimal and float compare exactly with each other), so every
    test of the field against its bounds becomes a test on small integers, which
    float64 holds exactly. A missing value's rank is NaN.
    """

    def __init__(self, field: str):
        self.field = field
        self._bounds: dict[Any, None] = {}  # numerically equal bounds are one key
        self.bounds: list[Any] | None = None  # sorted, once laid out

    def add(self, bound: Any) -> None:
        if self.bounds is not None:
            raise RuntimeError("a bound added after the line was laid out")
        self._bounds[bound] = None

    def lay_out(self) -> None:
        self.bounds = sorted(self._bounds)

    def rank(self, actual: Any) -> float:
        if actual is None:
            return math.nan
        if self.bounds is None:
            raise RuntimeError("a value ranked before the line was laid out")
        return bisect_left(self.bounds, actual) + bisect_right(self.bounds, actual)


@dataclass
class Vocabulary:
    """The values one field's criteria name, numbered, and the profile's bits over them.

    ``how`` says what of the profile value is looked up: ``eq`` the value itself
    (a dict lookup, which is Python's ``==`` and ``in``: ``True`` equals ``True``,
    ``"A"`` equals ``"A"``), ``prefix`` its leading characters as text (what
    ``str.startswith`` tests), ``member`` each item of a list (what ``in`` on a
    list tests). Values are numbered in order of appearance; number n is bit
    n % 64 of word n // 64, and each word the criteria use is one mask slot.
    """

    field: str
    how: str
    index: dict[Any, int] = dc_field(default_factory=dict)
    lengths: list[int] = dc_field(default_factory=list)  # prefix lengths named
    words: dict[int, int] = dc_field(default_factory=dict)  # word number -> mask slot
    where: dict[Any, tuple[int, int]] = dc_field(default_factory=dict)  # value -> (slot, bit)

    def number(self, value: Any) -> int:
        if value not in self.index:
            self.index[value] = len(self.index)
            if self.how == "prefix" and len(value) not in self.lengths:
                self.lengths.append(len(value))
        return self.index[value]

    def bits(self, members) -> dict[int, int]:
        """Word number -> mask of the given members (numbered if new)."""
        bits: dict[int, int] = defaultdict(int)
        for member in members:
            number = self.number(member)
            bits[number // WORD] |= 1 << (number % WORD)
        return bits

    def lay_out(self) -> None:
        """Each value's (mask slot, bit), for the values of words the criteria use."""
        self.where = {
            value: (self.words[n // WORD], 1 << (n % WORD))
            for value, n in self.index.items()
            if n // WORD in self.words
        }

    def hits(self, actual: Any) -> list:
        """(mask slot, bit) of what the profile's known value matches; None for no match."""
        where = self.where
        if self.how == "eq":
            return [where.get(actual)]
        if self.how == "prefix":
            text = str(actual)
            return [where.get(text[:n]) for n in self.lengths if len(text) >= n]
        return [where.get(item) for item in actual]
