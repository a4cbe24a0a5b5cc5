"""The API's endpoints through Flask's test client, on a catalog written for the test.

Five products whose answers for the Tangshan manufacturer below are known by
construction: two Hebei products and a national one are eligible, a national one
fails only on its tax grade (a near miss), the Sichuan one is out of region.
"""

from __future__ import annotations

import copy
from datetime import date

import pytest

from matcher.catalog import load_catalog
from matcher.results.document import dumps
from service import create_app

PRODUCTS = {
    "hbbank/hebei-zhizao.yaml": """
id: hebei-zhizao
bank: hbbank
bank_name: 河北示例银行
name: 河北制造贷
terms: {amount: {min: 500000, max: 10000000}, term_months: {min: 12, max: 36}}
eligibility:
  all:
    - {field: province_code, op: "==", value: "130000", source: 河北省内注册}
    - {field: industry_code, op: prefix, value: [C]}
    - {field: years_in_business, op: ">=", value: 3}
    - {field: annual_revenue, op: ">=", value: 10000000}
""",
    "hbbank/tangshan-shuidai.yaml": """
id: tangshan-shuidai
bank: hbbank
name: 唐山税贷
eligibility:
  all:
    - {field: city_code, op: in, value: ["130200"]}
    - {field: tax_credit_rating, op: in, value: [A, B]}
    - not: {field: dishonest_debtor, op: "==", value: true}
""",
    "natbank/quanguo-keji.yaml": """
id: quanguo-keji
bank: natbank
bank_name: 全国示例银行
name: 科技贷
terms: {amount: {max: 3000000}, rate_pct: {min: 3.45, max: 6.0}}
eligibility:
  all:
    - {field: tax_credit_rating, op: in, value: [A, B, M]}
    - {field: tax_paid_12m, op: ">=", value: 10000}
    - any:
        - {field: high_tech, op: "==", value: true}
        - {field: specialized_sme, op: "==", value: true}
    - {field: legal_rep_age, op: between, value: [18, 65], label: {zh: 法人18至65岁, en: owner aged 18-65}}
""",
    "natbank/quanguo-a-ji.yaml": """
id: quanguo-a-ji
bank: natbank
name: A级纳税人贷
eligibility:
  all:
    - {field: tax_credit_rating, op: "==", value: A}
    - {field: tax_paid_12m, op: ">=", value: 10000}
""",
    "scbank/sichuan-jingying.yaml": """
id: sichuan-jingying
bank: scbank
name: 四川经营贷
eligibility:
  all:
    - {field: province_code, op: "==", value: "510000"}
    - {field: years_in_business, op: ">=", value: 1}
""",
}
TANGSHAN = {
    "entity_type": "enterprise",
    "established_on": "2016-05-20",
    "region_code": "130203",
    "industry_code": "C3311",
    "employees": 86,
    "annual_revenue": 28000000,
    "total_assets": 35000000,
    "debt_ratio": 0.52,
    "tax_paid_12m": 920000,
    "tax_credit_rating": "B",
    "legal_rep_age": 51,
    "dishonest_debtor": False,
    "specialized_sme": True,
    "high_tech": False,
    "bank_relationships": ["hbbank", "icbc"],
}
AS_OF = "2026-12-01"


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    root = tmp_path_factory.mktemp("rules")
    for name, text in PRODUCTS.items():
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def app(rules):
    return create_app(
        {
            "LOANMATCH_RULES": str(rules),
            "LOANMATCH_AUTH": "off",
            "LOANMATCH_RATE_LIMIT": "off",
            "LOANMATCH_LOG_JSON": "off",
        }
    )


@pytest.fixture()
def client(app):
    return app.test_client()


def test_match_returns_the_core_document(client, rules):
    expected = load_catalog(rules).match(TANGSHAN, as_of=date(2026, 12, 1)).to_dict()
    response = client.post(f"/v1/match?as_of={AS_OF}", json=TANGSHAN)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == expected
    assert [m["product_id"] for m in expected["matches"]] != []


