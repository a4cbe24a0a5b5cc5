"""Wording met in the city and rural banks' sheets of further provinces (浙江, 福建, 广东,
山东, 河南, 湖北, 湖南, 安徽, 陕西, 重庆, 云南, 辽宁), phrase by phrase."""

from decimal import Decimal

import pytest

from product_catalog.parser import parse_sheet
from product_catalog.parser.clauses import split_sheet
from tests.support.parser_shapes import c, leaves, read, shape
from tests.support.paths import REPO

READ = [
    # capital numerals (大写), as contracts write sums
    ("近一年纳税总额人民币伍仟元以上", [c("tax_paid_12m", ">=", 5000)]),
    ("持续经营满贰年", [c("years_in_business", ">=", 2)]),
    # 人民币 between the comparison and the figure
    ("上年度纳税总额不低于人民币3万元", [c("tax_paid_12m", ">=", 30000)]),
    # tax filed over a window, written 申报纳税
    ("近24个月连续申报纳税", [c("tax_filing_months", ">=", 24)]),
    ("企业申报纳税满24个月", [c("tax_filing_months", ">=", 24)]),
    # an average over two years is a yearly figure, whichever side of the measure 年均 stands
    ("近两年纳税总额年均不低于5万元", [c("tax_paid_12m", ">=", 50000)]),
    # which taxes count, and which inquiries: the field already counts them all
    ("近一年纳税总额(含增值税、所得税)5万元(含)以上", [c("tax_paid_12m", ">=", 50000)]),
    ("近6个月内征信查询次数(贷款审批、信用卡审批)不超过6次", [c("credit_inquiries_6m", "<=", 6)]),
    ("近3个月内征信查询次数不超过3次(贷后管理查询除外)", [c("credit_inquiries_3m", "<=", 3)]),
    # the last tax year
    ("上一纳税年度纳税金额不低于1万元", [c("tax_paid_12m", ">=", 10000)]),
    # VAT-taxable sales are sales
    ("近一年增值税应税销售收入不低于300万元", [c("annual_revenue", ">=", 3000000)]),
    ("近12个月应税销售收入不低于300万元", [c("annual_revenue", ">=", 3000000)]),
    # whose credit report: the owner's and the firm's are both the profile's
    ("个人征信和企业征信当前无逾期", [c("overdue_current", "==", False)]),
    ("征信报告中近3个月机构查询次数不超过5次", [c("credit_inquiries_3m", "<=", 5)]),
    ("借款人及其主要成员无当前逾期", [c("overdue_current", "==", False)]),
    # prefecture cities of the provinces now covered
    ("企业注册在浙江省台州市", [c("city_code", "==", "331000")]),
    ("注册地在长沙市、株洲市或湘潭市", [c("city_code", "in", ["430100", "430200", "430300"])]),
    ("企业注册地位于潍坊市辖内", [c("city_code", "==", "370700")]),
    ("法定代表人年龄在25至60周岁之间", [c("legal_rep_age", "between", [25, 60])]),
    ("入选市级以上专精特新中小企业名单", [c("specialized_sme", "==", True)]),
    # contracts won on the procurement platform are the procurement the profile counts
    (
        "近12个月在政府采购平台中标的政府采购合同金额累计不低于50万元",
        [c("government_procurement_12m", ">=", 500000)],
    ),
]


@pytest.mark.parametrize("clause,expected", READ, ids=[r[0] for r in READ])
def test_wording_reads_as_criterion(clause, expected):
    criteria, unparsed = read(clause)
    assert criteria == expected
    assert unparsed == [], f"{clause!r} left for review: {unparsed}"


PARTLY = [
    # a sum in dollars is no yuan figure: not read as import_export_12m >= 1000000
    ("近12个月海关进出口额不低于100万美元", [], "美元"),
    # a city whose short name is an everyday word is read only by its full name
    ("企业所在地日照充足", [], "日照"),
    ("注册在日照市", [c("city_code", "==", "371100")], None),
]


