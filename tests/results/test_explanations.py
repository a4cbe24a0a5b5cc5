"""Explanations: every criterion's outcome and relevance, as the plain recursive walk
defines them, whether a result makes all outcomes or only those that did not pass."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings

from matcher.catalog import Catalog
from matcher.results.explain import CriterionOutcome, walk
from matcher.results.result import INCOMPLETE, INELIGIBLE, EligibilityResult
from matcher.rulefile.condition import FAIL, PASS, UNKNOWN, Criterion, combine, evaluate
from tests.support.products import product
from tests.support.random_trees import _valid_product, profiles, trees

NEGATION = {
    "==": "!=",
    "!=": "==",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
    "in": "not_in",
    "not_in": "in",
    "between": "not_between",
    "prefix": "not_prefix",
    "contains": "not_contains",
    "exists": "exists",
}


def reference(node, values, out, negated=False):
    """The walk as the explain module describes it, one outcome object at a time."""
    if isinstance(node, Criterion):
        shown, op = node, node.op
        if negated:
            op = NEGATION[node.op]
            if node.op == "exists":
                shown = Criterion(node.field, "exists", not node.value, node.label, node.source)
        outcome = shown.outcome(values)
        if negated and node.op != "exists" and outcome != UNKNOWN:
            outcome = PASS if outcome == FAIL else FAIL
        out.append([shown, op, outcome, values.get(node.field), True])
        return outcome
    if node.kind == "not":
        return reference(node.children[0], values, out, not negated)
    conjunctive = (node.kind == "all") != negated
    start = len(out)
    result = combine(
        "all" if conjunctive else "any",
        [reference(child, values, out, negated) for child in node.children],
    )
    if result == (FAIL if conjunctive else PASS):
        for row in out[start:]:
            row[4] = row[4] and row[2] == result
    return result


def plain_outcomes(outcomes):
    return [(o.criterion, o.op, o.outcome, o.actual, o.relevant) for o in outcomes]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees, profiles())
def test_walk_and_the_results_lists_equal_the_reference(tree, values):
    built = _valid_product(tree, 0)
    if built is None:
        return
    expected: list = []
    result = reference(built.eligibility, values, expected)
    got: list[CriterionOutcome] = []
    assert walk(built.eligibility, values, got) == result == evaluate(built.eligibility, values)
    assert plain_outcomes(got) == [tuple(row) for row in expected]
    status = {PASS: "eligible", FAIL: INELIGIBLE, UNKNOWN: INCOMPLETE}[result]
    lazy = EligibilityResult(built, status, values=values)
    full = EligibilityResult(built, status, list(got))
    unpassed = [o for o in got if o.outcome != PASS and o.relevant]
    assert plain_outcomes(lazy.unpassed) == plain_outcomes(unpassed)
    assert plain_outcomes(lazy.failed) == plain_outcomes(full.failed)
    assert lazy.missing_fields == full.missing_fields
    for explain in ("none", "failed", "all"):
        for lang in (None, "en"):
            fresh = EligibilityResult(built, status, values=values)
            assert fresh.to_dict(values, explain, lang) == full.to_dict(values, explain, lang)
    assert plain_outcomes(lazy.outcomes) == plain_outcomes(got)


def test_a_message_follows_the_profile_it_is_asked_for():
    p = product({"all": [{"field": "years_in_business", "op": ">=", "value": 2}]}, pid="jyk")
    near = (
        Catalog([p], "v")
        .match({"established_on": "2025-04-20"}, as_of=date(2026, 12, 1))
        .near_misses[0]
    )
    (failed,) = near.failed
    assert failed.to_dict("zh", near.values)["message"] == "成立年限需满2年，当前1年7个月"
    other = {**near.values, "months_in_business": 23}
    assert failed.to_dict("zh", other)["message"] == "成立年限需满2年，当前1年11个月"
    assert failed.to_dict("zh", near.values)["message"] == "成立年限需满2年，当前1年7个月"


def test_near_miss_entries_list_each_failure_in_failed_and_criteria_alike():
    p = product(
        {
            "all": [
                {"field": "tax_paid_12m", "op": ">=", "value": 100},
                {"field": "employees", "op": ">=", "value": 5},
            ]
        },
        pid="two",
    )
    doc = (
        Catalog([p], "v")
        .match({"tax_paid_12m": 10, "employees": 9}, as_of=date(2026, 12, 1))
        .to_dict()
    )
    (near,) = doc["near_misses"]
    assert near["failed"] == near["criteria"] and near["failed"][0] is not near["criteria"][0]
    assert near["failed"][0]["message"] is not near["criteria"][0]["message"]