@pytest.mark.parametrize(
    "query", ["", "?explain=none&top=2", "?explain=failed&lang=en&top=1", "?explain=all&lang=zh"]
)
def test_match_answers_the_bytes_of_the_document(client, rules, query):
    catalog = load_catalog(rules)
    options = dict(part.split("=") for part in query[1:].split("&") if part)
    for profile in (TANGSHAN, {k: v for k, v in TANGSHAN.items() if k != "tax_credit_rating"}, {}):
        response = client.post(f"/v1/match{query or '?'}&as_of={AS_OF}", json=profile)
        expected = catalog.match(profile, as_of=date(2026, 12, 1)).to_dict(
            options.get("explain", "failed"),
            options.get("lang"),
            int(options["top"]) if "top" in options else None,
        )
        assert response.status_code == 200 and response.mimetype == "application/json"
        assert response.data == dumps(expected)


def test_match_ranks_eligible_and_reports_near_misses(client):
    doc = client.post(f"/v1/match?as_of={AS_OF}", json=TANGSHAN).get_json()
    assert {m["product_id"] for m in doc["matches"]} == {
        "hebei-zhizao",
        "tangshan-shuidai",
        "quanguo-keji",
    }
    assert [n["product_id"] for n in doc["near_misses"]] == ["quanguo-a-ji"]
    assert [f["field"] for f in doc["near_misses"][0]["failed"]] == ["tax_credit_rating"]
    assert doc["summary"] == {
        "products": 5,
        "eligible": 3,
        "ineligible": 2,
        "incomplete": 0,
        "near_misses": 1,
    }
    assert doc["as_of"] == AS_OF and doc["profile"]["years_in_business"] == 10


def test_match_options_top_explain_lang(client):
    doc = client.post(
        f"/v1/match?as_of={AS_OF}&top=1&explain=none&lang=en", json=TANGSHAN
    ).get_json()
    assert len(doc["matches"]) == 1
    assert all("criteria" not in m for m in doc["matches"] + doc["near_misses"])
    message = doc["near_misses"][0]["failed"][0]["message"]
    assert isinstance(message, str) and "tax credit rating" in message
    failed_only = client.post(
        f"/v1/match?as_of={AS_OF}&explain=failed&lang=zh", json=TANGSHAN
    ).get_json()
    near = failed_only["near_misses"][0]
    assert [c["outcome"] for c in near["criteria"]] == ["fail"]
    assert all(m["criteria"] == [] for m in failed_only["matches"])
    everything = client.post(f"/v1/match?as_of={AS_OF}&explain=all", json=TANGSHAN).get_json()
    criteria = everything["near_misses"][0]["criteria"]
    assert len(criteria) == 2 and set(criteria[0]["message"]) == {"zh", "en"}


def test_as_of_moves_the_derived_fields(client):
    young = dict(TANGSHAN, established_on="2024-06-01")
    early = client.post("/v1/match?as_of=2026-05-31", json=young).get_json()
    late = client.post("/v1/match?as_of=2027-06-01", json=young).get_json()
    assert (early["profile"]["years_in_business"], late["profile"]["years_in_business"]) == (1, 3)
    assert "hebei-zhizao" not in {m["product_id"] for m in early["matches"]}
    assert "hebei-zhizao" in {m["product_id"] for m in late["matches"]}


def test_incomplete_profile_names_the_missing_fields(client):
    partial = {k: v for k, v in TANGSHAN.items() if k != "tax_credit_rating"}
    doc = client.post(f"/v1/match?as_of={AS_OF}", json=partial).get_json()
    incomplete = {r["product_id"]: r["missing_fields"] for r in doc["incomplete"]}
    assert incomplete == {
        "tangshan-shuidai": ["tax_credit_rating"],
        "quanguo-keji": ["tax_credit_rating"],
        "quanguo-a-ji": ["tax_credit_rating"],
    }


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("top=0", "top"),
        ("top=abc", "top"),
        ("as_of=2026-13-01", "as_of"),
        ("explain=some", "explain"),
        ("lang=fr", "lang"),
        ("colour=red", "colour"),
    ],
)
def test_bad_query_options_are_422_naming_the_parameter(client, query, parameter):
    response = client.post(f"/v1/match?{query}", json=TANGSHAN)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert [(e["location"], e["field"]) for e in errors] == [("query", parameter)]


