"""Bank staff editing their products over the API, through Flask's test client.

A small rules folder written for the test: icbc's business loan (with a scenario file
and a base profile) and ccb's tax loan. Without gunicorn the app owns its reloader, so
a published change is decided (and live) by the time the call returns.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from http_api.state import EXTENSION
from matcher.authoring import validation
from matcher.authoring.versions import VersionStore
from tests.support.editing_api import (  # noqa: F401
    BASE,
    JINGYING,
    KEYS,
    SCENARIOS,
    SHUIDAI,
    SMALL_TAXPAYER,
    YAML,
    app,
    auth,
    client,
    line_of,
    match,
    put,
    rules,
    snapshot,
    status_of,
    write_rules,
)

# --- who may write ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ccb", "portal"])
def test_a_key_is_refused_on_another_banks_product_by_every_write_endpoint(client, rules, who):
    before = snapshot(rules)
    edited = JINGYING.replace("value: 20000", "value: 10000")
    answers = [
        put(client, who, "icbc", "icbc-jingying", edited),
        client.delete("/v1/banks/icbc/products/icbc-jingying", headers=auth(who)),
        client.post(
            "/v1/banks/icbc/products/icbc-jingying/preview",
            headers=auth(who),
            json={"rule_file": edited, "profiles": [BASE]},
        ),
    ]
    for response in answers:
        assert response.status_code == 403, response.get_json()
        assert response.mimetype == "application/problem+json"
        assert "icbc" in response.get_json()["detail"]
    assert snapshot(rules) == before


def test_no_key_is_unauthorized(client):
    response = client.put(
        "/v1/banks/icbc/products/icbc-jingying", data=JINGYING, headers={"Content-Type": YAML}
    )
    assert response.status_code == 401


def test_admin_may_edit_any_bank(client, rules):
    edited = SHUIDAI.replace("[A, B]", "[A, B, M]")
    response = put(client, "admin", "ccb", "ccb-shuidai", edited)
    assert response.status_code == 200, response.get_json()
    assert (rules / "ccb" / "shuidai.yaml").read_text(encoding="utf-8") == edited


# --- publishing ------------------------------------------------------------------------


def test_a_published_edit_goes_live_and_is_recorded_under_its_key(client, rules, tmp_path):
    old_version = match(client, SMALL_TAXPAYER)["catalog_version"]
    assert status_of(match(client, SMALL_TAXPAYER), "icbc-jingying") == "ineligible"
    edited = JINGYING.replace("value: 20000", "value: 10000")
    response = put(client, "icbc", "icbc", "icbc-jingying", edited)
    assert response.status_code == 200, response.get_json()
    doc = response.get_json()
    assert doc["live"] is True and doc["created"] is False and doc["changed"] is True
    assert doc["file"] == "rules/icbc/jingying.yaml"
    assert doc["reload"]["outcome"] == "reloaded"
    assert doc["catalog_version"] != old_version
    assert (rules / "icbc" / "jingying.yaml").read_bytes() == edited.encode("utf-8")
    after = match(client, SMALL_TAXPAYER)
    assert after["catalog_version"] == doc["catalog_version"]
    assert status_of(after, "icbc-jingying") == "eligible"
    records = VersionStore(tmp_path / "var" / "catalog-versions").list()
    assert [r.version for r in records] == [old_version, doc["catalog_version"]]
    assert records[-1].actor.startswith("bank:icbc (key:")
    assert records[-1].modified == ("icbc/jingying.yaml",)
    assert not [p for p in (rules / "icbc").iterdir() if p.name.startswith(".")]


def test_a_new_product_is_created_in_its_banks_folder(client, rules):
    text = JINGYING.replace("icbc-jingying", "icbc-xin-dai").replace("经营贷", "新贷")
    response = put(client, "icbc", "icbc", "icbc-xin-dai", text)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["file"] == "rules/icbc/xin-dai.yaml"
    assert (rules / "icbc" / "xin-dai.yaml").read_text(encoding="utf-8") == text
    listed = client.get("/v1/products", headers=auth("portal")).get_json()["products"]
    assert "icbc-xin-dai" in [p["id"] for p in listed]


def test_publishing_the_same_file_again_changes_nothing(client, rules):
    version = match(client, BASE)["catalog_version"]
    response = put(client, "icbc", "icbc", "icbc-jingying", JINGYING)
    assert response.status_code == 200
    assert response.get_json()["changed"] is False
    assert response.get_json()["catalog_version"] == version


# --- rejected drafts change nothing ----------------------------------------------------


def rejected(client, rules, text, pid="icbc-jingying", bank="icbc", who="icbc"):
    before = snapshot(rules)
    version = match(client, BASE)["catalog_version"]
    response = put(client, who, bank, pid, text)
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert snapshot(rules) == before  # byte-identical, and no temporary file left behind
    assert match(client, BASE)["catalog_version"] == version
    return response.get_json()["errors"]


def test_a_draft_with_a_lint_error_is_refused_with_its_line_and_column(client, rules):
    text = JINGYING.replace('op: ">=", value: 20000', 'op: ">=", value: lots')
    errors = rejected(client, rules, text)
    line = line_of(text, "lots")
    column = text.splitlines()[line - 1].index("lots") + 1
    assert errors[0]["text"].startswith(f"rules/icbc/jingying.yaml:{line}:{column}: ")
    assert (errors[0]["line"], errors[0]["column"]) == (line, column)


def test_a_draft_with_a_yaml_syntax_error_is_refused(client, rules):
    errors = rejected(client, rules, JINGYING.replace("name: 经营贷", "name: [经营贷"))
    assert errors[0]["path"] == "rules/icbc/jingying.yaml"
    assert "YAML" in errors[0]["message"]


def test_a_draft_naming_another_bank_or_product_is_refused(client, rules):
    errors = rejected(client, rules, JINGYING.replace("bank: icbc", "bank: ccb"))
    assert errors[0]["text"] == (
        "rules/icbc/jingying.yaml:2:7: bank is 'ccb', but this is the address of bank 'icbc'"
    )
    errors = rejected(client, rules, JINGYING.replace("id: icbc-jingying", "id: icbc-other"))
    assert errors[0]["line"] == 1 and "id is 'icbc-other'" in errors[0]["message"]


def test_a_draft_duplicating_a_product_of_another_bank_is_refused(client, rules):
    text = SHUIDAI.replace("bank: ccb", "bank: icbc")  # id ccb-shuidai, in icbc's folder
    before = snapshot(rules)
    for who in ("icbc", "admin"):
        response = put(client, who, "icbc", "ccb-shuidai", text)
        assert response.status_code == 422, response.get_json()
        assert "start with 'icbc-'" in response.get_json()["detail"]
    assert snapshot(rules) == before


def test_a_draft_that_breaks_its_own_scenarios_is_refused(client, rules):
    text = JINGYING.replace("value: 2}", "value: 20}")  # 20 years: the reference fails
    errors = rejected(client, rules, text)
    assert errors and all(e["kind"] == "scenario" for e in errors)
    line = line_of(SCENARIOS, "accepts its reference profile")
    assert errors[0]["text"].startswith(
        f"rules/icbc/jingying.test.yaml:{line}: expected "
        f"eligible, got ineligible: years_in_business 10 < 20"
    )


def test_a_moved_bound_is_published_with_its_scenarios(client, rules):
    text = JINGYING.replace("value: 20000", "value: 1000000")  # the base pays 920,000
    scenarios = SCENARIOS.replace(
        """  - name: accepts its reference profile
    expect: eligible""",
        """  - name: the reference profile pays too little tax now
    expect: ineligible
    failing: [tax_paid_12m]""",
    )
    rejected(client, rules, text)  # alone, it breaks the scenario file on the server
    response = client.put(
        "/v1/banks/icbc/products/icbc-jingying",
        headers=auth("icbc"),
        json={"rule_file": text, "scenarios": scenarios},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["live"] is True
    assert (rules / "icbc" / "jingying.yaml").read_text(encoding="utf-8") == text
    assert (rules / "icbc" / "jingying.test.yaml").read_text(encoding="utf-8") == scenarios
    assert status_of(match(client, BASE), "icbc-jingying") == "ineligible"
    wrong = scenarios.replace("failing: [tax_paid_12m]", "failing: [legal_rep_age]")
    response = client.put(
        "/v1/banks/icbc/products/icbc-jingying",
        headers=auth("icbc"),
        json={"rule_file": text, "scenarios": wrong},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == "rules/icbc/jingying.test.yaml"
    assert (rules / "icbc" / "jingying.test.yaml").read_text(encoding="utf-8") == scenarios


def test_a_rule_file_must_be_sent_as_yaml(client, rules):
    response = put(client, "icbc", "icbc", "icbc-jingying", JINGYING, "text/plain")
    assert response.status_code == 415
    response = put(client, "icbc", "icbc", "icbc-jingying", JINGYING, "text/yaml")
    assert response.status_code == 200


def test_a_body_that_is_not_utf8_is_refused_with_its_line(client, rules):
    before = snapshot(rules)
    body = JINGYING.replace("经营贷", "X").encode() + "名称: 经营贷\n".encode("gbk")
    response = client.put(
        "/v1/banks/icbc/products/icbc-jingying",
        data=body,
        headers={**auth("icbc"), "Content-Type": YAML},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["line"] == len(JINGYING.splitlines()) + 1
    assert snapshot(rules) == before


# --- retiring --------------------------------------------------------------------------


def test_a_retired_product_leaves_the_catalog_and_its_files_are_kept(client, rules, tmp_path):
    response = client.delete("/v1/banks/icbc/products/icbc-jingying", headers=auth("icbc"))
    assert response.status_code == 200, response.get_json()
    doc = response.get_json()
    assert doc["live"] is True and len(doc["retired"]) == 2
    assert not (rules / "icbc" / "jingying.yaml").exists()
    assert not (rules / "icbc" / "jingying.test.yaml").exists()
    shelf = tmp_path / "var" / "rules-state"
    kept = {Path(rel).name: (shelf / rel).read_text(encoding="utf-8") for rel in doc["retired"]}
    product = next(name for name in kept if not name.endswith(".test.yaml"))
    assert product.startswith("jingying.") and kept[product] == JINGYING
    assert SCENARIOS in kept.values()
    assert client.get("/v1/products/icbc-jingying", headers=auth("portal")).status_code == 404
    assert (
        client.delete("/v1/banks/icbc/products/icbc-jingying", headers=auth("icbc")).status_code
        == 404
    )


# --- preview ---------------------------------------------------------------------------


def test_preview_answers_for_the_draft_without_publishing_it(client, rules):
    before = snapshot(rules)
    version = match(client, BASE)["catalog_version"]
    draft = JINGYING.replace("value: 20000", "value: 10000")
    response = client.post(
        "/v1/banks/icbc/products/icbc-jingying/preview",
        headers=auth("icbc"),
        query_string={"as_of": "2026-12-01"},
        json={
            "rule_file": draft,
            "profiles": [
                SMALL_TAXPAYER,
                {**BASE, "tax_paid_12m": 5000},
                {k: v for k, v in BASE.items() if k != "tax_paid_12m"},
                {**BASE, "employees": "many"},
            ],
        },
    )
    assert response.status_code == 200, response.get_json()
    doc = response.get_json()
    assert doc["evaluator"] == "reference" and doc["live_version"] == version
    statuses = [r.get("result", {}).get("status") for r in doc["results"]]
    assert statuses == ["eligible", "ineligible", "incomplete", None]
    assert doc["results"][1]["result"]["failed"][0]["field"] == "tax_paid_12m"
    assert doc["results"][2]["result"]["missing_fields"] == ["tax_paid_12m"]
    assert doc["results"][3]["errors"][0]["pointer"] == "/profiles/3/employees"
    assert doc["summary"] == {"eligible": 1, "ineligible": 1, "incomplete": 1, "invalid": 1}
    assert snapshot(rules) == before
    live = match(client, SMALL_TAXPAYER)
    assert live["catalog_version"] == version
    assert status_of(live, "icbc-jingying") == "ineligible"


def test_preview_of_a_broken_draft_is_a_located_422(client, rules):
    draft = JINGYING.replace("years_in_business", "years_in_bizness")
    response = client.post(
        "/v1/banks/icbc/products/icbc-jingying/preview",
        headers=auth("icbc"),
        json={"rule_file": draft, "profiles": [BASE]},
    )
    assert response.status_code == 422
    error = response.get_json()["errors"][0]
    assert error["path"] == "rules/icbc/jingying.yaml"
    assert error["line"] == line_of(draft, "years_in_bizness")


def test_preview_requires_a_rule_file_and_profiles(client):
    response = client.post(
        "/v1/banks/icbc/products/icbc-jingying/preview", headers=auth("icbc"), json={"profiles": []}
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"rule_file", "profiles"}


def test_bank_documentation_walkthrough_uses_real_endpoints(app):
    """docs/bank-staff.md's curl examples name routes the app serves."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "bank-staff.md").read_text(
        encoding="utf-8"
    )
    served = {rule.rule for rule in app.url_map.iter_rules()}
    for path in (
        "/v1/banks/<bank_id>/products/<product_id>",
        "/v1/banks/<bank_id>/products/<product_id>/preview",
        "/v1/admin/catalog",
    ):
        assert path in served
    for example in (
        "/v1/banks/icbc/products/icbc-jingying-kuaidai/preview",
        "-X PUT",
        "-X DELETE",
        "loanmatch lint",
        "loanmatch test",
        "loanmatch diff",
    ):
        assert example in doc, example


