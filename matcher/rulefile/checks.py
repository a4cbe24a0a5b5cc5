"""Rules that are well-formed but say something nobody means.

A criterion that can never be true silently removes a product from every
result; bank staff would only notice when a customer complains. These checks
find the common cases: an operator that makes no sense for the field, a bound
outside the field's possible values, and contradictory bounds inside one
``all`` group.
"""

from __future__ import annotations

from decimal import Decimal

from ..vocabulary import fields as F
from .condition import Criterion, Group, Node
from .operators import OPS
from .source import Location, Problem


def _interval(c: Criterion) -> tuple[Decimal | None, bool, Decimal | None, bool] | None:
    """(low, low_inclusive, high, high_inclusive) of the values the criterion admits."""
    return OPS[c.op].interval(c.value)


def _empty(lo, lo_inc, hi, hi_inc) -> bool:
    if lo is None or hi is None:
        return False
    return lo > hi or (lo == hi and not (lo_inc and hi_inc))


def _field_range(fld: F.Field):
    lo = None if fld.min_value is None else Decimal(str(fld.min_value))
    hi = None if fld.max_value is None else Decimal(str(fld.max_value))
    return lo, hi


def _intersect(a, b):
    lo, lo_inc, hi, hi_inc = a
    blo, blo_inc, bhi, bhi_inc = b
    if blo is not None and (lo is None or blo > lo or (blo == lo and not blo_inc)):
        lo, lo_inc = blo, blo_inc
    if bhi is not None and (hi is None or bhi < hi or (bhi == hi and not bhi_inc)):
        hi, hi_inc = bhi, bhi_inc
    return lo, lo_inc, hi, hi_inc


def never_true(node: Node, path: str) -> list[Problem]:
    """Located problems for criteria and ``all`` groups that no profile can satisfy."""
    problems: list[Problem] = []
    _walk(node, problems, path)
    return problems


def _where(node, path):
    return node.location or Location(path, 1, 1)


def _walk(node: Node, problems: list[Problem], path: str) -> None:
    if isinstance(node, Criterion):
        _check_criterion(node, problems, path)
        return
    for child in node.children:
        _walk(child, problems, path)
    if node.kind == "all":
        _check_all(node, problems, path)


def _check_criterion(c: Criterion, problems: list[Problem], path: str) -> None:
    fld = F.FIELDS[c.field]
    if fld.numeric:
        interval = _interval(c)
        lo, hi = _field_range(fld)
        if interval and _empty(*_intersect(interval, (lo, True, hi, True))):
            problems.append(
                Problem(
                    _where(c, path),
                    f"'{c.describe()}' can never be true: {c.field} is between "
                    f"{lo if lo is not None else '-∞'} and "
                    f"{hi if hi is not None else '∞'}",
                )
            )
    if c.op == "not_in" and fld.kind == F.ENUM and set(fld.choices) <= set(c.value):
        problems.append(
            Problem(
                _where(c, path), f"'{c.describe()}' excludes every value of {c.field}: never true"
            )
        )


def _check_all(group: Group, problems: list[Problem], path: str) -> None:
    seen: dict[str, tuple] = {}
    allowed_sets: dict[str, set] = {}
    for child in group.children:
        if not isinstance(child, Criterion):
            continue
        fld = F.FIELDS[child.field]
        interval = _interval(child) if fld.numeric else None
        if interval:
            combined = _intersect(seen.get(child.field, (None, True, None, True)), interval)
            if _empty(*combined):
                problems.append(
                    Problem(
                        _where(child, path),
                        f"'{child.describe()}' contradicts an earlier criterion "
                        f"on {child.field} in the same group: never true",
                    )
                )
            seen[child.field] = combined
        elif child.op in ("==", "in") and not fld.numeric:
            values = {child.value} if child.op == "==" else set(child.value)
            prior = allowed_sets.get(child.field)
            now = values if prior is None else prior & values
            if not now:
                problems.append(
                    Problem(
                        _where(child, path),
                        f"'{child.describe()}' contradicts an earlier criterion "
                        f"on {child.field} in the same group: never true",
                    )
                )
            allowed_sets[child.field] = now
