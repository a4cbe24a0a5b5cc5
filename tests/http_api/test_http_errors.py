"""Refusals: every error is a problem document, and access control holds.

One product is enough here; what matters is how a call is refused.
"""

from __future__ import annotations

import json
import logging

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client
from werkzeug.wrappers import Response as WerkzeugResponse

from http_api.settings import ConfigError
from service import create_app

PRODUCT = """
id: shuidai
bank: icbc
name: 税贷
eligibility:
  all:
    - {field: tax_credit_rating, op: in, value: [A, B]}
"""
PORTAL, ADMIN, BANK = "portal-key-0123456789", "admin-key-0123456789", "icbc-bank-key-0123456789"
KEYS = f"portal:{PORTAL},admin:{ADMIN},bank:icbc:{BANK}"
PROFILE = {"tax_credit_rating": "A"}
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    root = tmp_path_factory.mktemp("rules")
    (root / "icbc").mkdir()
    (root / "icbc" / "shuidai.yaml").write_text(PRODUCT, encoding="utf-8")
    return root


def make_app(rules, **env):
    config = {
        "LOANMATCH_RULES": str(rules),
        "LOANMATCH_API_KEYS": KEYS,
        "LOANMATCH_RATE_LIMIT": "off",
        "LOANMATCH_LOG_JSON": "off",
    }
    config.update(env)
    return create_app(config)


@pytest.fixture(scope="module")
def app(rules):
    return make_app(rules, LOANMATCH_MAX_BODY="2KiB")


@pytest.fixture()
def client(app):
    return app.test_client()


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def assert_problem(response, status):
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    doc = response.get_json(force=True)
    assert doc["status"] == status and doc["title"] and doc["detail"] and doc["type"]
    assert doc["request_id"] == response.headers["X-Request-ID"]
    return doc


# --- status codes ------------------------------------------------------------------


def test_malformed_json_is_400(client):
    for body in (
        b'{"tax_credit_rating": ',
        b"",
        b"\xff\xfe{}",
        b'{"a": NaN}',
        b'{"employees": 1, "employees": 2}',
        b"[" * 2000,
    ):
        doc = assert_problem(
            client.post(
                "/v1/match", data=body, headers=bearer(PORTAL), content_type="application/json"
            ),
            400,
        )
        assert doc["type"] == "urn:loanmatch:problem:invalid-json"


def test_wrong_content_type_is_415(client):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        response = client.post(
            "/v1/match", data=json.dumps(PROFILE), headers=bearer(PORTAL), content_type=content_type
        )
        assert_problem(response, 415)
    ok = client.post(
        "/v1/match",
        data=json.dumps(PROFILE),
        headers=bearer(PORTAL),
        content_type="application/json; charset=utf-8",
    )
    assert ok.status_code == 200


def test_body_over_the_limit_is_413(client):
    big = {"tax_credit_rating": "A", "name": "企" * 2000}
    doc = assert_problem(client.post("/v1/match", json=big, headers=bearer(PORTAL)), 413)
    assert doc["limit"] == 2048
    assert client.post("/v1/match", json=PROFILE, headers=bearer(PORTAL)).status_code == 200


def test_field_errors_are_422(client):
    doc = assert_problem(
        client.post(
            "/v1/match", json={"employees": "x", "debt_ratio": "y"}, headers=bearer(PORTAL)
        ),
        422,
    )
    assert {e["pointer"] for e in doc["errors"]} == {"/employees", "/debt_ratio"}


def test_unknown_path_is_404_and_wrong_method_405(client):
    assert_problem(client.get("/v1/nothing-here", headers=bearer(PORTAL)), 404)
    response = client.delete("/v1/match", headers=bearer(PORTAL))
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_unexpected_error_is_500_without_internals(rules, monkeypatch, caplog):
    app = make_app(rules)
    state = app.extensions["loanmatch"]

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals: /srv/db password=hunter2")

    monkeypatch.setattr(state.catalog, "match", explode)
    with caplog.at_level(logging.ERROR, logger="loanmatch.http"):
        response = app.test_client().post("/v1/match", json=PROFILE, headers=bearer(PORTAL))
    doc = assert_problem(response, 500)
    assert doc["type"] == "urn:loanmatch:problem:internal-error"
    assert "secret" not in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)
    logged = [r for r in caplog.records if r.name == "loanmatch.http" and r.exc_info]
    assert logged and logged[0].request_id == doc["request_id"]


# --- access --------------------------------------------------------------------------


def test_missing_key_is_401(client):
    response = client.post("/v1/match", json=PROFILE)
    doc = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in doc["detail"]


@pytest.mark.parametrize(
    "header",
    [
        f"Bearer {PORTAL}x",
        f"Bearer {PORTAL[:-1]}",
        "Bearer ",
        f"Basic {PORTAL}",
        PORTAL,
        "Bearer 钥匙",
    ],
)
def test_wrong_key_is_401(client, header):
    assert_problem(client.get("/v1/products", headers={"Authorization": header}), 401)


