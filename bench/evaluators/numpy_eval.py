"""The practical lower bound: one profile against every product with array operations.

Why this shape: a matcher cannot do less than test each distinct criterion once and
combine each product's tests once. So every criterion becomes a row of a few
columns, identical criteria (``overdue_current == false`` in most products) are
one row, and each product's tree is a few ``reduceat`` calls over those rows:

* numbers and booleans: an interval ``lo <= x <= hi`` (``>`` and ``<`` use the
  next float, so they stay exact in float64) with a negation flag; ``in`` on a
  number is an ``any`` of equalities;
* enums, codes and text: a 64-bit mask over the field's vocabulary (the choices
  of an enum, the values the catalog names for a code), tested with one AND;
* ``prefix``: a mask over the prefixes the catalog names — the profile sets the
  bit of every one of them its code starts with (looked up once per length);
* ``contains``: a mask over the bank ids the catalog names;
* ``exists``: the field's known flag, never unknown.

A vocabulary over 64 values spills into more words, and the criterion becomes an
``any`` over them. Outcomes are Kleene's three values as 0 (FAIL) < 1 (UNKNOWN)
< 2 (PASS), so ``all`` is a minimum, ``any`` a maximum and ``not`` is ``2 - x``;
a criterion on a field the profile lacks is 1.

Numbers are compared as float64: exact for money below 2**53 yuan and for ratios
of up to 15 significant digits, which is what profiles and rules hold.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field as dc_field
from typing import Any, Mapping, Sequence

import numpy as np

from matcher import fields as F
from matcher.condition import FAIL, PASS, UNKNOWN, Criterion, Node
from matcher.rule import Product

FAIL_CODE, UNKNOWN_CODE, PASS_CODE = 0, 1, 2
OUTCOMES = (FAIL, UNKNOWN, PASS)  # indexed by code
WORD = 64
_KIND_ORDER = {"num": 0, "mask": 1, "exists": 2, "all": 3, "any": 4, "not": 5}
_INF = math.inf


@dataclass
class _Vocabulary:
    """The values of one mask key that the catalog names, numbered in order of appearance."""

    field: str
    how: str  # "eq" (the value itself), "prefix" (its leading characters), "member" (list items)
    index: dict[str, int] = dc_field(default_factory=dict)
    lengths: set[int] = dc_field(default_factory=set)  # prefix lengths named
    words: dict[int, int] = dc_field(default_factory=dict)  # word number -> mask slot

    def number(self, value: str) -> int:
        if value not in self.index:
            self.index[value] = len(self.index)
            self.lengths.add(len(value))
        return self.index[value]

    def profile_bits(self, actual: Any) -> dict[int, int]:
        """The profile's bits, per word number, for this key."""
        if self.how == "eq":
            found = [self.index.get(actual)]
        elif self.how == "prefix":
            text = str(actual)
            found = [self.index.get(text[:n]) for n in self.lengths if len(text) >= n]
        else:
            found = [self.index.get(item) for item in actual]
        bits: dict[int, int] = defaultdict(int)
        for number in found:
            if number is not None:
                bits[number // WORD] |= 1 << (number % WORD)
        return bits


class _Plan:
    """Hash-consed nodes: equal criteria and equal groups are built once."""

    def __init__(self) -> None:
        self.ids: dict[tuple, int] = {}
        self.keys: list[tuple] = []

    def add(self, key: tuple) -> int:
        if key[0] in ("all", "any") and len(key[1]) == 1:
            return key[1][0]
        if key not in self.ids:
            self.ids[key] = len(self.keys)
            self.keys.append(key)
        return self.ids[key]


class NumpyCatalog:
    """Products compiled to criterion columns; ``codes`` answers for one profile."""

    name = "numpy"

    def __init__(self, products: Sequence[Product]):
        self._numeric: dict[str, int] = {}  # field -> numeric slot
        self._known: dict[str, int] = {}  # field -> exists slot
        self._vocab: dict[tuple[str, str], _Vocabulary] = {}
        self._mask_slots: list[_Vocabulary] = []  # mask slot -> its vocabulary
        plan = _Plan()
        roots = [self._node(p.eligibility, plan) for p in products]
        self._layout(plan, roots)

    def __len__(self) -> int:
        return len(self._roots)

    # ------------------------------------------------------------------ compiling
    def _node(self, node: Node, plan: _Plan) -> int:
        if isinstance(node, Criterion):
            return self._criterion(node, plan)
        children = tuple(self._node(child, plan) for child in node.children)
        return plan.add((node.kind, children))

    def _criterion(self, c: Criterion, plan: _Plan) -> int:
        fld = F.FIELDS[c.field]
        op, value = c.op, c.value
        if op == "exists":
            slot = self._known.setdefault(c.field, len(self._known))
            return plan.add(("exists", slot, bool(value)))
        if fld.numeric or fld.kind == F.BOOLEAN:
            return self._numeric_criterion(c, plan)
        if op == "contains":
            return self._mask(plan, self._vocabulary(c.field, "member"), [value], False)
        if op == "prefix":
            return self._mask(plan, self._vocabulary(c.field, "prefix"), value, False)
        vocab = self._vocabulary(c.field, "eq")
        members = value if op in ("in", "not_in") else [value]
        return self._mask(plan, vocab, members, op in ("!=", "not_in"))

    def _numeric_criterion(self, c: Criterion, plan: _Plan) -> int:
        slot = self._numeric.setdefault(c.field, len(self._numeric))
        op, value = c.op, c.value

        def interval(lo: float, hi: float, negate: bool = False) -> int:
            return plan.add(("num", slot, lo, hi, negate))

        if op in ("in", "not_in"):
            alternatives = tuple(interval(float(v), float(v)) for v in value)
            either = plan.add(("any", alternatives))
            return plan.add(("not", (either,))) if op == "not_in" else either
        if op == "between":
            return interval(float(value[0]), float(value[1]))
        bound = float(value)
        return {
            "==": lambda: interval(bound, bound),
            "!=": lambda: interval(bound, bound, True),
            "<": lambda: interval(-_INF, float(np.nextafter(bound, -_INF))),
            "<=": lambda: interval(-_INF, bound),
            ">": lambda: interval(float(np.nextafter(bound, _INF)), _INF),
            ">=": lambda: interval(bound, _INF),
        }[op]()

    def _vocabulary(self, field_name: str, how: str) -> _Vocabulary:
        key = (field_name, how)
        if key not in self._vocab:
            vocab = _Vocabulary(field_name, how)
            if how == "eq":  # an enum's bits are its choices, so every value has one
                for choice in F.FIELDS[field_name].choices:
                    vocab.number(choice)
            self._vocab[key] = vocab
        return self._vocab[key]

    def _mask(self, plan: _Plan, vocab: _Vocabulary, members, negate: bool) -> int:
        bits: dict[int, int] = defaultdict(int)
        for member in members:
            number = vocab.number(str(member))
            bits[number // WORD] |= 1 << (number % WORD)
        leaves = []
        for word, mask in sorted(bits.items()):
            if word not in vocab.words:
                vocab.words[word] = len(self._mask_slots)
                self._mask_slots.append(vocab)
            leaves.append(plan.add(("mask", vocab.words[word], mask, negate and len(bits) == 1)))
        if len(leaves) == 1:
            return leaves[0]
        either = plan.add(("any", tuple(leaves)))
        return plan.add(("not", (either,))) if negate else either

    # ------------------------------------------------------------------ layout
    def _layout(self, plan: _Plan, roots: list[int]) -> None:
        """Renumber nodes so each kind of leaf, and each (height, kind) of group, is one slice."""
        height = [0] * len(plan.keys)
        for i, key in enumerate(plan.keys):  # children are always added before parents
            if key[0] in ("all", "any", "not"):
                height[i] = 1 + max(height[c] for c in key[1])
        order = sorted(range(len(plan.keys)),
                       key=lambda i: (height[i], _KIND_ORDER[plan.keys[i][0]]))
        final = {old: new for new, old in enumerate(order)}
        keys = [plan.keys[i] for i in order]
        self._size = len(keys)
        self._roots = np.array([final[r] for r in roots], dtype=np.intp)

        def leaves(kind: str) -> list[tuple]:
            return [k for k in keys if k[0] == kind]

        num, mask, exists = leaves("num"), leaves("mask"), leaves("exists")
        self._num_end = len(num)
        self._mask_end = self._num_end + len(mask)
        self._exists_end = self._mask_end + len(exists)
        self._num_slot = np.array([k[1] for k in num], dtype=np.intp)
        self._lo = np.array([k[2] for k in num], dtype=np.float64)
        self._hi = np.array([k[3] for k in num], dtype=np.float64)
        self._num_neg = np.array([k[4] for k in num], dtype=bool)
        self._mask_slot = np.array([k[1] for k in mask], dtype=np.intp)
        self._mask_bits = np.array([k[2] for k in mask], dtype=np.uint64)
        self._mask_neg = np.array([k[3] for k in mask], dtype=bool)
        self._exists_slot = np.array([k[1] for k in exists], dtype=np.intp)
        self._exists_want = np.array([k[2] for k in exists], dtype=bool)
        # Groups: consecutive runs of one (height, kind), children listed parent by parent.
        self._stages: list[tuple[str, int, int, np.ndarray, np.ndarray]] = []
        start = self._exists_end
        while start < len(keys):
            kind, level = keys[start][0], height[order[start]]
            stop = start
            while stop < len(keys) and keys[stop][0] == kind and height[order[stop]] == level:
                stop += 1
            children, offsets = [], []
            for key in keys[start:stop]:
                offsets.append(len(children))
                children.extend(final[c] for c in key[1])
            self._stages.append((kind, start, stop, np.array(children, dtype=np.intp),
                                 np.array(offsets, dtype=np.intp)))
            start = stop
        self._numeric_fields = list(self._numeric)
        self._known_fields = list(self._known)

    # ------------------------------------------------------------------ evaluating
    def _encode(self, values: Mapping[str, Any]):
        numbers = np.array([_number(values.get(name)) for name in self._numeric_fields],
                           dtype=np.float64)
        masks = np.zeros(len(self._mask_slots), dtype=np.uint64)
        mask_known = np.zeros(len(self._mask_slots), dtype=bool)
        for vocab in self._vocab.values():
            actual = values.get(vocab.field)
            if actual is None:
                continue
            bits = vocab.profile_bits(actual)
            for word, slot in vocab.words.items():
                mask_known[slot] = True
                masks[slot] = bits.get(word, 0)
        known = np.array([values.get(name) is not None for name in self._known_fields],
                         dtype=bool)
        return numbers, masks, mask_known, known

    def codes(self, values: Mapping[str, Any]) -> np.ndarray:
        """Each product's outcome as 0 (FAIL), 1 (UNKNOWN) or 2 (PASS), in product order."""
        numbers, masks, mask_known, known = self._encode(values)
        v = np.empty(self._size, dtype=np.int8)
        x = numbers[self._num_slot]
        hit = (self._lo <= x) & (x <= self._hi)
        hit ^= self._num_neg
        v[:self._num_end] = np.where(np.isnan(x), UNKNOWN_CODE, hit * PASS_CODE)
        hit = (masks[self._mask_slot] & self._mask_bits) != 0
        hit ^= self._mask_neg
        v[self._num_end:self._mask_end] = np.where(mask_known[self._mask_slot],
                                                   hit * PASS_CODE, UNKNOWN_CODE)
        v[self._mask_end:self._exists_end] = (known[self._exists_slot]
                                              == self._exists_want) * PASS_CODE
        for kind, start, stop, children, offsets in self._stages:
            if kind == "all":
                v[start:stop] = np.minimum.reduceat(v[children], offsets)
            elif kind == "any":
                v[start:stop] = np.maximum.reduceat(v[children], offsets)
            else:
                v[start:stop] = PASS_CODE - v[children]
        return v[self._roots]

    def eligible(self, values: Mapping[str, Any]) -> np.ndarray:
        """Indexes of the products that PASS."""
        return np.flatnonzero(self.codes(values) == PASS_CODE)

    def outcomes(self, values: Mapping[str, Any]) -> list[str]:
        return [OUTCOMES[c] for c in self.codes(values).tolist()]


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)
