"""The eligibility tree: criteria, groups, and its plain-Python meaning.

``evaluate`` is the reference semantics. durable_rules decides eligibility in
production (``compiler``/``engine``); this walker is the oracle the
differential tests hold it to, and the explainer that says *why* a product
failed. Missing data is three-valued (Kleene): a criterion on a field the
profile does not state is UNKNOWN, ``all`` is FAIL if any part fails, else
UNKNOWN if any part is unknown; ``any`` is the dual; ``not`` swaps PASS/FAIL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from functools import cached_property
from typing import Any

from .source import Location

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


@dataclass(frozen=True)
class Criterion:
    """One test of one profile field, as a bank's sentence would state it."""

    field: str
    op: str
    value: Any
    label: Mapping[str, str] | None = None
    source: str | None = None
    location: Location | None = dataclass_field(default=None, compare=False)

    @cached_property
    def holds(self) -> Callable[[Any], bool]:
        """The test on a known value, built once: explanations call it for every profile."""
        op, bound = self.op, self.value
        if op == "exists":
            return lambda actual: True
        if op == "==":
            return lambda actual: actual == bound
        if op == "!=":
            return lambda actual: actual != bound
        if op == "<":
            return lambda actual: actual < bound
        if op == "<=":
            return lambda actual: actual <= bound
        if op == ">":
            return lambda actual: actual > bound
        if op == ">=":
            return lambda actual: actual >= bound
        if op == "between":
            low, high = bound
            return lambda actual: low <= actual <= high
        if op == "in":
            members = frozenset(bound)
            return lambda actual: actual in members
        if op == "not_in":
            members = frozenset(bound)
            return lambda actual: actual not in members
        if op == "prefix":
            prefixes = tuple(bound)
            return lambda actual: str(actual).startswith(prefixes)
        if op == "contains":
            return lambda actual: bound in actual
        raise ValueError(f"unknown operator {op}")

    def outcome(self, values: Mapping[str, Any]) -> str:
        actual = values.get(self.field)
        if self.op == "exists":
            return PASS if (actual is not None) == bool(self.value) else FAIL
        if actual is None:
            return UNKNOWN
        return PASS if self.holds(actual) else FAIL

    def describe(self) -> str:
        """Compact text for diffs and logs: ``years_in_business >= 2``."""
        value = self.value
        if isinstance(value, (list, tuple)):
            value = "[" + ", ".join(_text(v) for v in value) + "]"
        else:
            value = _text(value)
        return f"{self.field} {self.op} {value}"


@dataclass(frozen=True)
class Group:
    """``all`` / ``any`` of several nodes, or ``not`` of one."""

    kind: str
    children: tuple[Node, ...]
    location: Location | None = dataclass_field(default=None, compare=False)

    def outcome(self, values: Mapping[str, Any]) -> str:
        return combine(self.kind, [child.outcome(values) for child in self.children])


Node = Criterion | Group


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def combine(kind: str, outcomes: list[str]) -> str:
    """Kleene logic over the children's outcomes."""
    if kind == "not":
        return {PASS: FAIL, FAIL: PASS}.get(outcomes[0], UNKNOWN)
    decisive, other = (FAIL, PASS) if kind == "all" else (PASS, FAIL)
    if decisive in outcomes:
        return decisive
    if UNKNOWN in outcomes:
        return UNKNOWN
    return other


def evaluate(node: Node, values: Mapping[str, Any]) -> str:
    return node.outcome(values)


def criteria(node: Node):
    """Every criterion of the tree, depth first, in file order."""
    if isinstance(node, Criterion):
        yield node
    else:
        for child in node.children:
            yield from criteria(child)


def fields_used(node: Node) -> set[str]:
    return {c.field for c in criteria(node)}


def top_level(node: Node) -> tuple[Node, ...]:
    """The conjuncts a product's answer is made of (its ``all`` list)."""
    if isinstance(node, Group) and node.kind == "all":
        return node.children
    return (node,)
