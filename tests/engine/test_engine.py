"""durable_rules within its limits: many simultaneous matches, threads, nothing left behind."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import durable_rules_engine

from matcher.catalog import Catalog
from matcher.engine.compiler import SHARD_WEIGHT, compile_product
from matcher.engine.durable import Engine
from matcher.engine.fact import FACT_SID
from tests.support.products import product


def _catalog(n, make):
    return Catalog([product(make(i), pid=f"p{i}") for i in range(n)], "test")


def test_3000_products_all_matching_one_profile_evaluate_without_error_303():
    # Every product's first condition is true at once: the case that breaks an
    # unsharded ruleset (more than 64 simultaneous alpha activations).
    catalog = _catalog(
        3000,
        lambda i: {
            "all": [
                {"field": "years_in_business", "op": ">=", "value": i % 3},
                {"field": "tax_credit_rating", "op": "in", "value": ["A", "B"]},
                {
                    "any": [
                        {"field": "high_tech", "op": "==", "value": True},
                        {"field": "overdue_current", "op": "==", "value": False},
                    ]
                },
            ]
        },
    )
    result = catalog.match(
        {
            "established_on": "2020-01-01",
            "tax_credit_rating": "A",
            "high_tech": True,
            "overdue_current": False,
        },
        as_of=__import__("datetime").date(2026, 12, 1),
    )
    assert result.counts["eligible"] == 3000
    assert len(result.matches) == 3000
    assert catalog.ruleset_count >= 3000 // SHARD_WEIGHT


def test_or_activations_are_counted_once():
    engine = Engine(
        [
            compile_product(
                product(
                    {
                        "any": [
                            {"field": "high_tech", "op": "==", "value": True},
                            {"field": "specialized_sme", "op": "==", "value": True},
                        ]
                    }
                ).eligibility
            )
        ]
    )
    assert engine.eligible({"high_tech": True, "specialized_sme": True}) == {0}


def test_no_fact_is_left_behind_after_an_evaluation():
    engine = Engine(
        [
            compile_product(
                product({"field": "overdue_current", "op": "==", "value": False}).eligibility
            )
        ]
    )
    for _ in range(50):
        assert engine.eligible({"overdue_current": False}) == {0}
    for handle, _indexes in engine._shards:
        assert json.loads(durable_rules_engine.get_facts(handle, FACT_SID)) == []


def test_rules_made_only_of_negative_tests_terminate():
    # docs/design.md: a rule of only $neq/$nex tests matches durable's state fact and loops.
    engine = Engine(
        [
            compile_product(
                product(
                    {"not": {"field": "tax_credit_rating", "op": "in", "value": ["C", "D"]}}
                ).eligibility
            )
        ]
    )
    assert engine.eligible({"tax_credit_rating": "A"}) == {0}
    assert engine.eligible({"tax_credit_rating": "D"}) == set()
    assert engine.eligible({}) == set()


def test_concurrent_threads_get_their_own_answers():
    catalog = _catalog(
        200, lambda i: {"all": [{"field": "legal_rep_age", "op": ">=", "value": 18 + i % 40}]}
    )
    ages = list(range(18, 60))

    def run(age):
        result = catalog.match({"legal_rep_age": age})
        return age, {m.product.id for m in result.matches}

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(run, ages * 6))
    for age, ids in answers:
        assert ids == {f"p{i}" for i in range(200) if 18 + i % 40 <= age}


def test_a_batch_ruleset_by_ruleset_gives_each_profile_its_own_answer():
    # 300 products in 5+ rulesets; each profile is answered as if it came alone,
    # including with a per-profile limit to some products, and nothing is left behind.
    rules = [
        compile_product(
            product(
                {
                    "all": [
                        {"field": "legal_rep_age", "op": ">=", "value": 18 + i % 40},
                        {
                            "field": "tax_credit_rating",
                            "op": "in",
                            "value": ["A", "B"] if i % 2 else ["A"],
                        },
                    ]
                }
            ).eligibility
        )
        for i in range(300)
    ]
    engine = Engine(rules)
    assert engine.ruleset_count >= 5
    profiles = [
        {"legal_rep_age": age, "tax_credit_rating": grade}
        for age in (18, 30, 57, 80)
        for grade in ("A", "B", "D")
    ] + [{}]
    expected = [
        {
            i
            for i in range(300)
            if 18 + i % 40 <= p.get("legal_rep_age", -1)
            and p.get("tax_credit_rating") in (("A", "B") if i % 2 else ("A",))
        }
        for p in profiles
    ]
    assert engine.eligible_many(profiles) == expected
    assert [engine.eligible(p) for p in profiles] == expected
    # `only` skips the rulesets holding none of the products still in question
    first = set(engine._shards[0][1])
    assert engine.eligible_many(profiles, [first] * len(profiles)) == [e & first for e in expected]
    for handle, _indexes in engine._shards:
        assert json.loads(durable_rules_engine.get_facts(handle, FACT_SID)) == []
