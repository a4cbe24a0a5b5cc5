"""The published samples: every sheet in tests/data/samples/product_sheets/ must
parse to the criteria and terms a careful reader wrote in expected_criteria.json.
"""

import json
from decimal import Decimal

import pytest

from product_catalog.parser import parse_file
from tests.support.parser_shapes import norm
from tests.support.paths import SAMPLE_EXPECTED, SAMPLE_SHEETS

SHEETS = SAMPLE_SHEETS
EXPECTED = SAMPLE_EXPECTED


def _expected() -> dict:
    if not EXPECTED.is_file():
        pytest.fail(f"{EXPECTED} is missing")
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def _sheet_names() -> list[str]:
    return sorted(p.name for p in SHEETS.glob("*.txt")) or ["<no sample sheets>"]


def _criterion(node: dict) -> tuple:
    return (node["field"], node["op"], norm(node["value"]))


def _unmappable_text(entry: str) -> str:
    """The clause of an 'unmappable' entry, without the reader's remark in parentheses."""
    return entry.split(" (")[0].strip()


@pytest.mark.parametrize("name", _sheet_names())
def test_sample_sheet_matches_expected_criteria(name):
    if name == "<no sample sheets>":
        pytest.fail(f"no sample sheets in {SHEETS}")
    expected = _expected()
    assert name in expected, f"{name} has no entry in {EXPECTED}"
    want = expected[name]
    parsed = parse_file(SHEETS / name).rule_file
    nodes = parsed["eligibility"]["all"]
    assert all("field" in n for n in nodes), f"samples need no groups: {nodes}"

    unmappable = [_unmappable_text(u) for u in want["unmappable"]]
    unparsed = [u["clause"] for u in parsed.get("unparsed", [])]
    for clause in unmappable:
        assert any(clause == u or clause in u for u in unparsed), (
            f"{name}: {clause!r} not reported under unparsed (got {unparsed})"
        )

    got = [_criterion(n) for n in nodes]
    wanted = [_criterion(c) for c in want["criteria"]]
    assert len(set(got)) == len(got), f"{name}: duplicate criteria {got}"
    missing = [c for c in wanted if c not in got]
    assert not missing, f"{name}: criteria not read: {missing}"
    # The reader listed nothing for clauses it marked unmappable; the parser may
    # read the expressible part of those (在中行开立结算账户 → bank_relationships),
    # but of no other clause may it read more than the reader did.
    extra = [n for n in nodes if _criterion(n) not in wanted]
    for node in extra:
        assert any(clause in node.get("source", "") for clause in unmappable), (
            f"{name}: criterion {_criterion(node)} from {node.get('source')!r} is not expected"
        )


@pytest.mark.parametrize("name", _sheet_names())
def test_sample_sheet_product_terms(name):
    if name == "<no sample sheets>":
        pytest.fail(f"no sample sheets in {SHEETS}")
    product = _expected()[name]["product"]
    parsed = parse_file(SHEETS / name).rule_file
    terms = parsed.get("terms", {})
    assert parsed["bank_name"] == product["bank"]
    assert parsed["name"] == product["name"]
    assert terms.get("amount", {}).get("max") == product["max_amount"]
    if "max_term_months" in product:
        assert terms["term_months"]["max"] == product["max_term_months"]
    if "min_rate_pct" in product:
        assert Decimal(str(terms["rate_pct"]["min"])) == Decimal(str(product["min_rate_pct"]))
    if "collateral" in product:
        assert product["collateral"] in terms["collateral"]


def test_every_expected_entry_has_a_sheet():
    names = {k for k in _expected() if not k.startswith("_")}
    missing = sorted(n for n in names if not (SHEETS / n).is_file())
    assert not missing, f"expected_criteria.json names sheets that are not in {SHEETS}: {missing}"
