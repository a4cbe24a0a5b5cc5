"""The leads API through Flask's test client, on the real Redis (under a per-test prefix).

The catalog is written for the test: a Hebei tax loan of ``hbbank`` (branches in
Tangshan and Hebei) and a national loan of ``natbank`` (one branch for everywhere),
so routing, eligibility and isolation are known by construction. The fixtures and
helpers live in ``tests.support.leads_api``.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from matcher.vocabulary.creditcode import make_credit_code
from tests.support.leads_api import (  # noqa: F401
    ADMIN,
    BANK,
    CONSENT,
    CONTACT,
    NATIONAL,
    OTHER_BANK,
    PORTAL,
    PORTAL_2,
    PRODUCT,
    app,
    application,
    bearer,
    claim,
    client,
    credit_code,
    made,
    make_app,
    post_lead,
    problem,
    profile,
    redis_url,
    rules,
    set_status,
    write_rules,
)

# -- the whole flow ---------------------------------------------------------------------------


def test_the_lead_flow_from_application_to_disbursement(client, shared_redis, key_prefix):
    created = post_lead(client, application(1), **{"Idempotency-Key": "apply-1"})
    assert created.status_code == 201
    lead = created.get_json()
    assert lead["status"] == "routed" and lead["bank"] == "hbbank"
    assert lead["branch"] == "tangshan"  # the city branch before the province's
    assert created.headers["Location"] == f"/v1/leads/{lead['id']}"
    assert lead["profile"]["credit_code"] == credit_code(1) and lead["contact"] == CONTACT
    assert (
        lead["catalog_version"]
        == client.get("/v1/admin/catalog", headers=bearer(ADMIN)).get_json()["version"]
    )
    assert shared_redis.exists(f"{key_prefix}lead:{lead['id']}")  # under the configured prefix

    (offered,) = claim(client).get_json()["leads"]
    assert offered["id"] == lead["id"] and offered["masked"] is True
    assert offered["summary"]["city_code"] == "130200" and offered["requested_amount"] == 800000
    assert {c["field"] for c in offered["matched_criteria"]} == {
        "province_code",
        "tax_credit_rating",
        "years_in_business",
    }
    assert_masked(offered)
    assert_masked(client.get(f"/v1/leads/{lead['id']}", headers=bearer(BANK)).get_json())

    accepted = set_status(client, lead["id"], BANK, "accepted")
    assert accepted.status_code == 200
    full = accepted.get_json()
    assert full["masked"] is False and full["profile"]["name"] == "唐山示例制造1号有限公司"
    assert full["contact"] == CONTACT and full["consent"]["version"] == "2024-05"
    approved = set_status(
        client, lead["id"], BANK, "approved", amount=600000, rate_pct=4.35, term_months=12
    ).get_json()
    assert approved["approved"]["amount"] == 600000 and approved["approved"]["rate_pct"] == "4.35"
    today = date.today().isoformat()
    disbursed = set_status(client, lead["id"], BANK, "disbursed", amount=600000, date=today)
    assert disbursed.get_json()["disbursed"] == {
        "at": disbursed.get_json()["updated_at"],
        "amount": 600000,
        "date": today,
        "note": None,
    }

    events = client.get(f"/v1/leads/{lead['id']}/events", headers=bearer(PORTAL)).get_json()
    assert [(e["status"], e["from"]) for e in events["events"]] == [
        ("routed", None),
        ("accepted", "routed"),
        ("approved", "accepted"),
        ("disbursed", "approved"),
    ]
    assert events["events"][2]["details"] == {
        "amount": 600000,
        "rate_pct": "4.35",
        "term_months": 12,
    }
    assert all(e["at"] >= lead["created_at"] for e in events["events"])

    stats = client.get("/v1/stats", headers=bearer(BANK)).get_json()
    assert stats["bank"] == "hbbank"
    assert stats["total"]["by_status"]["disbursed"] == 1
    assert (
        stats["total"]["amount_requested"],
        stats["total"]["amount_approved"],
        stats["total"]["amount_disbursed"],
    ) == (800000, 600000, 600000)
    assert stats["total"]["pickup_rate"] == 1.0
    assert stats["by_product"][PRODUCT]["leads"] == 1
    made(client, 2, NATIONAL)
    everything = client.get("/v1/stats", headers=bearer(ADMIN)).get_json()
    assert everything["bank"] is None and everything["total"]["leads"] == 2
    assert set(everything["by_bank"]) == {"hbbank", "natbank"}


def assert_masked(view: dict) -> None:
    text = json.dumps(view, ensure_ascii=False)
    assert view["masked"] is True and "profile" not in view and "contact" not in view
    for secret in ("唐山示例制造", "91130203", CONTACT["phone"], CONTACT["name"]):
        assert secret not in text


def test_the_portal_withdraws_and_then_nothing_moves(client):
    lead = made(client, 1)
    withdrawn = set_status(client, lead["id"], PORTAL, "withdrawn")
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    doc = problem(set_status(client, lead["id"], BANK, "accepted"), 409)
    assert doc["current"] == "withdrawn" and "withdrawn" in doc["detail"]
    assert claim(client).get_json()["leads"] == []  # no longer offered to the bank


def test_an_invalid_transition_is_409_naming_the_current_status(client):
    lead = made(client, 1)
    doc = problem(
        set_status(client, lead["id"], BANK, "approved", amount=1, rate_pct="4.1", term_months=12),
        409,
    )
    assert doc["type"].endswith("invalid-transition") and doc["current"] == "routed"
    problem(set_status(client, lead["id"], BANK, "declined", reason="nonsense"), 422)


def test_a_decision_needs_its_details_named(client):
    lead = made(client, 1)
    set_status(client, lead["id"], BANK, "accepted")
    doc = problem(set_status(client, lead["id"], BANK, "approved", amount=600000), 422)
    assert doc["errors"][0]["pointer"] == "/details/rate_pct"
    doc = problem(set_status(client, lead["id"], BANK, "declined", reason="bad"), 422)
    assert doc["errors"][0]["pointer"] == "/details/reason"


# -- who may see and move what ------------------------------------------------------------------


def test_a_bank_sees_and_moves_only_its_own_leads(client):
    mine = made(client, 1)  # hbbank's
    theirs = made(client, 2, NATIONAL)  # natbank's
    problem(claim(client, bank="natbank", key=BANK), 403)
    problem(claim(client, bank="hbbank", key=OTHER_BANK), 403)
    problem(claim(client, bank="hbbank", key=ADMIN), 403)
    problem(claim(client, bank="hbbank", key=PORTAL), 403)
    for key, lead in ((BANK, theirs), (OTHER_BANK, mine)):
        problem(client.get(f"/v1/leads/{lead['id']}", headers=bearer(key)), 404)
        problem(client.get(f"/v1/leads/{lead['id']}/events", headers=bearer(key)), 404)
        problem(set_status(client, lead["id"], key, "accepted"), 404)
    problem(client.get("/v1/stats?bank=natbank", headers=bearer(BANK)), 403)
    own = client.get("/v1/stats", headers=bearer(OTHER_BANK)).get_json()
    assert set(own["by_bank"]) == {"natbank"} and own["total"]["leads"] == 1
    assert [x["id"] for x in claim(client, "natbank", OTHER_BANK).get_json()["leads"]] == [
        theirs["id"]
    ]
    # Neither lead moved: each is still routed, seen by its own bank.
    for key, lead in ((BANK, mine), (OTHER_BANK, theirs)):
        assert (
            client.get(f"/v1/leads/{lead['id']}", headers=bearer(key)).get_json()["status"]
            == "routed"
        )


def test_portals_see_their_own_leads_and_only_banks_decide(client):
    lead = made(client, 1)
    assert (
        client.get(f"/v1/leads/{lead['id']}", headers=bearer(PORTAL)).get_json()["masked"] is False
    )
    problem(client.get(f"/v1/leads/{lead['id']}", headers=bearer(PORTAL_2)), 404)
    problem(set_status(client, lead["id"], PORTAL_2, "withdrawn"), 404)
    problem(set_status(client, lead["id"], PORTAL, "accepted"), 403)
    problem(set_status(client, lead["id"], BANK, "withdrawn"), 403)
    problem(set_status(client, lead["id"], ADMIN, "accepted"), 403)
    assert client.get(f"/v1/leads/{lead['id']}", headers=bearer(ADMIN)).get_json()["profile"]
    problem(client.get("/v1/stats", headers=bearer(PORTAL)), 403)
    problem(post_lead(client, application(2), key=BANK), 403)
    problem(client.get(f"/v1/leads/{lead['id']}"), 401)


def test_unknown_and_malformed_lead_ids_are_404(client):
    for lead_id in ("01ARZ3NDEKTSV4RRFFQ69G5FAV", "nope", "../../etc"):
        problem(client.get(f"/v1/leads/{lead_id}", headers=bearer(ADMIN)), 404)
    problem(claim(client, bank="nosuchbank", key=ADMIN), 403)


# -- applying -----------------------------------------------------------------------------------


def test_an_ineligible_enterprise_gets_422_naming_the_failed_criteria(client):
    doc = problem(post_lead(client, application(1, profile=profile(1, tax_credit_rating="C"))), 422)
    assert [f["field"] for f in doc["failed"]] == ["tax_credit_rating"]
    assert doc["failed"][0]["actual"] == "C"
    assert [e["pointer"] for e in doc["errors"]] == ["/profile/tax_credit_rating"]
    assert "tax_credit_rating" in doc["detail"]
    elsewhere = profile(2, region_code="510104", credit_code=make_credit_code("91510104000000002"))
    doc = problem(post_lead(client, application(2, profile=elsewhere)), 422)
    assert [f["field"] for f in doc["failed"]] == ["province_code"]


def test_an_incomplete_profile_gets_422_naming_the_missing_fields(client):
    doc = problem(
        post_lead(client, application(1, profile=profile(1, tax_credit_rating=None))), 422
    )
    assert doc["missing_fields"] == ["tax_credit_rating"]
    doc = problem(post_lead(client, application(1, profile=profile(1, credit_code=None))), 422)
    assert [e["pointer"] for e in doc["errors"]] == ["/profile/credit_code"]


@pytest.mark.parametrize(
    "change, pointer",
    [
        ({"consent": None}, "/consent"),
        ({"consent": {**CONSENT, "granted": False}}, "/consent/granted"),
        ({"consent": {**CONSENT, "at": "yesterday"}}, "/consent/at"),
        ({"consent": {**CONSENT, "at": "2024-05-01T09:00:00"}}, "/consent/at"),
        ({"requested_amount": 800000.5}, "/requested_amount"),
        ({"requested_term_months": 0}, "/requested_term_months"),
        ({"product_id": "no-such-product"}, "/product_id"),
        ({"contact": {"name": "张"}}, "/contact/phone"),
        ({"surprise": 1}, "/surprise"),
    ],
)
def test_an_unusable_application_gets_422_naming_the_field(client, change, pointer):
    body = {k: v for k, v in {**application(1), **change}.items() if v is not None}
    doc = problem(post_lead(client, body), 422)
    assert pointer in [e["pointer"] for e in doc["errors"]], doc


def test_an_invalid_profile_gets_422_with_each_field_under_profile(client):
    doc = problem(
        post_lead(client, application(1, profile=profile(1, region_code="999999", employees=-1))),
        422,
    )
    assert {e["pointer"] for e in doc["errors"]} == {"/profile/region_code", "/profile/employees"}


def test_a_bank_without_branches_cannot_take_leads(client):
    doc = problem(post_lead(client, application(1, "nobranch-loan")), 422)
    assert doc["type"].endswith("no-branch") and "nobranch" in doc["detail"]


def test_the_same_enterprise_and_product_within_the_window_is_409(client):
    first = made(client, 1)
    again = post_lead(client, application(1))
    doc = problem(again, 409)
    assert doc["lead_id"] == first["id"] and again.headers["Location"] == f"/v1/leads/{first['id']}"
    assert made(client, 1, NATIONAL)["id"] != first["id"]  # another product is another lead


def test_an_idempotency_key_replays_the_same_lead(client):
    first = post_lead(client, application(1), **{"Idempotency-Key": "retry-me"})
    again = post_lead(client, application(1), **{"Idempotency-Key": "retry-me"})
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    # The key is the portal's: another portal's same key is its own request.
    other = post_lead(client, application(2), PORTAL_2, **{"Idempotency-Key": "retry-me"})
    assert other.status_code == 201 and other.get_json()["id"] != first.get_json()["id"]
    reused = post_lead(client, application(3), **{"Idempotency-Key": "retry-me"})
    assert problem(reused, 422)["lead_id"] == first.get_json()["id"]
    stats = client.get("/v1/stats", headers=bearer(ADMIN)).get_json()
    assert stats["total"]["leads"] == 2


# -- capacity, overflow, ranking -----------------------------------------------------------------


def test_queued_leads_are_routed_when_capacity_is_raised(
    tmp_path, shared_redis, key_prefix, monkeypatch
):
    import time

    import http_api.lead_service as lead_service

    monkeypatch.setattr(lead_service, "BRANCH_CHECK", 0.0)
    rules = write_rules(tmp_path / "rules", tangshan=1, hebei=0)
    client = make_app(
        rules, redis_url(shared_redis), key_prefix, LOANMATCH_OVERFLOW_EVERY="1"
    ).test_client()
    leads = [made(client, n) for n in range(3)]
    assert [x["status"] for x in leads] == ["routed", "queued", "queued"]
    assert leads[1]["branch"] is None
    assert [x["id"] for x in claim(client).get_json()["leads"]] == [leads[0]["id"]]
    write_rules(rules, tangshan=3, hebei=0)  # the bank raises the cap: no restart
    time.sleep(1.1)  # past LOANMATCH_OVERFLOW_EVERY
    offered = claim(client, consumer="officer-2").get_json()["leads"]
    assert [x["id"] for x in offered] == [leads[1]["id"], leads[2]["id"]]
    events = client.get(f"/v1/leads/{leads[2]['id']}/events", headers=bearer(BANK)).get_json()
    assert [(e["status"], e["from"], e["details"]) for e in events["events"]] == [
        ("queued", None, {}),
        ("routed", "queued", {"branch": "tangshan"}),
    ]


def test_outcomes_feed_the_ranking(client):
    before = approval_parts(client, profile(99))
    assert before == {PRODUCT: 0.5, NATIONAL: 0.5, "nobranch-loan": 0.5}  # the prior's mean
    for n, outcome in ((1, "approved"), (2, "approved"), (3, "declined")):
        lead = made(client, n)
        set_status(client, lead["id"], BANK, "accepted")
        details = (
            {"amount": 500000, "rate_pct": "4.2", "term_months": 12}
            if outcome == "approved"
            else {"reason": "revenue"}
        )
        assert set_status(client, lead["id"], BANK, outcome, **details).status_code == 200
    after = approval_parts(client, profile(99))
    # Product 2 of 3 approved, prior Beta(2, 2): (2 + 2) / (3 + 4); the segment (small firms
    # in Hebei) holds the same three: (2 + 4 p) / (3 + 4).
    product_rate = (2 + 2) / (3 + 4)
    assert after[PRODUCT] == round((2 + 4 * product_rate) / (3 + 4), 4)
    assert after[NATIONAL] == 0.5
    # A medium firm's segment has no history: the product's own smoothed rate stands.
    medium = approval_parts(client, profile(98, employees=500, annual_revenue=300000000))
    assert medium[PRODUCT] == round(product_rate, 4)


def approval_parts(client, data: dict) -> dict:
    ranked = client.post("/v1/match", json=data, headers=bearer(PORTAL))
    assert ranked.status_code == 200
    return {m["product_id"]: m["score_breakdown"]["approval"] for m in ranked.get_json()["matches"]}


def test_every_lead_endpoint_is_in_the_openapi_document(client):
    spec = client.get("/openapi.json").get_json()
    assert set(spec["paths"]) >= {
        "/v1/leads",
        "/v1/banks/{bank_id}/leads",
        "/v1/banks/{bank_id}/leads/claim",
        "/v1/leads/{lead_id}",
        "/v1/leads/{lead_id}/status",
        "/v1/leads/{lead_id}/events",
        "/v1/stats",
    }
    create = spec["paths"]["/v1/leads"]["post"]
    assert {"201", "409", "422", "503"} <= set(create["responses"])
    assert "Retry-After" in create["responses"]["503"]["headers"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])


def test_with_authentication_off_the_local_operator_plays_every_part(
    rules, shared_redis, key_prefix
):
    client = make_app(
        rules, redis_url(shared_redis), key_prefix, LOANMATCH_AUTH="off", LOANMATCH_API_KEYS=""
    ).test_client()
    lead = client.post("/v1/leads", json=application(1)).get_json()
    assert [
        x["id"] for x in client.post("/v1/banks/hbbank/leads/claim?consumer=me").get_json()["leads"]
    ] == [lead["id"]]
    accepted = client.post(f"/v1/leads/{lead['id']}/status", json={"status": "accepted"})
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    withdrawn = client.post(f"/v1/leads/{lead['id']}/status", json={"status": "withdrawn"})
    assert withdrawn.get_json()["status"] == "withdrawn"
    assert client.get("/v1/stats").get_json()["total"]["by_status"]["withdrawn"] == 1


def test_a_broken_branch_file_stops_the_start_naming_file_and_line(rules, shared_redis, key_prefix):
    from http_api.settings import ConfigError

    (rules / "hbbank" / "_branches.yaml").write_text(
        "- {id: tangshan, name: 唐山分行, regions: ['1302'], daily_cap: -1}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"hbbank/_branches\.yaml:1:.*daily_cap"):
        make_app(rules, redis_url(shared_redis), key_prefix)
