"""Reading a bank's leads never claims them: GET and HEAD are safe, claiming is a POST."""

from __future__ import annotations

from tests.support.leads_api import (  # noqa: F401  (fixtures)
    BANK,
    OTHER_BANK,
    app,
    bearer,
    claim,
    client,
    made,
    problem,
    rules,
)


def test_head_and_get_list_without_claiming(client):
    lead = made(client, 1)
    assert client.head("/v1/banks/hbbank/leads", headers=bearer(BANK)).status_code == 200
    assert client.head(
        "/v1/banks/hbbank/leads?consumer=officer-1", headers=bearer(BANK)
    ).status_code in (200, 422)
    listed = client.get("/v1/banks/hbbank/leads", headers=bearer(BANK))
    assert listed.status_code == 200, listed.get_json()
    doc = listed.get_json()
    assert doc["total"] == 1 and [x["id"] for x in doc["leads"]] == [lead["id"]]
    assert doc["leads"][0]["masked"] is True and "profile" not in doc["leads"][0]
    # Nothing was claimed: the first claim still gets the lead, not as a redelivery.
    claimed = claim(client)
    assert claimed.status_code == 200, claimed.get_json()
    (offered,) = claimed.get_json()["leads"]
    assert offered["id"] == lead["id"] and offered["redelivered"] is False
    assert claim(client).get_json()["leads"] == []


def test_claiming_by_get_is_no_longer_possible(client):
    made(client, 2)
    old_style = client.get(
        "/v1/banks/hbbank/leads?consumer=officer-1&count=10", headers=bearer(BANK)
    )
    assert "POST /v1/banks/hbbank/leads/claim" in problem(old_style, 422)["detail"]
    (offered,) = claim(client).get_json()["leads"]
    assert offered["redelivered"] is False


def test_another_banks_key_cannot_list(client):
    made(client, 3)
    problem(client.get("/v1/banks/hbbank/leads", headers=bearer(OTHER_BANK)), 403)
    problem(client.post("/v1/banks/hbbank/leads/claim?consumer=x", headers=bearer(OTHER_BANK)), 403)


def test_the_openapi_document_has_list_and_claim(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    assert set(paths["/v1/banks/{bank_id}/leads"]) >= {"get"}
    assert "post" not in paths["/v1/banks/{bank_id}/leads"]
    assert "post" in paths["/v1/banks/{bank_id}/leads/claim"]
