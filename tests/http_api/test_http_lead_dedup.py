"""The duplicate check is global, but another portal never learns which lead came first."""

from __future__ import annotations

from tests.support.leads_api import (  # noqa: F401  (fixtures)
    PORTAL_2,
    app,
    application,
    client,
    made,
    post_lead,
    problem,
    rules,
)


def test_another_portal_gets_409_without_the_first_leads_id_or_link(client):
    first = made(client, 1)
    again = post_lead(client, application(1), key=PORTAL_2)
    doc = problem(again, 409)
    assert doc["type"].endswith("duplicate-lead")
    assert "Location" not in again.headers
    assert "lead_id" not in doc
    assert first["id"] not in again.get_data(as_text=True)


def test_the_same_portal_still_learns_its_own_lead(client):
    first = made(client, 2)
    again = post_lead(client, application(2))
    doc = problem(again, 409)
    assert doc["lead_id"] == first["id"]
    assert again.headers["Location"] == f"/v1/leads/{first['id']}"
