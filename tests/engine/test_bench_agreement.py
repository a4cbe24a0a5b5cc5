"""The four evaluators of ``bench/compare.py`` give the same answers.

A benchmark comparing loanmatch with numpy and zen-engine means something only if
all of them decide the same thing. So: a small synthetic catalog and hand-built
edge cases (every operator, values exactly on the bounds, missing fields, nested
not/any, a vocabulary over 64 values), and for every profile and product, the
eligible products of durable_rules (through ``Catalog.match``), numpy and zen are
exactly those the plain-Python reference says PASS; numpy and zen agree with it
three-valued, and ``Catalog.match`` agrees in its counts. Random trees (the
strategies of ``test_engine_differential``) check numpy and zen three-valued too.
Differential, not timed.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bench.compare import disagreements
from bench.evaluators.numpy_eval import NumpyCatalog
from bench.evaluators.python_eval import ReferenceEvaluator
from bench.evaluators.zen_eval import ZenCatalog
from matcher.catalog import Catalog
from matcher.rulefile.condition import FAIL, PASS, UNKNOWN
from matcher.vocabulary.profile import load_profile
from product_catalog.synth import AS_OF, synth_profiles
from tests.support.edge_cases import (
    _ON_BOUNDS,
    EDGE_PRODUCTS,
    EDGE_PROFILES,
    _synth_products,
    sparse_profiles,
)
from tests.support.products import product
from tests.support.random_trees import trees, valid_products


def _check_agreement(products, raw_profiles) -> dict[str, int]:
    """Assert the four evaluators agree for every profile; the reference's outcome counts."""
    reference = ReferenceEvaluator(products)
    vectorised = NumpyCatalog(products)
    table = ZenCatalog(products)
    catalog = Catalog(products, "agreement-test")
    index = {p.id: i for i, p in enumerate(products)}
    seen = {PASS: 0, FAIL: 0, UNKNOWN: 0}
    for number, raw in enumerate(raw_profiles):
        profile = load_profile(raw, as_of=AS_OF)
        expected = reference.outcomes(profile.values)
        passed = [i for i, outcome in enumerate(expected) if outcome == PASS]
        for outcome in expected:
            seen[outcome] += 1
        where = f"profile {number}: {raw}"
        assert vectorised.outcomes(profile.values) == expected, where
        assert vectorised.eligible(profile.values).tolist() == passed, where
        assert table.outcomes(profile.values) == expected, where
        assert sorted(table.eligible(profile.values)) == passed, where
        doc = catalog.match(profile, as_of=AS_OF).to_dict()
        assert sorted(index[m["product_id"]] for m in doc["matches"]) == passed, where
        summary = doc["summary"]
        assert (summary["eligible"], summary["incomplete"], summary["ineligible"]) == (
            expected.count(PASS),
            expected.count(UNKNOWN),
            expected.count(FAIL),
        ), where
        assert all(expected[index[r["product_id"]]] == UNKNOWN for r in doc["incomplete"]), where
    return seen


def test_synthetic_catalog_all_four_agree():
    products = _synth_products(200, seed=7)
    profiles = synth_profiles(30, seed=8)
    profiles += [
        {
            k: v
            for k, v in p.items()
            if k not in ("tax_credit_rating", "legal_rep_age", "tax_paid_12m", "bank_relationships")
        }
        for p in profiles[:5]
    ]  # the common criteria unknown
    seen = _check_agreement(products, profiles)
    assert min(seen.values()) > 0, seen  # all three outcomes were exercised


def test_edge_cases_all_four_agree():
    products = [product(tree, pid=pid) for pid, tree in EDGE_PRODUCTS.items()]
    seen = _check_agreement(products, EDGE_PROFILES)
    assert min(seen.values()) > 0, seen


def test_bounds_decide_as_written():
    """One anchor besides agreement: on-bound values pass inclusive tests, fail strict ones."""
    products = [product(EDGE_PRODUCTS[pid], pid=pid) for pid in ("ge", "gt", "between", "months")]
    profile = load_profile(_ON_BOUNDS, as_of=AS_OF)
    assert profile.values["months_in_business"] == 24  # established exactly 24 months before
    for evaluator in (ReferenceEvaluator, NumpyCatalog, ZenCatalog):
        assert evaluator(products).outcomes(profile.values) == [PASS, FAIL, PASS, PASS], evaluator


@pytest.mark.parametrize(
    "tamper, what",
    [
        (lambda v: {"outcomes": v["outcomes"], "eligible": [0]}, "eligible but not PASS"),
        (lambda v: {"outcomes": v["outcomes"].replace("U", "F")}, "reference U, got F"),
        (
            lambda v: {
                **v,
                "summary": {"eligible": 99},
                "listed_incomplete": [],
                "listed_near": [],
            },
            "summary",
        ),
    ],
)
def test_compare_reports_a_disagreement(tamper, what):
    reference = {"verdicts": [{"outcomes": "FUPF"}]}
    assert disagreements(reference, {"verdicts": [{"outcomes": "FUPF"}]}) == []
    tampered = {"verdicts": [tamper({"outcomes": "FUPF"})]}
    problems = disagreements(reference, tampered)
    assert len(problems) == 1 and what in problems[0], problems


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(trees, min_size=1, max_size=40), st.lists(sparse_profiles, min_size=1, max_size=6))
def test_random_trees_numpy_and_zen_agree_three_valued(tree_list, profile_list):
    """Random all/any/not trees, every operator, values on the bounds, fields missing."""
    products = valid_products(tree_list)
    assume(products)
    reference, vectorised = ReferenceEvaluator(products), NumpyCatalog(products)
    table = ZenCatalog(products)
    for values in profile_list:
        expected = reference.outcomes(values)
        assert vectorised.outcomes(values) == expected, values
        assert table.outcomes(values) == expected, values
        assert sorted(table.eligible(values)) == [i for i, o in enumerate(expected) if o == PASS]
