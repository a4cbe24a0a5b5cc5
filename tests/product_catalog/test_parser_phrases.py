"""Each wording a bank uses, read into the criterion it means.

One clause per row, parsed as a whole sheet would be, so the rows exercise the
same path ``loanmatch parse`` takes.  Values are compared as decimals: a ratio
of 0.8 must come out as 0.8, not 0.80000001 and not 80.
"""

import pytest

from product_catalog.parser import parse_sheet
from tests.support.parser_shapes import c, read, shape  # noqa: F401

PHRASES = [
    # years and months in business
    ("企业成立满2年", [c("years_in_business", ">=", 2)]),
    ("成立2年以上(含)", [c("years_in_business", ">=", 2)]),
    ("企业成立满2年以上", [c("years_in_business", ">=", 2)]),
    ("有两年经营记录", [c("years_in_business", ">=", 2)]),
    ("持续经营三年(含)以上", [c("years_in_business", ">=", 3)]),
    ("成立满6个月", [c("months_in_business", ">=", 6)]),
    ("经营满6个月", [c("months_in_business", ">=", 6)]),
    ("企业经营满半年", [c("months_in_business", ">=", 6)]),
    ("实际经营一年半以上", [c("months_in_business", ">=", 18)]),
    # an exclusive bound in years is read in months: 2年3个月 is over 2 years,
    # though years_in_business (whole years) is still 2
    ("成立超过2年", [c("months_in_business", ">=", 25)]),
    ("成立一年(不含)以上", [c("months_in_business", ">=", 13)]),
    ("企业成立时间不少于3年(以营业执照注册日期为准)", [c("years_in_business", ">=", 3)]),
    # ages and their bounds
    ("法定代表人年龄18-65周岁", [c("legal_rep_age", "between", [18, 65])]),
    ("法定代表人年龄在20-65周岁", [c("legal_rep_age", "between", [20, 65])]),
    ("20周岁(含)至65周岁(含)", [c("legal_rep_age", "between", [20, 65])]),
    ("企业主年满18周岁且不超过65周岁", [c("legal_rep_age", "between", [18, 65])]),
    ("年龄18周岁以上、60周岁以下", [c("legal_rep_age", "between", [18, 60])]),
    ("企业主年龄25~60岁", [c("legal_rep_age", "between", [25, 60])]),
    ("超过60周岁的不予受理", [c("legal_rep_age", "<=", 60)]),
    ("借款人年龄不超过65周岁", [c("legal_rep_age", "<=", 65)]),
    ("法定代表人年龄不得超过60周岁", [c("legal_rep_age", "<=", 60)]),
    ("法定代表人年龄低于65周岁", [c("legal_rep_age", "<=", 64)]),
    ("法定代表人年龄小于60周岁", [c("legal_rep_age", "<=", 59)]),
    ("法定代表人年龄大于22周岁", [c("legal_rep_age", ">=", 23)]),
    ("法定代表人年龄高于20周岁(含)", [c("legal_rep_age", ">=", 20)]),
    ("法定代表人年龄在65周岁以下(不含)", [c("legal_rep_age", "<=", 64)]),
    ("法定代表人年龄≥22周岁且≤60周岁", [c("legal_rep_age", "between", [22, 60])]),
    ("法定代表人年龄>20周岁，<60周岁", [c("legal_rep_age", "between", [21, 59])]),
    ("18(不含)-60周岁(含)", [c("legal_rep_age", "between", [19, 60])]),
    # tax credit ratings
    ("纳税信用等级A、B或M级", [c("tax_credit_rating", "in", ["A", "B", "M"])]),
    ("纳税信用等级为A级、B级、M级", [c("tax_credit_rating", "in", ["A", "B", "M"])]),
    ("纳税信用等级为A\\B\\M", [c("tax_credit_rating", "in", ["A", "B", "M"])]),
    ("纳税信用等级A/B类", [c("tax_credit_rating", "in", ["A", "B"])]),
    ("纳税信用等级AB级", [c("tax_credit_rating", "in", ["A", "B"])]),
    ("纳税评级为A、B级", [c("tax_credit_rating", "in", ["A", "B"])]),
    ("纳税信用等级B级(含)以上", [c("tax_credit_rating", "in", ["A", "B"])]),
    ("纳税信用等级B级以上(不含)", [c("tax_credit_rating", "in", ["A"])]),
    ("纳税信用等级M级及以上", [c("tax_credit_rating", "in", ["A", "B", "M"])]),
    ("纳税信用等级不低于B级", [c("tax_credit_rating", "in", ["A", "B"])]),
    ("B级及以上纳税人", [c("tax_credit_rating", "in", ["A", "B"])]),
    ("纳税信用等级非D级", [c("tax_credit_rating", "not_in", ["D"])]),
    # tax paid, revenue, invoices
    ("近12个月纳税总额不低于1万元", [c("tax_paid_12m", ">=", 10000)]),
    ("近12个月纳税总额≥1万元", [c("tax_paid_12m", ">=", 10000)]),
    ("近一年纳税不低于5万", [c("tax_paid_12m", ">=", 50000)]),
    ("申请日前两个年度年均纳税≥5万元", [c("tax_paid_12m", ">=", 50000)]),
    ("近一年纳税额在2万元以上", [c("tax_paid_12m", ">=", 20000)]),
    ("年纳税额超过五千元", [c("tax_paid_12m", ">", 5000)]),
    ("上一年度纳税申报销售收入≥200万元", [c("annual_revenue", ">=", 2000000)]),
    ("纳税收入不低于300万", [c("annual_revenue", ">=", 3000000)]),
    ("年营业收入1000万元以上", [c("annual_revenue", ">=", 10000000)]),
    ("近一年开票收入不低于500万元", [c("invoice_revenue_12m", ">=", 5000000)]),
    ("近12个月增值税开票金额大于100万元", [c("invoice_revenue_12m", ">", 1000000)]),
    ("连续开票满12个月", [c("invoice_months", ">=", 12)]),
    ("连续纳税满24个月", [c("tax_filing_months", ">=", 24)]),
    ("有两年以上纳税记录", [c("tax_filing_months", ">=", 24)]),
    ("销售收入增长率≥20%", [c("revenue_growth", ">=", 0.2)]),
    ("营业收入同比增长不低于百分之十", [c("revenue_growth", ">=", 0.1)]),
    # finance
    ("上一年度资产负债率≤80%", [c("debt_ratio", "<=", 0.8)]),
    ("资产负债率不高于70%", [c("debt_ratio", "<=", 0.7)]),
    ("资产负债率低于65%", [c("debt_ratio", "<", 0.65)]),
    ("净利润≥0", [c("net_profit", ">=", 0)]),
    ("上年度净利润为正", [c("net_profit", ">", 0)]),
    ("上一年度实现盈利", [c("net_profit", ">", 0)]),
    (
        "企业及企业主信贷余额合计≤500万元(房贷、信用卡除外)",
        [c("total_credit_balance", "<=", 5000000)],
    ),
    ("企业负债总额不超过1.5亿元", [c("total_credit_balance", "<=", 150000000)]),
    ("注册资本不低于100万元", [c("registered_capital", ">=", 1000000)]),
    ("资产总额不超过5000万元", [c("total_assets", "<=", 50000000)]),
    # credit history
    ("无当前逾期", [c("overdue_current", "==", False)]),
    ("借款人无当前逾期,企业无当前逾期", [c("overdue_current", "==", False)]),
    ("企业当前无逾期", [c("overdue_current", "==", False)]),
    ("近2年内逾期不超过1次", [c("overdue_count_24m", "<=", 1)]),
    ("2年内无2次逾期", [c("overdue_count_24m", "<=", 1)]),
    ("近两年逾期不超过3次", [c("overdue_count_24m", "<=", 3)]),
    ("近24个月累计逾期少于3次", [c("overdue_count_24m", "<=", 2)]),
    ("近两年无逾期", [c("overdue_count_24m", "==", 0)]),
    ("近三个月征信查询≤6次", [c("credit_inquiries_3m", "<=", 6)]),
    ("近3个月贷款审批查询不超过4次", [c("credit_inquiries_3m", "<=", 4)]),
    ("近半年查询≤12次", [c("credit_inquiries_6m", "<=", 12)]),
    ("近6个月征信查询次数不多于8次", [c("credit_inquiries_6m", "<=", 8)]),
    ("未列入失信被执行人名单", [c("dishonest_debtor", "==", False)]),
    ("企业及企业主未列入人民法院失信被执行人名单", [c("dishonest_debtor", "==", False)]),
    ("失信被执行人不予受理", [c("dishonest_debtor", "==", False)]),
    ("非失信被执行人", [c("dishonest_debtor", "==", False)]),
    ("无欠税", [c("tax_arrears", "==", False)]),
    ("无欠税记录", [c("tax_arrears", "==", False)]),
    (
        "企业主及其配偶无当前逾期、欠税",
        [c("overdue_current", "==", False), c("tax_arrears", "==", False)],
    ),
    ("企业及实际控制人无未结清的被执行案件", [c("enforcement_cases", "==", 0)]),
    ("近两年无行政处罚", [c("admin_penalties_24m", "==", 0)]),
    # tax filings
    ('申请日前一年度"0"申报次数≤4次', [c("zero_filings_12m", "<=", 4)]),
    ("近12个月零申报不超过2次", [c("zero_filings_12m", "<=", 2)]),
    ("无零申报", [c("zero_filings_12m", "==", 0)]),
    # firm size, kind, people, qualifications
    ("国标小微企业", [c("size_class", "in", ["micro", "small"])]),
    ("借款人为小微企业", [c("size_class", "in", ["micro", "small"])]),
    ("中小微企业", [c("size_class", "in", ["micro", "small", "medium"])]),
    ("从业人员不少于10人", [c("employees", ">=", 10)]),
    ("社保缴纳人数不少于5人", [c("social_insurance_headcount", ">=", 5)]),
    ("有效知识产权不少于3项", [c("ip_count", ">=", 3)]),
    ("为国家高新技术企业", [c("high_tech", "==", True)]),
    ("专精特新企业", [c("specialized_sme", "==", True)]),
    (
        "为高新技术企业或专精特新企业",
        [{"any": [c("high_tech", "==", True), c("specialized_sme", "==", True)]}],
    ),
    (
        "小微企业或个体工商户",
        [
            {
                "any": [
                    c("size_class", "in", ["micro", "small"]),
                    c("entity_type", "in", ["individual_business"]),
                ]
            }
        ],
    ),
    # regions
    ("注册在四川省", [c("province_code", "==", "510000")]),
    ("在上海市辖区内注册", [c("province_code", "==", "310000")]),
    ("注册地在唐山市", [c("city_code", "==", "130200")]),
    ("企业注册在江苏省南京市、苏州市", [c("city_code", "in", ["320100", "320500"])]),
    ("注册地在上海浦东新区或闵行区", [c("region_code", "in", ["310115", "310112"])]),
    (
        "四川省内(成都市除外)",
        [c("province_code", "==", "510000"), c("city_code", "not_in", ["510100"])],
    ),
    (
        "注册在四川省或唐山市",
        [{"any": [c("province_code", "==", "510000"), c("city_code", "==", "130200")]}],
    ),
    # industries
    ("不支持房地产、金融业", [{"not": c("industry_code", "prefix", ["K", "J"])}]),
    ("房地产、金融业除外", [{"not": c("industry_code", "prefix", ["K", "J"])}]),
    (
        "不属于房地产、类金融、钢铁行业企业",
        [{"not": c("industry_code", "prefix", ["K", "J", "C31"])}],
    ),
    ("限制造业企业", [c("industry_code", "prefix", ["C"])]),
    # settlement accounts
    ("在我行开立基本结算账户", [c("bank_relationships", "contains", "boc")]),
    ("在工行开立结算账户", [c("bank_relationships", "contains", "icbc")]),
    ("基本户开立在唐山银行", [c("bank_relationships", "contains", "tsbank")]),
    # several criteria in one clause, alternatives joined by 或
    (
        "近12个月纳税总额≥1万元,无欠税记录",
        [c("tax_paid_12m", ">=", 10000), c("tax_arrears", "==", False)],
    ),
    (
        "近一年纳税不低于5万、纳税收入不低于300万",
        [c("tax_paid_12m", ">=", 50000), c("annual_revenue", ">=", 3000000)],
    ),
    ("上一年度资产负债率≤80%,净利润≥0", [c("debt_ratio", "<=", 0.8), c("net_profit", ">=", 0)]),
    (
        "近三个月征信查询≤6次,近半年查询≤12次",
        [c("credit_inquiries_3m", "<=", 6), c("credit_inquiries_6m", "<=", 12)],
    ),
    (
        "纳税信用等级为A级或近一年纳税额不低于10万元",
        [{"any": [c("tax_credit_rating", "in", ["A"]), c("tax_paid_12m", ">=", 100000)]}],
    ),
    # the second half of a clause goes on about the measure the first half named
    (
        "近3个月贷款审批查询不超过4次，近6个月不超过8次",
        [c("credit_inquiries_3m", "<=", 4), c("credit_inquiries_6m", "<=", 8)],
    ),
    ("法定代表人年龄不低于18周岁，不超过60周岁", [c("legal_rep_age", "between", [18, 60])]),
]


