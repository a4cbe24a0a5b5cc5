"""One bank-id rule wherever a bank id arrives: a rule file, a profile, an API key, a lead,
the editing API's address. They once disagreed on '-', so a bank could be loaded that no
key could ever be issued for."""

import pytest

from http_api.settings import ConfigError, parse_api_keys
from leads.errors import InvalidInput
from leads.intake import _check_names
from matcher.rulefile.product import read_product
from matcher.rulefile.schema import schema
from matcher.rulefile.source import Location
from matcher.vocabulary.fields import BANK_ID_MAX
from matcher.vocabulary.ids import BANK_ID, BANK_ID_SCHEMA, PRODUCT_ID
from matcher.vocabulary.profile import ProfileError, load_profile

GOOD = ["icbc", "hebei_rcc", "b2", "9bank", "a" * BANK_ID_MAX]
BAD = ["ice-bank", "_profiles", "ICBC", "a" * (BANK_ID_MAX + 1), "icbc\n", "", "银行", "a b"]


def in_rule_file(bank: str) -> bool:
    data = {
        "id": "x-product",
        "bank": bank,
        "name": "x",
        "eligibility": {"all": [{"field": "legal_rep_age", "op": ">=", "value": 18}]},
    }
    _, problems = read_product(data, "x.yaml", Location("x.yaml", 1, 1))
    return not any(p.location.path == "x.yaml" and "bank" in p.message for p in problems)


def in_profile(bank: str) -> bool:
    try:
        load_profile({"bank_relationships": [bank]})
    except ProfileError as exc:
        return "bank_relationships" not in exc.errors
    return True


def in_api_key(bank: str) -> bool:
    try:
        parse_api_keys(f"bank:{bank}:{'k' * 32}")
    except ConfigError:
        return False
    return True


def in_lead(bank: str) -> bool:
    try:
        _check_names(
            product_id="icbc-x", bank=bank, portal="p", catalog_version="v", idempotency_key=None
        )
    except InvalidInput:
        return False
    return True


@pytest.mark.parametrize("bank", GOOD + BAD)
def test_every_entry_point_agrees_on_a_bank_id(bank):
    expected = bank in GOOD
    assert bool(BANK_ID.match(bank)) == expected
    assert {
        "rule file": in_rule_file(bank),
        "profile": in_profile(bank),
        "api key": in_api_key(bank),
        "lead": in_lead(bank),
    } == {"rule file": expected, "profile": expected, "api key": expected, "lead": expected}


def test_documents_state_the_same_pattern():
    assert schema()["properties"]["bank"]["pattern"] == BANK_ID_SCHEMA
    assert PRODUCT_ID.match("icbc-jingying-kuaidai") and not BANK_ID.match("icbc-jingying")
