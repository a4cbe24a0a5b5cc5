"""``Triage.failures`` counts exactly what Kleene logic says fails, per product.

The triage decides which products are near misses and which are ruled out, and it
counts with bitsets over vectorised outcomes — far from the plain meaning. So the
plain meaning is the oracle: for every product, the top-level nodes whose
``matcher.rulefile.condition`` outcome is FAIL, counted, and those of them on FIXED_FIELDS
only. Hand-built cases (every operator, values on the bounds and beyond float
precision, missing fields, repeated and shared conditions, more than 64 distinct
conditions, no products at all) and random trees over random sparse profiles (the
strategies of ``test_engine_differential`` and ``test_bench_agreement``).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from matcher.engine.triage import FIXED_FIELDS, Triage
from matcher.rulefile.condition import FAIL, UNKNOWN, evaluate, fields_used, top_level
from matcher.vocabulary.profile import load_profile
from product_catalog.synth import AS_OF, synth_profiles
from tests.support.edge_cases import (
    EDGE_PRODUCTS,
    EDGE_PROFILES,
    MANY_CITIES,
    _synth_products,
    crit,
    sparse_profiles,
)
from tests.support.products import product
from tests.support.random_trees import trees, valid_products


def expected_failures(products, values) -> tuple[list[int], list[int]]:
    """The oracle: per product, failing top-level nodes, and failing ones on fixed fields."""
    failing, fixed = [], []
    for p in products:
        failed = [node for node in top_level(p.eligibility) if evaluate(node, values) == FAIL]
        failing.append(len(failed))
        fixed.append(sum(1 for node in failed if fields_used(node) <= FIXED_FIELDS))
    return failing, fixed


def assert_triage_agrees(products, values_list) -> tuple[int, int, int]:
    """Assert equality for every profile; (failing, fixed failing, unknown) nodes seen."""
    triage = Triage(products)
    seen = [0, 0, 0]
    for values in values_list:
        failing, fixed = triage.failures(values)
        again, fixed_again, undecided = triage.counts(values)
        assert again.tolist() == failing.tolist() and fixed_again.tolist() == fixed.tolist()
        assert undecided.tolist() == [
            any(evaluate(node, values) == UNKNOWN for node in top_level(p.eligibility))
            for p in products
        ], values
        assert failing.dtype.kind == fixed.dtype.kind == "i"
        assert failing.shape == fixed.shape == (len(products),)
        want_failing, want_fixed = expected_failures(products, values)
        assert failing.tolist() == want_failing, values
        assert fixed.tolist() == want_fixed, values
        codes = triage.screen(values)[3]
        expected = [[evaluate(node, values) for node in top_level(p.eligibility)] for p in products]
        assert triage.top_outcomes(codes, range(len(products))) == expected
        some = list(range(len(products) - 1, -1, -2))  # any products, in any order
        assert triage.top_outcomes(codes, some) == [expected[n] for n in some]
        assert triage.top_outcomes(codes, []) == []
        seen[0] += sum(want_failing)
        seen[1] += sum(want_fixed)
        seen[2] += sum(
            evaluate(node, values) == UNKNOWN for p in products for node in top_level(p.eligibility)
        )
    return tuple(seen)


def loaded(raw_profiles):
    return [load_profile(raw, as_of=AS_OF).values for raw in raw_profiles]


def test_edge_products_one_by_one_and_all_together():
    """Each edge case as a product (a single criterion, or a root not/any), and all of
    them as the top-level conditions of one product, twice over (repeats count twice)."""
    single = [product(tree, pid=pid) for pid, tree in EDGE_PRODUCTS.items()]
    together = [
        product({"all": list(EDGE_PRODUCTS.values())}, pid="together"),
        product({"all": list(EDGE_PRODUCTS.values()) * 2}, pid="twice"),
    ]
    seen = assert_triage_agrees(single + together, loaded(EDGE_PROFILES))
    assert min(seen) > 0, seen  # failures, fixed failures and unknowns were all exercised


def test_synthetic_catalog():
    products = _synth_products(300, seed=11)
    raws = synth_profiles(20, seed=12)
    raws += [
        {
            k: v
            for k, v in raw.items()
            if k not in ("region_code", "tax_credit_rating", "bank_relationships", "legal_rep_age")
        }
        for raw in raws[:4]
    ]
    seen = assert_triage_agrees(products, loaded(raws))
    assert min(seen) > 0, seen


def test_more_than_64_distinct_conditions_of_both_kinds():
    """Fixed and changeable conditions each spill over several 64-bit words."""
    products = []
    for n, city in enumerate(MANY_CITIES):
        products.append(
            product(
                {
                    "all": [
                        crit("city_code", "==", city),  # fixed, a different one per product
                        crit(
                            "tax_paid_12m", ">=", 1000 * n
                        ),  # changeable, a different one per product
                        crit("overdue_current", "==", False),  # shared by all
                        crit(
                            "city_code", "not_in", MANY_CITIES[n : n + 70]
                        ),  # fixed, over two words
                    ]
                },
                pid=f"p{n}",
            )
        )
    raws = [
        {"region_code": "110501", "tax_paid_12m": 40000, "overdue_current": True},
        {"region_code": "130203", "tax_paid_12m": 79000},
        {"region_code": "117901", "overdue_current": False},
    ]
    triage = Triage(products)
    assert triage.distinct_conditions == 3 * len(MANY_CITIES) + 1
    seen = assert_triage_agrees(products, loaded(raws))
    assert min(seen) > 0, seen


def test_exact_beyond_float_precision():
    """Numbers compare as Python compares them, not as float64 would."""
    products = [
        product(crit("tax_paid_12m", ">=", "999999999999999.99"), pid="fen"),
        product(crit("debt_ratio", "<=", "0.8"), pid="ratio"),
        product(crit("debt_ratio", "in", ["0.8", "0.5"]), pid="ratio-in"),
        product(crit("revenue_growth", "!=", "0.1"), pid="growth"),
    ]
    values = loaded(
        [
            {
                "tax_paid_12m": "999999999999999.98",
                "debt_ratio": "0.8000000000000000001",
                "revenue_growth": "0.10000000000000000001",
            }
        ]
    )[0]
    assert Triage(products).failures(values)[0].tolist() == [1, 1, 1, 0]
    # A float in a dict built by hand: 0.8 as a float is a little above 0.8.
    assert Triage(products).failures({"debt_ratio": 0.8})[0].tolist() == [0, 1, 1, 0]
    assert_triage_agrees(products, [values, {"debt_ratio": 0.8, "revenue_growth": Decimal("0.1")}])


def test_shared_conditions_are_tested_once():
    a, b = crit("overdue_current", "==", False), crit("region_code", "prefix", ["13"])
    products = [
        product(a, pid="a"),
        product({"all": [a, b]}, pid="ab"),
        product({"all": [b, {"any": [a]}]}, pid="b-any-a"),
    ]
    assert Triage(products).distinct_conditions == 2
    assert_triage_agrees(products, [{"overdue_current": True, "region_code": "510104"}, {}])


def test_no_products():
    failing, fixed = Triage([]).failures({"region_code": "130203"})
    assert failing.shape == fixed.shape == (0,)
    assert failing.dtype.kind == fixed.dtype.kind == "i"


# Catalogs share conditions across products and a product may repeat one: products
# here are lists of nodes drawn, with repeats, from one small pool.
@st.composite
def shared_catalogs(draw):
    pool = draw(st.lists(trees, min_size=1, max_size=12))
    picks = draw(
        st.lists(
            st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=6), min_size=1, max_size=20
        )
    )
    return [{"all": [pool[i] for i in pick]} if len(pick) > 1 else pool[pick[0]] for pick in picks]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(trees, min_size=1, max_size=40), st.lists(sparse_profiles, min_size=1, max_size=6))
def test_random_trees(tree_list, profile_list):
    products = valid_products(tree_list)
    assume(products)
    assert_triage_agrees(products, profile_list)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(shared_catalogs(), st.lists(sparse_profiles, min_size=1, max_size=6))
def test_random_shared_and_repeated_conditions(tree_list, profile_list):
    products = valid_products(tree_list)
    assume(products)
    assert_triage_agrees(products, profile_list)


def test_anchors():
    """Besides agreement: UNKNOWN is no failure, and only region or trade is fixed."""
    products = [
        product({"all": [crit("legal_rep_age", ">=", 18), crit("region_code", "==", "130203")]})
    ]
    failing, fixed = Triage(products).failures({"region_code": "510104"})
    assert (failing.tolist(), fixed.tolist()) == ([1], [1])
    failing, fixed = Triage(products).failures({"region_code": "130203", "legal_rep_age": 17})
    assert (failing.tolist(), fixed.tolist()) == ([1], [0])
    assert np.array_equal(Triage(products).failures({})[0], [0])
