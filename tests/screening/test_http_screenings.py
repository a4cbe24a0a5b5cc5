"""Screenings, downloads and invitations over HTTP, on the real Redis (per-test prefix).

The catalog is the leads API's (hbbank's Hebei tax loan, natbank's national loan); the
firm base is ``tests.support.screening_api``'s, whose answers are known by construction.
"""

from __future__ import annotations

import io
import json
import time

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from http_api.screening_jobs import STALE_AFTER, ScreeningJobs
from tests.support.leads_api import (
    ADMIN,
    BANK,
    NATIONAL,
    OTHER_BANK,
    PORTAL,
    PRODUCT,
    bearer,
    make_app,
    profile,
    redis_url,
    write_rules,
)
from tests.support.screening_api import (
    BEIJING,
    SMALL,
    TANGSHAN,
    eligible_consenting,
    firm_rows,
    invited_application,
    jsonl,
    secrets_of,
    wait_done,
)

pytest_plugins = ("tests.support.redis_server",)
JSONL = "application/jsonl"


def screening_client(tmp_path, redis, prefix, **settings):
    """A test client of the leads API's catalog with a data folder of the test's own."""
    return make_app(
        write_rules(tmp_path / "rules"),
        redis_url(redis),
        prefix,
        LOANMATCH_DATA_DIR=str(tmp_path / "var"),
        LOANMATCH_WATCH="off",
        LOANMATCH_PUBLISH_INTERVAL="off",
        **settings,
    ).test_client()


@pytest.fixture
def client(tmp_path, shared_redis, key_prefix):
    return screening_client(tmp_path, shared_redis, key_prefix)


def upload(client, rows=None, key=ADMIN, content_type=JSONL, body=None):
    return client.post(
        "/v1/admin/firms",
        data=jsonl(rows or firm_rows()) if body is None else body,
        headers=bearer(key, **{"Content-Type": content_type}),
    )


def start(client, key=BANK, bank="hbbank", **body):
    return client.post(f"/v1/banks/{bank}/screenings", json=body, headers=bearer(key))


def finished(client, response, key=BANK) -> dict:
    assert response.status_code == 202, response.get_json()
    location = response.headers["Location"]

    def get():
        answer = client.get(location, headers=bearer(key))
        return answer.status_code, answer.get_json()

    doc = wait_done(get)
    assert doc["status"] == "done", doc
    return doc


def no_secret_in(text: str) -> None:
    for secret in secrets_of(firm_rows()):
        assert secret not in text


# -- the whole flow -------------------------------------------------------------------------


def test_a_bank_screens_downloads_invites_and_the_firm_applies(client):
    uploaded = upload(client)
    assert uploaded.status_code == 201, uploaded.get_json()
    version = uploaded.get_json()["firm_base_version"]
    assert uploaded.get_json()["firms"] == len(firm_rows())

    doc = finished(client, start(client))
    assert doc["progress"] == 100 and doc["firm_base_version"] == version
    (product,) = doc["summary"]["products"]
    assert product["product_id"] == PRODUCT
    assert product["eligible"] == TANGSHAN + SMALL
    cities = product["segments"]["city_code"]
    assert cities["130200"]["eligible"] == TANGSHAN
    assert cities["130100"]["eligible"] is None  # 3 firms: suppressed
    assert doc["summary"]["segment_firms"]["city_code"]["130100"] is None

    parquet = client.get(doc["results"]["parquet"], headers=bearer(BANK))
    table = pq.read_table(io.BytesIO(parquet.data))
    assert table.column_names == ["firm", "product_id", "status"]
    assert table.num_rows == len(eligible_consenting())
    csv = client.get(doc["results"]["csv"], headers=bearer(BANK))
    assert csv.mimetype == "text/csv"
    assert pacsv.read_csv(io.BytesIO(csv.data)).num_rows == table.num_rows
    for answer in (
        json.dumps(doc, ensure_ascii=False),
        parquet.data.decode("latin-1"),
        csv.get_data(as_text=True),
    ):
        no_secret_in(answer)

    firms = table.column("firm").to_pylist()
    sent = client.post(
        f"{doc_address(doc)}/invitations",
        headers=bearer(BANK),
        json={"firms": firms[:2], "product_id": PRODUCT, "message": "欢迎申请税贷"},
    )
    assert sent.status_code == 201, sent.get_json()
    invitation = sent.get_json()["invitations"][0]
    assert invitation["status"] == "sent" and "firm_id" not in invitation
    no_secret_in(sent.get_data(as_text=True))

    # The portal finds it under the firm's platform id (the one firm 0 has: consenting).
    found = {}
    for n in (0, 2, 4, 6, 8):
        listed = client.get(f"/v1/firms/firm-{n:03d}/invitations", headers=bearer(PORTAL))
        assert listed.status_code == 200
        for item in listed.get_json()["invitations"]:
            found[item["id"]] = n
    assert invitation["id"] in found
    assert client.get("/v1/firms/firm-000/invitations", headers=bearer(BANK)).status_code == 403
    n = found[invitation["id"]]

    lead = client.post(
        "/v1/leads", headers=bearer(PORTAL), json=invited_application(n + 1, invitation["id"])
    )
    assert lead.status_code == 201, lead.get_json()
    assert lead.get_json()["status"] == "routed"  # routed like any other lead
    shown = client.get(f"{doc_address(doc)}/invitations", headers=bearer(BANK)).get_json()
    mine = next(i for i in shown["invitations"] if i["id"] == invitation["id"])
    assert mine["status"] == "applied" and mine["lead_id"] == lead.get_json()["id"]


