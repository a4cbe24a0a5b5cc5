"""A criterion whose ``source`` names another figure than its ``value``.

Staff who move a bound (``value: 10000``) and leave the clause it was read from
(``source: 近12个月纳税总额不低于2万元``) leave a file that says two things: the engine
uses the value, a reviewer reads the source.  The source's figures are read with the
sheet parser's numeral reading (2万元, 一年半, 十八周岁, 80%) in the field's unit; the
warning comes only when the source names figures of that kind and none is the value.
"""

from __future__ import annotations

from decimal import Decimal

from ..rulefile.condition import Criterion, Node, criteria
from ..rulefile.source import Problem
from ..vocabulary import fields as F

_COMPARED = frozenset({"==", ">=", ">", "<=", "<", "between"})


def _unit_kind(field: F.Field) -> str | None:
    """Which kind of written quantity (numerals.MONEY, …) states a value of ``field``."""
    from product_catalog.parser import numerals as N
    from product_catalog.parser.criteria import MONTH_FIELDS

    if field.kind == F.MONEY:
        return N.MONEY
    if field.kind == F.RATIO:
        return N.RATIO
    if field.kind != F.INTEGER:
        return None
    if field.name == "legal_rep_age":
        return N.AGE
    if field.name in MONTH_FIELDS or field.name == "years_in_business":
        return N.DURATION
    return N.COUNT


def _in_field_unit(field: F.Field, quantity) -> Decimal:
    if field.name == "years_in_business":
        return quantity.value / 12
    return quantity.value


def _agrees(field: F.Field, figure: Decimal, value, step: int) -> bool:
    """Whether the written ``figure`` states ``value``.  An integer field makes an exclusive
    bound inclusive (超过2年 → months_in_business >= 25, 少于3次 → <= 2), so a lower bound
    may sit one ``step`` above its figure and an upper bound one below."""
    value = Decimal(str(value))
    if value == figure:
        return True
    counted = field.kind == F.INTEGER and field.name != "years_in_business"
    return counted and step != 0 and value == figure + step


def _steps(op: str) -> list[int]:
    """For each end of the value, which way an exclusive bound moved it."""
    return {">=": [1], "<=": [-1], "between": [1, -1]}.get(op, [0])


def _mismatch(c: Criterion) -> str | None:
    from product_catalog.parser.comparisons import find_bounds
    from product_catalog.parser.numerals import as_number

    field = F.FIELDS.get(c.field)
    if not c.source or field is None or c.op not in _COMPARED:
        return None
    kind = _unit_kind(field)
    if kind is None:
        return None
    # bounds, not bare quantities: the 18 of 18-60周岁 takes its unit from the 60
    bounds = find_bounds(c.source)
    quantities = [q for b in bounds for q in b.quantities]
    named = [q for q in quantities if q.kind == kind]
    if not named:
        return None  # 无逾期, 征信良好: the source states no figure of this kind
    values = list(c.value) if c.op == "between" else [c.value]
    figures = [_in_field_unit(field, q) for q in named]
    if any(q.unit == "" and q.number == 0 for q in quantities):
        figures.append(Decimal(0))  # 净利润为正, 不为负: a sign is a bound at zero in any unit
    if all(
        any(_agrees(field, f, v, step) for f in figures) for v, step in zip(values, _steps(c.op))
    ):
        return None
    spans = [[q for q in b.quantities if q.kind == kind] for b in bounds]
    written = "、".join(dict.fromkeys(c.source[qs[0].start : qs[-1].end] for qs in spans if qs))
    read = ", ".join(str(as_number(f)) for f in dict.fromkeys(figures))
    shown = f"[{values[0]}, {values[1]}]" if c.op == "between" else str(c.value)
    return (
        f"source names {written} ({c.field} {read}) but value is {shown}: "
        f"update the value or the source so that they agree"
    )


def source_figure_warnings(node: Node, path: str) -> list[Problem]:
    """A warning at every criterion under ``node`` whose source names other figures."""
    from ..rulefile.source import Location

    problems = []
    for c in criteria(node):
        message = _mismatch(c)
        if message:
            problems.append(Problem(c.location or Location(path, 1, 1), message, "warning"))
    return problems
