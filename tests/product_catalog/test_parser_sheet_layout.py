"""How a sheet is cut up: header lines, numbered or prose clauses, alternatives,
and the product terms read from the header."""

from decimal import Decimal

import pytest

from product_catalog.parser import SheetError, parse_sheet
from product_catalog.parser.clauses import split_sheet
from product_catalog.parser.header import (
    is_illustrative,
    read_amount,
    read_approval_days,
    read_channel,
    read_collateral,
    read_rate,
    read_term,
)


def clauses_of(body: str):
    _, clauses, _ = split_sheet("银行: 中国银行\n产品: 测试\n申请条件:\n" + body)
    return [(c.text, c.line) for c in clauses]


@pytest.mark.parametrize(
    "body",
    [
        "1. 企业成立满2年;\n2. 无欠税。\n",
        "1、企业成立满2年；\n2、无欠税。\n",
        "(一)企业成立满2年；\n(二)无欠税。\n",
        "（一）企业成立满2年；\n（二）无欠税。\n",
        "一、企业成立满2年；\n二、无欠税。\n",
        "①企业成立满2年；\n②无欠税。\n",
        "(1)企业成立满2年；\n(2)无欠税。\n",
        "- 企业成立满2年\n- 无欠税\n",
    ],
)
def test_numbered_clauses_lose_their_markers(body):
    assert clauses_of(body) == [("企业成立满2年", 4), ("无欠税", 5)]


def test_prose_is_cut_at_semicolons_and_full_stops():
    assert clauses_of("纳税信用等级为A\\B\\M;有两年经营记录；近一年纳税不低于5万。\n") == [
        ("纳税信用等级为A\\B\\M", 4),
        ("有两年经营记录", 4),
        ("近一年纳税不低于5万", 4),
    ]


def test_markers_inline_on_one_line():
    assert clauses_of("①企业成立满2年；②无欠税；③无当前逾期。\n") == [
        ("企业成立满2年", 4),
        ("无欠税", 4),
        ("无当前逾期", 4),
    ]


def test_numbered_item_running_onto_the_next_line_stays_one_clause():
    assert clauses_of("1. 法定代表人年满22周岁，\n   且不超过60周岁；\n2. 无欠税。\n") == [
        ("法定代表人年满22周岁，且不超过60周岁", 4),
        ("无欠税", 6),
    ]


def test_amounts_with_decimal_points_are_not_clause_numbers():
    assert clauses_of("1.5万元以上的纳税额\n") == [("1.5万元以上的纳税额", 4)]


def test_a_heading_is_not_a_clause():
    assert clauses_of("企业须同时满足以下条件：\n1. 无欠税；\n") == [("无欠税", 5)]


def test_alternatives_under_a_heading_become_any():
    sheet = parse_sheet(
        "银行: 中国银行\n产品: 测试\n申请条件:\n1. 无欠税；\n2. 满足以下条件之一：\n"
        "(1)近一年纳税不低于5万元；\n(2)纳税信用等级为A级；\n3. 无当前逾期。\n"
    )
    nodes = sheet.rule_file["eligibility"]["all"]
    assert nodes[0]["field"] == "tax_arrears"
    assert [n["field"] for n in nodes[1]["any"]] == ["tax_paid_12m", "tax_credit_rating"]
    assert nodes[2]["field"] == "overdue_current"


def test_alternatives_listed_after_the_colon():
    sheet = parse_sheet(
        "银行: 中国银行\n产品: 测试\n申请条件:\n"
        "符合下列条件之一：为高新技术企业；近一年纳税不低于10万元。\n"
    )
    (group,) = sheet.rule_file["eligibility"]["all"]
    assert [n["field"] for n in group["any"]] == ["high_tech", "tax_paid_12m"]


def test_header_keys_in_other_words_and_full_width_colons():
    sheet = parse_sheet(
        "贷款银行：中国建设银行\n产品名称：云税贷\n贷款额度：最高200万元\n"
        "期限：12个月\n准入条件：企业成立满1年。\n"
    )
    rf = sheet.rule_file
    assert (rf["bank"], rf["name"], rf["terms"]["amount"], rf["terms"]["term_months"]) == (
        "ccb",
        "云税贷",
        {"max": 2000000},
        {"max": 12},
    )
    assert rf["eligibility"]["all"][0]["field"] == "years_in_business"


def test_unknown_header_and_stray_lines_are_reported():
    sheet = parse_sheet(
        "某某产品介绍\n银行: 中国银行\n产品: 测试\n还款方式: 按月付息\n申请条件:\n1. 无欠税。\n",
        source="s.txt",
    )
    clauses = [u["clause"] for u in sheet.rule_file["unparsed"]]
    assert "还款方式: 按月付息" in clauses and "某某产品介绍" in clauses
    assert "s.txt:4: unparsed: 还款方式: 按月付息" in sheet.warnings


