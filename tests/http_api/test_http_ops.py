"""Health, readiness, metrics and the published API description."""

from __future__ import annotations

import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from http_api.openapi import undocumented
from http_api.state import add_readiness_check
from service import create_app

PRODUCT = """
id: {id}
bank: {bank}
name: 贷款{id}
eligibility:
  all:
    - {{field: tax_credit_rating, op: in, value: [A, B]}}
"""


def write_rules(root, products):
    for bank, pid in products:
        (root / bank).mkdir(exist_ok=True)
        (root / bank / f"{pid}.yaml").write_text(
            PRODUCT.format(id=pid, bank=bank), encoding="utf-8"
        )
    return root


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = write_rules(
        tmp_path_factory.mktemp("rules"), [("icbc", "a"), ("icbc", "b"), ("ccb", "c")]
    )
    return create_app(
        {
            "LOANMATCH_RULES": str(root),
            "LOANMATCH_AUTH": "off",
            "LOANMATCH_RATE_LIMIT": "off",
            "LOANMATCH_LOG_JSON": "off",
        }
    )


@pytest.fixture()
def client(app):
    return app.test_client()


def samples(client) -> dict:
    text = client.get("/metrics").get_data(as_text=True)
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_reports_the_catalog_and_registered_checks(tmp_path):
    app = create_app(
        {
            "LOANMATCH_RULES": str(write_rules(tmp_path, [("icbc", "a")])),
            "LOANMATCH_AUTH": "off",
            "LOANMATCH_LOG_JSON": "off",
        }
    )
    client = app.test_client()
    doc = client.get("/readyz").get_json()
    assert doc["status"] == "ready" and doc["checks"]["catalog"]["ok"] is True
    redis_up = {"value": False}
    add_readiness_check(app, "redis", lambda: (redis_up["value"], "127.0.0.1:6379"))
    add_readiness_check(app, "broken", lambda: 1 / 0)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["redis"] == {"ok": False, "detail": "127.0.0.1:6379"}
    assert checks["broken"]["ok"] is False and "ZeroDivisionError" in checks["broken"]["detail"]


