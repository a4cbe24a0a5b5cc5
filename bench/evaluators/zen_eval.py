"""The catalog as a GoRules zen-engine decision table: the engine a user would otherwise pick.

The translation, one table for the whole catalog (JDM ``decisionTableNode``, hit
policy ``collect``, so every matching row is returned):

* one row per product, whose output is the product's number;
* one input column per profile field that a product tests at the top level of its
  ``all``; the cell is a unary expression on ``$`` (the field's value): zen's own
  shorthand where it has one (``>= 2``, ``[18..60]``, ``"A", "B"``, ``false``),
  else the tests written out, e.g. ``$ != null and contains($, "icbc")``;
* one column without a field for everything else (``any``/``not`` groups, a
  ``prefix`` with several codes), as a standard expression over the field names;
* an empty cell matches anything, so a row fires when all its cells hold.

This was the fastest shape tried (``docs/performance.md`` has the figures): the
same table with every cell written out and guarded (``$ != null and $ >= 2``), one
full expression per row in a field-less column, or one ``expressionNode`` key per
product were all slower.

Missing data: zen raises on ``null >= 2``, and a cell that raises is just a row
that does not fire, which is the strict meaning; tests that would hold on null
(``!=``, ``not_in``) are guarded. The eligibility table is strict (a
test on a missing field is false, negations pushed down to the tests, as
``matcher.engine.compiler`` does for durable_rules): a row fires exactly when the
reference says PASS. A second, lenient table (a test on a missing field is true)
fires exactly when the reference does not say FAIL; the two together give the
three-valued answer, which ``outcomes`` uses for the agreement check.

Two quirks of zen's unary cells (2.1.3) shape them: a parenthesised ``and``/``or``
is a parser error (``$ != null and ($ >= 18 and $ <= 60)``), which the table
treats as a row that never fires; and ``and``/``or`` have equal precedence, read
left to right (``$ == null or $ >= 18 and $ <= 60`` is ``($ == null or $ >= 18)
and $ <= 60``). So cells are flat chains that mean the same under either reading
(``$ != null and $ >= 18 and $ <= 60 or $ == null``), and anything that needs
brackets goes to the field-less column, where standard expressions parse normally.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import zen

from matcher.rulefile.condition import FAIL, PASS, UNKNOWN, Criterion, Node, top_level
from matcher.rulefile.product import Product

_GROUPS_COLUMN = "(any, not, several prefixes)"  # never a field name


def literal(value: Any) -> str:
    """A rule value as zen expression text (numbers exact, never in exponent form)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _test(c: Criterion, ref: str) -> str:
    """The criterion's test on a known value ``ref``, written without outer brackets."""
    op, value = c.op, c.value
    if op in ("==", "!=", "<", "<=", ">", ">="):
        return f"{ref} {op} {literal(value)}"
    if op == "between":
        return f"{ref} >= {literal(value[0])} and {ref} <= {literal(value[1])}"
    if op in ("in", "not_in"):
        listed = f"{ref} in [{', '.join(literal(v) for v in value)}]"
        return listed if op == "in" else f"not ({listed})"
    if op == "prefix":
        return " or ".join(f"startsWith({ref}, {literal(p)})" for p in value)
    if op == "contains":
        return f"contains({ref}, {literal(value)})"
    raise ValueError(f"zen translation: operator {op!r} of {c.field} is not handled")


def _exists(c: Criterion, ref: str, negated: bool = False) -> str:
    return f"{ref} != null" if bool(c.value) != negated else f"{ref} == null"


def expression(node: Node, lenient: bool = False, negated: bool = False) -> str:
    """A standard zen expression of the tree: strict (PASS) or lenient (not FAIL)."""
    if isinstance(node, Criterion):
        f = node.field
        if node.op == "exists":
            return _exists(node, f, negated)
        test = f"not ({_test(node, f)})" if negated else f"({_test(node, f)})"
        return f"({f} == null or {test})" if lenient else f"({f} != null and {test})"
    if node.kind == "not":
        return expression(node.children[0], lenient, not negated)
    joined = " and " if (node.kind == "all") != negated else " or "
    return "(" + joined.join(expression(child, lenient, negated) for child in node.children) + ")"


def _flat(c: Criterion) -> bool:
    """Whether the criterion can sit in its field's unary cell (no brackets needed)."""
    return not (c.op == "prefix" and len(c.value) > 1)


