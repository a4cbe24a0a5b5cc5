"""Whatever a sheet says, the parser neither crashes nor drops a clause silently:
each clause is quoted by a criterion or listed under ``unparsed``, and every
criterion names a profile field with an operator the rule format has."""

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.vocabulary.fields import FIELDS
from product_catalog.parser import dump_rule_file, parse_sheet
from product_catalog.parser.clauses import split_sheet
from tests.support.parser_shapes import leaves

OPS = {"==", "!=", "<", "<=", ">", ">=", "between", "in", "not_in", "prefix", "contains", "exists"}

FRAGMENTS = [
    "企业成立满2年",
    "纳税信用等级B级(含)以上",
    "近12个月纳税总额不低于1万元",
    "法定代表人年龄18-65周岁",
    "无当前逾期",
    "2年内无2次逾期",
    "未列入失信被执行人名单",
    "注册在四川省",
    "不支持房地产、金融业",
    "近三个月征信查询≤6次",
    "资产负债率≤80%",
    "在我行开立结算账户",
    "国标小微企业",
    "超过60周岁的不予受理",
    "近6个月至少有一次纳税记录",
    "征信良好",
    "年满18周岁",
    "不超过65周岁",
    "或",
    "且",
    "，",
    "、",
    "（含）",
    "以上",
    "近半年",
    "万元",
    "两年",
    "白名单",
    "代发工资",
    "除",
    "外",
    "非",
    "无",
    "有下列情形之一的，不予受理：",
    "借款人应具备以下条件：",
    "满足下列条件之一：",
    "伍拾万元",
    "100万美元",
    "申报纳税",
    "年均",
    "上一纳税年度",
    "人民币",
    "台州市",
]
# Characters that sheets are made of, to shake loose whatever the fragments do not try.
ALPHABET = "企业纳税信用等级满年月万元以上以下不低于超过含无逾期查询次近个半两三十0123456789-%≥≤()、，；或且除外非ABMCD"

clause = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(ALPHABET, min_size=1, max_size=12)),
    min_size=1,
    max_size=4,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(clause, min_size=1, max_size=6))
def test_every_clause_is_read_or_reported(clauses):
    text = "银行: 中国银行\n产品: 测试贷\n申请条件:\n" + "\n".join(
        f"{i}. {c}；" for i, c in enumerate(clauses, start=1)
    )
    sheet = parse_sheet(text, source="t.txt")
    rf = sheet.rule_file
    criteria = list(leaves(rf["eligibility"]))
    sources = [n.get("source", "") for n in criteria]
    unparsed = [u["clause"] for u in rf.get("unparsed", [])]
    for c in split_sheet(text)[1]:
        if not any("\u4e00" <= ch <= "\u9fff" or ch.isalnum() for ch in c.text):
            continue  # punctuation alone says nothing
        assert any(c.text in s for s in sources) or any(
            u in c.text or c.text in u for u in unparsed
        ), f"clause {c.text!r} neither read nor reported"
    for leaf in criteria:
        assert leaf["field"] in FIELDS and leaf["op"] in OPS, leaf
    assert len(sheet.warnings) >= len(unparsed)
    dump_rule_file(rf)


@settings(max_examples=500, deadline=None)
@given(clause)
def test_every_segment_yields_criteria_or_a_report(text):
    from product_catalog.parser.clauses import split_segments
    from product_catalog.parser.recognise import read_segment
    from product_catalog.parser.text import Segment

    for start, end in split_segments(text):
        piece = text[start:end].strip()
        reading = read_segment(Segment(piece, text, 1), "boc")
        says_something = any("\u4e00" <= ch <= "\u9fff" or ch.isalnum() for ch in piece)
        if says_something:
            assert reading.nodes or reading.unread or reading.notes, f"{piece!r} silently dropped"
