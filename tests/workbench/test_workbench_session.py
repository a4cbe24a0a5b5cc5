"""Sign-in, sessions, CSRF, headers and roles of the workbench, through Flask's test client
against a real Redis (the browser tests drive the same pages in Chromium)."""

from __future__ import annotations

import re

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client
from werkzeug.wrappers import Response as WerkzeugResponse

from http_api.settings import ConfigError
from tests.support.redis_server import SESSION, delete_prefix
from workbench.sessions import COOKIE

from .support import EXAMPLE, KEYS, api_keys, bearer, copy_rules, csrf, make_app, redis_url, sign_in


@pytest.fixture(scope="module")
def prefix(shared_redis):
    name = f"loanmatch-test:{SESSION}:workbench-session:"
    yield name
    delete_prefix(shared_redis, name)


@pytest.fixture(scope="module")
def app(tmp_path_factory, shared_redis, prefix):
    tmp = tmp_path_factory.mktemp("workbench-session")
    return make_app(
        copy_rules(tmp / "rules"),
        redis_url(shared_redis),
        prefix,
        tmp / "var",
        LOANMATCH_FRAME_ANCESTORS="'self' https://portal.example",
    )


@pytest.fixture
def client(app):
    return app.test_client()


def session_keys(redis, prefix):
    return list(redis.scan_iter(match=f"{prefix}ui:session:*"))


def cookie_header(response) -> str:
    return next(
        v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith(COOKIE + "=")
    )


def test_signing_in_keeps_the_key_on_the_server(client, shared_redis, prefix):
    before = set(session_keys(shared_redis, prefix))
    response = sign_in(client, KEYS["icbc"])
    assert response.status_code == 303
    header = cookie_header(response)
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/ui" in header
    assert "Max-Age=28800" in header and "Secure" not in header  # plain http here
    value = header.split(";")[0].split("=", 1)[1]
    assert KEYS["icbc"] not in value
    made = set(session_keys(shared_redis, prefix)) - before
    assert len(made) == 1
    key = made.pop()
    assert shared_redis.hgetall(key)["key"] == KEYS["icbc"]
    assert 0 < shared_redis.ttl(key) <= 8 * 3600
    for page in ("/ui/", "/ui/playground", "/ui/bank/icbc/products"):
        html = client.get(page).get_data(as_text=True)
        assert KEYS["icbc"] not in html, page


def test_the_cookie_is_secure_behind_https(client):
    token = csrf(client.get("/ui/signin", base_url="https://localhost").get_data(as_text=True))
    response = client.post(
        "/ui/signin",
        base_url="https://localhost",
        data={"csrf_token": token, "api_key": KEYS["portal"]},
    )
    assert "Secure" in cookie_header(response)


def test_a_wrong_key_gets_no_session(client, shared_redis, prefix):
    before = set(session_keys(shared_redis, prefix))
    response = sign_in(client, "not-a-key-of-this-service")
    assert response.status_code == 401
    assert "密钥无效" in response.get_data(as_text=True)
    assert set(session_keys(shared_redis, prefix)) == before
    assert client.get("/ui/").status_code == 302


def test_forms_without_the_csrf_token_are_refused(client):
    sign_in(client, KEYS["portal"])
    for data in ({}, {"csrf_token": "forged-token-forged-token-forged-token"}):
        response = client.post("/ui/playground", data={**data, "employees": "3"})
        assert response.status_code == 400
        assert "表单已过期" in response.get_data(as_text=True)
    fresh = client.application.test_client()  # no sign-in form fetched: no token cookie
    response = fresh.post("/ui/signin", data={"api_key": KEYS["portal"], "csrf_token": "x" * 43})
    assert response.status_code == 400


