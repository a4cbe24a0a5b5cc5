"""The ranking users see: scores and breakdowns by the documented formula, the order
with its tie-breaks, approval rates, and the entries of the result document."""

from __future__ import annotations

import math
import random
from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from matcher.catalog import Catalog
from matcher.results.ranking import round_like_python, score
from tests.support.products import product

AS_OF = date(2026, 12, 1)
ADULT = {"all": [{"field": "legal_rep_age", "op": ">=", "value": 18}]}


def offer(pid, amount=None, term=None, rate=None, days=None, priority=0, **extra):
    terms = {"priority": priority}
    for key, bounds in (("amount", amount), ("term_months", term)):
        if bounds and any(v is not None for v in bounds):
            terms[key] = {k: v for k, v in zip(("min", "max"), bounds) if v is not None}
    if rate is not None:
        terms["rate_pct"] = {"min": rate}
    if days is not None:
        terms["approval_days"] = days
    return product(ADULT, pid=pid, terms=terms, **extra)


def documented(p, values, approval=None):
    """The module docstring's formula, written out plainly: the oracle."""

    def fit(wanted, low, high):
        if wanted is None or (low is None and high is None) or wanted <= 0:
            return 0.5
        wanted = float(wanted)
        if high is not None and wanted > high:
            return high / wanted
        if low is not None and wanted < low:
            return wanted / low
        return 1.0

    t = p.terms
    rate = 0.5 if t.rate_min is None else min(1.0, max(0.0, (15 - float(t.rate_min)) / 12))
    speed = 0.5 if t.approval_days is None else 1 / (1 + (max(t.approval_days, 1) - 1) / 7)
    parts = {
        "amount_fit": fit(values.get("requested_amount"), t.amount_min, t.amount_max),
        "term_fit": fit(values.get("requested_term_months"), t.term_min, t.term_max),
        "rate": rate,
        "speed": speed,
        "priority": (t.priority + 100) / 200,
        "approval": 0.5 if approval is None else float(approval),
    }
    parts = {k: round(v, 4) for k, v in parts.items()}
    weights = {
        "amount_fit": 0.30,
        "term_fit": 0.15,
        "rate": 0.25,
        "speed": 0.10,
        "priority": 0.05,
        "approval": 0.15,
    }
    return round(100 * sum(weights[k] * v for k, v in parts.items()), 2), parts


def order_of(products, values, rates):
    scored = [(documented(p, values, rates.get(p.id))[0], p) for p in products]
    infinity = Decimal("Infinity")
    scored.sort(
        key=lambda sp: (
            -sp[0],
            sp[1].terms.rate_min if sp[1].terms.rate_min is not None else infinity,
            sp[1].id,
        )
    )
    return [p.id for _, p in scored]


def test_a_product_scores_by_the_documented_formula():
    p = offer("p", amount=(100000, 1000000), term=(6, 36), rate=4.35, days=3, priority=20)
    values = {"requested_amount": 2000000, "requested_term_months": 3}
    total, parts = score(p, values, 0.6123456)
    assert parts == {
        "amount_fit": 0.5,
        "term_fit": 0.5,
        "rate": 0.8875,
        "speed": 0.7778,
        "priority": 0.6,
        "approval": 0.6123,
    }
    assert (total, parts) == documented(p, values, 0.6123456)
    assert list(parts) == ["amount_fit", "term_fit", "rate", "speed", "priority", "approval"]


@pytest.mark.parametrize(
    "values", [{}, {"requested_amount": None}, {"requested_amount": 0}, {"requested_amount": -5}]
)
def test_without_a_requested_amount_the_fit_is_neutral(values):
    total, parts = score(offer("p", amount=(10000, 50000), rate=6), values)
    assert parts["amount_fit"] == 0.5 and parts["term_fit"] == 0.5
    assert total == documented(offer("p", amount=(10000, 50000), rate=6), values)[0]


def test_unknown_rate_speed_and_open_ranges_are_neutral_or_one_sided():
    p = offer("p", amount=(None, 100000), term=(12, None))
    total, parts = score(p, {"requested_amount": 400000, "requested_term_months": 6})
    assert parts == {
        "amount_fit": 0.25,
        "term_fit": 0.5,
        "rate": 0.5,
        "speed": 0.5,
        "priority": 0.5,
        "approval": 0.5,
    }
    assert (
        total == 42.5 == documented(p, {"requested_amount": 400000, "requested_term_months": 6})[0]
    )