def doc_address(doc: dict) -> str:
    return f"/v1/banks/{doc['bank']}/screenings/{doc['id']}"


# -- isolation ------------------------------------------------------------------------------


def test_another_bank_gets_404_for_a_screening_its_results_and_invitations(client):
    assert upload(client).status_code == 201
    doc = finished(client, start(client))
    address = doc_address(doc)
    firms = pq.read_table(
        io.BytesIO(client.get(doc["results"]["parquet"], headers=bearer(BANK)).data)
    )
    client.post(
        f"{address}/invitations",
        headers=bearer(BANK),
        json={
            "firms": firms.column("firm").to_pylist()[:1],
            "product_id": PRODUCT,
            "message": "hi",
        },
    )
    for path in ("", "/results.parquet", "/results.csv", "/invitations"):
        assert client.get(address + path, headers=bearer(OTHER_BANK)).status_code == 404
        # the same id under the other bank's own address is no screening either
        other = address.replace("/hbbank/", "/natbank/")
        assert client.get(other + path, headers=bearer(OTHER_BANK)).status_code == 404
    invite = client.post(
        f"{address}/invitations",
        headers=bearer(OTHER_BANK),
        json={"firms": ["f_x"], "product_id": PRODUCT, "message": "hi"},
    )
    assert invite.status_code == 404
    assert client.get(address, headers=bearer(PORTAL)).status_code == 404
    assert client.get(address, headers=bearer(ADMIN)).status_code == 200


def test_pseudonyms_are_stable_for_a_bank_and_differ_across_banks(client):
    rows = firm_rows()
    for row in rows:  # every firm eligible for natbank's loan too
        row["contact_consent"] = True
    assert upload(client, rows).status_code == 201

    def listed(key, bank, product):
        doc = finished(client, start(client, key=key, bank=bank, product_ids=[product]), key)
        table = pq.read_table(
            io.BytesIO(client.get(doc["results"]["parquet"], headers=bearer(key)).data)
        )
        return set(table.column("firm").to_pylist())

    first = listed(BANK, "hbbank", PRODUCT)
    assert first == listed(BANK, "hbbank", PRODUCT)
    theirs = listed(OTHER_BANK, "natbank", NATIONAL)
    assert len(theirs) == len(rows) and not first & theirs


# -- refusals -------------------------------------------------------------------------------