def test_signing_out_ends_the_session_on_the_server(client, shared_redis, prefix):
    response = sign_in(client, KEYS["portal"])
    cookie = cookie_header(response).split(";")[0].split("=", 1)[1]
    sid_keys = set(session_keys(shared_redis, prefix))
    token = csrf(client.get("/ui/").get_data(as_text=True))
    out = client.post("/ui/signout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["Location"].endswith("/ui/signin")
    assert len(set(session_keys(shared_redis, prefix))) == len(sid_keys) - 1
    replay = client.application.test_client()
    replay.set_cookie(COOKIE, cookie, path="/ui")
    assert replay.get("/ui/").status_code == 302  # the old cookie opens nothing


def test_a_forged_cookie_opens_nothing(client):
    client.set_cookie(COOKIE, "InNvbWUtaWQi.forged.signature", path="/ui")
    assert client.get("/ui/playground").status_code == 302


def test_a_withdrawn_key_ends_its_sessions(app, shared_redis, prefix, tmp_path):
    client = app.test_client()
    cookie = cookie_header(sign_in(client, KEYS["tsbank"])).split(";")[0].split("=", 1)[1]
    rotated = make_app(
        app.extensions["loanmatch"].settings.rules,
        redis_url(shared_redis),
        prefix,
        tmp_path / "var",
        catalog=app.extensions["loanmatch"].catalog,
        LOANMATCH_API_KEYS=api_keys(without=("tsbank",)),
    )
    other = rotated.test_client()
    other.set_cookie(COOKIE, cookie, path="/ui")
    assert other.get("/ui/bank/tsbank/products").status_code == 302


def test_every_page_sends_its_security_headers(client):
    sign_in(client, KEYS["portal"])
    for page in ("/ui/signin", "/ui/", "/ui/playground", "/ui/report", "/ui/admin/"):
        headers = client.get(page).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp, page
        assert "frame-ancestors 'self' https://portal.example" in csp, page
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cache-Control"] == "no-store"


def test_frame_ancestors_default_to_none(tmp_path, shared_redis, key_prefix, app):
    plain = make_app(
        app.extensions["loanmatch"].settings.rules,
        redis_url(shared_redis),
        key_prefix,
        tmp_path,
        catalog=app.extensions["loanmatch"].catalog,
    )
    response = plain.test_client().get("/ui/signin")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    with pytest.raises(ConfigError, match="LOANMATCH_FRAME_ANCESTORS"):
        make_app(
            app.extensions["loanmatch"].settings.rules,
            redis_url(shared_redis),
            key_prefix,
            tmp_path,
            catalog=app.extensions["loanmatch"].catalog,
            LOANMATCH_FRAME_ANCESTORS="https://ok.example; script-src *",
        )


@pytest.mark.parametrize(
    "who, page, status",
    [
        ("portal", "/ui/admin/", 403),
        ("portal", "/ui/bank/icbc/products", 403),
        ("portal", "/ui/bank/icbc/leads/", 403),
        ("icbc", "/ui/bank/ccb/products", 403),
        ("icbc", "/ui/bank/ccb/products/ccb-yunshuidai", 403),
        ("icbc", "/ui/bank/icbc/products/ccb-yunshuidai", 404),
        ("icbc", "/ui/bank/tsbank/leads/", 403),
        ("icbc", "/ui/admin/", 403),
        ("admin", "/ui/bank/icbc/leads/", 403),  # as the API: a bank's leads are the bank's
        ("admin", "/ui/bank/icbc/products", 200),  # as the API: an admin may change any bank's
        ("icbc", "/ui/bank/icbc/products", 200),
        ("admin", "/ui/admin/", 200),
    ],
)
def test_roles_decide_what_each_page_shows(app, who, page, status):
    client = app.test_client()
    sign_in(client, KEYS[who])
    response = client.get(page)
    assert response.status_code == status
    if status != 200:
        assert f'data-status="{status}"' in response.get_data(as_text=True)


def test_the_navigation_follows_the_role(app):
    links = {}
    for who in ("portal", "icbc", "admin"):
        client = app.test_client()
        sign_in(client, KEYS[who])
        links[who] = set(
            re.findall(r'<li><a href="([^"]+)"', client.get("/ui/").get_data(as_text=True))
        )
    assert "/ui/admin/" in links["admin"] and "/ui/admin/" not in links["icbc"]
    assert "/ui/bank/icbc/products" in links["icbc"]
    assert not any("/ui/bank/" in link for link in links["portal"] | links["admin"])


def playground_form(token: str, profile: dict) -> dict:
    from workbench.profile_form import entered_from_profile

    return {"csrf_token": token, **entered_from_profile(profile)}


def test_the_playground_answers_as_post_v1_match(client):
    sign_in(client, KEYS["portal"])
    token = csrf(client.get("/ui/playground").get_data(as_text=True))
    page = client.post("/ui/playground", data=playground_form(token, EXAMPLE))
    assert page.status_code == 200
    shown = re.findall(
        r'data-product-id="([^"]+)" data-score="([^"]+)"', page.get_data(as_text=True)
    )
    api = client.post(
        "/v1/match?explain=all&lang=zh", json=EXAMPLE, headers=bearer("portal")
    ).get_json()
    assert shown == [(m["product_id"], str(m["score"])) for m in api["matches"]]
    assert api["catalog_version"] in page.get_data(as_text=True)


def test_the_playground_shows_every_problem_at_its_field(client):
    sign_in(client, KEYS["portal"])
    token = csrf(client.get("/ui/playground").get_data(as_text=True))
    form = playground_form(token, EXAMPLE)
    form.update(employees="八十六", established_on="2099-01-01", annual_revenue="1.00001")
    page = client.post("/ui/playground", data=form)
    assert page.status_code == 422
    messages = dict(
        re.findall(r'class="msg" id="e-([a-z_0-9]+)">([^<]*)', page.get_data(as_text=True))
    )
    assert set(messages) == {"employees", "established_on", "annual_revenue"}
    assert "2099-01-01" in messages["established_on"]  # the API's own message


def test_money_is_entered_in_wan_and_sent_in_yuan():
    from workbench.profile_form import to_profile

    profile, errors, _ = to_profile(
        {
            "annual_revenue": "2800",
            "tax_paid_12m": "92.0001",
            "debt_ratio": "52",
            "employees": "86",
            "high_tech": "false",
            "bank_relationships": "icbc，tsbank",
            "name": "",
        }
    )
    assert profile == {
        "annual_revenue": 28_000_000,
        "tax_paid_12m": 920_001,
        "debt_ratio": 0.52,
        "employees": 86,
        "high_tech": False,
        "bank_relationships": ["icbc", "tsbank"],
    }
    assert all(isinstance(profile[k], int) for k in ("annual_revenue", "tax_paid_12m"))
    assert not errors
    _, errors, _ = to_profile({"annual_revenue": "1.23456", "employees": "8.5"}, "en")
    assert errors == {
        "annual_revenue": "at most 4 decimals of 10k yuan (whole yuan)",
        "employees": "enter a whole number",
    }


def test_the_form_groups_fields_as_the_vocabulary_does():
    from matcher.vocabulary import fields as F
    from workbench.profile_form import form_groups

    groups = form_groups()
    assert [g[0][1] for g in groups] == [g[1] for g in F.GROUPS]
    names = [i.name for _, items in groups for i in items]
    assert names == list(F.POSTED_FIELDS)


def test_english_on_request_and_remembered(client):
    sign_in(client, KEYS["portal"])
    page = client.get("/ui/playground?lang=en")
    assert "Playground" in page.get_data(as_text=True)
    assert any(
        v.startswith("loanmatch_ui_lang=en") for k, v in page.headers.items() if k == "Set-Cookie"
    )
    assert "Playground" in client.get("/ui/playground").get_data(as_text=True)
    assert "匹配试算" in client.get("/ui/playground?lang=zh").get_data(as_text=True)


def test_works_mounted_under_a_prefix(app):
    def portal(environ, start_response):
        return WerkzeugResponse("portal home")(environ, start_response)

    client = Client(DispatcherMiddleware(portal, {"/loans": app}))
    assert client.get("/ui/signin").get_data(as_text=True) == "portal home"
    response = sign_in(client, KEYS["portal"], root="/loans")
    assert response.status_code == 303 and response.headers["Location"] == "/loans/ui/"
    assert "Path=/loans/ui" in cookie_header(response)
    html = client.get("/loans/ui/playground").get_data(as_text=True)
    assert 'href="/loans/ui/static/workbench.css"' in html
    assert 'action="/loans/ui/playground"' in html
    page = client.post("/loans/ui/playground", data=playground_form(csrf(html), EXAMPLE))
    assert page.status_code == 200 and 'data-product-id="' in page.get_data(as_text=True)


def test_with_authentication_off_the_local_operator_signs_in_without_a_key(
    app, shared_redis, key_prefix, tmp_path
):
    local = make_app(
        app.extensions["loanmatch"].settings.rules,
        redis_url(shared_redis),
        key_prefix,
        tmp_path,
        catalog=app.extensions["loanmatch"].catalog,
        LOANMATCH_AUTH="off",
    )
    client = local.test_client()
    page = client.get("/ui/signin").get_data(as_text=True)
    assert 'name="api_key"' not in page
    response = client.post("/ui/signin", data={"csrf_token": csrf(page)})
    assert response.status_code == 303
    assert client.get("/ui/admin/").status_code == 200
    assert client.get("/ui/bank/icbc/products").status_code == 200


def test_an_unknown_page_is_a_page_and_the_workbench_can_be_left_out(
    app, shared_redis, key_prefix, tmp_path
):
    response = app.test_client().get("/ui/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Content-Security-Policy" in response.headers
    without = make_app(
        app.extensions["loanmatch"].settings.rules,
        redis_url(shared_redis),
        key_prefix,
        tmp_path,
        catalog=app.extensions["loanmatch"].catalog,
        LOANMATCH_UI="off",
    )
    client = without.test_client()
    assert client.get("/ui/signin").status_code == 404
    assert client.post("/v1/match", json=EXAMPLE, headers=bearer("portal")).status_code == 200