def test_ties_go_to_the_lower_rate_then_the_id_and_unknown_rates_last():
    # a and b score the same at the same rate; c and f score the same without one;
    # g scores as a and b with a lower rate (a lower rate part, made up by priority).
    products = [
        offer("b", rate=5),
        offer("a", rate=5),
        offer("c"),
        offer("d", rate=4),
        offer("f"),
        offer("g", rate=4.88, priority=-10),
        offer("s", rate=5.0),
    ]
    assert len({documented(p, {})[0] for p in products if p.id in "abgs"}) == 1
    assert documented(products[2], {})[0] == documented(products[4], {})[0]
    result = Catalog(products, "v").match({"legal_rep_age": 40}, as_of=AS_OF)
    ids = [m.product.id for m in result.matches]
    assert ids == order_of(products, {}, {})
    assert ids[ids.index("g") : ids.index("g") + 4] == ["g", "a", "b", "s"]
    assert ids[ids.index("c") : ids.index("c") + 2] == ["c", "f"]


def test_rates_far_outside_zero_to_one_still_rank_by_score():
    # A caller of Catalog.match may hand any numbers: totals far beyond 100 still order
    # by score, then rate and id, as sorted() orders them.
    products = [offer(f"p{i}", rate=4 + i % 2) for i in range(6)]
    rates = {"p0": 1e16, "p1": 2e16, "p2": 0.5, "p3": -3e15, "p4": 1e13, "p5": 1e13 + 0.01}
    result = Catalog(products, "v").match({"legal_rep_age": 40}, as_of=AS_OF, approval_rates=rates)
    assert [m.product.id for m in result.matches] == order_of(products, {}, rates)
    assert [m.product.id for m in result.matches][:2] == ["p1", "p0"]


def test_approval_rates_as_a_mapping():
    products = [offer(f"p{i}", rate=4 + i % 3, days=1 + i % 5) for i in range(8)]
    catalog = Catalog(products, "v")
    rates = {"p0": 0.9, "p1": Decimal("0.12345"), "p2": None, "p3": "0.25", "p7": 1}
    by_map = catalog.match({"legal_rep_age": 40}, as_of=AS_OF, approval_rates=rates)
    got = {m.product.id: (m.score, dict(m.score_breakdown)) for m in by_map.matches}
    for p in products:
        assert got[p.id] == documented(p, {}, rates.get(p.id)), p.id
    assert [m.product.id for m in by_map.matches] == order_of(products, {}, rates)
    assert by_map.to_dict()["matches"][0]["score_breakdown"]["approval"] == 0.9


def test_many_products_rank_as_the_formula_orders_them():
    rng = random.Random(5)

    def maybe(make):
        return make() if rng.random() < 0.8 else None

    products = []
    for i in range(300):
        low = maybe(lambda: rng.choice([0, 10000, 50000, 100000, 300000]))
        high = maybe(lambda low=low: (low or 0) + rng.choice([0, 1, 90000, 500000, 2999999]))
        tlo = maybe(lambda: rng.choice([1, 3, 6, 12]))
        thi = maybe(lambda tlo=tlo: (tlo or 0) + rng.choice([0, 6, 24]))
        products.append(
            offer(
                f"p{i:03d}",
                amount=(low, high),
                term=(tlo, thi),
                rate=maybe(lambda: rng.choice([2.5, 3.45, 3.85, 4, 6.125, 18])),
                days=maybe(lambda: rng.choice([0, 1, 2, 7, 30])),
                priority=rng.choice([-100, -3, 0, 0, 0, 15, 100]),
            )
        )
    catalog = Catalog(products, "v")
    for _ in range(30):
        values = {
            "legal_rep_age": 40,
            "requested_amount": rng.choice([None, 1, 9999, 50000, 123457, 3000000]),
            "requested_term_months": rng.choice([None, 1, 7, 12, 60]),
        }
        rates = {
            p.id: rng.choice([0, 0.33335, 0.5, rng.random()])
            for p in products
            if rng.random() < 0.5
        }
        result = catalog.match(values, as_of=AS_OF, approval_rates=rates)
        assert [m.product.id for m in result.matches] == order_of(products, values, rates)
        for m in result.matches:
            assert (m.score, dict(m.score_breakdown)) == documented(
                m.product, values, rates.get(m.product.id)
            )


