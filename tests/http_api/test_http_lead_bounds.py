"""Impossible lead values are refused with a 422 naming the field: amounts beyond the
request or the product, dates before the lead's own history or in year 1."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.support.leads_api import (  # noqa: F401  (fixtures)
    BANK,
    PORTAL,
    app,
    application,
    bearer,
    client,
    made,
    post_lead,
    problem,
    profile,
    rules,
    set_status,
)


def field_of(response) -> str:
    doc = problem(response, 422)
    return doc["errors"][0]["field"]


def accepted_lead(client, n):
    lead = made(client, n)  # requests 800,000 for 12 months; the product: up to 3,000,000, 36
    assert set_status(client, lead["id"], BANK, "accepted").status_code == 200
    return lead["id"]


@pytest.mark.parametrize(
    "amount,term,field",
    [
        (10**15, 12, "details.amount"),  # a thousand trillion yuan
        (800_001, 12, "details.amount"),  # more than the enterprise asked for
        (800_000, 48, "details.term_months"),  # longer than the product's longest term
    ],
)
def test_an_approval_beyond_the_request_or_the_product_is_422(client, amount, term, field):
    lead_id = accepted_lead(client, 1)
    response = set_status(
        client, lead_id, BANK, "approved", amount=amount, rate_pct="3.85", term_months=term
    )
    assert field_of(response) == field
    ok = set_status(
        client, lead_id, BANK, "approved", amount=800_000, rate_pct="3.85", term_months=12
    )
    assert ok.status_code == 200, ok.get_json()


def test_an_approval_above_the_products_maximum_is_422(client):
    body = application(2, requested_amount=3_000_000)
    lead = post_lead(client, body).get_json()
    set_status(client, lead["id"], BANK, "accepted")
    response = set_status(
        client, lead["id"], BANK, "approved", amount=3_000_001, rate_pct="3.85", term_months=12
    )
    assert field_of(response) == "details.amount"


@pytest.mark.parametrize("day", ["0001-01-01", (date.today() - timedelta(days=3)).isoformat()])
def test_a_disbursement_before_the_lead_was_made_is_422(client, day):
    lead_id = accepted_lead(client, 3)
    set_status(client, lead_id, BANK, "approved", amount=800_000, rate_pct="3.85", term_months=12)
    assert (
        field_of(set_status(client, lead_id, BANK, "disbursed", amount=800_000, date=day))
        == "details.date"
    )


def test_a_consent_in_year_one_is_422(client):
    body = application(4)
    body["consent"]["at"] = "0001-01-01T00:00:00+08:00"
    assert field_of(post_lead(client, body)) == "consent.at"


@pytest.mark.parametrize("path", ["/v1/match", "/v1/leads"])
def test_a_registration_in_year_one_is_422(client, path):
    data = profile(5, established_on="0001-01-01")
    body = data if path == "/v1/match" else application(5, profile=data)
    response = client.post(path, json=body, headers=bearer(PORTAL))
    doc = problem(response, 422)
    assert any(e["field"].endswith("established_on") for e in doc["errors"]), doc