def test_no_firm_base_unknown_and_other_banks_products_are_problems(client):
    none_yet = start(client)
    assert none_yet.status_code == 409 and "POST /v1/admin/firms" in none_yet.get_json()["detail"]
    assert upload(client).status_code == 201
    unknown = start(client, product_ids=["hbbank-nothing"])
    assert unknown.status_code == 422 and "hbbank-nothing" in unknown.get_json()["detail"]
    theirs = start(client, product_ids=[NATIONAL])
    assert theirs.status_code == 422 and "another bank" in theirs.get_json()["detail"]
    assert start(client, key=OTHER_BANK).status_code == 403
    assert start(client, key=PORTAL).status_code == 403


def test_a_draft_is_screened_with_the_publish_checks(client):
    assert upload(client).status_code == 201
    draft = f"""
id: {PRODUCT}
bank: hbbank
name: 税贷
eligibility:
  all:
    - {{field: tax_credit_rating, op: in, value: [A, B]}}
"""
    doc = finished(client, start(client, rule_file=draft))
    assert doc["draft"] is True
    assert doc["summary"]["products"][0]["eligible"] == len(firm_rows())  # Beijing too
    other = draft.replace(f"id: {PRODUCT}", f"id: {NATIONAL}").replace("hbbank", "natbank")
    refused = start(client, rule_file=other)
    assert refused.status_code == 422
    named = draft.replace("name: 税贷", "name: 税贷\nbank_name: 别的银行")
    assert start(client, rule_file=named).status_code == 422


def test_invitations_name_only_firms_the_screening_listed(client):
    assert upload(client).status_code == 201
    doc = finished(client, start(client))
    address = doc_address(doc)
    made_up = client.post(
        f"{address}/invitations",
        headers=bearer(BANK),
        json={"firms": ["f_000000000000000000000000"], "product_id": PRODUCT, "message": "hi"},
    )
    assert made_up.status_code == 422
    assert (
        client.get(f"{address}/invitations", headers=bearer(BANK)).get_json()["invitations"] == []
    )


def test_a_lead_with_an_unknown_invitation_is_422_and_makes_no_lead(client):
    answer = client.post("/v1/leads", headers=bearer(PORTAL), json=invited_application(1, "0" * 32))
    assert answer.status_code == 422 and "invitation" in answer.get_json()["detail"]
    assert client.get("/v1/banks/hbbank/leads", headers=bearer(BANK)).get_json()["total"] == 0


# -- bad input never a 500 ------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/vnd.apache.parquet", b"PAR1 this is not parquet PAR1"),
        ("text/csv", b"firm_id,employees\nf1,abc\n\xff\xfe,3\n"),
        (JSONL, b'{"firm_id": "f1", "name": "\\ud800"}\n'),
        (JSONL, b"[1, 2]\n"),
        (JSONL, b"{\n"),
        ("image/png", b"\x89PNG"),
    ],
)
def test_a_bad_upload_is_a_problem_and_keeps_the_firm_base(client, content_type, body):
    assert upload(client).status_code == 201
    before = client.get("/v1/admin/firms", headers=bearer(ADMIN)).get_json()["current"]
    answer = upload(client, content_type=content_type, body=body)
    assert 400 <= answer.status_code < 500, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    assert client.get("/v1/admin/firms", headers=bearer(ADMIN)).get_json()["current"] == before


def test_bad_rows_are_reported_and_left_out(client):
    rows = firm_rows()
    rows[3]["employees"] = "abc"
    rows[5]["firm_id"] = rows[4]["firm_id"]
    answer = upload(client, rows)
    assert answer.status_code == 201
    doc = answer.get_json()
    assert doc["firms"] == len(rows) - 2
    assert {(b["row"], b["field"]) for b in doc["bad_rows"]} == {(4, "employees"), (6, "firm_id")}


def test_an_upload_over_the_limit_is_413_and_needs_admin(tmp_path, shared_redis, key_prefix):
    client = screening_client(tmp_path, shared_redis, key_prefix, LOANMATCH_MAX_FIRM_UPLOAD="1KiB")
    assert upload(client).status_code == 413
    assert upload(client, key=BANK).status_code == 403
    assert upload(client, key=PORTAL).status_code == 403


