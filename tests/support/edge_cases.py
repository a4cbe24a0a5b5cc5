"""Hand-built edge cases (every operator, values on the bounds, missing fields) and sparse random profiles."""

from __future__ import annotations

from hypothesis import strategies as st

from matcher.rulefile.product import read_product
from matcher.rulefile.source import Location
from product_catalog.synth import synth_catalog
from tests.support.random_trees import FIELD_NAMES
from tests.support.random_trees import profiles as random_profiles


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
    "one-field-thrice": {
        "all": [
            crit("legal_rep_age", ">=", 18),
            crit("legal_rep_age", "<=", 60),
            crit("legal_rep_age", "exists", True),
        ]
    },
    "lacks-and-test": {
        "all": [
            crit("total_credit_balance", "exists", False),
            crit("total_credit_balance", "<=", 0),
        ]
    },
    "nested": {
        "all": [
            crit("years_in_business", ">=", 2),
            {
                "any": [
                    {"not": crit("tax_arrears", "==", True)},
                    {"all": [crit("net_profit", ">=", 0), crit("revenue_growth", ">", 0)]},
                ]
            },
            {
                "not": {
                    "any": [
                        crit("entity_type", "==", "individual_business"),
                        crit("industry_section", "in", ["K"]),
                    ]
                }
            },
            {
                "any": [
                    crit("tax_credit_rating", "in", ["A"]),
                    {"not": crit("industry_code", "prefix", ["C3311", "F"])},
                ]
            },
        ]
    },
}


_ON_BOUNDS = {  # every value exactly on a bound of some product above
    "established_on": "2024-12-01",
    "region_code": "130203",
    "industry_code": "C3311",
    "tax_paid_12m": 10000,
    "net_profit": 0,
    "debt_ratio": "0.8",
    "revenue_growth": "0.1",
    "overdue_count_24m": 0,
    "legal_rep_age": 60,
    "credit_inquiries_3m": 5,
    "annual_revenue": 1000000,
    "overdue_current": False,
    "dishonest_debtor": False,
    "tax_credit_rating": "B",
    "bank_relationships": ["icbc"],
    "total_assets": 900000,
    "employees": 8,
    "entity_type": "enterprise",
    "tax_arrears": True,
    "high_tech": False,
    "specialized_sme": True,
    "total_credit_balance": 0,
}


EDGE_PROFILES = [
    _ON_BOUNDS,
    {
        **_ON_BOUNDS,
        "tax_paid_12m": "10000.50",
        "legal_rep_age": 18,
        "debt_ratio": "0.2",
        "credit_inquiries_3m": 7,
        "overdue_count_24m": 1,
        "revenue_growth": "0.11",
        "net_profit": -1,
        "region_code": "510104",
        "industry_code": "K7010",
        "bank_relationships": [],
        "tax_credit_rating": "D",
        "established_on": "2024-12-02",
    },
    {
        **_ON_BOUNDS,
        "tax_paid_12m": 10001,
        "legal_rep_age": 61,
        "debt_ratio": "0.81",
        "industry_code": "C",
        "region_code": "110101",
        "entity_type": "individual_business",
        "bank_relationships": ["tsbank", "icbc"],
        "import_export_12m": 0,
        "high_tech": True,
    },
    {"region_code": "117901", "industry_code": "F5212"},  # nearly everything unknown
    {},  # nothing known at all
    {
        key: value
        for key, value in _ON_BOUNDS.items()  # the list, codes and age unknown
        if key not in ("bank_relationships", "industry_code", "region_code", "established_on")
    },
]


def _synth_products(n: int, seed: int):
    built = [
        read_product(data, data["id"], Location(data["id"], 1, 1))
        for data in synth_catalog(n, seed=seed)
    ]
    assert all(p is not None for p, _ in built), [problems for p, problems in built if p is None]
    return [p for p, _ in built]


# Their profiles lack one field in five; unknowns are where translations go wrong, so
# some profiles here lack many more.
sparse_profiles = st.tuples(random_profiles(), st.sets(st.sampled_from(FIELD_NAMES))).map(
    lambda pair: {k: v for k, v in pair[0].items() if k not in pair[1]}
)
