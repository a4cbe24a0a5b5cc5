"""Parsed criteria as comparable shapes, shared by the parser and catalog tests."""

from __future__ import annotations

from decimal import Decimal

from product_catalog.parser import parse_sheet


def norm(value):
    """Numbers compared by value (2 == 2.0 == Decimal('2')), lists as tuples."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    if isinstance(value, list):
        return tuple(norm(v) for v in value)
    return value


def shape(node):
    """A criterion without its source, as (field, op, value); groups as dicts."""
    if "field" in node:
        return (node["field"], node["op"], norm(node["value"]))
    if "not" in node:
        return {"not": shape(node["not"])}
    group = "all" if "all" in node else "any"
    return {group: [shape(n) for n in node[group]]}


def read(clause: str, bank: str = "中国银行"):
    """The criteria and unparsed clauses of a one-clause sheet."""
    sheet = parse_sheet(f"银行: {bank}\n产品: 测试贷\n申请条件:\n1. {clause}\n", stem="t")
    return [shape(n) for n in sheet.rule_file["eligibility"]["all"]], sheet.rule_file.get(
        "unparsed", []
    )


def c(field, op, value):
    return (field, op, norm(value))


def leaves(node):
    """Every criterion of a parsed eligibility tree, depth first."""
    if "field" in node:
        yield node
    elif "not" in node:
        yield from leaves(node["not"])
    else:
        for child in node.get("all", node.get("any", [])):
            yield from leaves(child)
