"""A bank's key publishes its own products only in its own name, and never the platform's
settings: the hostile-bank attempts of the audit, each refused with nothing written."""

from __future__ import annotations

from tests.support.editing_api import (  # noqa: F401  (fixtures)
    BASE,
    JINGYING,
    SHUIDAI,
    app,
    auth,
    client,
    line_of,
    match,
    put,
    rules,
    snapshot,
)

PRIORITISED = JINGYING.replace("name: 经营贷\n", "name: 经营贷\nterms:\n  priority: 100\n")


def live_priority(client, pid):
    response = client.get(f"/v1/products/{pid}", headers=auth("portal"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["terms"]["priority"]


def test_a_bank_key_cannot_set_the_platforms_priority(client, rules):
    before = snapshot(rules)
    response = put(client, "icbc", "icbc", "icbc-jingying", PRIORITISED)
    assert response.status_code == 403, response.get_json()
    assert response.mimetype == "application/problem+json"
    doc = response.get_json()
    assert "terms.priority" in doc["detail"] and doc["errors"][0]["line"] == 5
    assert snapshot(rules) == before
    assert live_priority(client, "icbc-jingying") == 0


def test_admin_sets_priority_and_a_banks_later_edit_keeps_it(client, rules):
    assert put(client, "admin", "icbc", "icbc-jingying", PRIORITISED).status_code == 200
    assert live_priority(client, "icbc-jingying") == 100
    edited = JINGYING.replace("value: 20000", "value: 10000")  # says nothing of priority
    response = put(client, "icbc", "icbc", "icbc-jingying", edited)
    assert response.status_code == 200, response.get_json()
    assert live_priority(client, "icbc-jingying") == 100
    written = (rules / "icbc" / "jingying.yaml").read_text(encoding="utf-8")
    assert "priority: 100" in written and "value: 10000" in written
    # Stating the live value is allowed; another one is not.
    assert put(client, "icbc", "icbc", "icbc-jingying", written).status_code == 200
    lowered = written.replace("priority: 100", "priority: 99")
    assert put(client, "icbc", "icbc", "icbc-jingying", lowered).status_code == 403


def test_a_bank_cannot_take_another_banks_id_prefix(client, rules):
    before = snapshot(rules)
    fake = SHUIDAI.replace("ccb-shuidai", "ccb-fake").replace("bank: ccb", "bank: icbc")
    response = put(client, "icbc", "icbc", "ccb-fake", fake)
    assert response.status_code == 422, response.get_json()
    assert "start with 'icbc-'" in response.get_json()["detail"]
    assert snapshot(rules) == before
    own = SHUIDAI.replace("ccb-shuidai", "ccb-fake")
    assert put(client, "ccb", "ccb", "ccb-fake", own).status_code == 201


def test_bank_name_is_the_registrys(client, rules):
    before = snapshot(rules)
    text = JINGYING.replace("bank: icbc\n", "bank: icbc\nbank_name: 中国建设银行\n")
    response = put(client, "icbc", "icbc", "icbc-jingying", text)
    assert response.status_code == 422, response.get_json()
    (error,) = response.get_json()["errors"]
    assert (error["line"], error["column"]) == (line_of(text, "bank_name"), 12)
    assert "中国工商银行" in error["message"]
    assert snapshot(rules) == before
    good = text.replace("中国建设银行", "中国工商银行")
    assert put(client, "icbc", "icbc", "icbc-jingying", good).status_code == 200
