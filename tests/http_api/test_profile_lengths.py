"""Every text field of a profile has a documented maximum length, enforced with a 422."""

from __future__ import annotations

import pytest

from matcher.vocabulary import fields as F
from tests.support.leads_api import (  # noqa: F401  (fixtures)
    PORTAL,
    app,
    application,
    bearer,
    client,
    problem,
    profile,
    rules,
)

TEXT = {name for name, f in F.POSTED_FIELDS.items() if f.kind in F.TEXT_KINDS}


def test_every_profile_text_field_has_a_max_length_in_openapi(client):
    properties = client.get("/openapi.json").get_json()["components"]["schemas"]["Profile"][
        "properties"
    ]
    for name in TEXT:
        assert isinstance(properties[name].get("maxLength"), int), name
        assert properties[name]["maxLength"] == F.FIELDS[name].longest
    banks = properties["bank_relationships"]
    assert banks["maxItems"] == F.LIST_MAX_ITEMS
    assert banks["items"]["maxLength"] == F.BANK_ID_MAX


@pytest.mark.parametrize(
    "field,value",
    [
        ("name", "甲" * (900_000 // 3)),
        ("name", "甲" * (F.NAME_MAX + 1)),
        ("industry_code", "C" + "1" * 40),
        ("bank_relationships", ["icbc"] * 2 + [f"b{n}" for n in range(F.LIST_MAX_ITEMS)]),
        ("bank_relationships", ["a" * (F.BANK_ID_MAX + 1)]),
    ],
)
def test_an_overlong_text_is_422_naming_the_field(client, field, value):
    for path, body in (
        ("/v1/match", profile(1, **{field: value})),
        ("/v1/leads", application(1, profile=profile(1, **{field: value}))),
    ):
        response = client.post(path, json=body, headers=bearer(PORTAL))
        doc = problem(response, 422)
        assert any(field in e["field"] for e in doc["errors"]), (path, doc)
        assert len(response.get_data()) < 20_000  # the long value is not echoed back


def test_a_name_at_the_limit_is_accepted(client):
    response = client.post(
        "/v1/match", json=profile(1, name="甲" * F.NAME_MAX), headers=bearer(PORTAL)
    )
    assert response.status_code == 200, response.get_json()


def test_lead_request_texts_are_bounded_too(client):
    body = application(2)
    body["consent"]["version"] = "v" * 65
    doc = problem(client.post("/v1/leads", json=body, headers=bearer(PORTAL)), 422)
    assert any("consent" in e["field"] for e in doc["errors"]), doc