def test_results_of_one_profile_compare_equal():
    catalog = Catalog([offer("a", rate=4), offer("b", rate=5, amount=(1, 9))], "v")
    first, again = (
        catalog.match({"legal_rep_age": 40, "requested_amount": 5}, as_of=AS_OF) for _ in range(2)
    )
    assert first == again and first.ranked == again.ranked
    assert first != catalog.match({"legal_rep_age": 40, "requested_amount": 50}, as_of=AS_OF)


def test_no_eligible_product_ranks_nothing():
    result = Catalog([offer("p")], "v").match({"legal_rep_age": 12}, as_of=AS_OF)
    assert result.matches == [] and result.to_dict()["matches"] == []


def test_entries_are_the_same_from_the_ranking_and_from_the_results():
    products = [
        offer(f"p{i}", amount=(10000, 10 ** (5 + i % 3)), rate=3 + i / 4, bank_name="某银行")
        for i in range(12)
    ]
    products.append(
        product(
            {
                "all": [
                    {"field": "legal_rep_age", "op": ">=", "value": 18},
                    {"field": "region_code", "op": "prefix", "value": ["13"]},
                ]
            },
            pid="local",
        )
    )
    values = {"legal_rep_age": 40, "requested_amount": 150000, "region_code": "130203"}
    for explain in ("failed", "none"):
        for top in (None, 3):
            result = Catalog(products, "v").match(values, as_of=AS_OF)
            fast = result.to_dict(explain=explain, top=top)
            assert [m.product.id for m in result.matches]  # the results, made now
            assert result.to_dict(explain=explain, top=top) == fast
    doc = Catalog(products, "v").match(values, as_of=AS_OF).to_dict(explain="none")
    local = next(m for m in doc["matches"] if m["product_id"] == "local")
    assert local["regions"] == ["13"] and "criteria" not in local and "score" in local
    assert list(doc["matches"][0]) == [
        "product_id",
        "bank",
        "bank_name",
        "name",
        "status",
        "score",
        "score_breakdown",
        "terms",
    ]


def test_a_caller_editing_a_document_changes_no_later_document():
    p = product(
        {"all": [{"field": "region_code", "op": "prefix", "value": ["13"]}]},
        pid="p",
        terms={"amount": {"min": 10000, "max": 500000}},
    )
    catalog = Catalog([p], "v")
    first = catalog.match({"region_code": "130203"}, as_of=AS_OF).to_dict()
    entry = first["matches"][0]
    pristine = catalog.match({"region_code": "130203"}, as_of=AS_OF).to_dict()
    entry["extra"] = 1
    entry["terms"]["channel"] = "x"
    entry["regions"].append("51")
    entry["score_breakdown"]["rate"] = 7
    entry["criteria"].append("x")
    assert catalog.match({"region_code": "130203"}, as_of=AS_OF).to_dict() == pristine


@pytest.mark.parametrize("places", [2, 4])
def test_rounding_arrays_is_pythons_round(places):
    rng = np.random.default_rng(0)
    ties = (np.arange(0, 20000) + 0.5) / 10**places  # decimal halves: float noise decides
    sums = 100 * (0.3 * np.round(rng.random(5000), 4) + 0.15 * 0.5 + 0.25 * 0.9625)
    values = np.concatenate(
        [
            rng.random(20000),
            rng.random(5000) * 100,
            ties,
            sums,
            -ties[:500],
            [0.0, -0.0, 0.125, 2.675, 1.005, 0.33335, 1e-12, 2.0**40, 1e300],
        ]
    )
    got = round_like_python(values, places)
    expected = np.array([round(v, places) for v in values.tolist()])
    assert np.array_equal(got, expected)
    assert np.array_equal(np.signbit(got), np.signbit(expected))
    odd = np.array([0.5, math.nan, math.inf, -math.inf, 0.125])
    assert np.array_equal(
        round_like_python(odd, places),
        np.array([round(v, places) for v in odd.tolist()]),
        equal_nan=True,
    )
