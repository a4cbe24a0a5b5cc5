"""Eligibility trees decided for a whole firm base at once, as bitsets.

Why bitsets: a (firm, product) answer is one of three values, and the trees combine
them with Kleene's AND/OR/NOT. Held as two bits per firm — *passes* and *fails*, neither
when unknown — ``all`` is an AND of the passes and an OR of the fails, ``any`` the dual,
``not`` a swap, and 64 firms go through each machine instruction. Counting (how many
firms, per segment) is a popcount.

Each distinct criterion is decided once per firm base (catalogs repeat "无当前逾期"
in most products), with the exact semantics of ``Criterion.holds``:

* numbers are int64 scaled to the field's unit (``screening.columns``); a rule's
  Decimal bound becomes the integer floor or ceiling of its scaled value, so ``x < b``
  is ``xs < ceil(bs)``, ``x <= b`` is ``xs <= floor(bs)`` — exact, never a float;
* every other field is coded by its distinct values, and ``Criterion.holds`` itself
  is asked once per distinct value (a code's ``prefix``, an enum's ``in``, …);
* a list's ``contains`` asks each distinct item, then counts hits per firm;
* a firm that lacks the field is neither pass nor fail (unknown); ``exists`` is never
  unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np

from matcher.rulefile.condition import Criterion, Group, Node

from .columns import Column, ListColumn, NumberColumn

_INT_LIMIT = 2**62


def pack(flags: np.ndarray) -> np.ndarray:
    """Boolean flags per firm as 64-bit words (little bit order; padding bits are 0)."""
    padded = np.zeros(-(-len(flags) // 64) * 64, dtype=bool)
    padded[: len(flags)] = flags
    return np.packbits(padded, bitorder="little").view(np.uint64)


def unpack(words: np.ndarray, n: int) -> np.ndarray:
    return np.unpackbits(words.view(np.uint8), bitorder="little")[:n].astype(bool)


class Outcome:
    """One node's answer for every firm: ``passes`` and ``fails`` as packed bits."""

    __slots__ = ("passes", "fails")

    def __init__(self, passes: np.ndarray, fails: np.ndarray):
        self.passes, self.fails = passes, fails


class FirmEvaluator:
    """Decides nodes over a firm table; equal criteria and groups are decided once."""

    def __init__(self, columns: dict[str, Column], n: int, valid: np.ndarray | None = None):
        self.columns = columns
        self.n = n
        self.words = -(-n // 64)
        self.valid = pack(np.ones(n, dtype=bool) if valid is None else valid)
        self._cache: dict = {}

    def outcome(self, node: Node) -> Outcome:
        key = _key(node)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._decide(node)
        return found

    def outcomes(self, nodes: Iterable[Node]) -> list[Outcome]:
        return [self.outcome(node) for node in nodes]

    def _decide(self, node: Node) -> Outcome:
        if isinstance(node, Group):
            parts = [self.outcome(child) for child in node.children]
            if node.kind == "not":
                return Outcome(parts[0].fails, parts[0].passes)
            passes, fails = parts[0].passes.copy(), parts[0].fails.copy()
            if node.kind == "all":
                for part in parts[1:]:
                    passes &= part.passes
                    fails |= part.fails
            else:
                for part in parts[1:]:
                    passes |= part.passes
                    fails &= part.fails
            return Outcome(passes, fails)
        column = self.columns[node.field]
        known = column.known
        if node.op == "exists":
            holds = known == bool(node.value)
            return Outcome(pack(holds) & self.valid, pack(~holds) & self.valid)
        holds = self._holds(node, column)
        return Outcome(pack(known & holds) & self.valid, pack(known & ~holds) & self.valid)

    def _holds(self, c: Criterion, column: Column) -> np.ndarray:
        """Whether the criterion holds on each firm's value (meaningless where unknown)."""
        if isinstance(column, NumberColumn):
            return number_holds(c, column)
        if isinstance(column, ListColumn):
            hit = np.array([c.value == item for item in column.values] + [False], dtype=bool)
            found = np.concatenate([[0], np.cumsum(hit[column.items], dtype=np.int64)])
            return found[column.offsets[1:]] - found[column.offsets[:-1]] > 0
        holds = c.holds
        table = np.array([bool(holds(value)) for value in column.values] + [False], dtype=bool)
        return table[column.codes]


def number_holds(c: Criterion, column: NumberColumn) -> np.ndarray:
    x, op, value = column.values, c.op, c.value
    if op == "between":
        low, high = value
        return (x >= _ceil(low, column.scale)) & (x <= _floor(high, column.scale))
    if op in ("in", "not_in"):
        hit = np.zeros(len(x), dtype=bool)
        for member in value:
            hit |= _equal(x, member, column.scale)
        return hit if op == "in" else ~hit
    if op == "==":
        return _equal(x, value, column.scale)
    if op == "!=":
        return ~_equal(x, value, column.scale)
    if op == "<":
        return x < _ceil(value, column.scale)
    if op == "<=":
        return x <= _floor(value, column.scale)
    if op == ">":
        return x > _floor(value, column.scale)
    if op == ">=":
        return x >= _ceil(value, column.scale)
    raise ValueError(f"operator {op} on a number")


def _scaled(bound, scale: int) -> Decimal:
    return Decimal(bound).scaleb(scale)


def _clip(number: Decimal) -> int:
    return max(-_INT_LIMIT, min(_INT_LIMIT, int(number)))


def _floor(bound, scale: int) -> int:
    return _clip(_scaled(bound, scale).to_integral_value(ROUND_FLOOR))


def _ceil(bound, scale: int) -> int:
    return _clip(_scaled(bound, scale).to_integral_value(ROUND_CEILING))


def _equal(x: np.ndarray, bound, scale: int) -> np.ndarray:
    scaled = _scaled(bound, scale)
    if scaled != scaled.to_integral_value() or abs(scaled) >= _INT_LIMIT:
        return np.zeros(len(x), dtype=bool)
    return x == int(scaled)


def _key(node: Node):
    if isinstance(node, Criterion):
        value = node.value
        if isinstance(value, list):
            value = tuple(value)
        return (node.field, node.op, _hashable(value))
    return (node.kind, tuple(_key(child) for child in node.children))


def _hashable(value):
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    # 1 == True == Decimal(1) in a dict: keep the type in the key
    return (type(value).__name__, value)
