"""One operator table: negation, the kinds each operator applies to and its wording are
stated once, and the reference evaluator, durable_rules' compiler, the vectorised
evaluator, the schema and the explanations all follow it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matcher.engine.compiler import compile_criterion
from matcher.results.explain import requirement
from matcher.results.wording import OPERATORS as WORDING
from matcher.rulefile.condition import FAIL, PASS, Criterion
from matcher.rulefile.operators import ALLOWED, NEGATION, OPERATORS, OPS
from matcher.rulefile.schema import schema
from matcher.vocabulary import fields as F

SAMPLES = {
    F.INTEGER: ("years_in_business", 3, [1, 3, 5]),
    F.ENUM: ("tax_credit_rating", "B", ["A", "B", "D"]),
    F.BOOLEAN: ("high_tech", True, [True, False]),
}


def value_for(op: str, value):
    return (
        (value, value + 2) if op == "between" else ((value,) if op in ("in", "not_in") else value)
    )


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_an_operator_and_its_negation_never_agree_on_a_known_value(kind):
    name, value, actuals = SAMPLES[kind]
    for op, negated in NEGATION.items():
        if op not in ALLOWED[kind]:
            continue
        assert NEGATION[negated] == op and negated in ALLOWED[kind]
        holds = Criterion(name, op, value_for(op, value))
        undone = Criterion(name, negated, value_for(negated, value))
        for actual in actuals:
            assert {holds.outcome({name: actual}), undone.outcome({name: actual})} == {PASS, FAIL}


def test_every_written_operator_applies_somewhere_compiles_and_is_worded():
    for op in OPERATORS:
        kinds = [k for k, allowed in ALLOWED.items() if op in allowed]
        assert kinds, op
        shown = OPS[OPS[op].shown_negated]
        assert shown.shown_negated == op or op == "exists"
        if op != "exists":
            for name in (op, shown.name):  # every operator shown has its sentences
                assert OPS[name].broken and OPS[name].held and name in WORDING
        numeric = F.NUMERIC_KINDS & set(kinds)
        if numeric and op not in ("exists",):
            criterion = Criterion("years_in_business", op, value_for(op, 3))
            assert compile_criterion(criterion) and compile_criterion(criterion, negated=True)
            zh, en = requirement("years_in_business", op, criterion.value, ())
            assert zh and en
    assert [o.name for o in OPS.values() if not o.kinds] == [
        "not_between",
        "not_prefix",
        "not_contains",
    ]


def test_the_interval_of_a_comparison_is_what_it_admits():
    bound = Decimal(3)
    for op in ("==", "<", "<=", ">", ">=", "between"):
        low, low_in, high, high_in = OPS[op].interval(value_for(op, bound))
        criterion = Criterion("years_in_business", op, value_for(op, bound))
        for actual in range(0, 8):
            inside = (low is None or actual > low or (low_in and actual == low)) and (
                high is None or actual < high or (high_in and actual == high)
            )
            assert inside == (criterion.outcome({"years_in_business": actual}) == PASS), (
                op,
                actual,
            )


def test_the_schema_offers_what_the_table_allows():
    criterion = schema()["$defs"]["criterion"]
    assert criterion["properties"]["op"]["enum"] == list(OPERATORS)
    by_field = {
        rule["if"]["properties"]["field"]["const"]: rule["then"]["properties"]["op"]["enum"]
        for rule in criterion["allOf"]
    }
    assert by_field == {
        name: sorted(ALLOWED[f.kind]) for name, f in F.FIELDS.items() if not f.personal
    }  # identity fields are not testable
