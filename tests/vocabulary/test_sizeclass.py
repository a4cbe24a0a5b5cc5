"""Size class at the regulation's boundaries, industry group by industry group.

The bounds below are restated from 工信部联企业〔2011〕300号 第四条 independently of the
module's table (people, and 万元 for money), so a typo in either shows up here.
"""

from decimal import Decimal

import pytest

from matcher.vocabulary.sizeclass import missing_size_inputs, size_class, size_inputs

W = 10_000
E, R, A = "employees", "annual_revenue", "total_assets"

# group: (codes of that group, indicators, 小型 bounds, 中型 bounds, 中小微 ceiling)
REGULATION = {
    "农林牧渔业": (["A0111", "A05"], (R,), (50 * W,), (500 * W,), (20000 * W,)),
    "工业": (
        ["B0610", "C3311", "D4411", "C"],
        (E, R),
        (20, 300 * W),
        (300, 2000 * W),
        (1000, 40000 * W),
    ),
    "建筑业": (
        ["E4811", "E"],
        (R, A),
        (300 * W, 300 * W),
        (6000 * W, 5000 * W),
        (80000 * W, 80000 * W),
    ),
    "批发业": (["F5112", "F51"], (E, R), (5, 1000 * W), (20, 5000 * W), (200, 40000 * W)),
    "零售业": (["F5212", "F52"], (E, R), (10, 100 * W), (50, 500 * W), (300, 20000 * W)),
    "交通运输业": (
        ["G5430", "G5611", "G5810"],
        (E, R),
        (20, 200 * W),
        (300, 3000 * W),
        (1000, 30000 * W),
    ),
    "仓储业": (["G5920", "G59"], (E, R), (20, 100 * W), (100, 1000 * W), (200, 30000 * W)),
    "邮政业": (["G6010"], (E, R), (20, 100 * W), (300, 2000 * W), (1000, 30000 * W)),
    "住宿业": (["H6110"], (E, R), (10, 100 * W), (100, 2000 * W), (300, 10000 * W)),
    "餐饮业": (["H6210"], (E, R), (10, 100 * W), (100, 2000 * W), (300, 10000 * W)),
    "信息传输业": (["I6311", "I6421"], (E, R), (10, 100 * W), (100, 1000 * W), (2000, 100000 * W)),
    "软件和信息技术服务业": (
        ["I6513", "I65"],
        (E, R),
        (10, 50 * W),
        (100, 1000 * W),
        (300, 10000 * W),
    ),
    "房地产开发经营": (
        ["K7010"],
        (R, A),
        (100 * W, 2000 * W),
        (1000 * W, 5000 * W),
        (200000 * W, 10000 * W),
    ),
    "物业管理": (["K7020"], (E, R), (100, 500 * W), (300, 1000 * W), (1000, 5000 * W)),
    "租赁和商务服务业": (["L7211", "L"], (E, A), (10, 100 * W), (100, 8000 * W), (300, 120000 * W)),
    "其他未列明行业": (["M7310", "K7030", "O8010", "R8610", "P8321"], (E,), (10,), (100,), (300,)),
}

CASES = [(group, code) for group, (codes, *_rest) in REGULATION.items() for code in codes]


def _classify(code, inputs, values):
    return size_class(code, **dict(zip(inputs, values)))


@pytest.mark.parametrize("group, code", CASES)
def test_exactly_at_each_level_is_that_level(group, code):
    _, inputs, small, medium, large = REGULATION[group]
    assert _classify(code, inputs, small) == "small"
    assert _classify(code, inputs, medium) == "medium"
    assert _classify(code, inputs, large) == "large"


@pytest.mark.parametrize("group, code", CASES)
def test_one_below_a_bound_on_any_indicator_drops_a_level(group, code):
    _, inputs, small, medium, large = REGULATION[group]
    for level, bounds, lower in (
        ("small", small, "micro"),
        ("medium", medium, "small"),
        ("large", large, "medium"),
    ):
        for i in range(len(inputs)):
            below = tuple(v - 1 if j == i else v for j, v in enumerate(bounds))
            assert _classify(code, inputs, below) == lower, (level, inputs[i])