def test_every_role_reads_matches_and_products(client):
    for key in (PORTAL, ADMIN, BANK):
        assert client.post("/v1/match", json=PROFILE, headers=bearer(key)).status_code == 200
        assert client.get("/v1/products", headers=bearer(key)).status_code == 200


def test_only_admin_reaches_admin_endpoints(client):
    assert client.get("/v1/admin/catalog", headers=bearer(ADMIN)).status_code == 200
    for key in (BANK, PORTAL):
        doc = assert_problem(client.get("/v1/admin/catalog", headers=bearer(key)), 403)
        assert "admin" in doc["detail"]
    assert_problem(client.get("/v1/admin/catalog"), 401)


def test_bank_endpoints_take_only_the_banks_own_key(rules):
    from http_api.auth import require_bank

    app = make_app(rules)

    @app.get("/v1/banks/<bank_id>/example")
    @require_bank
    def leads(bank_id):
        return {"bank": bank_id}

    client = app.test_client()
    assert client.get("/v1/banks/icbc/example", headers=bearer(BANK)).get_json() == {"bank": "icbc"}
    assert_problem(client.get("/v1/banks/ccb/example", headers=bearer(BANK)), 403)
    assert_problem(client.get("/v1/banks/icbc/example", headers=bearer(ADMIN)), 403)
    assert_problem(client.get("/v1/banks/icbc/example", headers=bearer(PORTAL)), 403)
    assert_problem(client.get("/v1/banks/icbc/example"), 401)


def test_operations_endpoints_need_no_key(client):
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
        assert client.get(path).status_code == 200, path


def test_keys_never_reach_logs_or_answers(rules, caplog):
    app = make_app(rules)
    with caplog.at_level(logging.DEBUG):
        client = app.test_client()
        client.post("/v1/match", json=PROFILE, headers=bearer(PORTAL))
        client.get("/v1/admin/catalog", headers=bearer(BANK))
        answer = client.get("/v1/products", headers=bearer(PORTAL + "x")).get_data(as_text=True)
    text = caplog.text + answer + json.dumps(app.config, default=str)
    assert PORTAL not in text and BANK not in text and ADMIN not in text


@pytest.mark.parametrize(
    "env, named",
    [
        ({"LOANMATCH_API_KEYS": ""}, "LOANMATCH_API_KEYS"),
        ({"LOANMATCH_API_KEYS": "visitor:abcdefghijklmnopqrstu"}, "role"),
        ({"LOANMATCH_API_KEYS": "portal:short"}, "16 characters"),
        ({"LOANMATCH_API_KEYS": f"portal:{PORTAL},admin:{PORTAL}"}, "twice"),
        ({"LOANMATCH_AUTH": "maybe"}, "LOANMATCH_AUTH"),
        ({"LOANMATCH_RATE_LIMIT": "lots"}, "LOANMATCH_RATE_LIMIT"),
        ({"LOANMATCH_MAX_BODY": "big"}, "LOANMATCH_MAX_BODY"),
    ],
)
def test_misconfiguration_refuses_to_start(rules, env, named):
    with pytest.raises(ConfigError) as caught:
        make_app(rules, **env)
    assert named in str(caught.value)
    assert PORTAL not in str(caught.value)


def test_auth_off_serves_without_keys(rules):
    app = make_app(rules, LOANMATCH_API_KEYS="", LOANMATCH_AUTH="off")
    client = app.test_client()
    assert client.post("/v1/match", json=PROFILE).status_code == 200
    assert client.get("/v1/admin/catalog").status_code == 200


# --- rate limit ------------------------------------------------------------------------


