"""Random rule trees and profiles (hypothesis strategies) for the differential tests."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from matcher.engine.compiler import TooComplex, compile_product
from tests.support.products import product

INTS = st.integers(min_value=-1, max_value=6)


MONEY = st.sampled_from([0, 1, 9999, 10000, 10001, Decimal("10000.50"), 50000, 3000000])


RATIOS = st.sampled_from(
    [
        Decimal("-0.1"),
        Decimal("0"),
        Decimal("0.2"),
        Decimal("0.5"),
        Decimal("0.8"),
        Decimal("0.81"),
        Decimal("1"),
    ]
)


REGIONS = st.sampled_from(["130203", "130200", "130100", "510104", "510000", "310101"])


INDUSTRIES = st.sampled_from(["C", "C33", "C3311", "C3312", "F5212", "K7010", "J66", "I6513"])


# field -> (value strategy, bound strategy, operators)
NUMERIC_OPS = ["==", "!=", "<", "<=", ">", ">=", "between", "in", "not_in", "exists"]


SPACE = {
    "years_in_business": (INTS.filter(lambda v: v >= 0), INTS, NUMERIC_OPS),
    "overdue_count_24m": (INTS.filter(lambda v: v >= 0), INTS, NUMERIC_OPS),
    "tax_paid_12m": (MONEY, MONEY, NUMERIC_OPS),
    "net_profit": (MONEY, MONEY, NUMERIC_OPS),
    "debt_ratio": (RATIOS.filter(lambda v: v >= 0), RATIOS, NUMERIC_OPS),
    "revenue_growth": (RATIOS, RATIOS, NUMERIC_OPS),
    "tax_credit_rating": (
        st.sampled_from("ABMCD"),
        st.sampled_from("ABMCD"),
        ["==", "!=", "in", "not_in", "exists"],
    ),
    "size_class": (
        st.sampled_from(["micro", "small", "medium", "large"]),
        st.sampled_from(["micro", "small", "medium", "large"]),
        ["==", "!=", "in", "not_in"],
    ),
    "overdue_current": (st.booleans(), st.booleans(), ["==", "!=", "exists"]),
    "high_tech": (st.booleans(), st.booleans(), ["==", "!="]),
    "region_code": (
        REGIONS,
        st.sampled_from(["13", "1302", "130203", "51", "510104", "31"]),
        ["==", "!=", "prefix", "in", "not_in"],
    ),
    "city_code": (
        REGIONS.map(lambda r: r[:4] + "00"),
        st.sampled_from(["130200", "510100"]),
        ["==", "!=", "in", "not_in", "prefix"],
    ),
    "industry_code": (
        INDUSTRIES,
        st.sampled_from(["C", "C33", "C331", "C3311", "K", "K70", "J"]),
        ["==", "!=", "prefix", "in", "not_in"],
    ),
    "bank_relationships": (
        st.lists(st.sampled_from(["icbc", "tsbank", "ccb"]), unique=True),
        st.sampled_from(["icbc", "tsbank", "ccb"]),
        ["contains", "exists"],
    ),
}


FIELD_NAMES = sorted(SPACE)


@st.composite
def criteria(draw):
    field = draw(st.sampled_from(FIELD_NAMES))
    _, bounds, ops = SPACE[field]
    op = draw(st.sampled_from(ops))
    if op == "exists":
        value = draw(st.booleans())
    elif op == "between":
        low, high = sorted([draw(bounds), draw(bounds)])
        value = [low, high]
    elif op in ("in", "not_in"):
        value = draw(st.lists(bounds, min_size=1, max_size=3, unique=True))
    elif op == "prefix":
        value = draw(st.lists(bounds, min_size=1, max_size=2, unique=True))
    elif field == "region_code" or field == "industry_code":
        value = draw(SPACE[field][0])  # equality with a full code
    else:
        value = draw(bounds)
    if isinstance(value, Decimal) and field in ("years_in_business", "overdue_count_24m"):
        value = int(value)
    return {"field": field, "op": op, "value": value}


trees = st.recursive(
    criteria(),
    lambda children: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(children, min_size=1, max_size=4)),
        st.builds(lambda xs: {"any": xs}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, children),
    ),
    max_leaves=8,
)


@st.composite
def profiles(draw):
    values = {}
    for field in FIELD_NAMES:
        if draw(st.integers(0, 4)) == 0:  # about one field in five is missing
            continue
        values[field] = draw(SPACE[field][0])
    # Derived as the profile layer derives them: a city always agrees with its region.
    values.pop("city_code", None)
    if "region_code" in values:
        values["city_code"] = values["region_code"][:4] + "00"
    return values


def _valid_product(tree, index):
    try:
        built = product(tree, pid=f"p{index}")
    except AssertionError:
        return None  # the tree is one lint rejects (e.g. a never-true bound): not compiled
    try:
        compile_product(built.eligibility)
    except TooComplex:
        return None
    return built


def valid_products(tree_list):
    """The trees the rule reader and the compiler accept, as products p0, p1, …"""
    return [p for p in (_valid_product(t, i) for i, t in enumerate(tree_list)) if p]
