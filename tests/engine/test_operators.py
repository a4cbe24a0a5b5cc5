"""Every operator at its bounds, through the whole path: profile → durable_rules → status."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.catalog import Catalog
from tests.support.products import product

AS_OF = date(2026, 12, 1)


def status(eligibility, profile, as_of=AS_OF):
    catalog = Catalog([product(eligibility)], "test")
    result = catalog.match(profile, as_of=as_of)
    for key in ("matches", "near_misses", "incomplete"):
        for r in getattr(result, key):
            return r.status
    return "ineligible"


def c(field, op, value):
    return {"field": field, "op": op, "value": value}


@pytest.mark.parametrize(
    "op,bound,actual,expected",
    [
        (">=", 2, 2, "eligible"),
        (">=", 2, 1, "ineligible"),
        (">", 2, 2, "ineligible"),
        (">", 2, 3, "eligible"),
        ("<=", 5, 5, "eligible"),
        ("<=", 5, 6, "ineligible"),
        ("<", 5, 5, "ineligible"),
        ("<", 5, 4, "eligible"),
        ("==", 3, 3, "eligible"),
        ("==", 3, 4, "ineligible"),
        ("!=", 3, 3, "ineligible"),
        ("!=", 3, 4, "eligible"),
        ("between", [18, 65], 18, "eligible"),
        ("between", [18, 65], 65, "eligible"),
        ("between", [18, 65], 17, "ineligible"),
        ("between", [18, 65], 66, "ineligible"),
        ("in", [1, 3], 3, "eligible"),
        ("in", [1, 3], 2, "ineligible"),
        ("not_in", [1, 3], 2, "eligible"),
        ("not_in", [1, 3], 1, "ineligible"),
    ],
)
def test_numeric_operators_at_their_bounds(op, bound, actual, expected):
    assert status(c("legal_rep_age", op, bound), {"legal_rep_age": actual}) == expected


def test_money_bounds_compare_as_numbers_not_text():
    # durable_rules compares "900" >= 1000 as text; the profile layer never lets it.
    rule = c("tax_paid_12m", ">=", 10000)
    assert status(rule, {"tax_paid_12m": 9999}) == "ineligible"
    assert status(rule, {"tax_paid_12m": "10000.00"}) == "eligible"
    assert status(rule, {"tax_paid_12m": 900}) == "ineligible"


def test_ratio_bound_is_inclusive():
    assert status(c("debt_ratio", "<=", 0.8), {"debt_ratio": 0.8}) == "eligible"
    assert status(c("debt_ratio", "<=", 0.8), {"debt_ratio": 0.81}) == "ineligible"


def test_months_in_business_at_the_month_boundary():
    rule = c("months_in_business", ">=", 24)
    assert status(rule, {"established_on": "2024-12-01"}) == "eligible"
    assert status(rule, {"established_on": "2024-12-02"}) == "ineligible"
    assert status(c("years_in_business", ">=", 2), {"established_on": "2024-12-02"}) == "ineligible"
    # 31 Jan → 28 Feb is not yet a whole month.
    assert (
        status(
            c("months_in_business", ">=", 1),
            {"established_on": "2026-01-31"},
            as_of=date(2026, 2, 28),
        )
        == "ineligible"
    )


def test_enum_in_and_not_in():
    assert (
        status(c("tax_credit_rating", "in", ["A", "B"]), {"tax_credit_rating": "B"}) == "eligible"
    )
    assert (
        status(c("tax_credit_rating", "in", ["A", "B"]), {"tax_credit_rating": "M"}) == "ineligible"
    )
    assert (
        status(c("tax_credit_rating", "not_in", ["C", "D"]), {"tax_credit_rating": "D"})
        == "ineligible"
    )


def test_prefix_on_industry_and_region_hierarchies():
    excluded = {"not": c("industry_code", "prefix", ["K70", "J"])}
    assert status(excluded, {"industry_code": "K7010"}) == "ineligible"
    assert status(excluded, {"industry_code": "J66"}) == "ineligible"
    assert status(excluded, {"industry_code": "L72"}) == "eligible"
    assert status(excluded, {"industry_code": "K"}) == "eligible"  # a bare section is not K70
    assert status(c("region_code", "prefix", "1302"), {"region_code": "130203"}) == "eligible"
    assert status(c("region_code", "prefix", "1302"), {"region_code": "130303"}) == "ineligible"


def test_contains_on_bank_relationships_including_an_empty_list():
    rule = c("bank_relationships", "contains", "icbc")
    assert status(rule, {"bank_relationships": ["tsbank", "icbc"]}) == "eligible"
    assert status(rule, {"bank_relationships": []}) == "ineligible"
    assert status(rule, {}) == "incomplete"
    assert status({"not": rule}, {"bank_relationships": []}) == "eligible"
    assert status({"not": rule}, {}) == "incomplete"


def test_exists():
    assert status(c("total_assets", "exists", True), {"total_assets": 0}) == "eligible"
    assert status(c("total_assets", "exists", True), {}) == "ineligible"
    assert status(c("total_assets", "exists", False), {}) == "eligible"


def test_boolean_false_is_not_missing():
    rule = c("overdue_current", "==", False)
    assert status(rule, {"overdue_current": False}) == "eligible"
    assert status(rule, {"overdue_current": True}) == "ineligible"
    assert status(rule, {}) == "incomplete"


def test_unknown_is_neither_pass_nor_fail_under_not_and_any():
    assert status({"not": c("legal_rep_age", ">", 60)}, {}) == "incomplete"
    either = {"any": [c("high_tech", "==", True), c("specialized_sme", "==", True)]}
    assert status(either, {"high_tech": True}) == "eligible"
    assert status(either, {"high_tech": False}) == "incomplete"
    assert status(either, {"high_tech": False, "specialized_sme": False}) == "ineligible"


def test_a_failing_criterion_decides_even_when_another_is_unknown():
    rule = {"all": [c("legal_rep_age", "<=", 60), c("tax_paid_12m", ">=", 10000)]}
    assert status(rule, {"legal_rep_age": 70}) == "ineligible"
    assert status(rule, {"legal_rep_age": 40}) == "incomplete"
