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
from matcher.condition import FAIL, PASS, UNKNOWN
from matcher.profile import load_profile
from matcher.rule import read_product
from matcher.yamlsource import Location
from product_catalog.synth import AS_OF, synth_catalog, synth_profiles

from .conftest import product
from .test_engine_differential import FIELD_NAMES, trees, valid_products
from .test_engine_differential import profiles as random_profiles


def crit(field, op, value):
    return {"field": field, "op": op, "value": value}


MANY_CITIES = [f"{n:04d}00" for n in range(1100, 1180)] + ["130200"]  # 81 values: two words

EDGE_PRODUCTS = {
    "ge": crit("tax_paid_12m", ">=", 10000),
    "gt": crit("tax_paid_12m", ">", 10000),
    "ge-fen": crit("tax_paid_12m", ">=", "10000.50"),
    "lt": crit("net_profit", "<", 0),
    "le-ratio": crit("debt_ratio", "<=", 0.8),
    "eq-ratio": crit("revenue_growth", "==", 0.1),
    "ne": crit("overdue_count_24m", "!=", 0),
    "between": crit("legal_rep_age", "between", [18, 60]),
    "between-ratio": crit("debt_ratio", "between", [0.2, 0.8]),
    "in-number": crit("overdue_count_24m", "in", [0, 1]),
    "not-in-number": crit("credit_inquiries_3m", "not_in", [5, 6]),
    "in-money": crit("annual_revenue", "in", [1000000, 2000000]),
    "bool-eq": crit("overdue_current", "==", False),
    "bool-ne": crit("dishonest_debtor", "!=", True),
    "enum-in": crit("tax_credit_rating", "in", ["A", "B"]),
    "enum-not-in": crit("tax_credit_rating", "not_in", ["C", "D"]),
    "enum-ne": crit("size_class", "!=", "large"),
    "province": crit("province_code", "==", "130000"),
    "cities": crit("city_code", "in", ["130200", "510100"]),
    "many-cities": crit("city_code", "in", MANY_CITIES),
    "not-many-cities": crit("city_code", "not_in", MANY_CITIES),
    "region-prefix": crit("region_code", "prefix", ["1302", "51"]),
    "industry-class": crit("industry_code", "prefix", ["C3311"]),
    "not-industries": {"not": crit("industry_code", "prefix", ["K", "J", "C33"])},
    "contains": crit("bank_relationships", "contains", "icbc"),
    "not-contains": {"not": crit("bank_relationships", "contains", "tsbank")},
    "exists": crit("total_assets", "exists", True),
    "lacks": crit("import_export_12m", "exists", False),
    "list-exists": crit("bank_relationships", "exists", True),
    "date-exists": crit("established_on", "exists", True),
    "months": crit("months_in_business", ">=", 24),
    "root-not": {"not": crit("overdue_current", "==", True)},
    "root-any": {"any": [crit("high_tech", "==", True), crit("specialized_sme", "==", True)]},
    "one-field-thrice": {"all": [crit("legal_rep_age", ">=", 18), crit("legal_rep_age", "<=", 60),
                                 crit("legal_rep_age", "exists", True)]},
    "lacks-and-test": {"all": [crit("total_credit_balance", "exists", False),
                               crit("total_credit_balance", "<=", 0)]},
    "nested": {"all": [
        crit("years_in_business", ">=", 2),
        {"any": [{"not": crit("tax_arrears", "==", True)},
                 {"all": [crit("net_profit", ">=", 0), crit("revenue_growth", ">", 0)]}]},
        {"not": {"any": [crit("entity_type", "==", "individual_business"),
                         crit("industry_section", "in", ["K"])]}},
        {"any": [crit("tax_credit_rating", "in", ["A"]),
                 {"not": crit("industry_code", "prefix", ["C3311", "F"])}]},
    ]},
}

_ON_BOUNDS = {  # every value exactly on a bound of some product above
    "established_on": "2024-12-01", "region_code": "130203", "industry_code": "C3311",
    "tax_paid_12m": 10000, "net_profit": 0, "debt_ratio": "0.8", "revenue_growth": "0.1",
    "overdue_count_24m": 0, "legal_rep_age": 60, "credit_inquiries_3m": 5,
    "annual_revenue": 1000000, "overdue_current": False, "dishonest_debtor": False,
    "tax_credit_rating": "B", "bank_relationships": ["icbc"], "total_assets": 900000,
    "employees": 8, "entity_type": "enterprise", "tax_arrears": True, "high_tech": False,
    "specialized_sme": True, "total_credit_balance": 0,
}
EDGE_PROFILES = [
    _ON_BOUNDS,
    {**_ON_BOUNDS, "tax_paid_12m": "10000.50", "legal_rep_age": 18, "debt_ratio": "0.2",
     "credit_inquiries_3m": 7, "overdue_count_24m": 1, "revenue_growth": "0.11",
     "net_profit": -1, "region_code": "510104", "industry_code": "K7010",
     "bank_relationships": [], "tax_credit_rating": "D", "established_on": "2024-12-02"},
    {**_ON_BOUNDS, "tax_paid_12m": 10001, "legal_rep_age": 61, "debt_ratio": "0.81",
     "industry_code": "C", "region_code": "110101", "entity_type": "individual_business",
     "bank_relationships": ["tsbank", "icbc"], "import_export_12m": 0, "high_tech": True},
    {"region_code": "117901", "industry_code": "F5212"},  # nearly everything unknown
    {},  # nothing known at all
    {key: value for key, value in _ON_BOUNDS.items()  # the list, codes and age unknown
     if key not in ("bank_relationships", "industry_code", "region_code", "established_on")},
]


def _synth_products(n: int, seed: int):
    built = [read_product(data, data["id"], Location(data["id"], 1, 1)) for data in
             synth_catalog(n, seed=seed)]
    assert all(p is not None for p, _ in built), [problems for p, problems in built if p is None]
    return [p for p, _ in built]


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
            expected.count(PASS), expected.count(UNKNOWN), expected.count(FAIL)), where
        assert all(expected[index[r["product_id"]]] == UNKNOWN for r in doc["incomplete"]), where
    return seen


def test_synthetic_catalog_all_four_agree():
    products = _synth_products(200, seed=7)
    profiles = synth_profiles(30, seed=8)
    profiles += [{k: v for k, v in p.items() if k not in ("tax_credit_rating", "legal_rep_age",
                                                          "tax_paid_12m", "bank_relationships")}
                 for p in profiles[:5]]  # the common criteria unknown
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


@pytest.mark.parametrize("tamper, what", [
    (lambda v: {"outcomes": v["outcomes"], "eligible": [0]}, "eligible but not PASS"),
    (lambda v: {"outcomes": v["outcomes"].replace("U", "F")}, "reference U, got F"),
    (lambda v: {**v, "summary": {"eligible": 99}, "listed_incomplete": [], "listed_near": []},
     "summary"),
])
def test_compare_reports_a_disagreement(tamper, what):
    reference = {"verdicts": [{"outcomes": "FUPF"}]}
    assert disagreements(reference, {"verdicts": [{"outcomes": "FUPF"}]}) == []
    tampered = {"verdicts": [tamper({"outcomes": "FUPF"})]}
    problems = disagreements(reference, tampered)
    assert len(problems) == 1 and what in problems[0], problems


# Their profiles lack one field in five; unknowns are where translations go wrong, so
# some profiles here lack many more.
sparse_profiles = st.tuples(random_profiles(), st.sets(st.sampled_from(FIELD_NAMES))).map(
    lambda pair: {k: v for k, v in pair[0].items() if k not in pair[1]})


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
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
