"""A lead application's problems arrive together, each in words a person reads (zh and en)."""

from __future__ import annotations

import pytest

from tests.support.leads_api import (
    CONSENT,
    PORTAL,
    application,
    bearer,
    make_app,
    profile,
    redis_url,
    write_rules,
)


@pytest.fixture
def client(tmp_path, shared_redis, key_prefix):
    return make_app(
        write_rules(tmp_path / "rules"), redis_url(shared_redis), key_prefix
    ).test_client()


def post(client, body, **headers):
    response = client.post("/v1/leads", json=body, headers=bearer(PORTAL, **headers))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def by_pointer(doc) -> dict:
    return {(e["location"], e["pointer"]): e for e in doc["errors"]}


def test_request_profile_consent_and_header_problems_come_in_one_answer(client):
    body = application(
        1,
        requested_amount="abc",
        surprise=1,
        consent={**CONSENT, "granted": False, "at": "2024-05-01T09:00:00"},
        profile=profile(1, employees=-1, region_code="999999", tax_paid_12m="lots"),
    )
    doc = post(client, body, **{"Idempotency-Key": "x" * 300})
    found = by_pointer(doc)
    assert set(found) == {
        ("body", "/requested_amount"),
        ("body", "/surprise"),
        ("body", "/consent/granted"),
        ("body", "/consent/at"),
        ("body", "/profile/employees"),
        ("body", "/profile/region_code"),
        ("body", "/profile/tax_paid_12m"),
        ("header", ""),
    }
    assert doc["type"].endswith("invalid-request")
    assert doc["detail"].startswith("8 problem(s) in the application")


def test_each_problem_reads_as_a_sentence_in_chinese_and_english(client):
    body = application(
        1,
        requested_amount="abc",
        requested_term_months=None,
        surprise=1,
        profile={**profile(1, employees="many"), "turnover": 5},
    )
    del body["requested_term_months"]
    found = by_pointer(post(client, body))
    amount = found[("body", "/requested_amount")]
    assert amount["detail"] == "must be a whole number of yuan, such as 1000000"
    assert amount["message"] == {
        "zh": "申请金额：须为以元计的整数，如 1000000",
        "en": "must be a whole number of yuan, such as 1000000",
    }
    assert found[("body", "/requested_term_months")]["message"]["zh"] == "申请期限：必填"
    assert found[("body", "/surprise")]["detail"] == "is not a field this request takes"
    unknown = found[("body", "/profile/turnover")]["message"]
    assert unknown["en"].startswith("is not a profile field")
    assert unknown["zh"] == "turnover：不是企业信息的字段（见 /openapi.json 的 Profile）"
    employees = found[("body", "/profile/employees")]["message"]
    assert employees["zh"] == '从业人员：须为整数，收到字符串 "many"'
    for error in found.values():
        assert not error["detail"].startswith("Not a valid"), error
        assert error["message"]["zh"] and error["message"]["en"], error


def test_a_profile_only_problem_keeps_its_type_and_an_ineligible_one_its_reasons(client):
    doc = post(client, application(1, profile=profile(1, employees=-1)))
    assert doc["type"].endswith("invalid-profile")
    assert doc["errors"][0]["message"]["zh"].startswith("从业人员：")
    doc = post(client, application(1, profile=profile(1, tax_credit_rating="C")))
    assert [f["field"] for f in doc["failed"]] == ["tax_credit_rating"]
    assert set(doc["errors"][0]["message"]) == {"zh", "en"}
