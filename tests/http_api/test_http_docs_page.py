"""``/docs`` is an interactive reference served whole by the app; openapi.json documents
every profile field with its Chinese name, unit and an example."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading

import pytest
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from matcher.vocabulary import fields as F
from matcher.vocabulary.profile import load_profile
from service import create_app

KEY = "portal-key-for-docs-page-tests"


@pytest.fixture(scope="module")
def app():
    return create_app(
        {
            "LOANMATCH_API_KEYS": f"portal:{KEY}",
            "LOANMATCH_WATCH": "off",
            "LOANMATCH_RATE_LIMIT": "off",
            "LOANMATCH_LOG_JSON": "off",
        }
    )


@pytest.fixture(scope="module")
def mounted(app):
    """The app under /loans in a portal, as the README's Embedding section mounts it."""
    portal = Flask("portal")
    portal.wsgi_app = DispatcherMiddleware(portal.wsgi_app, {"/loans": app})
    return portal


def references(html: str) -> list[str]:
    return re.findall(r'(?:src|href|data-spec)="([^"]+)"', html)


@pytest.mark.parametrize("prefix", ["", "/loans"])
def test_the_docs_page_loads_only_assets_the_app_serves(app, mounted, prefix):
    client = (mounted if prefix else app).test_client()
    page = client.get(prefix + "/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]
    found = references(page.get_data(as_text=True))
    assert any(u.endswith("swagger-ui-bundle.js") for u in found)
    assert any(u.endswith("swagger-ui.css") for u in found)
    assert f"{prefix}/openapi.json" in found
    for url in found:
        assert url.startswith(prefix + "/") and not url.startswith("//"), url  # same origin
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content_length or response.get_data(), url
    assert "SwaggerUIBundle" in client.get(
        prefix + "/docs/assets/swagger-ui/swagger-ui-bundle.js"
    ).get_data(as_text=True)


def test_the_vendored_reference_keeps_its_licence(app):
    client = app.test_client()
    licence = client.get("/docs/assets/swagger-ui/LICENSE").get_data(as_text=True)
    assert "Apache License" in licence
    assert "SmartBear" in client.get("/docs/assets/swagger-ui/NOTICE").get_data(as_text=True)
    assert client.get("/docs/assets/../../service.py").status_code == 404
    assert client.get("/docs/assets/nothing.js").status_code == 404


def test_operations_are_grouped_in_the_order_a_portal_uses_them(app):
    spec = app.test_client().get("/openapi.json").get_json()
    tags = [t["name"] for t in spec["tags"]]
    assert tags[:3] == ["match", "products", "leads"]
    used = [op["tags"][0] for ops in spec["paths"].values() for op in ops.values()]
    assert set(used) <= set(tags)
    assert next(iter(spec["paths"])) == "/v1/match"
    leads = [
        p for p, ops in spec["paths"].items() if any(op["tags"] == ["leads"] for op in ops.values())
    ]
    assert leads[0] == "/v1/leads"  # applying comes before the bank's side


def test_every_profile_field_has_its_chinese_name_unit_and_a_valid_example(app):
    spec = app.test_client().get("/openapi.json").get_json()
    properties = spec["components"]["schemas"]["Profile"]["properties"]
    assert set(properties) == set(F.POSTED_FIELDS)
    for name, fld in F.POSTED_FIELDS.items():
        prop = properties[name]
        assert prop["title"] == fld.zh and prop["description"].startswith(fld.zh), name
        assert "example" in prop, name
        if fld.unit_zh:
            assert prop["x-unit"] == {"zh": fld.unit_zh, "en": fld.unit_en}, name
            assert f"（{fld.unit_zh}）" in prop["description"], name
    assert properties["tax_paid_12m"]["title"] == "近12个月纳税总额"
    assert properties["tax_paid_12m"]["x-unit"]["zh"] == "元"
    # The examples together are a profile the service accepts.
    profile = load_profile({name: prop["example"] for name, prop in properties.items()})
    assert profile.values["tax_paid_12m"] == 920000


def test_a_browser_renders_the_reference_under_a_prefix(mounted, tmp_path):
    """Real Chromium (``./dev test`` installs it): the match operation, opened by its
    link, offers "Try it out" with the example profile filled in."""
    assert shutil.which("chromium"), "chromium is needed (./dev test installs it)"
    server = make_server("127.0.0.1", 0, mounted, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        done = subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--virtual-time-budget=15000",
                "--dump-dom",
                f"http://127.0.0.1:{server.server_port}/loans/docs#/match/post_v1_match",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.shutdown()
    dom = done.stdout
    assert "opblock-tag" in dom, done.stderr[-2000:]
    sections = re.findall(r'data-tag="([^"]+)"', dom)
    assert sections[:3] == ["match", "products", "leads"], sections
    assert re.findall(r'data-path="([^"]+)"', dom)[0] == "/v1/match"
    assert "try-out__btn" in dom  # the operation is open and can be tried
    assert "920000" in dom  # the request body is the examples' profile
