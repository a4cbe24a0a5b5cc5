"""Bank staff editing over the API: the keys, a small rules folder with scenarios, and calls to match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service import create_app

KEYS = {
    "admin": "admin-key-for-editing-tests",
    "portal": "portal-key-for-editing-tests",
    "icbc": "icbc-bank-key-for-editing-tests",
    "ccb": "ccb-bank-key-for-editing-tests",
}


BASE = {
    "entity_type": "enterprise",
    "established_on": "2016-05-20",
    "region_code": "130203",
    "industry_code": "C3311",
    "employees": 86,
    "annual_revenue": 28000000,
    "total_assets": 35000000,
    "tax_paid_12m": 920000,
    "tax_credit_rating": "B",
    "legal_rep_age": 51,
    "overdue_current": False,
}


JINGYING = """\
id: icbc-jingying
bank: icbc
name: 经营贷
eligibility:
  all:
    - {field: years_in_business, op: ">=", value: 2}
    - {field: tax_paid_12m, op: ">=", value: 20000}
"""


SCENARIOS = """\
product: icbc-jingying
as_of: 2026-12-01
base: tangshan
scenarios:
  - name: accepts its reference profile
    expect: eligible
  - name: one year in business is too short
    given: {established_on: "2026-01-01"}
    expect: ineligible
    failing: [years_in_business]
"""


SHUIDAI = """\
id: ccb-shuidai
bank: ccb
name: 税贷
eligibility:
  all:
    - {field: tax_credit_rating, op: in, value: [A, B]}
"""


SMALL_TAXPAYER = {**BASE, "tax_paid_12m": 15000}


def write_rules(root: Path) -> Path:
    for rel, text in {
        "icbc/jingying.yaml": JINGYING,
        "icbc/jingying.test.yaml": SCENARIOS,
        "ccb/shuidai.yaml": SHUIDAI,
        "_profiles/tangshan.json": json.dumps(BASE),
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def auth(who: str) -> dict:
    return {"Authorization": f"Bearer {KEYS[who]}"}


def match(client, profile, **query):
    response = client.post(
        "/v1/match",
        json=profile,
        headers=auth("portal"),
        query_string={"as_of": "2026-12-01", **query},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def status_of(document, product_id):
    for key in ("matches", "near_misses", "incomplete"):
        for result in document[key]:
            if result["product_id"] == product_id:
                return result["status"]
    return "ineligible"


# -- fixtures and helpers shared by the editing API tests --------------------------------

YAML = "application/yaml"


@pytest.fixture
def rules(tmp_path) -> Path:
    return write_rules(tmp_path / "rules")


@pytest.fixture
def app(rules, tmp_path):
    keys = ",".join(
        f"{'bank:' + who if who in ('icbc', 'ccb') else who}:{key}" for who, key in KEYS.items()
    )
    return create_app(
        {
            "LOANMATCH_RULES": str(rules),
            "LOANMATCH_API_KEYS": keys,
            "LOANMATCH_DATA_DIR": str(tmp_path / "var"),
            "LOANMATCH_WATCH": "off",
            "LOANMATCH_RATE_LIMIT": "off",
            "LOANMATCH_LOG_JSON": "off",
            # the publish throttle has tests of its own; these publish in a row
            "LOANMATCH_PUBLISH_INTERVAL": "off",
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


def put(client, who, bank, pid, text, content_type=YAML):
    return client.put(
        f"/v1/banks/{bank}/products/{pid}",
        data=text.encode("utf-8"),
        headers={**auth(who), "Content-Type": content_type},
    )


def snapshot(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)
