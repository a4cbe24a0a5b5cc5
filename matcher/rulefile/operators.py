"""The rule language's operators as data: where each applies, what undoes it, how it is shown.

One table, read by the rule reader and the JSON Schema (which field kinds take which
operator), the compiler (durable_rules' comparison, negation pushed down), the
vectorised evaluator and the checks (the interval a comparison admits), the
explanations (the operator shown under ``not``; its sentences in Chinese and English
are ``matcher.results.wording``'s, one row per operator shown here) and the scenario
messages. ``not_between``, ``not_prefix`` and ``not_contains`` are never
written in a rule file: they are how a criterion under ``not`` is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..vocabulary import fields as F

_NUMBERS = frozenset(F.NUMERIC_KINDS)
_TEXT = frozenset({F.ENUM, F.CODE, F.STRING})
_ALL = frozenset({F.MONEY, F.RATIO, F.INTEGER, F.BOOLEAN, F.ENUM, F.STRING, F.CODE, F.DATE, F.LIST})


@dataclass(frozen=True)
class Operator:
    name: str
    kinds: frozenset[str]  # the field kinds it applies to; empty: shown only, never written
    shown_negated: str  # how a criterion under ``not`` is shown
    broken: str  # a scenario message when it did not hold: "{field} {actual} {broken} {bound}"
    held: str  # and when it held
    negation: str | None = None  # holds exactly when this one does not, on a known value
    durable: str | None = None  # durable_rules' comparison, for the ordered comparisons
    bounds: tuple[bool, bool, bool, bool] | None = None  # (low?, low incl., high?, high incl.)

    def interval(self, value: Any) -> tuple[Any, bool, Any, bool] | None:
        """(low, low inclusive, high, high inclusive) of the values it admits, None bound
        meaning unbounded; None when the operator is no interval."""
        if self.name == "between":
            return value[0], True, value[1], True
        if self.bounds is None:
            return None
        has_low, low_in, has_high, high_in = self.bounds
        return value if has_low else None, low_in, value if has_high else None, high_in


_TABLE = (
    Operator(
        "==",
        _NUMBERS | _TEXT | {F.BOOLEAN},
        "!=",
        "!=",
        "==",
        negation="!=",
        bounds=(True, True, True, True),
    ),
    Operator("!=", _NUMBERS | _TEXT | {F.BOOLEAN}, "==", "==", "!=", negation="==", durable="$neq"),
    Operator(
        "<",
        _NUMBERS,
        ">=",
        ">=",
        "<",
        negation=">=",
        durable="$lt",
        bounds=(False, True, True, False),
    ),
    Operator(
        "<=",
        _NUMBERS,
        ">",
        ">",
        "<=",
        negation=">",
        durable="$lte",
        bounds=(False, True, True, True),
    ),
    Operator(
        ">",
        _NUMBERS,
        "<=",
        "<=",
        ">",
        negation="<=",
        durable="$gt",
        bounds=(True, False, False, True),
    ),
    Operator(
        ">=",
        _NUMBERS,
        "<",
        "<",
        ">=",
        negation="<",
        durable="$gte",
        bounds=(True, True, False, True),
    ),
    Operator("between", _NUMBERS, "not_between", "not between", "between"),
    Operator("in", _NUMBERS | _TEXT, "not_in", "not in", "in", negation="not_in"),
    Operator("not_in", _NUMBERS | _TEXT, "in", "in", "not in", negation="in"),
    Operator("prefix", frozenset({F.CODE}), "not_prefix", "not under", "under"),
    Operator("contains", frozenset({F.LIST}), "not_contains", "does not contain", "contains"),
    Operator("exists", _ALL, "exists", "", ""),  # "stated" / "not stated", worded apart
    # shown only: a criterion under ``not``
    Operator("not_between", frozenset(), "between", "between", "not between"),
    Operator("not_prefix", frozenset(), "prefix", "under", "not under"),
    Operator("not_contains", frozenset(), "contains", "contains", "does not contain"),
)

OPS: dict[str, Operator] = {op.name: op for op in _TABLE}
OPERATORS = tuple(op.name for op in _TABLE if op.kinds)  # those a rule file may write
NEGATION = {op.name: op.negation for op in _TABLE if op.negation}
ALLOWED = {kind: frozenset(op.name for op in _TABLE if kind in op.kinds) for kind in _ALL}


def operator_problem(fld: F.Field, op: str) -> str | None:
    """Why ``op`` cannot test ``fld``, or None when it can."""
    allowed = ALLOWED[fld.kind]
    if op in allowed:
        return None
    usable = ", ".join(sorted(allowed))
    return f"operator '{op}' does not apply to {fld.name} ({fld.kind}); use {usable}"
