"""A lone surrogate (``"\\ud800"``) is valid JSON syntax but not Unicode: every endpoint that
reads JSON answers it with a problem document, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.support.leads_api import (  # noqa: F401  (fixtures)
    ADMIN,
    BANK,
    PORTAL,
    PRODUCT,
    app,
    application,
    bearer,
    client,
    made,
    profile,
    rules,
)

LONE = "\ud800"
RULE = "id: hbbank-x\nbank: hbbank\nname: 贷\neligibility:\n  all:\n    - {field: employees, op: '>=', value: 1}\n"


def raw(document) -> bytes:
    # ensure_ascii writes the surrogate as the escape \ud800, exactly as an attacker sends it
    return json.dumps(document, ensure_ascii=True).encode("ascii")


def cases(lead_id):
    bad_profile = profile(1, name="甲" + LONE)
    return [
        ("POST", "/v1/match", PORTAL, bad_profile),
        ("POST", "/v1/match", PORTAL, {**profile(1), "x" + LONE: 1}),
        ("POST", "/v1/match", PORTAL, profile(1, industry_code=LONE)),
        ("POST", "/v1/match/batch", PORTAL, {"profiles": [bad_profile]}),
        ("POST", f"/v1/products/{PRODUCT}/check", PORTAL, bad_profile),
        ("POST", "/v1/leads", PORTAL, application(1, profile=bad_profile)),
        ("POST", "/v1/leads", PORTAL, application(1, contact={"name": LONE, "phone": "1"})),
        (
            "POST",
            f"/v1/leads/{lead_id}/status",
            BANK,
            {"status": "declined", "details": {"reason": "other", "note": LONE}},
        ),
        (
            "PUT",
            "/v1/banks/hbbank/products/hbbank-x",
            BANK,
            {"rule_file": RULE.replace("贷", "贷" + LONE)},
        ),
        (
            "POST",
            "/v1/banks/hbbank/products/hbbank-x/preview",
            BANK,
            {"rule_file": RULE, "profiles": [bad_profile]},
        ),
    ]


def test_a_lone_surrogate_anywhere_is_a_problem_document_not_a_500(client):
    lead_id = made(client, 7)["id"]
    for method, path, key, document in cases(lead_id):
        response = client.open(
            path,
            method=method,
            data=raw(document),
            headers=bearer(key, **{"Content-Type": "application/json"}),
        )
        where = f"{method} {path}"
        assert response.status_code in (400, 422), (where, response.get_data(as_text=True))
        assert response.mimetype == "application/problem+json", where
        doc = json.loads(response.get_data())  # the answer itself is valid UTF-8 JSON
        assert "surrogate" in doc["detail"], (where, doc)
    # Nothing was stored: the lead is unchanged.
    lead = client.get(f"/v1/leads/{lead_id}", headers=bearer(PORTAL)).get_json()
    assert lead["status"] == "routed"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/products/%ED%A0%80",
        "/v1/leads/%ED%A0%80",
        "/v1/products?bank=%ED%A0%80",
        "/v1/match?lang=%ED%A0%80",
    ],
)
def test_an_encoded_surrogate_in_the_address_is_never_a_500(client, path):
    response = client.open(
        path,
        method="POST" if "match" in path else "GET",
        data=raw(profile(1)),
        headers=bearer(PORTAL, **{"Content-Type": "application/json"}),
    )
    assert response.status_code < 500, response.get_data(as_text=True)
    json.loads(response.get_data())


def test_a_profile_with_a_lone_surrogate_is_refused_before_matching():
    # The embedding API and the command line read profiles without the HTTP layer.
    from matcher.vocabulary.profile import ProfileError, load_profile

    with pytest.raises(ProfileError) as caught:
        load_profile({"name": "甲\ud800", "industry_code": "C3311"})
    assert "name" in caught.value.errors and "surrogate" in str(caught.value)
