"""A product's eligibility as one SQL boolean expression over the firm table's columns.

Why this maps exactly: SQL's AND, OR and NOT on NULL are Kleene's logic, the same as
the rule trees'; a comparison with a NULL column is NULL, as a criterion on a missing
field is unknown. So TRUE is eligible, FALSE ineligible and NULL incomplete — as long
as every criterion is NULL exactly when the field is missing, which each translation
below keeps (``exists`` is the one criterion never unknown: ``IS [NOT] NULL``).
Numbers are compared as the table's decimals with exact decimal literals. The two
fields derived from the evaluation date are spelled out from ``established_on`` and
the date given, so the expression needs no view of its own.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from matcher.rulefile.condition import Criterion, Group, Node
from matcher.vocabulary import fields as F

DIALECTS = ("duckdb", "spark")
_COMPARE = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def eligibility_sql(node: Node, as_of: date, dialect: str = "duckdb") -> str:
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}")
    return _node(node, as_of, dialect)


def _node(node: Node, as_of: date, dialect: str) -> str:
    if isinstance(node, Group):
        parts = [_node(child, as_of, dialect) for child in node.children]
        if node.kind == "not":
            return f"(NOT {parts[0]})"
        joiner = " AND " if node.kind == "all" else " OR "
        return "(" + joiner.join(parts) + ")"
    return _criterion(node, as_of, dialect)


def _criterion(c: Criterion, as_of: date, dialect: str) -> str:
    column = _column(c.field, as_of)
    fld = F.FIELDS[c.field]
    op, value = c.op, c.value
    if op == "exists":
        return f"({column} IS {'NOT ' if value else ''}NULL)"
    if op == "between":
        return f"({column} BETWEEN {_literal(value[0], fld)} AND {_literal(value[1], fld)})"
    if op in ("in", "not_in"):
        members = ", ".join(_literal(v, fld) for v in value)
        return f"({column} {'NOT ' if op == 'not_in' else ''}IN ({members}))"
    if op == "prefix":
        tests = [f"{column} LIKE {_text(str(p) + '%')}" for p in value]
        return "(" + " OR ".join(tests) + ")"
    if op == "contains":
        function = "list_contains" if dialect == "duckdb" else "array_contains"
        return f"{function}({column}, {_literal(value, fld)})"
    return f"({column} {_COMPARE[op]} {_literal(value, fld)})"


def _column(name: str, as_of: date) -> str:
    """A column, or the expression of a field derived from the evaluation date
    (``matcher.vocabulary.profile.months_between``: a month is complete on the same day)."""
    if name in ("months_in_business", "years_in_business"):
        when = f"DATE '{as_of.isoformat()}'"
        months = (
            f"((year({when}) - year(established_on)) * 12 + month({when}) "
            f"- month(established_on) - CASE WHEN dayofmonth({when}) < "
            f"dayofmonth(established_on) THEN 1 ELSE 0 END)"
        )
        return months if name == "months_in_business" else f"CAST(FLOOR({months} / 12) AS BIGINT)"
    return name


def _literal(value, fld: F.Field) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, Decimal)):
        text = format(Decimal(value), "f")
        return text
    return _text(str(value))


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
