"""One criterion per measure: duplicates joined, a floor and a ceiling made a range.

Sheets repeat themselves (借款人无当前逾期，企业无当前逾期) and split a range over
two clauses (年满18周岁 … 不超过65周岁).  Reviewers should see one criterion per
fact, with every clause it came from in ``source``; a lower and an upper bound
on one field become ``between`` when both include their end.  Two floors on one
field keep the stricter.  Only top-level criteria are merged: inside ``any`` or
``not`` a bound means something else.
"""

from __future__ import annotations

import json
from decimal import Decimal

from matcher.vocabulary.fields import FIELDS

_LOWER = (">=", ">")
_UPPER = ("<=", "<")
SOURCE_JOIN = "；"


def _key(node: dict) -> str:
    return json.dumps([node["field"], node["op"], node["value"]], default=str, ensure_ascii=False)


def _join_sources(nodes: list[dict]) -> str | None:
    sources = list(dict.fromkeys(n["source"] for n in nodes if n.get("source")))
    return SOURCE_JOIN.join(sources) if sources else None


def _with_source(node: dict, nodes: list[dict]) -> dict:
    source = _join_sources(nodes)
    node = {k: v for k, v in node.items() if k != "source"}
    if source:
        node["source"] = source
    return node


def _stricter(a, b, lower: bool):
    """Of two (value, inclusive) ends, the one that admits less."""
    if a is None:
        return b
    if a[0] != b[0]:
        return (max if lower else min)(a, b, key=lambda end: end[0])
    return a if not a[1] else b


def _bounds(node: dict):
    op, value = node["op"], node["value"]
    if op == "between":
        return (value[0], True), (value[1], True)
    if op in _LOWER:
        return (value, op == ">="), None
    return None, (value, op == "<=")


def merge_criteria(nodes: list[dict]) -> tuple[list[dict], list[str]]:
    """``nodes`` with duplicates and split ranges merged, and warnings on contradictions."""
    warnings: list[str] = []
    leaves = [n for n in nodes if "field" in n]
    groups: dict[str, list[dict]] = {}
    for n in leaves:
        groups.setdefault(_key(n), []).append(n)
    ranged: dict[str, list[dict]] = {}
    for n in leaves:
        if (
            n["op"] in _LOWER + _UPPER + ("between",)
            and n["field"] in FIELDS
            and FIELDS[n["field"]].numeric
            and groups[_key(n)][0] is n
        ):
            ranged.setdefault(n["field"], []).append(n)

    out: list[dict] = []
    done: set[int] = set()
    for n in nodes:
        if id(n) in done:
            continue
        if "field" not in n:
            out.append(n)
            continue
        if n["field"] in ranged and len(ranged[n["field"]]) > 1:
            members = ranged.pop(n["field"])
            same = [m for member in members for m in groups[_key(member)]]
            done.update(id(m) for m in same)
            out.extend(_merge_range(n["field"], members, same, warnings))
            continue
        same = groups[_key(n)]
        done.update(id(m) for m in same)
        out.append(_with_source(n, same))
    return out, warnings


def _merge_range(
    field: str, members: list[dict], same: list[dict], warnings: list[str]
) -> list[dict]:
    low = high = None
    for m in members:
        lo, hi = _bounds(m)
        if lo is not None:
            low = _stricter(low, lo, lower=True)
        if hi is not None:
            high = _stricter(high, hi, lower=False)
    if low and high and Decimal(str(low[0])) > Decimal(str(high[0])):
        warnings.append(
            f"{field}: the sheet's bounds contradict each other "
            f"(at least {low[0]}, at most {high[0]})"
        )
    if low and high and low[1] and high[1]:
        return [_with_source({"field": field, "op": "between", "value": [low[0], high[0]]}, same)]
    out = []
    if low:
        out.append(
            _with_source({"field": field, "op": ">=" if low[1] else ">", "value": low[0]}, same)
        )
    if high:
        out.append(
            _with_source({"field": field, "op": "<=" if high[1] else "<", "value": high[0]}, same)
        )
    return out
