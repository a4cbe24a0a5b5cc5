"""Loading a posted profile: types, every error at once, and the derived fields."""

import json
from datetime import date
from decimal import Decimal

import pytest
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from hypothesis import given
from hypothesis import strategies as st

from matcher.vocabulary.fields import DERIVED_FIELDS, POSTED_FIELDS
from matcher.vocabulary.profile import (
    DERIVED_POSTED,
    UNKNOWN_FIELD,
    Profile,
    ProfileError,
    ProfileSchema,
    load_profile,
    months_between,
)
from tests.support.paths import RULES, SAMPLE_PROFILES

SAMPLES = RULES / "_profiles"
AS_OF = date(2026, 1, 15)


def sample(name):
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def errors_of(data, as_of=AS_OF):
    with pytest.raises(ProfileError) as caught:
        load_profile(data, as_of=as_of)
    return caught.value.errors


# --- the samples --------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SAMPLE_PROFILES), ids=lambda p: p.stem)
def test_every_sample_profile_loads_with_all_its_fields(path):
    posted = json.loads(path.read_text(encoding="utf-8"))
    profile = load_profile(posted, as_of=AS_OF)
    assert isinstance(profile, Profile) and profile.as_of == AS_OF
    assert set(posted) <= set(profile.values)
    assert not any(isinstance(v, float) for v in profile.values.values())


def test_tangshan_manufacturer_derived_fields():
    profile = load_profile(sample("tangshan-manufacturer"), as_of=date(2025, 5, 20))
    assert profile.get("months_in_business") == 108  # 2016-05-20 → 2025-05-20
    assert profile.get("years_in_business") == 9
    assert profile.get("size_class") == "small"  # 工业: 86 people < 300
    assert profile.get("province_code") == "130000"
    assert profile.get("city_code") == "130200"
    assert profile.get("industry_section") == "C"
    assert profile.get("established_on") == date(2016, 5, 20)
    assert profile.get("bank_relationships") == ["tsbank", "icbc"]


def test_chengdu_retailer_is_micro_and_under_a_year_old():
    profile = load_profile(sample("chengdu-micro-retail"), as_of=AS_OF)
    assert profile.get("size_class") == "micro"  # 零售业: 4 people < 10
    assert profile.get("months_in_business") == 9  # 2025-04-08 → 2026-01-15
    assert profile.get("years_in_business") == 0
    assert profile.get("revenue_growth") == Decimal("0.35")
    assert isinstance(profile.get("revenue_growth"), Decimal)


def test_an_incomplete_profile_leaves_what_it_does_not_state_absent():
    profile = load_profile(sample("nanjing-startup-incomplete"), as_of=AS_OF)
    for name in ("total_assets", "tax_credit_rating", "overdue_current", "debt_ratio"):
        assert name not in profile
        assert profile.get(name) is None and profile.get(name, "?") == "?"
    assert profile.missing(["employees", "tax_paid_12m", "dishonest_debtor"]) == [
        "tax_paid_12m",
        "dishonest_debtor",
    ]
    assert profile.get("size_class") == "small"  # 软件: 15 people, 240万


def test_a_loaded_profile_cannot_be_changed():
    profile = load_profile({"employees": 3}, as_of=AS_OF)
    with pytest.raises(TypeError):
        profile.values["employees"] = 300


def test_as_of_defaults_to_today():
    before = date.today()
    profile = load_profile({"established_on": "2020-01-01"})
    assert before <= profile.as_of <= date.today()


# --- types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "posted, loaded",
    [
        (1300000, 1300000),
        ("1300000", 1300000),
        ("1200.00", 1200),
        (1200.0, 1200),
        ("1200.5", Decimal("1200.50")),
        (1200.55, Decimal("1200.55")),
        (Decimal("0.01"), Decimal("0.01")),
        (1e9, 1_000_000_000),
    ],
)
def test_money_is_int_when_whole_else_decimal_fen(posted, loaded):
    value = load_profile({"annual_revenue": posted}, as_of=AS_OF).get("annual_revenue")
    assert value == loaded and type(value) is type(loaded)


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_any_amount_in_fen_survives_as_text_and_as_number(amount):
    for posted in (str(amount), float(amount) if amount < 10**9 else amount):
        value = load_profile({"requested_amount": posted}, as_of=AS_OF).get("requested_amount")
        assert value == amount and not isinstance(value, float)


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("annual_revenue", 1.234, "more than 2 decimal places"),
        ("annual_revenue", "12万", "amount in yuan"),
        ("annual_revenue", "1e5", "amount in yuan"),
        ("annual_revenue", True, "boolean true"),
        ("annual_revenue", [1], "array"),
        ("annual_revenue", -1, "greater than or equal to 0"),
        ("net_profit", "-", "amount in yuan"),
        ("net_profit", -1.3e308, "greater than or equal to -1000000000000000"),
        ("net_profit", 10**16, "less than or equal to 1000000000000000"),
        ("revenue_growth", "35%", "decimal ratio"),
        ("revenue_growth", -1.5, "greater than or equal to -1"),
        ("employees", True, "whole number, got boolean true"),
        ("employees", 5.5, "whole number"),
        ("employees", "5", "whole number, got string"),
        ("employees", -1, "greater than or equal to 0"),
        ("legal_rep_age", 131, "less than or equal to 130"),
        ("requested_term_months", 0, "greater than or equal to 1"),
        ("tax_arrears", "false", "true or false, got string"),
        ("tax_arrears", 0, "true or false, got number"),
        ("entity_type", "company", "Must be one of: enterprise"),
        ("tax_credit_rating", "a", "Must be one of: A, B, M, C, D"),
        ("name", "  ", "must not be blank"),
        ("name", 7, "must be a string"),
    ],
)
def test_wrong_types_and_ranges_are_named(field, value, words):
    messages = errors_of({field: value})[field]
    assert any(words in m for m in messages), messages


