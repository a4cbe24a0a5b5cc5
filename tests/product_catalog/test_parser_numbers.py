"""Numbers, units, comparison words and look-back windows, one wording per row."""

from decimal import Decimal

import pytest

from product_catalog.parser.comparisons import find_bounds
from product_catalog.parser.numerals import find_quantities, parse_number
from product_catalog.parser.windows import find_windows


@pytest.mark.parametrize(
    "text,value",
    [
        ("12", 12),
        ("1,500", 1500),
        ("4.35", Decimal("4.35")),
        ("两", 2),
        ("十二", 12),
        ("二十四", 24),
        ("三百", 300),
        ("一万五千", 15000),
        ("两千万", 20000000),
        ("零", 0),
    ],
)
def test_numerals(text, value):
    assert parse_number(text) == Decimal(str(value))


@pytest.mark.parametrize(
    "text,kind,value",
    [
        ("300万元", "money", 3000000),
        ("三百万元", "money", 3000000),
        ("5万", "money", 50000),
        ("1.5亿", "money", 150000000),
        ("5,000元", "money", 5000),
        ("2亿元", "money", 200000000),
        ("两年", "duration", 24),
        ("1年", "duration", 12),
        ("三年", "duration", 36),
        ("一年", "duration", 12),
        ("半年", "duration", 6),
        ("一年半", "duration", 18),
        ("24个月", "duration", 24),
        ("两个年度", "duration", 24),
        ("18周岁", "age", 18),
        ("65岁", "age", 65),
        ("80%", "ratio", Decimal("0.8")),
        ("百分之二十", "ratio", Decimal("0.2")),
        ("6次", "count", 6),
        ("10人", "count", 10),
        ("3家", "count", 3),
        ("3个工作日", "days", 3),
    ],
)
def test_quantities_in_profile_units(text, kind, value):
    (q,) = find_quantities(text)
    assert (q.kind, q.value) == (kind, Decimal(str(value)))


def _ends(text):
    """(lower, lower inclusive, upper, upper inclusive) of the one bound in ``text``."""
    (b,) = find_bounds(text)
    return (
        b.lower and b.lower.quantity.value,
        b.lower and b.lower.inclusive,
        b.upper and b.upper.quantity.value,
        b.upper and b.upper.inclusive,
    )


@pytest.mark.parametrize(
    "text,ends",
    [
        ("2年以上", (24, True, None, None)),
        ("60周岁以下", (None, None, 60, True)),
        ("不低于1万元", (10000, True, None, None)),
        ("不少于10人", (10, True, None, None)),
        ("不超过65周岁", (None, None, 65, True)),
        ("不得超过3次", (None, None, 3, True)),
        ("不高于70%", (None, None, Decimal("0.7"), True)),
        ("满2年", (24, True, None, None)),
        ("年满18周岁", (18, True, None, None)),
        ("超过60周岁", (60, False, None, None)),
        ("低于65周岁", (None, None, 65, False)),
        ("高于20周岁", (20, False, None, None)),
        ("在5000元以上", (5000, True, None, None)),
        ("三年(含)以上", (36, True, None, None)),
        ("2年以上(不含)", (24, False, None, None)),
        ("超过2年(含)", (24, True, None, None)),
        ("≥1万元", (10000, True, None, None)),
        ("≤500万元", (None, None, 5000000, True)),
        (">20周岁", (20, False, None, None)),
        ("<60周岁", (None, None, 60, False)),
        ("大于0", (0, False, None, None)),
        ("小于3次", (None, None, 3, False)),
        ("18-65周岁", (18, True, 65, True)),
        ("20周岁(含)至65周岁(含)", (20, True, 65, True)),
        ("18(不含)-60周岁(含)", (18, False, 60, True)),
        ("在18周岁至60周岁之间", (18, True, 60, True)),
        ("10万-300万元", (100000, True, 3000000, True)),
        ("超过60周岁的不予受理", (None, None, 60, True)),
        ("低于1万元的除外", (10000, True, None, None)),
    ],
)
def test_comparison_words_set_inclusive_or_exclusive_bounds(text, ends):
    expected = tuple(
        Decimal(str(v)) if isinstance(v, (int, Decimal)) and not isinstance(v, bool) else v
        for v in ends
    )
    assert _ends(text) == expected


def test_bare_number_and_negated_count_are_left_to_the_field():
    (b,) = find_bounds("两年")
    assert (b.bare.value, b.negated) == (Decimal(24), False)
    (b,) = find_bounds("无2次")
    assert (b.bare.value, b.negated) == (Decimal(2), True)


def test_a_lone_numeral_inside_a_word_is_no_bound():
    assert find_bounds("统一社会信用代码") == []
    assert find_bounds("一般纳税人") == []


@pytest.mark.parametrize(
    "text,months,last_year",
    [
        ("近12个月纳税", 12, False),
        ("近三个月查询", 3, False),
        ("近半年查询", 6, False),
        ("近一年纳税", 12, False),
        ("近两年逾期", 24, False),
        ("2年内无逾期", 24, False),
        ("最近12个月", 12, False),
        ("过去24个月内", 24, False),
        ("申请日前两个年度", 24, False),
        ("上一年度销售收入", 12, True),
        ("上年度", 12, True),
        ("申请日前一年度", 12, True),
    ],
)
def test_look_back_windows(text, months, last_year):
    (w,) = find_windows(text)
    assert (w.months, w.last_year) == (months, last_year)


def test_a_duration_threshold_is_not_a_window():
    assert find_windows("成立2年以上") == []
    assert find_windows("经营满6个月") == []
