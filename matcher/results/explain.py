"""Why a product passed, failed or could not be decided — in words a loan
officer and an enterprise owner both read ("成立年限需满2年，当前1年7个月").

The walk follows the reference semantics of ``condition`` but keeps every
criterion's outcome, with negations pushed down so that each line reads as a
positive requirement ("行业不得属于房地产业、金融业" rather than "not: 行业属于…").
The sentences themselves are ``wording``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..rulefile.condition import FAIL, PASS, UNKNOWN, Criterion, Node, combine
from ..rulefile.operators import OPS
from ..vocabulary.fields import SOURCES_OF
from ..vocabulary.plain import plain
from . import sentences as W
from . import values as V


@dataclass(frozen=True, init=False)
class CriterionOutcome:
    criterion: Criterion
    op: str  # as shown: negation already applied
    outcome: str
    actual: Any
    relevant: bool = True  # False when another branch of an ``any`` decided

    def __init__(
        self, criterion: Criterion, op: str, outcome: str, actual: Any, relevant: bool = True
    ):
        # A frozen dataclass's own __init__ sets each field through object.__setattr__,
        # twice as slow; a match explains hundreds of criteria.
        self.__dict__.update(
            criterion=criterion, op=op, outcome=outcome, actual=actual, relevant=relevant
        )

    def to_dict(self, lang: str | None = None, values: Mapping[str, Any] | None = None) -> dict:
        return self.row(lang, plain(self.actual), self.said(values, lang))

    def said(self, values: Mapping[str, Any] | None, lang: str | None) -> Any:
        """The row's message: both languages, or the one asked for."""
        said = self.__dict__.get("_message")  # a near miss lists a failure twice
        if said is None or said[0] is not values:
            said = self.__dict__["_message"] = (values, *message(self, values or {}))
        return in_lang(said[1], said[2], lang)

    def row(self, lang: str | None, actual: Any, said: Any) -> dict:
        """The row as a document lists it, around its value and message."""
        c = self.criterion
        out = {
            "field": c.field,
            "op": self.op,
            "expected": _expected(c),
            "actual": actual,
            "outcome": self.outcome,
            "message": said,
        }
        if c.label:
            out["label"] = c.label if lang is None else c.label.get(lang, c.label.get("zh"))
        if c.source:
            out["source"] = c.source
        return out


def _expected(c: Criterion) -> Any:
    cached = c.__dict__.get("_expected_json")
    if cached is None:  # the bound as JSON, once per criterion (frozen: bypass setattr)
        cached = c.__dict__["_expected_json"] = plain(c.value)
    return cached


def _negated(node: Criterion) -> tuple[Criterion, str, bool]:
    """How a criterion under ``not`` is shown: (criterion, operator, whether its
    outcome flips); once per criterion (frozen: cached past setattr)."""
    shown = node.__dict__.get("_negated")
    if shown is None:
        if node.op == "exists":  # "not stated" is itself the requirement
            shown = (
                Criterion(
                    node.field, "exists", not node.value, node.label, node.source, node.location
                ),
                "exists",
                False,
            )
        else:
            shown = (node, OPS[node.op].shown_negated, True)
        node.__dict__["_negated"] = shown
    return shown


def walk(
    node: Node, values: Mapping[str, Any], out: list[CriterionOutcome], negated: bool = False
) -> str:
    rows: list[list] = []
    result = trace(node, values, rows, negated)
    out.extend([CriterionOutcome(*row) for row in rows])
    return result


def trace(node: Node, values: Mapping[str, Any], rows: list[list], negated: bool = False) -> str:
    """``walk`` with each outcome as a row ``[criterion, op, outcome, actual, relevant]``:
    a result lists only the criteria that did not pass, and need not make the rest."""
    if isinstance(node, Criterion):
        if negated:
            node, op, flip = _negated(node)
        else:
            op, flip = node.op, False
        outcome = node.outcome(values)
        if flip and outcome != UNKNOWN:
            outcome = PASS if outcome == FAIL else FAIL
        rows.append([node, op, outcome, values.get(node.field), True])
        return outcome
    if node.kind == "not":
        return trace(node.children[0], values, rows, not negated)
    conjunctive = (node.kind == "all") != negated
    start = len(rows)
    outcomes = []
    for child in node.children:
        outcomes.append(trace(child, values, rows, negated))
    result = combine("all" if conjunctive else "any", outcomes)
    if result == (FAIL if conjunctive else PASS):  # decided here: the others did not matter
        for row in rows[start:]:
            if row[2] != result:
                row[4] = False
    return result


def unpassed_of(rows: list[list]) -> list[list]:
    """The rows of a ``trace`` that did not pass and decide the answer."""
    return [row for row in rows if row[2] != PASS and row[4]]


