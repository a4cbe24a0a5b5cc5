"""The explanations' exact sentences, pinned: what a firm and a bank officer read.

Every operator kind, in both languages, passed, failed and unknown; yes/no facts, enums,
codes by name (places, industries, banks), lists, money in 万元 and 元, counts, ratios.
A change of wording is a change of this file, reviewed like the table it checks.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from matcher.results import field_wording as FC
from matcher.results import sentences as S
from matcher.results import values as V
from matcher.results.explain import message, required_text, walk
from matcher.vocabulary import fields as F
from tests.support.paths import REPO
from tests.support.products import product

D = Decimal


def c(field, op, value, **extra):
    return {"field": field, "op": op, "value": value, **extra}


def no(criterion):
    return {"not": criterion}


# (criterion, profile values, outcome, zh, en)
GOLDEN = [
    (c("tax_arrears", "==", False), {"tax_arrears": False}, "pass", "无欠税", "has no tax arrears"),
    (
        c("tax_arrears", "==", False),
        {"tax_arrears": True},
        "fail",
        "需无欠税，当前有欠税",
        "must have no tax arrears; it has some",
    ),
    (
        c("tax_arrears", "==", False),
        {},
        "unknown",
        "需无欠税，未提供是否欠税(tax_arrears)",
        "must have no tax arrears; not stated: tax_arrears",
    ),
    (
        c("overdue_current", "==", False),
        {"overdue_current": True},
        "fail",
        "需无当前逾期，当前有逾期",
        "must have no overdue loans; it has some",
    ),
    (
        c("overdue_current", "==", False),
        {"overdue_current": False},
        "pass",
        "无当前逾期",
        "has no overdue loans",
    ),
    (
        no(c("dishonest_debtor", "==", True)),
        {"dishonest_debtor": False},
        "pass",
        "未被列入失信被执行人名单",
        "is not listed as a dishonest judgment debtor",
    ),
    (
        no(c("dishonest_debtor", "==", True)),
        {"dishonest_debtor": True},
        "fail",
        "需未被列入失信被执行人名单，当前已被列入",
        "must not be listed as a dishonest judgment debtor; it is listed",
    ),
    (
        c("high_tech", "==", True),
        {"high_tech": False},
        "fail",
        "需为高新技术企业，当前不是",
        "must be a certified high-tech enterprise; it is not",
    ),
    (
        c("specialized_sme", "==", True),
        {},
        "unknown",
        "需为专精特新企业，未提供是否为专精特新企业(specialized_sme)",
        "must be a specialized and innovative SME; not stated: specialized_sme",
    ),
    (
        no(c("industry_code", "prefix", ["K", "J", "B"])),
        {"industry_code": "C3311"},
        "pass",
        "行业为金属制品业（C3311），不属于房地产业、金融业、采矿业",
        "industry is fabricated metal products (C3311), not in real estate, finance or mining",
    ),
    (
        no(c("industry_code", "prefix", ["K", "J", "B"])),
        {"industry_code": "K7040"},
        "fail",
        "行业不得属于房地产业、金融业、采矿业，当前为房地产业（K7040）",
        "industry must not be in real estate, finance or mining; it is real estate (K7040)",
    ),
    (
        c("industry_code", "prefix", ["A"]),
        {"industry_code": "A0111"},
        "pass",
        "行业为农业（A0111），属于农、林、牧、渔业",
        "industry is farming (A0111), in agriculture, forestry, animal husbandry and fishery",
    ),
    (
        c("industry_section", "in", ["C"]),
        {"industry_section": "F"},
        "fail",
        "行业需为制造业，当前为批发和零售业",
        "industry must be manufacturing; it is wholesale and retail trade",
    ),
    (
        c("bank_relationships", "contains", "abc"),
        {"bank_relationships": ["tsbank", "icbc"]},
        "fail",
        "需在中国农业银行开立结算账户，当前结算账户开在唐山银行、中国工商银行",
        "must hold a settlement account at 中国农业银行; it banks with 唐山银行 and 中国工商银行",
    ),
    (
        c("bank_relationships", "contains", "abc"),
        {"bank_relationships": ["abc"]},
        "pass",
        "已在中国农业银行开立结算账户",
        "holds a settlement account at 中国农业银行",
    ),
    (
        c("tax_paid_12m", ">=", 20000),
        {"tax_paid_12m": 8600},
        "fail",
        "近12个月纳税总额需不低于2万元，当前8600元",
        "tax paid in the last 12 months must be at least CNY 20,000; it is CNY 8,600",
    ),
    (
        c("tax_paid_12m", ">=", 20000),
        {"tax_paid_12m": D("32000.50")},
        "pass",
        "近12个月纳税总额为32000.50元，不低于2万元",
        "tax paid in the last 12 months is CNY 32,000.50, at least CNY 20,000",
    ),
    (
        c("annual_revenue", ">=", 3000000),
        {"annual_revenue": 1234567},
        "fail",
        "上一年度销售收入需不低于300万元，当前123.4567万元",
        "last year's sales revenue must be at least CNY 3,000,000; it is CNY 1,234,567",
    ),
    (
        c("annual_revenue", "<=", 3000000),
        {},
        "unknown",
        "上一年度销售收入需不超过300万元，未提供上一年度销售收入(annual_revenue)",
        "last year's sales revenue must be at most CNY 3,000,000; not stated: annual_revenue",
    ),
    (
        c("invoice_revenue_12m", "between", [5000000, 50000000]),
        {"invoice_revenue_12m": 1500000},
        "fail",
        "近12个月开票收入需在500万元至5000万元之间，当前150万元",
        "invoiced sales in 12 months must be between CNY 5,000,000 and CNY 50,000,000; it is CNY "
        "1,500,000",
    ),
    (
        c("overdue_count_24m", "<=", 1),
        {"overdue_count_24m": 3},
        "fail",
        "近24个月逾期次数需不超过1次，当前3次",
        "must have been overdue at most 1 time in the last 24 months; actually 3 times",
    ),
    (
        c("overdue_count_24m", "<=", 2),
        {"overdue_count_24m": 1},
        "pass",
        "近24个月逾期次数为1次，未超过2次",
        "has been overdue 1 time in the last 24 months (at most 2)",
    ),
    (
        c("overdue_count_24m", "==", 0),
        {"overdue_count_24m": 2},
        "fail",
        "近24个月需无逾期，当前逾期2次",
        "must not have been overdue in the last 24 months; actually 2 times",
    ),
    (
        c("enforcement_cases", "==", 0),
        {"enforcement_cases": 0},
        "pass",
        "无被执行案件",
        "has no open enforcement cases",
    ),
    (
        c("credit_inquiries_6m", "<", 6),
        {"credit_inquiries_6m": 7},
        "fail",
        "近6个月征信查询次数需低于6次，当前7次",
        "must have had fewer than 6 credit inquiries in the last 6 months; actually 7 credit "
        "inquiries",
    ),
    (
        c("ip_count", ">", 2),
        {"ip_count": 3},
        "pass",
        "知识产权数量为3项，超过2项",
        "holds 3 IP rights (more than 2)",
    ),
    (
        c("debt_ratio", "<=", 0.7),
        {"debt_ratio": D("0.85")},
        "fail",
        "资产负债率需不超过70%，当前85%",
        "debt ratio must be at most 70%; it is 85%",
    ),
    (
        c("revenue_growth", ">=", 0.2),
        {"revenue_growth": D("0.255")},
        "pass",
        "销售收入增长率为25.5%，不低于20%",
        "revenue growth is 25.5%, at least 20%",
    ),
    (
        c("tax_credit_rating", "in", ["A", "B", "M"]),
        {"tax_credit_rating": "C"},
        "fail",
        "纳税信用等级需为A级、B级或M级，当前为C级",
        "tax credit rating must be A, B or M; it is C",
    ),
    (
        c("tax_credit_rating", "not_in", ["C", "D"]),
        {"tax_credit_rating": "B"},
        "pass",
        "纳税信用等级为B级，不是C级、D级",
        "tax credit rating is B, not C or D",
    ),
    (
        c("size_class", "in", ["micro", "small"]),
        {"size_class": "medium"},
        "fail",
        "企业规模需为小微企业，当前为中型企业",
        "firm size must be micro or small; it is medium-sized",
    ),
    (
        c("entity_type", "in", ["individual_business"]),
        {"entity_type": "enterprise"},
        "fail",
        "主体类型需为个体工商户，当前为企业",
        "entity type must be an individual business; it is an enterprise",
    ),
    (
        c("collateral", "!=", "none"),
        {"collateral": "none"},
        "fail",
        "担保方式不得为信用（无担保），当前为信用（无担保）",
        "collateral offered must not be none (unsecured); it is none (unsecured)",
    ),
    (
        c("province_code", "==", "130000"),
        {"province_code": "510000"},
        "fail",
        "注册地需在河北省，当前在四川省",
        "must be registered in 河北省 (130000); it is registered in 四川省 (510000)",
    ),
    (
        c("city_code", "in", ["430100", "430200"]),
        {"city_code": "430200"},
        "pass",
        "注册地在株洲市",
        "registered in 株洲市 (430200)",
    ),
    (
        c("region_code", "prefix", ["1302"]),
        {"region_code": "130203"},
        "pass",
        "注册地在唐山市路北区",
        "registered in 唐山市路北区 (130203)",
    ),
    (
        no(c("region_code", "prefix", ["3101"])),
        {"region_code": "310115"},
        "fail",
        "注册地不得在上海市，当前在上海市浦东新区",
        "must not be registered in 上海市 (3101); it is registered in 上海市浦东新区 (310115)",
    ),
    (
        c("legal_rep_age", "between", [18, 60]),
        {"legal_rep_age": 65},
        "fail",
        "法定代表人年龄需在18至60周岁之间，当前65周岁",
        "the legal representative must be aged 18 to 60; aged 65",
    ),
    (
        no(c("legal_rep_age", "between", [18, 60])),
        {"legal_rep_age": 65},
        "pass",
        "法定代表人年龄为65周岁，不在18至60周岁之间",
        "the legal representative's age is 65, outside 18 to 60",
    ),
    (
        c("years_in_business", ">=", 2),
        {"years_in_business": 1, "months_in_business": 19},
        "fail",
        "成立年限需满2年，当前1年7个月",
        "must have been in business for at least 2 years; it has been 1 year 7 months",
    ),
    (
        c("years_in_business", ">=", 1),
        {"years_in_business": 3, "months_in_business": 37},
        "pass",
        "成立年限为3年1个月，已满1年",
        "in business for 3 years 1 month, at least 1 year",
    ),
    (
        c("months_in_business", ">=", 24),
        {},
        "unknown",
        "成立时间需满24个月，未提供成立日期(established_on)",
        "must have been in business for at least 24 months; not stated: established_on",
    ),
    (
        c("net_profit", ">", 0),
        {"net_profit": -50000},
        "fail",
        "需盈利（净利润为正），当前-5万元",
        "must be profitable (net profit above zero); it is CNY -50,000",
    ),
    (
        c(
            "overdue_current",
            "==",
            False,
            label={"zh": "企业及法定代表人无当前逾期", "en": "no overdue loans, firm or owner"},
        ),
        {"overdue_current": True},
        "fail",
        "企业及法定代表人无当前逾期，当前有逾期",
        "no overdue loans, firm or owner; it has some",
    ),
    (
        c(
            "tax_paid_12m",
            ">=",
            20000,
            label={"zh": "近一年纳税2万元以上", "en": "CNY 20,000 of tax in a year"},
        ),
        {"tax_paid_12m": 32000},
        "pass",
        "近一年纳税2万元以上（当前3.2万元）",
        "CNY 20,000 of tax in a year (it is CNY 32,000)",
    ),
    (
        c("registered_capital", "exists", True),
        {},
        "fail",
        "需提供注册资本，当前未提供",
        "registered capital must be stated; it is not stated",
    ),
    (
        no(c("registered_capital", "exists", True)),
        {"registered_capital": 1000000},
        "fail",
        "不应提供注册资本，当前100万元",
        "registered capital must not be stated; it is CNY 1,000,000",
    ),
    (
        no(c("bank_relationships", "contains", "icbc")),
        {"bank_relationships": ["icbc"]},
        "fail",
        "不得在中国工商银行开立结算账户，当前结算账户开在中国工商银行",
        "must not hold a settlement account at 中国工商银行; it banks with 中国工商银行",
    ),
    (
        c("employees", ">=", 10),
        {"employees": 1},
        "fail",
        "从业人员需不低于10人，当前1人",
        "must have at least 10 employees; actually 1 employee",
    ),
    (
        c("bank_relationships", "contains", "abc"),
        {"bank_relationships": []},
        "fail",
        "需在中国农业银行开立结算账户，当前未在任何银行开立结算账户",
        "must hold a settlement account at 中国农业银行; it holds none",
    ),
    (
        c("net_profit", ">", 0),
        {"net_profit": 1600000},
        "pass",
        "盈利，净利润160万元",
        "profitable, net profit CNY 1,600,000",
    ),
    (
        c("net_profit", ">=", 0),
        {},
        "unknown",
        "净利润不得为负，未提供净利润(net_profit)",
        "net profit must not be negative; not stated: net_profit",
    ),
    (
        c("zero_filings_12m", "<=", 2),
        {"zero_filings_12m": 0},
        "pass",
        "近12个月无零申报",
        "has filed no zero tax returns in the last 12 months",
    ),
    (
        c("legal_rep_age", ">=", 18),
        {"legal_rep_age": 17},
        "fail",
        "法定代表人需年满18周岁，当前17周岁",
        "the legal representative must be at least 18; aged 17",
    ),
    (
        c("purpose", "in", ["working_capital", "equipment"]),
        {"purpose": "working_capital"},
        "pass",
        "资金用途为流动资金",
        "use of funds is working capital",
    ),
]


def said(tree, values):
    outcomes = []
    walk(product({"all": [tree]}).eligibility, values, outcomes)
    (outcome,) = outcomes
    return outcome.outcome, message(outcome, values)


@pytest.mark.parametrize(
    "tree, values, outcome, zh, en", GOLDEN, ids=[f"{i}-{row[2]}" for i, row in enumerate(GOLDEN)]
)
def test_a_criterion_reads_as_written_here(tree, values, outcome, zh, en):
    assert said(tree, values) == (outcome, (zh, en))


def test_the_golden_sentences_cover_every_operator_and_outcome():
    ops = set()
    for tree, *_ in GOLDEN:
        negated = "not" in tree
        op = (tree["not"] if negated else tree)["op"]
        ops.add(("not " if negated else "") + op)
    assert {
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "between",
        "not between",
        "in",
        "not_in",
        "prefix",
        "not prefix",
        "contains",
        "not contains",
        "exists",
        "not exists",
    } <= ops
    assert {row[2] for row in GOLDEN} == {"pass", "fail", "unknown"}


def test_the_product_page_line_is_the_requirement_alone():
    node = product(
        {"all": [{"not": {"field": "industry_code", "op": "prefix", "value": ["J", "K", "B"]}}]}
    ).eligibility
    outcomes = []
    walk(node, {}, outcomes)
    assert required_text(outcomes[0].criterion, outcomes[0].op) == (
        "行业不得属于金融业、房地产业、采矿业",
        "industry must not be in finance, real estate or mining",
    )


@pytest.mark.parametrize(
    "value, zh, en",
    [
        (20000, "2万元", "CNY 20,000"),
        (3000000, "300万元", "CNY 3,000,000"),
        (15000, "1.5万元", "CNY 15,000"),
        (8600, "8600元", "CNY 8,600"),
        (1234567, "1234567元", "CNY 1,234,567"),
        (Decimal("32000.50"), "32000.50元", "CNY 32,000.50"),
        (Decimal("123456789012345.67"), "123456789012345.67元", "CNY 123,456,789,012,345.67"),
        (10**15, "100000000000万元", "CNY 1,000,000,000,000,000"),
        (-50000, "-5万元", "CNY -50,000"),
    ],
)
def test_money_is_exact_in_wan_or_yuan(value, zh, en):
    assert (V.money(value, "zh"), V.money(value, "en")) == (zh, en)


def test_english_counts_agree_in_number():
    once = said({"field": "overdue_count_24m", "op": "<=", "value": 1}, {"overdue_count_24m": 1})
    twice = said({"field": "overdue_count_24m", "op": "<=", "value": 2}, {"overdue_count_24m": 3})
    assert once[1][1] == "has been overdue 1 time in the last 24 months (at most 1)"
    assert twice[1][1] == (
        "must have been overdue at most 2 times in the last 24 months; actually 3 times"
    )
    assert V.months_text(13, "en") == "1 year 1 month" and V.months_text(24, "en") == "2 years"


# One criterion per field, of the kind rules write for it.
def _sample(f: F.Field):
    if f.kind == F.BOOLEAN:
        return "==", False, True
    if f.kind in (F.MONEY, F.INTEGER):
        return ">=", 10000, 1
    if f.kind == F.RATIO:
        return "<=", 0.7, Decimal("0.8")
    if f.kind == F.ENUM:
        return "in", list(f.choices[:2]), f.choices[-1]
    if f.kind == F.LIST:
        return "contains", "abc", ["icbc"]
    if f.kind == F.DATE:
        return "exists", True, None
    if f.name in ("region_code", "province_code", "city_code"):
        return "in", ["130000" if f.name == "province_code" else "130200"], "510104"
    if f.kind == F.CODE:
        return "prefix", ["C"], "K7040"
    return "exists", True, None


_CJK = re.compile(r"[\u4e00-\u9fff]")
# Proper names stay Chinese in English: places and banks are registered by those names.
_NAMED_IN_CHINESE = {"region_code", "province_code", "city_code", "bank_relationships"}


@pytest.mark.parametrize("name", sorted(F.FIELDS))
def test_every_field_has_wording_in_both_languages(name):
    op, value, actual = _sample(F.FIELDS[name])
    if F.FIELDS[name].personal:  # no rule may test who the firm is; its words still exist
        sentences = [S.requirement(name, op, value)]
    else:
        criterion = {"field": name, "op": op, "value": value}
        sentences = [said(criterion, values)[1] for values in ({}, {name: actual})]
    for zh, en in sentences:
        assert zh and en and "{" not in zh + en
        assert _CJK.search(zh), zh
        assert name in _NAMED_IN_CHINESE or not _CJK.search(en), en
        assert "_" not in en.split("; not stated:")[0], en  # no raw ids or enum values


@pytest.mark.parametrize("name", [n for n, f in F.FIELDS.items() if f.kind == F.ENUM])
def test_every_choice_has_a_name_in_both_languages(name):
    for choice in F.FIELDS[name].choices:
        zh, en = V.value_text(name, choice, "zh"), V.value_text(name, choice, "en")
        assert _CJK.search(zh), (choice, zh)
        assert not _CJK.search(en) and "_" not in en, (choice, en)


def test_flags_and_counts_have_their_own_rows():
    assert {n for n, f in F.FIELDS.items() if f.kind == F.BOOLEAN} == set(FC.FLAGS)
    counted = {
        n
        for n, f in F.FIELDS.items()
        if f.kind == F.INTEGER and f.unit_en in ("times", "cases", "items", "people")
    }
    assert counted <= set(FC.EN_COUNTS)


def _quoted_in(path, marker):
    text = (REPO / path).read_text(encoding="utf-8")
    (paragraph,) = [p for p in text.split("\n\n") if marker in p]
    return [" ".join(q.split()) for q in re.findall(r'"([^"`]+)"', paragraph)]


@pytest.mark.parametrize(
    "path, marker",
    [("README.md", "worded as a loan officer would"), ("docs/rules.md", "Without a label")],
)
def test_the_docs_quote_sentences_the_explanations_say(path, marker):
    golden = [" ".join(s.split()) for row in GOLDEN for s in row[3:]]
    quoted = _quoted_in(path, marker)
    assert len(quoted) >= 4
    for sentence in quoted:
        assert any(sentence in said_here for said_here in golden), sentence


def test_an_amount_takes_the_unit_of_the_rule_it_is_compared_with():
    def actual(value, rule):
        return V.value_text("annual_revenue", value, "zh", actual=True, rule=rule)

    assert actual(1234567, 3000000) == "123.4567万元"  # the rule is in 万元: so is the firm
    assert actual(1234567, 5000) == "1234567元"  # a rule in 元: whole hundreds only
    assert actual(1234500, 5000) == "123.45万元"
    assert actual(8600, 20000) == "8600元"  # under 1万 stays in 元
    assert actual(D("32000.50"), 20000) == "32000.50元"  # fen are never folded into 万
    assert actual(1234567, (5000000, 50000000)) == "123.4567万元"