def test_an_address_that_cannot_name_a_product_is_refused(client, rules):
    before = snapshot(rules)
    assert put(client, "icbc", "icbc", "Icbc_Jingying", JINGYING).status_code == 422
    assert (
        client.delete("/v1/banks/icbc/products/Not.An.Id", headers=auth("icbc")).status_code == 404
    )
    assert (
        client.delete("/v1/banks/icbc/products/icbc-nothing", headers=auth("icbc")).status_code
        == 404
    )
    assert snapshot(rules) == before


def test_a_bank_cannot_publish_scenarios_for_another_banks_product(client, rules):
    before = snapshot(rules)
    foreign = SCENARIOS.replace("product: icbc-jingying", "product: ccb-shuidai")
    response = client.put(
        "/v1/banks/icbc/products/icbc-jingying",
        headers=auth("icbc"),
        json={"rule_file": JINGYING, "scenarios": foreign},
    )
    assert response.status_code == 422
    assert "must test 'icbc-jingying'" in response.get_json()["errors"][0]["text"]
    assert snapshot(rules) == before


def test_a_retire_the_catalog_cannot_pass_without_puts_the_files_back(client, rules):
    # Another product's scenarios name the one being retired: the folder without it fails.
    (rules / "ccb" / "shuidai.test.yaml").write_text(
        "product: icbc-jingying\nas_of: 2026-12-01\nbase: tangshan\n"
        "scenarios:\n  - name: x\n    expect: eligible\n",
        encoding="utf-8",
    )
    before = snapshot(rules)
    response = client.delete("/v1/banks/icbc/products/icbc-jingying", headers=auth("icbc"))
    assert response.status_code == 409, response.get_json()
    assert snapshot(rules) == before
    assert status_of(match(client, BASE), "icbc-jingying") == "eligible"