def test_a_whole_float_is_an_integer():
    assert load_profile({"employees": 12.0}, as_of=AS_OF).get("employees") == 12
    assert type(load_profile({"employees": 12.0}, as_of=AS_OF).get("employees")) is int


def test_booleans_are_kept_as_posted():
    profile = load_profile({"tax_arrears": False, "high_tech": True}, as_of=AS_OF)
    assert profile.get("tax_arrears") is False and profile.get("high_tech") is True


@pytest.mark.parametrize("code", ["C", "C33", "C331", "C3311", "A0111", "T9800", "K7010"])
def test_industry_codes_of_every_depth_are_accepted(code):
    assert load_profile({"industry_code": code}, as_of=AS_OF).get("industry_section") == code[0]


@pytest.mark.parametrize(
    "code, words",
    [
        ("c3311", "section letter A-T"),
        ("C1", "section letter A-T"),
        ("C33111", "section letter A-T"),
        ("U", "section letter A-T"),
        (" C33", "section letter"),
        ("C5212", "division 52 is not in section C"),
        ("A06", "division 06 is not in section A"),
    ],
)
def test_bad_industry_codes_are_refused(code, words):
    assert any(words in m for m in errors_of({"industry_code": code})["industry_code"])


@pytest.mark.parametrize(
    "code, words",
    [
        ("13020", "6-digit"),
        ("1302031", "6-digit"),
        ("13O203", "6-digit"),
        (130203, "must be a string, got number"),
        ("130203\n", "6-digit"),
        ("990000", "province code"),
    ],
)
def test_bad_region_codes_are_refused(code, words):
    assert any(words in m for m in errors_of({"region_code": code})["region_code"])


def test_bad_credit_code_says_what_is_wrong():
    messages = errors_of({"credit_code": "91130203MA07LQ8K35"})["credit_code"]
    assert any("'5'" in m and "'4'" in m for m in messages), messages
    messages = errors_of({"credit_code": "91130203MA07LQ8K3"})["credit_code"]
    assert any("18 characters" in m for m in messages), messages


@pytest.mark.parametrize(
    "value, words",
    [
        ("2024-2-3", "YYYY-MM-DD"),
        ("2024/02/03", "YYYY-MM-DD"),
        ("20240203", "YYYY-MM-DD"),
        ("2024-02-03T00:00:00", "YYYY-MM-DD"),
        (20240203, "YYYY-MM-DD"),
        ("2024-02-30", "not a calendar date"),
        ("2023-02-29", "not a calendar date"),
    ],
)
def test_bad_dates_are_refused(value, words):
    assert any(words in m for m in errors_of({"established_on": value})["established_on"])


def test_registration_after_the_evaluation_date_is_an_error_on_established_on():
    messages = errors_of({"established_on": "2026-01-16"}, as_of=date(2026, 1, 15))
    assert "after the evaluation date 2026-01-15" in messages["established_on"][0]
    same_day = load_profile({"established_on": "2026-01-15"}, as_of=date(2026, 1, 15))
    assert same_day.get("months_in_business") == 0


def test_bank_ids_are_deduplicated_in_order_and_checked_one_by_one():
    profile = load_profile({"bank_relationships": ["icbc", "tsbank", "icbc"]}, as_of=AS_OF)
    assert profile.get("bank_relationships") == ["icbc", "tsbank"]
    assert load_profile({"bank_relationships": []}, as_of=AS_OF).get("bank_relationships") == []
    errors = errors_of({"bank_relationships": ["icbc", "ICBC", 3, "中国银行"]})
    assert set(errors["bank_relationships"]) == {1, 2, 3}
    assert "must be a list" in errors_of({"bank_relationships": "icbc"})["bank_relationships"][0]