def test_bad_screening_requests_are_problems(client):
    assert upload(client).status_code == 201
    for body in (
        {"product_ids": "x"},
        {"product_ids": []},
        {"as_of": "yesterday"},
        {"extra": 1},
        {"rule_file": "id: [unclosed"},
        {"product_ids": [PRODUCT], "rule_file": "x"},
    ):
        answer = start(client, **body)
        assert answer.status_code == 422, (body, answer.get_json())
    surrogate = client.post(
        "/v1/banks/hbbank/screenings",
        data=b'{"rule_file": "\\ud800"}',
        headers=bearer(BANK, **{"Content-Type": "application/json"}),
    )
    assert surrogate.status_code == 400
    assert (
        client.get("/v1/banks/hbbank/screenings/not-an-id", headers=bearer(BANK)).status_code == 404
    )


# -- the preview's impact -------------------------------------------------------------------

DRAFT_WITHOUT_REGION = f"""
id: {PRODUCT}
bank: hbbank
name: 税贷
eligibility:
  all:
    - {{field: tax_credit_rating, op: in, value: [A, B], source: 纳税信用A、B级}}
    - {{field: years_in_business, op: ">=", value: 2, source: 成立满2年}}
"""


def preview(client, draft):
    return client.post(
        f"/v1/banks/hbbank/products/{PRODUCT}/preview",
        json={"rule_file": draft, "profiles": [profile(1)]},
        headers=bearer(BANK),
    )


def test_the_preview_shows_the_drafts_impact_on_the_firm_base(client):
    assert preview(client, DRAFT_WITHOUT_REGION).get_json()["impact"] is None  # no base yet
    assert upload(client).status_code == 201
    impact = preview(client, DRAFT_WITHOUT_REGION).get_json()["impact"]
    assert impact["change"] == "changed"
    assert (impact["gained"], impact["lost"]) == (BEIJING, 0)
    # under 5 is suppressed, zero included
    assert impact["segments"]["city_code"]["110100"] == {"gained": BEIJING, "lost": None}

    only_a = DRAFT_WITHOUT_REGION.replace("[A, B]", "[A]").replace(
        "  all:\n", '  all:\n    - {field: province_code, op: "==", value: "130000"}\n'
    )
    impact = preview(client, only_a).get_json()["impact"]
    assert (impact["gained"], impact["lost"]) == (0, TANGSHAN + SMALL)
    cities = impact["segments"]["city_code"]
    assert cities["130200"]["lost"] == TANGSHAN
    assert cities["130100"] == {"gained": None, "lost": None}  # 3 firms: suppressed
    no_secret_in(json.dumps(impact, ensure_ascii=False))


# -- a job that cannot finish ---------------------------------------------------------------


def test_a_screening_whose_snapshot_is_unreadable_fails_with_a_message(client, tmp_path):
    assert upload(client).status_code == 201
    for snapshot in (tmp_path / "var" / "firm-bases").glob("*.parquet"):
        snapshot.write_bytes(b"PAR1 damaged on disk PAR1")
    answer = start(client)
    assert answer.status_code == 202
    location = answer.headers["Location"]

    def get():
        shown = client.get(location, headers=bearer(BANK))
        return shown.status_code, shown.get_json()

    doc = wait_done(get)
    assert doc["status"] == "failed" and "start it again" in doc["error"]
    assert client.get(f"{location}/results.csv", headers=bearer(BANK)).status_code == 409
    previewed = preview(client, DRAFT_WITHOUT_REGION)  # the preview goes on without it
    assert previewed.status_code == 200 and previewed.get_json()["impact"] is None


def test_a_job_whose_worker_stopped_shows_failed(shared_redis, key_prefix, tmp_path):
    jobs = ScreeningJobs(shared_redis, key_prefix, tmp_path)
    job_id = jobs.create("hbbank", {"products": [PRODUCT]})
    assert jobs.get(job_id, "hbbank")["status"] == "queued"
    shared_redis.hset(jobs.key(job_id), "beat", time.time() - STALE_AFTER - 1)
    shown = jobs.get(job_id, "hbbank")
    assert shown["status"] == "failed" and "stopped" in shown["error"]
    assert jobs.get(job_id, "natbank") is None
