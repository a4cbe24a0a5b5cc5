"""The YAML a reviewer reads: key order of docs/rules.md, Chinese as written,
decimals exact, and loading it back gives the same rule file."""

from decimal import Decimal

import yaml

from product_catalog.parser import dump_rule_file, parse_sheet

SHEET = """\
银行: 中国银行
产品: 中银企E贷·银税贷
产品额度: 最高300万元
贷款期限: 1年
参考利率: 年化4.35%起
担保方式: 信用
申请条件:
1. 上一年度资产负债率≤80%;
2. 不支持房地产、金融业;
3. 为高新技术企业或专精特新企业;
4. 在中行开立结算账户且为中行存量白名单内客户。
"""


def _as_loaded(value):
    """What YAML gives back for a value of the rule-file dict."""
    if isinstance(value, dict):
        return {k: _as_loaded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_loaded(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    return value


def test_round_trip():
    rule_file = parse_sheet(SHEET, source="sheets/boc/yinshuidai.txt").rule_file
    assert yaml.safe_load(dump_rule_file(rule_file)) == _as_loaded(rule_file)


def test_layout_for_review():
    text = dump_rule_file(parse_sheet(SHEET, source="sheets/boc/yinshuidai.txt").rule_file)
    lines = text.splitlines()
    assert lines[0].startswith("# yaml-language-server: $schema=")
    top = [
        line.split(":")[0] for line in lines[1:] if line and not line.startswith((" ", "-", "#"))
    ]
    assert top == ["id", "bank", "bank_name", "name", "source", "terms", "eligibility", "unparsed"]
    assert "name: 中银企E贷·银税贷" in lines
    assert "  amount: {max: 3000000}" in lines
    assert "  rate_pct: {min: 4.35}" in lines
    assert "  collateral: [none]" in lines
    # a criterion opens with field, op and value, in that order
    i = lines.index("    - field: debt_ratio")
    assert lines[i + 1 : i + 4] == [
        '      op: "<="',
        "      value: 0.8",
        "      source: 上一年度资产负债率≤80%",
    ]
    assert "        value: [K, J]" in lines


def test_keys_are_put_in_order_whatever_order_the_dict_has():
    rule_file = {
        "eligibility": {
            "all": [{"source": "s", "value": 2, "op": ">=", "field": "years_in_business"}]
        },
        "name": "n",
        "terms": {"channel": "online", "amount": {"max": 5, "min": 1}},
        "bank": "abc",
        "id": "abc-x",
    }
    text = dump_rule_file(rule_file)
    assert text.index("id:") < text.index("bank:") < text.index("name:") < text.index("terms:")
    assert "amount: {min: 1, max: 5}" in text
    assert text.index("field:") < text.index("op:") < text.index("value:") < text.index("source:")


def test_region_codes_stay_text():
    rule_file = parse_sheet(
        "银行: 中国建设银行\n产品: 减税云贷\n适用地区: 四川省\n申请条件:\n无欠税\n"
    ).rule_file
    loaded = yaml.safe_load(dump_rule_file(rule_file))
    assert loaded["eligibility"]["all"][0]["value"] == "510000"