@pytest.mark.parametrize("group, code", CASES)
def test_zero_is_micro(group, code):
    inputs = REGULATION[group][1]
    assert _classify(code, inputs, (0,) * len(inputs)) == "micro"


@pytest.mark.parametrize("group, code", CASES)
def test_only_the_indicators_of_the_group_are_needed_or_asked_for(group, code):
    _, inputs, small, *_ = REGULATION[group]
    assert size_inputs(code) == inputs
    values = dict(zip(inputs, small), industry_code=code)
    assert size_class(code, **dict(zip(inputs, small))) == "small"
    assert missing_size_inputs(values) == []
    assert missing_size_inputs({"industry_code": code}) == list(inputs)


def test_sme_ceiling_needs_every_indicator():
    # 从业人员1000人以下或营业收入40000万元以下的为中小微型企业: one below the ceiling is SME.
    assert size_class("C3311", employees=5000, annual_revenue=40000 * W - 1) == "medium"
    assert size_class("C3311", employees=999, annual_revenue=10**12) == "medium"
    assert size_class("E4811", annual_revenue=10**12, total_assets=80000 * W) == "large"


def test_one_indicator_below_the_small_bound_is_micro_even_when_the_other_is_unknown():
    assert size_class("F5212", employees=4) == "micro"
    assert size_class("F5212", annual_revenue=99 * W) == "micro"
    assert size_class("E4811", total_assets=Decimal("2999999.99")) == "micro"
    assert missing_size_inputs({"industry_code": "F5212", "employees": 4}) == []


def test_a_missing_indicator_otherwise_leaves_the_size_unknown():
    assert size_class("F5212", employees=50) is None
    assert size_class("C3311", annual_revenue=10**9) is None
    assert missing_size_inputs({"industry_code": "F5212", "employees": 50}) == [R]
    # 建筑业 does not read employees: posting them decides nothing.
    assert size_class("E4811", employees=10, annual_revenue=500 * W) is None
    assert missing_size_inputs(
        {"industry_code": "E4811", "employees": 10, "annual_revenue": 500 * W}
    ) == [A]


def test_no_industry_code_means_unknown():
    assert size_class(None, employees=5, annual_revenue=1, total_assets=1) is None
    assert size_class("", employees=5) is None
    assert missing_size_inputs({"employees": 5}) == ["industry_code"]


@pytest.mark.parametrize("code", ["J6620", "J", "G5311", "G53", "S9221", "T9800"])
def test_industries_outside_the_regulation_have_no_size(code):
    # 金融业 has its own standard; 交通运输业 is "不含铁路运输业"; S and T are not firms.
    assert size_class(code, employees=1, annual_revenue=1, total_assets=1) is None
    assert missing_size_inputs({"industry_code": code, "employees": 1}) == []


def test_a_coarse_code_is_classified_only_when_every_group_it_covers_agrees():
    # "F" is 批发 or 零售: 3 people is micro in both, 30 people and 6000万 is not decided.
    assert size_class("F", employees=3) == "micro"
    assert size_class("F", employees=30, annual_revenue=6000 * W) is None
    assert size_inputs("F") == (E, R)
    # "K70" may be 房地产开发经营, 物业管理 or another real-estate activity.
    assert size_class("K70", employees=5) is None
    assert size_class("K70", employees=5, annual_revenue=50 * W, total_assets=50 * W) == "micro"
    assert size_inputs("K70") == (E, R, A)
    # "G" includes 铁路运输业, which the regulation leaves out.
    assert size_class("G", employees=3, annual_revenue=1) is None


def test_money_may_be_decimal():
    assert size_class("I6513", employees=10, annual_revenue=Decimal("500000.00")) == "small"
    assert size_class("I6513", employees=10, annual_revenue=Decimal("499999.99")) == "micro"
