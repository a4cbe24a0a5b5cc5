"""Criteria written out in one line, for notes and warnings a reviewer reads."""

from __future__ import annotations

from decimal import Decimal


def _value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def describe(node: dict) -> str:
    """``tax_paid_12m >= 10000``, ``not (industry_code prefix [K, J])``, ``any of (…)``."""
    if "not" in node:
        return f"not ({describe(node['not'])})"
    for group in ("all", "any"):
        if group in node:
            return f"{group} of (" + "; ".join(describe(n) for n in node[group]) + ")"
    return f"{node['field']} {node['op']} {_value(node['value'])}"