@pytest.mark.parametrize("clause,expected", PHRASES, ids=[p[0] for p in PHRASES])
def test_wording_reads_as_criterion(clause, expected):
    criteria, unparsed = read(clause)
    assert criteria == expected
    assert unparsed == [], f"{clause!r} left for review: {unparsed}"


# Clauses no profile field can express: they must be reported, never dropped,
# and must not be read as something narrower or wider than they say.
UNEXPRESSIBLE = [
    "近6个月至少有一次纳税记录",
    "征信记录良好",
    "无不良信用记录",
    "授信银行不超过3家",
    "对外担保金额不超过净资产的50%",
    "近6个月零申报次数不超过1次",  # the profile counts zero filings over 12 months
    "近一年无逾期",  # … and overdue episodes over 24
    "征信查询不超过6次",  # over which window?
    "申请人为企业法定代表人或实际控制人",
    "属于失信被执行人的企业",  # bad fact without a negation: not guessed at
    "两高一剩行业企业不予准入",
    "在本行开立结算账户或代发工资",  # one alternative has no field: requiring the other is wrong
    "近两年纳税总额不低于10万元",  # a two-year total is not an annual figure
    "近一年纳税不低于5",  # yuan or 万元?
]


@pytest.mark.parametrize("clause", UNEXPRESSIBLE)
def test_unexpressible_clause_is_reported_not_dropped(clause):
    criteria, unparsed = read(clause)
    assert criteria == []
    assert [u["clause"] for u in unparsed] == [clause]
    assert unparsed[0]["note"]