def test_invalid_profile_lists_every_field_error_with_its_path(client):
    bad = dict(
        TANGSHAN,
        employees=-3,
        region_code="99",
        tax_credit_rating="Z",
        bank_relationships=["icbc", "Not A Bank"],
        colour="red",
        size_class="small",
    )
    response = client.post("/v1/match", json=bad)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["type"] == "urn:loanmatch:problem:invalid-profile"
    pointers = {e["pointer"] for e in problem["errors"]}
    assert pointers == {
        "/employees",
        "/region_code",
        "/tax_credit_rating",
        "/bank_relationships/1",
        "/colour",
        "/size_class",
    }
    assert all(e["location"] == "body" and e["detail"] for e in problem["errors"])


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null"])
def test_a_profile_must_be_an_object(client, body):
    response = client.post("/v1/match", data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == ""


def test_batch_answers_each_profile_at_its_index(client):
    bad = dict(TANGSHAN, employees="many")
    body = {"profiles": [TANGSHAN, bad, {}, "not a profile"]}
    response = client.post(f"/v1/match/batch?as_of={AS_OF}", json=body)
    assert response.status_code == 200
    doc = response.get_json()
    assert [sorted(set(r) - {"index"}) for r in doc["results"]] == [
        ["result"],
        ["errors"],
        ["result"],
        ["errors"],
    ]
    assert [r["index"] for r in doc["results"]] == [0, 1, 2, 3]
    assert doc["results"][1]["errors"][0]["pointer"] == "/profiles/1/employees"
    assert doc["results"][1]["errors"][0]["field"] == "employees"
    assert doc["results"][3]["errors"][0]["pointer"] == "/profiles/3"
    single = client.post(f"/v1/match?as_of={AS_OF}&explain=none", json=TANGSHAN).get_json()
    assert doc["results"][0]["result"] == single
    assert doc["summary"] == {"profiles": 4, "matched": 2, "invalid": 2}


def test_batch_of_1000_is_answered_and_1001_refused(client):
    compact = {k: TANGSHAN[k] for k in ("region_code", "tax_credit_rating")}
    ok = client.post("/v1/match/batch", json={"profiles": [compact] * 1000})
    assert ok.status_code == 200 and len(ok.get_json()["results"]) == 1000
    over = client.post("/v1/match/batch", json={"profiles": [compact] * 1001})
    assert over.status_code == 422
    assert over.get_json()["errors"][0]["pointer"] == "/profiles"
    assert "1000" in over.get_json()["errors"][0]["detail"]


@pytest.mark.parametrize(
    "body, pointer",
    [
        ({}, "/profiles"),
        ({"profiles": {}}, "/profiles"),
        ([TANGSHAN], ""),
        ({"profiles": [], "extra": 1}, "/extra"),
    ],
)
def test_batch_body_shape_errors(client, body, pointer):
    response = client.post("/v1/match/batch", json=body)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json()["errors"]] == [pointer]


def test_products_list_filters_and_pages(client):
    everything = client.get("/v1/products").get_json()
    assert everything["total"] == 5 and everything["next"] is None
    assert {p["id"] for p in everything["products"]} == {
        "hebei-zhizao",
        "tangshan-shuidai",
        "quanguo-keji",
        "quanguo-a-ji",
        "sichuan-jingying",
    }
    hb = client.get("/v1/products?bank=hbbank").get_json()
    assert {p["id"] for p in hb["products"]} == {"hebei-zhizao", "tangshan-shuidai"}
    by_region = {
        code: {p["id"] for p in client.get(f"/v1/products?region={code}").get_json()["products"]}
        for code in ("130203", "1302", "130000", "13", "510104", "440300")
    }
    national = {"quanguo-keji", "quanguo-a-ji"}
    assert by_region == {
        "130203": {"hebei-zhizao", "tangshan-shuidai"} | national,
        "1302": {"hebei-zhizao", "tangshan-shuidai"} | national,
        "130000": {"hebei-zhizao"} | national,
        "13": {"hebei-zhizao"} | national,
        "510104": {"sichuan-jingying"} | national,
        "440300": national,
    }
    first = client.get("/v1/products?limit=3").get_json()
    assert len(first["products"]) == 3 and first["next"]
    second = client.get(first["next"]).get_json()
    assert second["offset"] == 3 and len(second["products"]) == 2 and second["next"] is None
    ids = [p["id"] for p in first["products"] + second["products"]]
    assert sorted(ids) == sorted(p["id"] for p in everything["products"])