def test_a_published_edit_is_checked_once(app, client, rules, monkeypatch):
    # The editing call runs the product's scenarios in a child (with just the files they
    # need, as content); the reload that follows sees the same content and does not run
    # them again. A hand edit, which nobody checked, is run by the reload itself.
    runs = []
    real = validation.validate_in_child

    def counting(root=None, timeout=validation.VALIDATION_TIMEOUT, *, content=None):
        runs.append(sorted(content) if content is not None else root)
        return real(root, timeout, content=content)

    monkeypatch.setattr(validation, "validate_in_child", counting)
    needed = ["_profiles/tangshan.json", "icbc/jingying.test.yaml", "icbc/jingying.yaml"]
    response = put(
        client, "icbc", "icbc", "icbc-jingying", JINGYING.replace("value: 20000", "value: 10000")
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["reload"]["outcome"] == "reloaded"
    assert runs == [needed]
    runs.clear()
    (rules / "icbc" / "jingying.yaml").write_text(
        JINGYING.replace("value: 20000", "value: 15000"), encoding="utf-8"
    )
    reloader = app.extensions[EXTENSION].reloader
    reloader.check()
    assert runs == [needed]
    assert reloader.status()["version"] == match(client, BASE)["catalog_version"]
    assert reloader.status()["pending"] is None
