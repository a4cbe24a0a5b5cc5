"""Bank staff's pages through Flask's test client: a refused publish, retiring, the history
of one's own bank only (the browser tests walk the happy path of an edit)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .support import KEYS, RULES, bearer, copy_rules, csrf, make_app, redis_url, sign_in

PRODUCT = "icbc-jingying-kuaidai"
PAGE = f"/ui/bank/icbc/products/{PRODUCT}"


@pytest.fixture
def app(tmp_path, shared_redis, key_prefix):
    return make_app(
        copy_rules(tmp_path / "rules"), redis_url(shared_redis), key_prefix, tmp_path / "var"
    )


def signed_in(app, who: str):
    client = app.test_client()
    sign_in(client, KEYS[who])
    return client, csrf(client.get("/ui/").get_data(as_text=True))


def test_a_draft_that_fails_its_scenarios_is_refused_with_where_and_nothing_changes(app):
    client, token = signed_in(app, "icbc")
    source = (RULES / "icbc" / "jingying-kuaidai.yaml").read_text(encoding="utf-8")
    moved = source.replace("value: [18, 60]", "value: [18, 65]")
    review = client.post(f"{PAGE}/review", data={"csrf_token": token, "rule_file": moved})
    assert "legal_rep_age between [18, 60] → between [18, 65]" in review.get_data(as_text=True)
    refused = client.post(f"{PAGE}/publish", data={"csrf_token": token, "rule_file": moved})
    assert refused.status_code == 422
    errors = re.findall(
        r'<ul class="lint" id="publish-errors">(.*?)</ul>', refused.get_data(as_text=True), re.S
    )[0]
    assert re.search(r"jingying-kuaidai\.test\.yaml:\d+: expected ineligible", errors)
    live = client.get(f"/v1/products/{PRODUCT}", headers=bearer("portal")).get_json()
    assert age_bounds(live["eligibility"]) == [18, 60]
    on_disk = Path(app.extensions["loanmatch"].settings.rules) / "icbc" / "jingying-kuaidai.yaml"
    assert on_disk.read_text(encoding="utf-8") == source


def age_bounds(node: dict):
    if node.get("field") == "legal_rep_age":
        return node["value"]
    found = [age_bounds(child) for child in node.get("children", [])]
    return next((f for f in found if f is not None), None)


def test_a_product_is_retired_after_confirming(app):
    client, token = signed_in(app, "icbc")
    product = "icbc-edi-kuaidai"
    ask = client.post(
        f"/ui/bank/icbc/products/{product}/retire", data={"csrf_token": token, "rule_file": "x"}
    )
    assert ask.status_code == 200 and 'id="confirm-retire"' in ask.get_data(as_text=True)
    assert client.get(f"/v1/products/{product}", headers=bearer("portal")).status_code == 200
    done = client.post(
        f"/ui/bank/icbc/products/{product}/retire", data={"csrf_token": token, "confirm": "yes"}
    )
    assert done.status_code == 303
    assert client.get(f"/v1/products/{product}", headers=bearer("portal")).status_code == 404
    listing = client.get("/ui/bank/icbc/products").get_data(as_text=True)
    row = re.search(rf'<tr data-product-id="{product}" class="retired">(.*?)</tr>', listing, re.S)
    assert row and "已下架" in row.group(1)


def test_the_history_shows_ones_own_banks_versions_only(app):
    ccb, ccb_token = signed_in(app, "ccb")
    text = (RULES / "ccb" / "yunshuidai.yaml").read_text(encoding="utf-8")
    published = ccb.post(
        "/ui/bank/ccb/products/ccb-yunshuidai/publish",
        data={"csrf_token": ccb_token, "rule_file": text.replace("\nname: ", "\nname: 新", 1)},
    )
    assert published.status_code == 303
    version = re.search(r"published=([^&]+)", published.headers["Location"]).group(1)
    mine = ccb.get("/ui/bank/ccb/history").get_data(as_text=True)
    assert f'data-version="{version.replace("%3A", ":")}"' in mine
    icbc, _ = signed_in(app, "icbc")
    theirs = icbc.get("/ui/bank/icbc/history").get_data(as_text=True)
    assert "ccb/" not in theirs and version.replace("%3A", ":") not in theirs
    assert icbc.get("/ui/bank/ccb/history").status_code == 403


def test_another_banks_lead_cannot_be_seen_or_moved(app):
    client = app.test_client()
    firm = json.loads((RULES / "_profiles" / "tangshan-manufacturer.json").read_text("utf-8"))
    made = client.post(
        "/v1/leads",
        headers=bearer("portal"),
        json={
            "product_id": "tsbank-shuiyi-dai",
            "profile": firm,
            "requested_amount": firm["requested_amount"],
            "requested_term_months": 12,
            "consent": {"granted": True, "at": "2026-12-01T09:30:00+08:00", "version": "2026-12"},
        },
    )
    assert made.status_code == 201, made.get_json()
    lead = made.get_json()["id"]
    icbc, token = signed_in(app, "icbc")
    assert icbc.get(f"/ui/bank/icbc/leads/{lead}").status_code == 404
    moved = icbc.post(
        f"/ui/bank/icbc/leads/{lead}/status", data={"csrf_token": token, "status": "accepted"}
    )
    assert moved.status_code == 404
    assert icbc.get(f"/ui/bank/tsbank/leads/{lead}").status_code == 403
    tsbank, _ = signed_in(app, "tsbank")
    page = tsbank.get(f"/ui/bank/tsbank/leads/{lead}").get_data(as_text=True)
    assert 'id="masked"' in page and firm["name"] not in page  # still masked: not accepted


def test_the_editor_lints_at_line_and_column_and_shows_firms_lost(app):
    client, _ = signed_in(app, "icbc")
    token = re.search(r'data-csrf="([^"]+)"', client.get(PAGE).get_data(as_text=True)).group(1)
    source = (RULES / "icbc" / "jingying-kuaidai.yaml").read_text(encoding="utf-8")
    typo = source.replace("op: between", "op: betwen")
    answer = client.post(
        f"{PAGE}/lint", json={"rule_file": typo}, headers={"X-CSRF-Token": token}
    ).get_json()
    line = typo.splitlines().index("      op: betwen") + 1
    assert [(e["line"], e["column"]) for e in answer["errors"]] == [(line, 11)]
    assert "betwen" in answer["errors"][0]["message"]
    stricter = source.replace("value: 20000", "value: 900000000")
    answer = client.post(
        f"{PAGE}/lint", json={"rule_file": stricter}, headers={"X-CSRF-Token": token}
    ).get_json()
    assert answer["errors"] == []
    impact = re.search(r'id="impact" data-gained="(\d+)" data-lost="(\d+)"', answer["preview_html"])
    assert impact and impact.group(1) == "0" and int(impact.group(2)) > 0
    assert "icbc-jingying-kuaidai" in answer["preview_html"]  # its own base profile is lost
    refused = client.post(f"{PAGE}/lint", json={"rule_file": source})
    assert refused.status_code == 400  # no CSRF header
