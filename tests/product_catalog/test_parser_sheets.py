"""Whole sheets written in other banks' styles than the published samples:
full-width punctuation, Chinese numerals, prose, run-on lines, alternatives,
regional limits, industry exclusions and a clause no field can express."""

from decimal import Decimal

from product_catalog.parser import parse_sheet

TANGSHAN = """\
贷款银行：唐山银行股份有限公司
产品名称：冀税贷
贷款额度：10万元-500万元
期限：最长不超过3年
利率：年化利率3.85%-6.5%
担保方式：信用/保证
办理渠道：手机银行在线申请，网点线下办理
审批时效：最快T+1
适用区域：唐山市、秦皇岛市
数据说明：以上数据为示意，实际以银行审批为准
准入条件：
一、借款企业注册地在唐山市或秦皇岛市辖内，正常经营满三年(含)；
二、企业纳税信用等级为B级以上(含B级)，近24个月内纳税记录连续；
三、近一年纳税总额达到3万元以上，且上年度开票收入不少于800万元；
四、法定代表人年满22周岁，
    且年龄不超过60周岁；
五、企业及法定代表人在人民银行征信系统中当前无逾期，近2年逾期次数少于3次；
六、不属于房地产、类金融、钢铁行业企业。
"""

CHENGDU = """\
银行：成都农商银行
产品：科创贷
产品额度：单户最高1000万元
贷款期限：6个月至3年
参考利率：LPR+50BP起
担保方式：信用、知识产权质押、保证
申请条件：
借款人为在成都市注册的国标中小微企业，成立2年以上；企业为国家高新技术企业或专精特新中小企业；
满足以下条件之一：
(1)近一年销售收入不低于1000万元；
(2)有效知识产权5项以上；
(3)上年度研发投入占营业收入比例不低于3%。
企业资产负债率不高于70%，上一年度净利润不为负；
企业主年龄25~60岁。
"""

SHANGHAI = """\
银行: 上海农商银行
产品: 鑫税贷
产品额度: 最高200万元
贷款期限: 1年
担保方式: 纯信用
办理渠道: 线上
申请条件:
① 在上海市辖区内注册并实际经营满一年半；② 在本行开立结算账户或代发工资；
③ 近12个月增值税开票金额大于100万元且无零申报；④ 近3个月贷款审批查询不超过4次，
近6个月不超过8次；⑤ 企业无欠税、无未结清的被执行案件，实际控制人非失信被执行人；
⑥ 借款人年龄在65周岁以下(不含)。
"""


def _shape(node):
    if "field" in node:
        value = node["value"]
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            value = Decimal(str(value))
        elif isinstance(value, list):
            value = tuple(Decimal(str(v)) if isinstance(v, (int, Decimal)) else v for v in value)
        return (node["field"], node["op"], value)
    if "not" in node:
        return ("not", _shape(node["not"]))
    group = "all" if "all" in node else "any"
    return (group, tuple(_shape(n) for n in node[group]))


def _d(*values):
    return tuple(Decimal(str(v)) for v in values)


def test_tangshan_sheet():
    sheet = parse_sheet(TANGSHAN, source="sheets/tsbank/jishui-dai.txt")
    rf = sheet.rule_file
    assert (rf["id"], rf["bank"], rf["bank_name"], rf["name"]) == (
        "tsbank-jishui-dai",
        "tsbank",
        "唐山银行",
        "冀税贷",
    )
    assert rf["terms"] == {
        "amount": {"min": 100000, "max": 5000000},
        "term_months": {"max": 36},
        "rate_pct": {"min": Decimal("3.85"), "max": Decimal("6.5")},
        "collateral": ["none", "guarantee"],
        "channel": "both",
        "approval_days": 1,
        "illustrative": True,
    }
    assert [_shape(n) for n in rf["eligibility"]["all"]] == [
        ("city_code", "in", ("130200", "130300")),
        ("years_in_business", ">=", Decimal(3)),
        ("tax_credit_rating", "in", ("A", "B")),
        ("tax_paid_12m", ">=", Decimal(30000)),
        ("invoice_revenue_12m", ">=", Decimal(8000000)),
        ("legal_rep_age", "between", _d(22, 60)),
        ("overdue_current", "==", False),
        ("overdue_count_24m", "<=", Decimal(2)),
        ("not", ("industry_code", "prefix", ("K", "J", "C31"))),
    ]
    # the region stated twice is one criterion quoting both places
    assert rf["eligibility"]["all"][0]["source"] == (
        "适用区域：唐山市、秦皇岛市；借款企业注册地在唐山市或秦皇岛市辖内，正常经营满三年(含)"
    )
    assert [u["clause"] for u in rf["unparsed"]] == ["近24个月内纳税记录连续"]
    assert sheet.warnings == ["sheets/tsbank/jishui-dai.txt:13: unparsed: 近24个月内纳税记录连续"]


def test_chengdu_sheet():
    rf = parse_sheet(CHENGDU, stem="cdrcb-kechuang").rule_file
    assert rf["id"] == "cdrcb-kechuang"
    assert rf["terms"] == {
        "amount": {"max": 10000000},
        "term_months": {"min": 6, "max": 36},
        "collateral": ["none", "guarantee"],
    }
    assert [_shape(n) for n in rf["eligibility"]["all"]] == [
        ("city_code", "==", "510100"),
        ("size_class", "in", ("micro", "small", "medium")),
        ("years_in_business", ">=", Decimal(2)),
        ("any", (("high_tech", "==", True), ("specialized_sme", "==", True))),
        ("any", (("annual_revenue", ">=", Decimal(10000000)), ("ip_count", ">=", Decimal(5)))),
        ("debt_ratio", "<=", Decimal("0.7")),
        ("net_profit", ">=", Decimal(0)),
        ("legal_rep_age", "between", _d(25, 60)),
    ]
    left = {u["clause"]: u["note"] for u in rf["unparsed"]}
    assert set(left) == {
        "参考利率：LPR+50BP起",
        "担保方式：信用、知识产权质押、保证",
        "上年度研发投入占营业收入比例不低于3%",
    }
    assert "知识产权质押" in left["担保方式：信用、知识产权质押、保证"]


def test_shanghai_sheet():
    rf = parse_sheet(SHANGHAI, stem="srcb-xinshuidai").rule_file
    assert rf["terms"] == {
        "amount": {"max": 2000000},
        "term_months": {"max": 12},
        "collateral": ["none"],
        "channel": "online",
    }
    assert [_shape(n) for n in rf["eligibility"]["all"]] == [
        ("province_code", "==", "310000"),
        ("months_in_business", ">=", Decimal(18)),
        ("invoice_revenue_12m", ">", Decimal(1000000)),
        ("zero_filings_12m", "==", Decimal(0)),
        ("credit_inquiries_3m", "<=", Decimal(4)),
        ("credit_inquiries_6m", "<=", Decimal(8)),
        ("tax_arrears", "==", False),
        ("enforcement_cases", "==", Decimal(0)),
        ("dishonest_debtor", "==", False),
        ("legal_rep_age", "<=", Decimal(64)),
    ]
    # "or pays wages through us" has no field; requiring the account alone would
    # turn away firms that only pay wages through the bank, so nothing is required
    (left,) = rf["unparsed"]
    assert left["clause"] == "在本行开立结算账户或代发工资"
    assert "代发工资" in left["note"]
