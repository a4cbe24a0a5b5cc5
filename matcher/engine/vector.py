"""Eligibility trees decided for one profile and every product at once, with array operations.

Why this shape: a matcher cannot do less than test each distinct criterion once and
combine each tree's tests once. So every criterion becomes a row of a few columns,
identical criteria (``overdue_current == false`` in most products) are one row, and
the trees are a few ``reduceat`` calls over those rows, level by level:

* numbers: an interval of ranks ``lo <= rank <= hi`` with a negation flag, the
  ranks exact (``vector_columns.NumberLine``); ``in`` on a number is an ``any``
  of equalities;
* enums, booleans, codes and text: a 64-bit mask over the values the catalog names
  for the field (``vector_columns.Vocabulary``), tested with one AND;
* ``prefix``: a mask over the prefixes the catalog names; the profile sets the bit
  of every one its code starts with (looked up once per length named);
* ``contains``: a mask over the list items the catalog names;
* ``exists``: the field's known flag, never unknown.

A vocabulary over 64 values spills into more words, and the criterion becomes an
``any`` over them. Outcomes are Kleene's three values as 0 (FAIL) < 1 (UNKNOWN)
< 2 (PASS), so ``all`` is a minimum, ``any`` a maximum and ``not`` is ``2 - x``;
a criterion on a field the profile lacks is 1.

Equal nodes are built once (hash-consed), so the same ``Forest`` serves whole
trees (``bench/evaluators/numpy_eval.py``) and the top-level conditions of every
product (``matcher.engine.triage``). Its answers equal ``matcher.rulefile.condition.evaluate`` on
the products ``matcher.rulefile.product`` reads and the values ``matcher.vocabulary.profile`` loads;
``tests/engine/test_bench_agreement.py`` and ``tests/engine/test_triage.py`` hold it to that.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..rulefile.condition import FAIL, PASS, UNKNOWN, Criterion, Node
from ..rulefile.operators import OPS, operator_problem
from ..vocabulary import fields as F
from .vector_columns import NumberLine, Vocabulary

FAIL_CODE, UNKNOWN_CODE, PASS_CODE = 0, 1, 2
OUTCOMES = (FAIL, UNKNOWN, PASS)  # indexed by code
_KIND_ORDER = {"num": 0, "mask": 1, "exists": 2, "all": 3, "any": 4, "not": 5}
_INF = math.inf


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


class Forest:
    """The given nodes compiled to criterion columns; ``evaluate`` answers for one profile.

    ``roots[i]`` is where the code of ``nodes[i]`` is in what ``evaluate`` returns;
    equal nodes share a place.
    """

    def __init__(self, nodes: Iterable[Node]):
        self._lines: dict[str, NumberLine] = {}  # numeric field -> its bounds
        self._known: dict[str, int] = {}  # field -> exists slot
        self._vocab: dict[tuple[str, str], Vocabulary] = {}
        self._mask_slots: list[Vocabulary] = []  # mask slot -> its vocabulary
        self._compiled: dict[tuple, int] = {}
        plan = _Plan()
        roots = [self._node(node, plan) for node in nodes]
        for line in self._lines.values():
            line.lay_out()
        self._layout(plan, roots)

    def __len__(self) -> int:
        return len(self.roots)

    # ------------------------------------------------------------------ compiling
    def _node(self, node: Node, plan: _Plan) -> int:
        if isinstance(node, Criterion):
            return self._criterion(node, plan)
        if not node.children or (node.kind == "not" and len(node.children) != 1):
            raise ValueError(f"a '{node.kind}' group with {len(node.children)} parts")
        children = tuple(self._node(child, plan) for child in node.children)
        return plan.add((node.kind, children))

    def _criterion(self, c: Criterion, plan: _Plan) -> int:
        """A criterion's node, compiled once per distinct (field, op, value)."""
        key = (c.field, c.op, c.value)
        if key not in self._compiled:
            self._compiled[key] = self._compile(c, plan)
        return self._compiled[key]

    def _compile(self, c: Criterion, plan: _Plan) -> int:
        fld = F.FIELDS[c.field]
        op, value = c.op, c.value
        problem = operator_problem(fld, op)
        # matcher.rulefile.product refuses these; a hand-built tree must not slip through.
        if problem:
            raise ValueError(problem)
        if op == "exists":
            slot = self._known.setdefault(c.field, len(self._known))
            return plan.add(("exists", slot, bool(value)))
        if fld.numeric:
            return self._numeric_criterion(c, plan)
        if op == "contains":
            return self._mask(plan, self._vocabulary(c.field, "member"), [value], False)
        if op == "prefix":
            return self._mask(
                plan, self._vocabulary(c.field, "prefix"), [str(p) for p in value], False
            )
        members = value if op in ("in", "not_in") else [value]
        return self._mask(plan, self._vocabulary(c.field, "eq"), members, op in ("!=", "not_in"))

    def _numeric_criterion(self, c: Criterion, plan: _Plan) -> int:
        if c.field not in self._lines:
            self._lines[c.field] = NumberLine(c.field)
        line, slot = self._lines[c.field], list(self._lines).index(c.field)
        op, value = c.op, c.value

        def interval(lo, lo_in: bool, hi, hi_in: bool, negate: bool = False) -> int:
            for bound in (lo, hi):
                if bound is not None:
                    line.add(bound)
            return plan.add(("num", slot, lo, lo_in, hi, hi_in, negate))

        if op in ("in", "not_in"):
            either = plan.add(("any", tuple(interval(v, True, v, True) for v in value)))
            return plan.add(("not", (either,))) if op == "not_in" else either
        if op == "!=":
            return interval(value, True, value, True, True)
        bounds = OPS[op].interval(value)  # ==, <, <=, >, >=, between: all intervals
        assert bounds is not None, op
        return interval(*bounds)

    def _vocabulary(self, field_name: str, how: str) -> Vocabulary:
        key = (field_name, how)
        if key not in self._vocab:
            self._vocab[key] = Vocabulary(field_name, how)
        return self._vocab[key]

    def _mask(self, plan: _Plan, vocab: Vocabulary, members, negate: bool) -> int:
        bits = vocab.bits(members)
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
        order = sorted(
            range(len(plan.keys)), key=lambda i: (height[i], _KIND_ORDER[plan.keys[i][0]])
        )
        final = {old: new for new, old in enumerate(order)}
        keys = [plan.keys[i] for i in order]
        self.size = len(keys)
        self.roots = np.array([final[r] for r in roots], dtype=np.intp)

        def leaves(kind: str) -> list[tuple]:
            return [k for k in keys if k[0] == kind]

        num, mask, exists = leaves("num"), leaves("mask"), leaves("exists")
        self._num_end = len(num)
        self._mask_end = self._num_end + len(mask)
        self._exists_end = self._mask_end + len(exists)
        lines = list(self._lines.values())

        def rank(slot: int, bound, inclusive: bool, none: float, step: int) -> float:
            if bound is None:
                return none
            return lines[slot].rank(bound) + (0 if inclusive else step)

        self._num_slot = np.array([k[1] for k in num], dtype=np.intp)
        self._lo = np.array([rank(k[1], k[2], k[3], -_INF, 1) for k in num], dtype=np.float64)
        self._hi = np.array([rank(k[1], k[4], k[5], _INF, -1) for k in num], dtype=np.float64)
        self._num_neg = np.array([k[6] for k in num], dtype=bool)
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
            children: list[int] = []
            offsets: list[int] = []
            for key in keys[start:stop]:
                offsets.append(len(children))
                children.extend(final[c] for c in key[1])
            self._stages.append(
                (
                    kind,
                    start,
                    stop,
                    np.array(children, dtype=np.intp),
                    np.array(offsets, dtype=np.intp),
                )
            )
            start = stop
        for vocab in self._vocab.values():
            vocab.lay_out()
        self._number_lines = lines
        self._vocabularies = list(self._vocab.values())
        vocab_number = {id(vocab): n for n, vocab in enumerate(self._vocabularies)}
        self._mask_vocab = np.array(
            [vocab_number[id(self._mask_slots[k[1]])] for k in mask], dtype=np.intp
        )
        self._known_fields = list(self._known)

    # ------------------------------------------------------------------ evaluating
    def _encode(self, values: Mapping[str, Any]):
        """The profile as columns: number ranks, mask words, vocabularies and fields it states.

        Plain Python over one value per field, built as lists and converted once:
        at a few dozen fields, per-element numpy writes would cost more.
        """
        get = values.get
        ranks = [line.rank(get(line.field)) for line in self._number_lines]
        masks = [0] * len(self._mask_slots)
        stated = []
        for vocab in self._vocabularies:
            actual = get(vocab.field)
            stated.append(actual is not None)
            if actual is not None:
                for hit in vocab.hits(actual):
                    if hit is not None:
                        masks[hit[0]] |= hit[1]
        known = [get(name) is not None for name in self._known_fields]
        return (
            np.array(ranks, dtype=np.float64),
            np.array(masks, dtype=np.uint64),
            np.array(stated, dtype=bool),
            np.array(known, dtype=bool),
        )

    def evaluate(self, values: Mapping[str, Any]) -> np.ndarray:
        """Every node's outcome as 0 (FAIL), 1 (UNKNOWN) or 2 (PASS); ``roots`` picks the given."""
        ranks, masks, stated, known = self._encode(values)
        v = np.empty(self.size, dtype=np.int8)
        x = ranks[self._num_slot]
        hit = (self._lo <= x) & (x <= self._hi)
        hit ^= self._num_neg
        v[: self._num_end] = np.where(np.isnan(x), UNKNOWN_CODE, hit * PASS_CODE)
        hit = (masks[self._mask_slot] & self._mask_bits) != 0
        hit ^= self._mask_neg
        v[self._num_end : self._mask_end] = np.where(
            stated[self._mask_vocab], hit * PASS_CODE, UNKNOWN_CODE
        )
        v[self._mask_end : self._exists_end] = (
            known[self._exists_slot] == self._exists_want
        ) * PASS_CODE
        for kind, start, stop, children, offsets in self._stages:
            if kind == "all":
                v[start:stop] = np.minimum.reduceat(v[children], offsets)
            elif kind == "any":
                v[start:stop] = np.maximum.reduceat(v[children], offsets)
            else:
                v[start:stop] = PASS_CODE - v[children]
        return v

    def codes(self, values: Mapping[str, Any]) -> np.ndarray:
        """The given nodes' outcomes as codes, in the order given."""
        return self.evaluate(values)[self.roots]