def test_readyz_is_503_on_an_empty_catalog(tmp_path):
    app = create_app(
        {"LOANMATCH_RULES": str(tmp_path), "LOANMATCH_AUTH": "off", "LOANMATCH_LOG_JSON": "off"}
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.get_json()["checks"]["catalog"]["ok"] is False


def test_metrics_count_requests_matches_and_catalog(client, app):
    before = samples(client)
    client.post("/v1/match", json={"tax_credit_rating": "A"})
    client.post("/v1/match", json={"tax_credit_rating": "C"})
    client.post("/v1/match", json={"employees": -1})
    client.post("/v1/match/batch", json={"profiles": [{"tax_credit_rating": "B"}, {}]})
    after = samples(client)

    def delta(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert delta("loanmatch_profiles_total", endpoint="match", outcome="matched") == 2
    assert delta("loanmatch_profiles_total", endpoint="match", outcome="invalid") == 1
    assert delta("loanmatch_profiles_total", endpoint="batch", outcome="matched") == 2
    assert delta("loanmatch_product_answers_total", status="eligible") == 3 + 3
    assert delta("loanmatch_product_answers_total", status="ineligible") == 3
    assert delta("loanmatch_product_answers_total", status="incomplete") == 3
    assert (
        delta(
            "loanmatch_http_request_duration_seconds_count",
            endpoint="match.match",
            method="POST",
            status="200",
        )
        == 2
    )
    assert (
        delta(
            "loanmatch_http_request_duration_seconds_count",
            endpoint="match.match",
            method="POST",
            status="422",
        )
        == 1
    )
    catalog = app.extensions["loanmatch"].catalog
    assert after[("loanmatch_catalog_products", ())] == 3
    assert after[("loanmatch_catalog_info", (("version", catalog.version),))] == 1


def test_unmatched_paths_share_one_metrics_label(client):
    client.get("/random/a")
    client.get("/random/b")
    labels = {
        dict(k[1]).get("endpoint")
        for k in samples(client)
        if k[0] == "loanmatch_http_request_duration_seconds_count"
    }
    assert "unmatched" in labels and not any(str(label).startswith("/random") for label in labels)


def test_metrics_are_summed_across_processes(tmp_path):
    """Under gunicorn every worker writes its own file; a scrape must sum them."""
    import subprocess
    import sys

    rules = tmp_path / "rules"
    rules.mkdir()
    write_rules(rules, [("icbc", "a")])
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    script = f"""
import os
os.environ["PROMETHEUS_MULTIPROC_DIR"] = {str(metrics_dir)!r}
from service import create_app
app = create_app({{"LOANMATCH_RULES": {str(rules)!r}, "LOANMATCH_AUTH": "off",
                  "LOANMATCH_LOG_JSON": "off"}})
client = app.test_client()
for _ in range(int(os.environ["N"])):
    client.post("/v1/match", json={{"tax_credit_rating": "A"}})
if os.environ.get("SCRAPE"):
    print(client.get("/metrics").get_data(as_text=True))
"""
    env_base = {"PATH": "/usr/bin:/bin"}
    for n in ("2", "3"):
        subprocess.run(
            [sys.executable, "-c", script], env={**env_base, "N": n}, check=True, cwd=str(_repo())
        )
    text = subprocess.run(
        [sys.executable, "-c", script],
        env={**env_base, "N": "0", "SCRAPE": "1"},
        check=True,
        cwd=str(_repo()),
        capture_output=True,
        text=True,
    ).stdout
    matched = [
        line
        for line in text.splitlines()
        if line.startswith("loanmatch_profiles_total{") and 'outcome="matched"' in line
    ]
    assert matched and float(matched[0].rsplit(" ", 1)[1]) == 5
    assert re.search(r"^loanmatch_catalog_products 1\.0$", text, re.M)


def _repo():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


def test_every_endpoint_is_documented(app):
    assert undocumented(app) == []


def test_openapi_document_is_valid_and_describes_the_api(client):
    import schemathesis

    spec = client.get("/openapi.json").get_json()
    schemathesis.openapi.from_dict(spec).validate()  # against the OpenAPI 3.0 meta-schema
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) >= {
        "/v1/match",
        "/v1/match/batch",
        "/v1/products",
        "/v1/products/{product_id}",
        "/v1/products/{product_id}/check",
        "/healthz",
        "/readyz",
        "/metrics",
    }
    match = spec["paths"]["/v1/match"]["post"]
    assert {p["name"] for p in match["parameters"]} == {
        "top",
        "as_of",
        "explain",
        "lang",
        "catalog_version",
    }
    assert match["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Profile"
    )
    assert (
        "422" in match["responses"]
        and "application/problem+json"
        in spec["components"]["responses"]["Unprocessable"]["content"]
    )
    profile = spec["components"]["schemas"]["Profile"]
    assert profile["additionalProperties"] is False and "tax_credit_rating" in profile["properties"]
    assert spec["paths"]["/healthz"]["get"]["security"] == []


def test_docs_page_is_the_interactive_reference_over_this_apps_spec(client):
    """Swagger UI renders every operation of the spec (tests/http_api/test_http_docs_page.py
    opens it in a browser); the page itself names nothing outside the app."""
    page = client.get("/docs").get_data(as_text=True)
    assert 'data-spec="/openapi.json"' in page and "swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page and "//cdn" not in page


def test_importing_service_does_no_work():
    """gunicorn and embedding portals import ``service``; the catalog waits for create_app."""
    import subprocess
    import sys

    code = (
        "import sys, service; "
        "print(sorted(m for m in ('flask', 'matcher.catalog', 'durable_rules_engine', "
        "'http_api.factory') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=str(_repo()), capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