@pytest.mark.parametrize(
    "query", ["region=1302031", "region=abc", "bank=ICBC", "limit=0", "limit=501", "offset=-1"]
)
def test_products_list_refuses_bad_filters(client, query):
    response = client.get(f"/v1/products?{query}")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["location"] == "query"


def test_product_detail_shows_rules_in_words(client):
    doc = client.get("/v1/products/tangshan-shuidai").get_json()
    assert doc["id"] == "tangshan-shuidai" and doc["regions"] == ["130200"]
    rules = doc["eligibility"]
    assert rules["kind"] == "all" and len(rules["children"]) == 3
    negated = rules["children"][2]
    assert (negated["field"], negated["op"], negated["value"]) == ("dishonest_debtor", "!=", True)
    assert negated["text"] == {
        "zh": "未被列入失信被执行人名单",
        "en": "must not be listed as a dishonest judgment debtor",
    }
    english = client.get("/v1/products/quanguo-keji?lang=en").get_json()["eligibility"]
    assert english["children"][2]["kind"] == "any"
    assert english["children"][3]["text"] == "owner aged 18-65"
    assert all(isinstance(c["text"], str) for c in english["children"])


def test_unknown_product_is_404(client):
    for response in (
        client.get("/v1/products/no-such"),
        client.post("/v1/products/no-such/check", json=TANGSHAN),
    ):
        assert response.status_code == 404
        assert response.get_json()["type"] == "urn:loanmatch:problem:not-found"


def test_check_explains_every_criterion_whatever_the_verdict(client):
    far = dict(TANGSHAN, established_on="2026-06-01", region_code="440304")
    doc = client.post(f"/v1/products/hebei-zhizao/check?as_of={AS_OF}&lang=en", json=far).get_json()
    result = doc["result"]
    assert result["status"] == "ineligible"  # fails 2 of 4: still explained in full
    assert [c["outcome"] for c in result["criteria"]] == ["fail", "pass", "fail", "pass"]
    worse = dict(far, industry_code="F5123", annual_revenue=100)
    result = client.post(f"/v1/products/hebei-zhizao/check?as_of={AS_OF}", json=worse).get_json()[
        "result"
    ]
    assert result["status"] == "ineligible" and len(result["failed"]) == 4
    assert len(result["criteria"]) == 4
    ok = client.post(f"/v1/products/tangshan-shuidai/check?as_of={AS_OF}", json=TANGSHAN).get_json()
    assert ok["result"]["status"] == "eligible" and ok["profile"]["city_code"] == "130200"
    assert [c["outcome"] for c in ok["result"]["criteria"]] == ["pass"] * 3


def test_check_refuses_an_invalid_profile(client):
    response = client.post("/v1/products/hebei-zhizao/check", json={"employees": 1.5})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/employees"


def test_json_keeps_chinese_text_as_is(client):
    raw = client.get("/v1/products/hebei-zhizao").get_data()
    assert "河北制造贷".encode() in raw


def test_admin_catalog_reports_what_is_served(client, rules):
    doc = client.get("/v1/admin/catalog").get_json()
    assert doc["version"] == load_catalog(rules).version
    assert doc["products"] == 5 and doc["banks"] == {"hbbank": 2, "natbank": 2, "scbank": 1}


def test_request_body_is_not_mutated_between_calls(client):
    body = copy.deepcopy(TANGSHAN)
    client.post("/v1/match", json=body)
    assert body == TANGSHAN