# --- names ------------------------------------------------------------------------------


def test_an_unknown_field_is_named():
    assert errors_of({"employess": 5, "employees": 5}) == {"employess": [UNKNOWN_FIELD]}


@pytest.mark.parametrize("name", sorted(DERIVED_FIELDS))
def test_posting_a_derived_field_is_refused(name):
    assert errors_of({name: 1, "employees": 5}) == {name: [DERIVED_POSTED]}


def test_null_means_not_known_and_is_dropped():
    profile = load_profile(
        {"employees": None, "annual_revenue": 100, "established_on": None}, as_of=AS_OF
    )
    assert "employees" not in profile and "established_on" not in profile
    assert "months_in_business" not in profile
    assert dict(profile.values) == {"annual_revenue": 100}


def test_null_does_not_excuse_an_unknown_or_derived_name():
    assert errors_of({"employess": None, "size_class": None}) == {
        "employess": [UNKNOWN_FIELD],
        "size_class": [DERIVED_POSTED],
    }


def test_every_error_is_reported_at_once_with_its_path():
    error = None
    try:
        load_profile(
            {
                "employees": "many",
                "tax_arrears": "no",
                "region_code": "1302",
                "established_on": "yesterday",
                "bank_relationships": ["ok", "NO"],
                "credit_code": "X",
                "years_in_business": 3,
                "turnover": 1,
                "name": "唐山市示例冶金装备有限公司",
            },
            as_of=AS_OF,
        )
    except ProfileError as caught:
        error = caught
    assert error is not None
    assert set(error.errors) == {
        "employees",
        "tax_arrears",
        "region_code",
        "established_on",
        "bank_relationships",
        "credit_code",
        "years_in_business",
        "turnover",
    }
    assert list(error.errors["bank_relationships"]) == [1]
    text = str(error)
    assert text.startswith("invalid profile (8 problems)")
    for path in (
        "employees:",
        "bank_relationships.1:",
        "turnover: unknown field",
        "years_in_business: derived",
    ):
        assert path in text
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    "data, kind",
    [([], "array"), ("{}", "string"), (3, "number"), (None, "null"), (True, "boolean")],
)
def test_a_profile_must_be_a_json_object(data, kind):
    errors = errors_of(data)
    assert errors == {"_schema": [f"a profile must be a JSON object, got {kind}"]}


def test_the_schema_alone_reports_a_non_object_under_schema():
    from marshmallow import ValidationError

    with pytest.raises(ValidationError) as caught:
        ProfileSchema().load([1, 2])
    assert "_schema" in caught.value.messages


# --- months in business -----------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, months",
    [
        ("2024-01-31", "2024-02-29", 0),
        ("2024-01-31", "2024-03-01", 1),
        ("2023-05-20", "2025-05-20", 24),
        ("2023-05-20", "2025-05-19", 23),
        ("2023-12-15", "2024-01-14", 0),
        ("2023-12-15", "2024-01-15", 1),
        ("2020-02-29", "2021-02-28", 11),
        ("2020-02-29", "2021-03-01", 12),
        ("2024-03-31", "2024-04-30", 0),
        ("2024-05-01", "2024-05-31", 0),
    ],
)
def test_whole_months_in_business(start, end, months):
    assert months_between(date.fromisoformat(start), date.fromisoformat(end)) == months
    profile = load_profile({"established_on": start}, as_of=date.fromisoformat(end))
    assert profile.get("months_in_business") == months
    assert profile.get("years_in_business") == months // 12


def test_years_in_business_turn_on_the_anniversary():
    assert (
        load_profile({"established_on": "2023-05-20"}, as_of=date(2025, 5, 19)).get(
            "years_in_business"
        )
        == 1
    )
    assert (
        load_profile({"established_on": "2023-05-20"}, as_of=date(2025, 5, 20)).get(
            "years_in_business"
        )
        == 2
    )


def test_size_class_is_absent_when_it_cannot_be_known():
    profile = load_profile({"industry_code": "F5212", "employees": 50}, as_of=AS_OF)
    assert "size_class" not in profile
    profile = load_profile({"industry_code": "F5212", "employees": 4}, as_of=AS_OF)
    assert profile.get("size_class") == "micro"


# --- the schema as the HTTP layer sees it -----------------------------------------------


def test_apispec_documents_every_posted_field_and_refuses_others():
    spec = APISpec("loanmatch", "0", "3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.schema("Profile", schema=ProfileSchema)
    document = spec.to_dict()
    json.dumps(document)  # serialisable as it stands
    profile = document["components"]["schemas"]["Profile"]
    assert set(profile["properties"]) == set(POSTED_FIELDS)
    assert profile["additionalProperties"] is False
    assert profile["properties"]["annual_revenue"]["minimum"] == 0
    assert profile["properties"]["established_on"]["format"] == "date"