def unpassed_rows(
    node: Node, values: Mapping[str, Any], known: Sequence[str] | None = None
) -> list[list]:
    """The relevant rows of ``trace`` that did not pass, without making the others.

    A product's eligibility is nearly always ``all`` of a dozen criteria, most of
    which pass: a criterion at the top that passes has no row to give, and a group
    that passes has no relevant one (an ``any`` that passed makes its failures
    irrelevant, an ``all`` that passed has none), so only the top-level parts that
    did not pass are traced. When the whole fails, its undecided rows stop mattering,
    exactly as ``trace`` marks them. ``known``: the top-level parts' outcomes when
    the caller has them already (the catalog's triage)."""
    if isinstance(node, Criterion) or node.kind != "all":
        rows: list[list] = []
        trace(node, values, rows)
        return unpassed_of(rows)
    children = node.children
    # With the outcomes known, only the few parts that did not pass are visited.
    visit = (
        range(len(children))
        if known is None
        else [number for number, outcome in enumerate(known) if outcome != PASS]
    )
    kept: list[list] = []
    failed = False
    for number in visit:
        child = children[number]
        if isinstance(child, Criterion):
            outcome = child.outcome(values) if known is None else known[number]
            if outcome != PASS:
                kept.append([child, child.op, outcome, values.get(child.field), True])
        else:
            rows = []
            outcome = trace(child, values, rows)
            if outcome != PASS:
                kept.extend(unpassed_of(rows))
        failed = failed or outcome == FAIL
    # When the ``all`` failed, its undecided rows stop mattering.
    return [row for row in kept if row[2] == FAIL] if failed else kept


def missing_fields(outcomes: list[CriterionOutcome]) -> list[str]:
    """Posted fields that would decide the answer, in the order the rules use them."""
    names: dict[str, None] = {}
    for o in outcomes:
        if o.outcome == UNKNOWN and o.relevant:
            for name in SOURCES_OF.get(o.criterion.field, (o.criterion.field,)):
                names[name] = None
    return list(names)


# --- words: the sentences themselves are ``wording``'s table ---------------------------


@lru_cache(maxsize=65536)
def requirement(name: str, shown: str, value: Any, label: tuple) -> tuple[str, str]:
    """What a criterion asks for, in zh and en (a bank's own label wins); the same for
    every profile, so cached."""
    labels = dict(label)
    zh, en = W.requirement(name, shown, value)
    return labels.get("zh", zh), labels.get("en", en)


def _actual_text(name: str, value: Any, months: Any, lang: str, rule: Any = None) -> str:
    if name == "years_in_business" and months is not None:
        return V.months_text(months, lang)
    return V.value_text(name, value, lang, actual=True, rule=rule)


def _texts(c: Criterion, shown: str) -> tuple[str, str, str, str]:
    """The requirement in zh and en, and the message when unknown, for a criterion
    as shown: the same for every profile, so kept on the criterion (frozen: past
    setattr; at most two, the criterion and its negation)."""
    texts = c.__dict__.get("_texts")
    if texts is None:
        texts = c.__dict__["_texts"] = {}
    found = texts.get(shown)
    if found is None:
        label = tuple(sorted(c.label.items())) if c.label else ()
        required = requirement(c.field, shown, c.value, label)
        unknown = W.undecided(
            c.field, shown, c.value, required, SOURCES_OF.get(c.field, (c.field,)), bool(label)
        )
        found = texts[shown] = (*required, *unknown)
    return found


def required_text(c: Criterion, shown: str) -> tuple[str, str]:
    """What a criterion (as shown) asks for, standing alone, in zh and en."""
    return _texts(c, shown)[:2]


def message(o: CriterionOutcome, values: Mapping[str, Any]) -> tuple[str, str]:
    return sentence(o.criterion, o.op, o.outcome, o.actual, values)


def in_lang(zh: str, en: str, lang: str | None) -> Any:
    """A message as a row holds it: both languages, or the one asked for."""
    return {"zh": zh, "en": en} if lang is None else (zh if lang == "zh" else en)


def sentence(
    c: Criterion, op: str, outcome: str, actual: Any, values: Mapping[str, Any]
) -> tuple[str, str]:
    """A row's message in zh and en (its criterion as shown, its outcome and value)."""
    zh_req, en_req, zh_unknown, en_unknown = _texts(c, op)
    if outcome == UNKNOWN:
        return zh_unknown, en_unknown
    months = values.get("months_in_business") if c.field == "years_in_business" else None
    if isinstance(actual, list):
        actual = tuple(actual)
    return _said(
        c.field, op, c.value, bool(c.label), zh_req, en_req, outcome == PASS, actual, months
    )


@lru_cache(maxsize=65536, typed=True)
def _said(
    name: str,
    op: str,
    value: Any,
    labelled: bool,
    zh_req: str,
    en_req: str,
    passed: bool,
    actual: Any,
    months: Any,
) -> tuple[str, str]:
    """A passed or failed criterion's sentence: the same for every firm with the same
    value, so cached."""
    if isinstance(actual, tuple):
        actual_zh = V.value_text(name, actual, "zh", actual=True)
        actual_en = V.value_text(name, actual, "en", actual=True)
    else:
        actual_zh = _actual_text(name, actual, months, "zh", value)
        actual_en = _actual_text(name, actual, months, "en", value)
    if passed:
        if labelled:
            return W.labelled_met((zh_req, en_req), name, op, value, actual_zh, actual_en)
        return W.met(name, op, value, actual, actual_zh, actual_en)
    return W.unmet(name, op, value, (zh_req, en_req), actual, actual_zh, actual_en, labelled)