PARTLY = [
    # (clause, criteria read, words the note must name)
    (
        "在中行开立结算账户且为中行存量白名单内中小企业客户",
        [
            c("bank_relationships", "contains", "boc"),
            c("size_class", "in", ["micro", "small", "medium"]),
        ],
        "白名单",
    ),
    (
        "近24个月内累计逾期不超过6次，连续逾期不超过3次",
        [c("overdue_count_24m", "<=", 6)],
        "consecutive",
    ),
    ("最近12个月纳税额+减税额在5000元以上", [c("tax_paid_12m", ">=", 5000)], "reductions"),
    ("信用卡当前无逾期", [c("overdue_current", "==", False)], "信用卡"),
]


@pytest.mark.parametrize("clause,expected,named", PARTLY, ids=[p[0] for p in PARTLY])
def test_clause_read_in_part_reports_the_rest(clause, expected, named):
    criteria, unparsed = read(clause)
    assert criteria == expected
    assert unparsed and any(named in u["note"] for u in unparsed)


def test_each_criterion_quotes_its_clause():
    sheet = parse_sheet(
        "银行: 中国银行\n产品: 测试贷\n申请条件:\n1. 企业成立满2年;\n"
        "2. 近12个月纳税总额≥1万元,无欠税记录。\n"
    )
    sources = [n["source"] for n in sheet.rule_file["eligibility"]["all"]]
    assert sources == [
        "企业成立满2年",
        "近12个月纳税总额≥1万元,无欠税记录",
        "近12个月纳税总额≥1万元,无欠税记录",
    ]


