"""The oracle: durable_rules' decision equals the plain-Python reference.

Random rule trees (all/any/not, every operator) over random profiles with
missing fields and values sitting exactly on the bounds. A product is
eligible by durable_rules exactly when the reference evaluates it to PASS.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from matcher.engine.compiler import compile_product
from matcher.engine.durable import Engine
from matcher.rulefile.condition import PASS, evaluate
from tests.support.random_trees import profiles, trees, valid_products


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(trees, min_size=1, max_size=90), st.lists(profiles(), min_size=1, max_size=6))
def test_durable_decision_equals_reference(tree_list, profile_list):
    products = valid_products(tree_list)
    assume(products)
    engine = Engine([compile_product(p.eligibility) for p in products])
    for values in profile_list:
        fired = engine.eligible(values)
        expected = {i for i, p in enumerate(products) if evaluate(p.eligibility, values) == PASS}
        assert fired == expected, (values, [products[i].eligibility for i in fired ^ expected])


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(trees, min_size=1, max_size=70), st.lists(profiles(), min_size=1, max_size=4))
def test_every_status_equals_the_reference(tree_list, profile_list):
    """The whole pipeline — region pre-filter, durable_rules, triage — against Kleene logic."""
    from matcher.catalog import Catalog
    from matcher.engine.triage import FIXED_FIELDS
    from matcher.rulefile.condition import FAIL, UNKNOWN, fields_used, top_level
    from matcher.vocabulary.profile import Profile

    products = valid_products(tree_list)
    assume(products)
    catalog = Catalog(products, "test")
    for values in profile_list:
        result = catalog.match(Profile(values, date(2026, 12, 1)), list_limit=None)
        statuses = {r.product.id: r.status for r in (*result.matches, *result.incomplete)}
        near = {r.product.id for r in result.near_misses}
        for p in catalog.products:
            outcome = evaluate(p.eligibility, values)
            expected = {PASS: "eligible", UNKNOWN: "incomplete", FAIL: "ineligible"}[outcome]
            assert statuses.get(p.id, "ineligible") == expected, (p.eligibility, values)
            failing = [n for n in top_level(p.eligibility) if n.outcome(values) == FAIL]
            is_near = 0 < len(failing) <= 2 and not any(
                fields_used(n) <= FIXED_FIELDS for n in failing
            )
            assert (p.id in near) == is_near, (p.eligibility, values)
        assert result.counts["eligible"] == len(result.matches)
        assert result.counts["products"] == len(products)