@pytest.mark.parametrize("clause,expected,named", PARTLY, ids=[p[0] for p in PARTLY])
def test_wording_read_in_part_reports_the_rest(clause, expected, named):
    criteria, unparsed = read(clause)
    assert criteria == expected
    if named is None:
        assert unparsed == []
    else:
        assert unparsed and any(named in u["clause"] + u["note"] for u in unparsed), unparsed


def _sheet(conditions: str, **headers) -> dict:
    head = "".join(f"{k}: {v}\n" for k, v in headers.items())
    return parse_sheet(
        f"银行: 徽商银行\n产品: 测试贷\n{head}申请条件:\n{conditions}", stem="t"
    ).rule_file


def test_grounds_for_refusal_are_exclusions_not_alternatives():
    rf = _sheet(
        "一、借款人应具备以下条件：\n1. 经营期限满3年；\n"
        "二、有下列情形之一的，不予受理：\n1. 被列入失信被执行人名单的；\n2. 有欠税记录的；\n"
        "3. 属于房地产行业的。\n"
    )
    assert [shape(n) for n in rf["eligibility"]["all"]] == [
        c("years_in_business", ">=", 3),
        c("dishonest_debtor", "==", False),
        c("tax_arrears", "==", False),
        {"not": c("industry_code", "prefix", ["K"])},
    ]
    assert "unparsed" not in rf
    # each criterion quotes the bank's own item
    assert rf["eligibility"]["all"][2]["source"] == "有欠税记录的"


def test_refusals_listed_on_the_heading_line_are_exclusions_too():
    rf = _sheet("有下列情形之一的，不予受理：有欠税记录的；被列入失信被执行人名单的。\n")
    assert [shape(n) for n in rf["eligibility"]["all"]] == [
        c("tax_arrears", "==", False),
        c("dishonest_debtor", "==", False),
    ]


def test_a_refusal_heading_followed_by_a_comma_still_reads_its_grounds():
    rf = _sheet("有下列情形之一的，不予受理：，有欠税记录的\n")
    assert [shape(n) for n in rf["eligibility"]["all"]] == [c("tax_arrears", "==", False)]
    assert rf["eligibility"]["all"][0]["source"] == "有欠税记录的"


def test_a_heading_running_on_into_the_first_condition_is_dropped_from_it():
    rf = _sheet(
        "借款人应具备以下条件：企业注册于厦门市，营业执照注册满三年；纳税信用等级B级(含)以上。\n"
    )
    assert [shape(n) for n in rf["eligibility"]["all"]] == [
        c("city_code", "==", "350200"),
        c("years_in_business", ">=", 3),
        c("tax_credit_rating", "in", ["A", "B"]),
    ]
    assert "unparsed" not in rf


@pytest.mark.parametrize(
    "header,term,value",
    [
        ("贷款额度: 最高人民币伍拾万元", "amount", {"max": 500000}),
        ("额度上限: 300万元", "amount", {"max": 3000000}),
        ("利率区间: 年化4.0%-6.5%", "rate_pct", {"min": Decimal("4"), "max": Decimal("6.5")}),
        ("审批时效: 最快5分钟", "approval_days", 0),
    ],
)
def test_header_wording_of_these_banks(header, term, value):
    key, _, text = header.partition(": ")
    rf = _sheet("企业成立满1年。\n", **{key: text})
    assert rf["terms"][term] == value
    assert "unparsed" not in rf


SHEETS = sorted((REPO / "product_catalog" / "sheets").glob("*/*.txt"))


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_clause_of_every_catalog_sheet_is_read_or_reported(path):
    text = path.read_text(encoding="utf-8")
    parsed = parse_sheet(text, source=str(path))
    sources = [n.get("source", "") for n in leaves(parsed.rule_file["eligibility"])]
    unparsed = [u["clause"] for u in parsed.rule_file.get("unparsed", [])]
    dropped = [
        cl.text
        for cl in split_sheet(text)[1]
        if not any(cl.text in s for s in sources)
        and not any(u in cl.text or cl.text in u for u in unparsed)
    ]
    assert not dropped, f"{path.name}: clauses neither read nor reported: {dropped}"
    assert parsed.clauses >= len(split_sheet(text)[1]) and parsed.clauses_read <= parsed.clauses