def shorthand(c: Criterion) -> str | None:
    """zen's own unary cell syntax (``>= 18``, ``[18..60]``, ``"A", "B"``), when it is strict.

    On a missing field these cells are false or raise, and a raising cell is a row
    that does not fire: the strict meaning. ``!= 5`` would be true on null, so it
    and the tests without a shorthand are written out and guarded.
    """
    op, value = c.op, c.value
    if op in ("<", "<=", ">", ">="):
        return f"{op} {literal(value)}"
    if op == "==":
        return literal(value)
    if op == "between":
        return f"[{literal(value[0])}..{literal(value[1])}]"
    if op == "in":
        return ", ".join(literal(v) for v in value)
    return None


def unary_cell(criteria: Sequence[Criterion], lenient: bool) -> str:
    """One cell holding all of a product's top-level tests of one field."""
    if not lenient and len(criteria) == 1 and shorthand(criteria[0]) is not None:
        return shorthand(criteria[0])
    must_exist = any(c.op == "exists" and c.value for c in criteria)
    must_lack = any(c.op == "exists" and not c.value for c in criteria)
    tests = [_test(c, "$") for c in criteria if c.op != "exists"]
    if must_exist and must_lack:
        return "$ != null and $ == null"
    if must_lack:  # strict: no other test can pass on a missing value; lenient: all do
        return "$ == null" if lenient or not tests else "$ == null and $ != null"
    strict = " and ".join(["$ != null", *tests])
    return strict if must_exist or not lenient else strict + " or $ == null"


def decision_table(products: Sequence[Product], lenient: bool = False) -> dict:
    """The JDM graph: input → one collect-all decision table → output."""
    columns: dict[str, str] = {}
    rows = []
    for index, product in enumerate(products):
        by_field: dict[str, list[Criterion]] = {}
        others: list[Node] = []
        for node in top_level(product.eligibility):
            if isinstance(node, Criterion) and _flat(node):
                by_field.setdefault(node.field, []).append(node)
            else:
                others.append(node)
        row = {"_id": f"r{index}", "product": str(index)}
        for name, criteria in by_field.items():
            column = columns.setdefault(name, f"c{len(columns)}")
            row[column] = unary_cell(criteria, lenient)
        if others:
            column = columns.setdefault(_GROUPS_COLUMN, f"c{len(columns)}")
            row[column] = " and ".join(expression(node, lenient) for node in others)
        rows.append(row)
    inputs = [
        {"id": column, "name": name} | ({} if name == _GROUPS_COLUMN else {"field": name})
        for name, column in columns.items()
    ]
    position = {"x": 0, "y": 0}
    table = {
        "id": "table",
        "type": "decisionTableNode",
        "name": "products",
        "position": position,
        "content": {
            "hitPolicy": "collect",
            "rules": rows,
            "inputs": inputs,
            "outputs": [{"id": "product", "name": "product", "field": "product"}],
            "passThrough": False,
            "inputField": None,
            "outputPath": "hits",
            "executionMode": "single",
        },
    }
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "profile", "position": position},
            table,
            {"id": "out", "type": "outputNode", "name": "result", "position": position},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
            {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"},
        ],
    }


def context_json(values: Mapping[str, Any]) -> str:
    """The profile as the JSON zen reads: decimals as exact numbers, dates ISO 8601."""
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            value = list(value)
        text = (
            literal(value)
            if isinstance(value, (bool, int, Decimal))
            else json.dumps(value, ensure_ascii=False)
        )
        parts.append(f'"{name}":{text}')
    return "{" + ",".join(parts) + "}"


class ZenCatalog:
    """The catalog compiled into zen decisions; ``eligible`` answers for one profile."""

    name = "zen-engine"

    def __init__(self, products: Sequence[Product]):
        self._products = list(products)
        self._engine = zen.ZenEngine()
        self._strict = self._engine.create_decision(json.dumps(decision_table(self._products)))
        self._lenient = None  # built on first use: the timed path needs only the strict one

    def __len__(self) -> int:
        return len(self._products)

    @staticmethod
    def _rows(decision, context: str) -> list[int]:
        return [int(hit["product"]) for hit in decision.evaluate(context)["result"]["hits"]]

    def eligible(self, values: Mapping[str, Any]) -> list[int]:
        """Indexes of the products whose row fires in the strict table (reference PASS)."""
        return self._rows(self._strict, context_json(values))

    def outcomes(self, values: Mapping[str, Any]) -> list[str]:
        """Three-valued, from the strict and the lenient table together."""
        if self._lenient is None:
            self._lenient = self._engine.create_decision(
                json.dumps(decision_table(self._products, lenient=True))
            )
        context = context_json(values)
        passed = set(self._rows(self._strict, context))
        possible = set(self._rows(self._lenient, context))
        return [
            PASS if i in passed else UNKNOWN if i in possible else FAIL
            for i in range(len(self._products))
        ]