def test_age_split_over_two_clauses_becomes_one_range_quoting_both():
    sheet = parse_sheet(
        "银行: 中国银行\n产品: 测试贷\n申请条件:\n1. 法定代表人年满18周岁;\n"
        "2. 成立满1年;\n3. 法定代表人年龄不超过65周岁。\n"
    )
    nodes = sheet.rule_file["eligibility"]["all"]
    assert [shape(n) for n in nodes] == [
        c("legal_rep_age", "between", [18, 65]),
        c("years_in_business", ">=", 1),
    ]
    assert nodes[0]["source"] == "法定代表人年满18周岁；法定代表人年龄不超过65周岁"


def test_two_floors_on_one_field_keep_the_stricter():
    sheet = parse_sheet(
        "银行: 中国银行\n产品: 测试贷\n申请条件:\n1. 近一年纳税不低于3万元;\n"
        "2. 年均纳税不低于5万元。\n"
    )
    assert [shape(n) for n in sheet.rule_file["eligibility"]["all"]] == [
        c("tax_paid_12m", ">=", 50000)
    ]


def test_contradicting_bounds_are_kept_and_warned_about():
    sheet = parse_sheet(
        "银行: 中国银行\n产品: 测试贷\n申请条件:\n1. 法定代表人年龄不低于70周岁;\n"
        "2. 法定代表人年龄不超过60周岁。\n",
        source="s.txt",
    )
    assert [shape(n) for n in sheet.rule_file["eligibility"]["all"]] == [
        c("legal_rep_age", "between", [70, 60])
    ]
    assert any("contradict" in w for w in sheet.warnings)


def test_a_secured_only_product_requires_the_collateral_it_names():
    secured = parse_sheet(
        "银行: 中国工商银行\n产品: 抵押贷\n担保方式: 房产抵押\n申请条件:\n1. 企业成立满2年\n",
        stem="t",
    ).rule_file
    assert shape(secured["eligibility"]["all"][0]) == c("collateral", "in", ["real_estate"])
    either = parse_sheet(
        "银行: 中国工商银行\n产品: 信用贷\n担保方式: 信用、抵押均可\n申请条件:\n1. 企业成立满2年\n",
        stem="t",
    ).rule_file
    assert all(n.get("field") != "collateral" for n in either["eligibility"]["all"])
    assert either["terms"]["collateral"] == ["none", "real_estate"]