@pytest.mark.parametrize(
    "text,message",
    [
        ("产品: 测试\n申请条件:\n1. 无欠税\n", "no '银行:' line"),
        ("银行: 中国银行\n申请条件:\n1. 无欠税\n", "no '产品:' line"),
        ("", "no '银行:' line"),
    ],
)
def test_not_a_sheet_is_a_clear_error(text, message):
    with pytest.raises(SheetError, match=message):
        parse_sheet(text, source="x.txt")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("最高300万元", {"max": 3000000}),
        ("纯线上最高100万元,线上线下结合最高300万元", {"max": 3000000}),
        ("10万-500万元", {"min": 100000, "max": 5000000}),
        ("单户最高1000万元，最低5万元", {"min": 50000, "max": 10000000}),
        ("500万元以内", {"max": 5000000}),
        ("最高1亿元", {"max": 100000000}),
    ],
)
def test_amount(text, expected):
    assert read_amount(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("最长1年", {"max": 12}),
        ("1年", {"max": 12}),
        ("1-3年", {"min": 12, "max": 36}),
        ("6个月至3年", {"min": 6, "max": 36}),
        ("半年", {"max": 6}),
        ("最长不超过36个月", {"max": 36}),
    ],
)
def test_term_months(text, expected):
    assert read_term(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("年化4.35%起", {"min": Decimal("4.35")}),
        ("3.45%-6%", {"min": Decimal("3.45"), "max": Decimal("6")}),
        ("最低3.65%", {"min": Decimal("3.65")}),
        ("年化利率低至3.6%", {"min": Decimal("3.6")}),
        ("LPR+50BP", {}),
    ],
)
def test_rate_pct(text, expected):
    assert read_rate(text) == expected


@pytest.mark.parametrize(
    "text,kinds,unread",
    [
        ("信用", ["none"], ""),
        ("纯信用", ["none"], ""),
        ("免抵押", ["none"], ""),
        ("抵押", ["real_estate"], ""),
        ("房产抵押", ["real_estate"], ""),
        ("保证", ["guarantee"], ""),
        ("担保", ["guarantee"], ""),
        ("信用、保证、抵押", ["none", "guarantee", "real_estate"], ""),
        ("设备抵押或应收账款质押", ["equipment", "receivables"], "质押"),
        ("信用/知识产权质押", ["none"], "知识产权质押"),
    ],
)
def test_collateral(text, kinds, unread):
    assert read_collateral(text) == (kinds, unread)


@pytest.mark.parametrize(
    "text,channel",
    [
        ("线上", "online"),
        ("手机银行、企业网银", "online"),
        ("网点办理", "offline"),
        ("线上线下均可", "both"),
        ("电话咨询", None),
    ],
)
def test_channel(text, channel):
    assert read_channel(text) == channel


@pytest.mark.parametrize(
    "text,days",
    [
        ("最快1天", 1),
        ("3个工作日", 3),
        ("1-3个工作日", 3),
        ("实时审批", 0),
        ("T+1", 1),
        ("2小时内", 1),
    ],
)
def test_approval_days(text, days):
    assert read_approval_days(text) == days


@pytest.mark.parametrize(
    "text,illustrative",
    [
        ("以上数据为示意，实际以银行审批为准", True),
        ("额度利率仅供参考", True),
        ("各公开来源数据不一致", True),
        ("数据来自银行官网", False),
    ],
)
def test_illustrative_data_note(text, illustrative):
    assert is_illustrative(text) is illustrative


def test_illustrative_line_sets_the_term():
    sheet = parse_sheet(
        "银行: 中国银行\n产品: 测试\n数据说明: 额度与利率为示意数据\n申请条件:\n无欠税\n"
    )
    assert sheet.rule_file["terms"]["illustrative"] is True


def test_region_header_is_a_criterion_quoting_the_line():
    sheet = parse_sheet("银行: 唐山银行\n产品: 测试\n适用地区: 唐山市\n申请条件:\n无欠税\n")
    first = sheet.rule_file["eligibility"]["all"][0]
    assert first == {
        "field": "city_code",
        "op": "==",
        "value": "130200",
        "source": "适用地区: 唐山市",
    }


def test_unknown_bank_gets_a_stable_fallback_id_and_a_warning():
    text = "银行: 长安银行\n产品: 测试\n申请条件:\n无欠税\n"
    first, second = parse_sheet(text, source="z.txt", stem="zy"), parse_sheet(text, stem="zy")
    assert first.rule_file["bank"].startswith("bank-")
    assert first.rule_file["bank"] == second.rule_file["bank"]
    assert first.rule_file["id"] == first.rule_file["bank"] + "-zy"
    assert first.rule_file["bank_name"] == "长安银行"
    assert any("unknown bank" in w and "banks.py" in w for w in first.warnings)


@pytest.mark.parametrize(
    "stem,expected",
    [
        ("abc-nashui-edai", "abc-nashui-edai"),
        ("nashui-edai", "abc-nashui-edai"),
        ("Nashui EDai", "abc-nashui-edai"),
    ],
)
def test_id_from_file_stem(stem, expected):
    sheet = parse_sheet("银行: 农行\n产品: 纳税e贷\n申请条件:\n无欠税\n", stem=stem)
    assert sheet.rule_file["id"] == expected


def test_alternatives_on_one_line_end_with_that_line():
    sheet = parse_sheet(
        "银行: 中国银行\n产品: 测试\n申请条件:\n"
        "1. 符合下列条件之一：为高新技术企业；近一年纳税不低于10万元。\n2. 无欠税。\n"
    )
    group, last = sheet.rule_file["eligibility"]["all"]
    assert [n["field"] for n in group["any"]] == ["high_tech", "tax_paid_12m"]
    assert last["field"] == "tax_arrears"


def test_nationwide_product_has_no_region_criterion():
    sheet = parse_sheet("银行: 中国银行\n产品: 测试\n适用地区: 全国\n申请条件:\n无欠税\n")
    assert [n["field"] for n in sheet.rule_file["eligibility"]["all"]] == ["tax_arrears"]
    assert "unparsed" not in sheet.rule_file