def test_rate_limit_per_key_answers_429_with_retry_after(rules):
    client = make_app(rules, LOANMATCH_RATE_LIMIT="3/minute").test_client()
    codes = [
        client.post("/v1/match", json=PROFILE, headers=bearer(PORTAL)).status_code,
        client.get("/v1/products", headers=bearer(PORTAL)).status_code,
        client.get("/v1/products", headers=bearer(PORTAL)).status_code,
    ]
    assert codes == [200, 200, 200]
    refused = client.get("/v1/products/shuidai", headers=bearer(PORTAL))
    doc = assert_problem(refused, 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60 and doc["retry_after"] >= 1
    assert client.get("/v1/products", headers=bearer(ADMIN)).status_code == 200  # its own budget
    assert client.get("/healthz").status_code == 200  # never limited


def test_rate_limit_in_redis_is_shared_by_workers(rules, shared_redis):
    """Two apps stand for two gunicorn workers: with Redis they spend one budget."""
    import secrets

    where = shared_redis.connection_pool.connection_kwargs
    key = "portal-" + secrets.token_hex(12)  # a fresh key: a fresh budget in Redis
    env = {
        "LOANMATCH_API_KEYS": f"portal:{key}",
        "LOANMATCH_RATE_LIMIT": "3/minute",
        "LOANMATCH_RATE_LIMIT_STORAGE": f"redis://{where['host']}:{where['port']}",
    }
    first, second = (make_app(rules, **env).test_client() for _ in range(2))
    codes = [
        client.get("/v1/products", headers=bearer(key)).status_code
        for client in (first, second, first, second)
    ]
    assert codes == [200, 200, 200, 429]
    for stored in shared_redis.scan_iter(match="*loanmatch*"):  # the budget of that key only
        if key_id_of(key) in stored:
            shared_redis.delete(stored)


def key_id_of(key: str) -> str:
    from http_api.auth import key_id

    return key_id(key.encode())


def test_unknown_rate_limit_storage_refuses_to_start(rules):
    with pytest.raises(ConfigError, match="LOANMATCH_RATE_LIMIT_STORAGE"):
        make_app(rules, LOANMATCH_RATE_LIMIT="5/second", LOANMATCH_RATE_LIMIT_STORAGE="foo://x")


# --- request ids, CORS, mounting -------------------------------------------------------


def test_request_id_is_echoed_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "portal-req-42"})
    assert given.headers["X-Request-ID"] == "portal-req-42"
    made = client.get("/healthz").headers["X-Request-ID"]
    hostile = client.get("/healthz", headers={"X-Request-ID": 'x", "forged": "1'})
    assert len(made) == 32 and hostile.headers["X-Request-ID"] not in ("", 'x", "forged": "1')
    doc = client.post(
        "/v1/match", json={"employees": -1}, headers={**bearer(PORTAL), "X-Request-ID": "abc-123"}
    ).get_json()
    assert doc["request_id"] == "abc-123"


def test_log_lines_are_json_with_the_request_id(rules, capfd):
    from http_api import logs

    app = make_app(rules, LOANMATCH_LOG_JSON="on")
    app.get("/v1/boom")(lambda: 1 / 0)
    app.test_client().get("/v1/boom", headers={"X-Request-ID": "trace-me-7"})
    lines = [
        json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")
    ]
    errors = [line for line in lines if line["level"] == "error"]
    assert errors and errors[0]["request_id"] == "trace-me-7"
    assert "ZeroDivisionError" in errors[0]["exception"]
    for name in ("loanmatch", "matcher", "flask-limiter"):  # leave the process as found
        logger = logging.getLogger(name)
        for handler in [h for h in logger.handlers if getattr(h, "_loanmatch", False)]:
            logger.removeHandler(handler)
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    assert logs.REQUEST_ID_HEADER == "X-Request-ID"


def test_cors_allows_only_configured_origins(rules):
    client = make_app(rules, LOANMATCH_CORS_ORIGINS="https://portal.example").test_client()
    allowed = client.get(
        "/v1/products", headers={**bearer(PORTAL), "Origin": "https://portal.example"}
    )
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://portal.example"
    assert "X-Request-ID" in allowed.headers["Access-Control-Expose-Headers"]
    other = client.get("/v1/products", headers={**bearer(PORTAL), "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(
        "/v1/match",
        headers={
            "Origin": "https://portal.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()


def test_no_cors_headers_unless_configured(client):
    response = client.get("/v1/products", headers={**bearer(PORTAL), "Origin": "https://a.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_works_mounted_under_a_prefix(rules):
    def portal(environ, start_response):
        return WerkzeugResponse("portal home")(environ, start_response)

    mounted = DispatcherMiddleware(portal, {"/loans": make_app(rules)})
    client = Client(mounted)
    assert client.get("/").get_data(as_text=True) == "portal home"
    ok = client.post("/loans/v1/match", json=PROFILE, headers=bearer(PORTAL))
    assert ok.status_code == 200 and ok.get_json()["summary"]["eligible"] == 1
    page = client.get("/loans/v1/products?limit=1", headers=bearer(PORTAL)).get_json()
    assert page["next"] is None and page["products"][0]["id"] == "shuidai"
    spec = client.get("/loans/openapi.json").get_json()
    assert spec["servers"] == [{"url": "/loans"}]
    docs = client.get("/loans/docs").get_data(as_text=True)  # its assets and spec under /loans
    assert 'data-spec="/loans/openapi.json"' in docs and "/loans/docs/assets/" in docs
    missing = client.get("/loans/v1/nope", headers=bearer(PORTAL)).get_json()
    assert missing["instance"] == "/loans/v1/nope"
    assert client.get("/v1/match").status_code == 200  # the portal's, not ours: not mounted


def test_prefix_from_script_name(rules):
    app = make_app(rules)
    client = app.test_client()
    base = "http://localhost/api/loans"
    response = client.get("/v1/products?limit=1&bank=icbc", headers=bearer(PORTAL), base_url=base)
    assert response.status_code == 200
    assert response.request.environ["SCRIPT_NAME"] == "/api/loans"
    spec = client.get("/openapi.json", base_url=base).get_json()
    assert spec["servers"][0]["url"] == "/api/loans"
