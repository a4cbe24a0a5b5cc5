"""A product's eligibility rules in words, for ``GET /v1/products/{id}``.

The wording is ``matcher.results.explain``'s, so a criterion reads the same in the product
page as in a match explanation. Negations are pushed down (De Morgan), as the
explainer does, so every line reads as a positive requirement: ``not: industry
prefix [K, J]`` is shown as "行业不得属于房地产业、金融业", not "not: 行业属于…".
"""

from __future__ import annotations

from typing import Any

from matcher.results.explain import CriterionOutcome, required_text, walk
from matcher.rulefile.condition import Criterion, Group, Node
from matcher.vocabulary.plain import plain

GROUP_TEXT = {
    "all": {"zh": "同时满足以下全部条件", "en": "all of the following"},
    "any": {"zh": "满足以下任一条件", "en": "any of the following"},
}


def requirement(criterion: Criterion, negated: bool = False) -> tuple[str, Criterion, dict]:
    """(the operator as shown, the criterion as shown, ``{zh, en}`` requirement text):
    the explanations' own requirement, as a match says it before what the firm has."""
    shown: list[CriterionOutcome] = []
    walk(criterion, {}, shown, negated)
    outcome = shown[0]
    zh, en = required_text(outcome.criterion, outcome.op)
    return outcome.op, outcome.criterion, {"zh": zh, "en": en}


def render(node: Node, lang: str | None = None, negated: bool = False) -> dict[str, Any]:
    """The tree as ``{kind, text, children}`` / ``{kind: criterion, field, op, value, text}``."""
    if isinstance(node, Group) and node.kind == "not":
        return render(node.children[0], lang, not negated)
    if isinstance(node, Group):
        kind = node.kind if not negated else ("any" if node.kind == "all" else "all")
        return {
            "kind": kind,
            "text": _pick(GROUP_TEXT[kind], lang),
            "children": [render(child, lang, negated) for child in node.children],
        }
    op, shown, text = requirement(node, negated)
    out: dict[str, Any] = {
        "kind": "criterion",
        "field": shown.field,
        "op": op,
        "value": plain(shown.value),
        "text": _pick(text, lang),
    }
    if shown.label:
        out["label"] = _pick({"zh": shown.label.get("zh"), "en": shown.label.get("en")}, lang)
    if shown.source:
        out["source"] = shown.source
    return out


def _pick(text: dict, lang: str | None):
    if lang is None:
        return {"zh": text["zh"] or text["en"], "en": text["en"] or text["zh"]}
    return text.get(lang) or text.get("zh")
