"""The workbench as an attacker uses it: a bank key, a portal key, an admin, an anonymous
browser and a page of another origin, through Flask's test client against a real Redis.

Each test names what a person depends on: that hostile text is shown as text, that a
form cannot be posted from elsewhere, that a session cannot be kept or planted, and that
bad input gets a clear answer rather than a 500.
"""

from __future__ import annotations

import json
import re

import pytest

from workbench.sessions import COOKIE

from .support import KEYS, RULES, bearer, copy_rules, csrf, make_app, redis_url, sign_in

PRODUCT = "icbc-jingying-kuaidai"
PAGE = f"/ui/bank/icbc/products/{PRODUCT}"
HOSTILE = "<img src=x onerror=alert(1)>\"'</script><script>alert(2)</script>"
REFUSED = (403, 404, 405)  # 405: an address with a slash in the id is no page at all
RAW = ("<img src=x", "<script>alert", "onerror=alert(1)>")


@pytest.fixture
def app(tmp_path, shared_redis, key_prefix):
    return make_app(
        copy_rules(tmp_path / "rules"), redis_url(shared_redis), key_prefix, tmp_path / "var"
    )


def signed_in(app, who: str):
    client = app.test_client()
    assert sign_in(client, KEYS[who]).status_code == 303
    return client, csrf(client.get("/ui/").get_data(as_text=True))


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where} shows {raw!r} as markup"


def _publish_hostile_name(client, token) -> None:
    source = (RULES / "icbc" / "jingying-kuaidai.yaml").read_text(encoding="utf-8")
    draft = re.sub(r"^name: .*$", "name: " + json.dumps(HOSTILE), source, count=1, flags=re.M)
    assert draft != source
    published = client.post(f"{PAGE}/publish", data={"csrf_token": token, "rule_file": draft})
    assert published.status_code == 303, published.get_data(as_text=True)[-800:]


def test_a_hostile_product_name_is_text_on_every_page_that_shows_it(app):
    bank, token = signed_in(app, "icbc")
    _publish_hostile_name(bank, token)
    pages = {
        path: bank.get(path) for path in ("/ui/bank/icbc/products", PAGE, "/ui/bank/icbc/history")
    }
    admin, _ = signed_in(app, "admin")
    pages["/ui/admin/"] = admin.get("/ui/admin/")
    portal, portal_token = signed_in(app, "portal")
    profile = json.loads((RULES / "_profiles" / f"{PRODUCT}.json").read_text("utf-8"))
    matched = portal.post("/v1/match", json=profile, headers=bearer("portal")).get_json()
    assert HOSTILE in [
        m.get("product_name") or m.get("name") for m in matched["matches"]
    ] or HOSTILE in json.dumps(matched, ensure_ascii=False)
    form = {"csrf_token": portal_token, "name": HOSTILE}
    pages["/ui/playground"] = portal.post("/ui/playground", data=form)
    pages["/ui/report"] = portal.post("/ui/report", data=form)
    for path, response in pages.items():
        assert response.status_code < 500, path
        assert_escaped(response.get_data(as_text=True), path)
    assert "&lt;img src=x" in pages[PAGE].get_data(as_text=True)


def _apply(portal, **changes) -> str:
    """A portal's application for PRODUCT (the firm its own scenario file describes)."""
    profile = json.loads((RULES / "_profiles" / f"{PRODUCT}.json").read_text("utf-8"))
    profile.update(changes)
    made = portal.post(
        "/v1/leads",
        headers=bearer("portal"),
        json={
            "product_id": PRODUCT,
            "profile": profile,
            "requested_amount": profile.get("requested_amount", 500000),
            "requested_term_months": profile.get("requested_term_months", 12),
            "consent": {"granted": True, "at": "2026-12-01T09:30:00+08:00", "version": "2026-12"},
        },
    )
    assert made.status_code == 201, made.get_json()
    return made.get_json()["id"]


def test_hostile_text_in_a_lead_is_text_in_the_inbox_and_the_audit_trail(app):
    portal = app.test_client()
    lead_id = _apply(portal, name=HOSTILE[:60])
    bank, token = signed_in(app, "icbc")
    page = f"/ui/bank/icbc/leads/{lead_id}"
    accepted = bank.post(
        f"{page}/status", data={"csrf_token": token, "status": "accepted", "note": HOSTILE}
    )
    assert accepted.status_code == 303
    declined = bank.post(
        f"{page}/status",
        data={"csrf_token": token, "status": "declined", "reason": HOSTILE, "note": HOSTILE},
    )
    assert declined.status_code == 422  # not one of the reasons: said on the page
    for path in ("/ui/bank/icbc/leads/", page):
        html = bank.get(path).get_data(as_text=True)
        assert_escaped(html, path)
    assert_escaped(declined.get_data(as_text=True), "the refused decline")
    assert "&lt;img src=x" in bank.get(page).get_data(as_text=True)  # the name, as text


def test_a_form_posted_twice_does_no_harm(app):
    portal = app.test_client()
    lead_id = _apply(portal)
    bank, token = signed_in(app, "icbc")
    page = f"/ui/bank/icbc/leads/{lead_id}"
    form = {"csrf_token": token, "status": "accepted"}
    assert bank.post(f"{page}/status", data=form).status_code == 303
    again = bank.post(f"{page}/status", data=form)
    assert again.status_code == 409
    assert 'class="error"' in again.get_data(as_text=True)
    events = portal.get(f"/v1/leads/{lead_id}/events", headers=bearer("icbc")).get_json()
    assert [e.get("status") or e.get("to") for e in events["events"]].count("accepted") == 1
    claim = {"csrf_token": token}
    first, second = (bank.post("/ui/bank/icbc/leads/claim", data=claim) for _ in range(2))
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"].endswith("claimed=0")


@pytest.mark.parametrize(
    "body",
    [
        b'{"rule_file": "id: \\ud800"}',
        b"[1, 2]",
        b'"text"',
        b'{"rule_file": 1e999999}',
        b'{"rule_file": "x", "profile": "{\\"name\\": \\"\\\\ud800\\"}"}',
        b'{"rule_file": "x", "profile": "' + b"[" * 100000 + b'"}',
        b'{"rule_file": "x", "profile": 5}',
    ],
)
@pytest.mark.parametrize("call", ["lint", "scenarios", "preview"])
def test_the_editors_calls_answer_bad_json_with_a_400_the_page_can_show(app, call, body):
    bank, token = signed_in(app, "icbc")
    response = bank.post(
        f"{PAGE}/{call}",
        data=body,
        content_type="application/json",
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code in (200, 400), response.get_data(as_text=True)[-400:]
    data = response.get_json()
    assert data is not None, "the editor's script reads JSON"
    if response.status_code == 400:
        assert data["error"] and data["html"]
    else:
        assert "surrogate" in json.dumps(data) or data.get("errors") or data.get("html")


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/ui"),
        ("PUT", "/ui/signin"),
        ("DELETE", "/ui/"),
        ("PATCH", PAGE),
        ("GET", "/ui/static/nothing.js"),
        ("GET", "/ui/%ED%A0%80"),
        ("POST", "/ui/signout"),
    ],
)
def test_every_ui_answer_has_the_security_headers_even_routings_own(app, method, path):
    response = app.test_client().open(path, method=method)
    assert response.status_code < 500
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, (path, method)
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"


def test_signing_in_again_ends_the_previous_session(app):
    client = app.test_client()
    sign_in(client, KEYS["icbc"])
    old = client.get_cookie(COOKIE, path="/ui").value
    assert client.get("/ui/").status_code == 200
    sign_in(client, KEYS["icbc"])
    new = client.get_cookie(COOKIE, path="/ui").value
    assert new != old
    planted = app.test_client()
    planted.set_cookie(COOKIE, old, path="/ui")
    assert planted.get("/ui/").status_code == 302  # the old id opens nothing


@pytest.mark.parametrize(
    "wanted",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/ui\\@evil.example",
        "/%2F%2Fevil.example",
        "javascript:alert(1)",
        " //evil.example",
        "\t//evil.example",
        "/ui\r\nSet-Cookie: planted=1",
        "/ui/\x00",
    ],
)
def test_after_sign_in_next_never_leaves_this_site(app, wanted):
    client = app.test_client()
    token = csrf(client.get("/ui/signin?next=" + wanted).get_data(as_text=True))
    response = client.post(
        "/ui/signin", data={"csrf_token": token, "api_key": KEYS["portal"], "next": wanted}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/ui/"  # home, on this site


def test_sign_in_from_another_origin_is_refused(app):
    """A page elsewhere can post the sign-in form but not know the form's token."""
    client = app.test_client()
    client.get("/ui/signin")  # the browser holds the sign-in cookie; the page cannot read it
    response = client.post(
        "/ui/signin",
        data={"api_key": KEYS["portal"], "csrf_token": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 400
    assert client.get_cookie(COOKIE, path="/ui") is None


def test_the_key_never_reaches_a_page_or_a_cookie(app):
    client = app.test_client()
    response = sign_in(client, KEYS["icbc"])
    cookies = " ".join(v for k, v in response.headers.items() if k == "Set-Cookie")
    assert KEYS["icbc"] not in cookies
    for path in ("/ui/", "/ui/bank/icbc/products", PAGE, "/ui/playground", "/ui/bank/icbc/leads/"):
        assert KEYS["icbc"] not in client.get(path).get_data(as_text=True), path


@pytest.mark.parametrize(
    "form",
    [
        {"status": "approved", "amount": "abc", "rate_pct": "3.6", "term_months": "12"},
        {"status": "approved", "amount": "-5", "rate_pct": "3.6", "term_months": "12"},
        {"status": "approved", "amount": "1e400", "rate_pct": "3.6", "term_months": "12"},
        {"status": "approved", "amount": "9" * 400, "rate_pct": "3.6", "term_months": "12"},
        {"status": "approved", "amount": "10", "rate_pct": "NaN", "term_months": "-3"},
        {"status": "approved", "amount": "10", "rate_pct": "abc", "term_months": "9" * 40},
        {"status": "approved"},
        {"status": "approved", "amount": "10", "rate_pct": "3.6", "term_months": "²"},
        {"status": "approved", "amount": "²", "rate_pct": "3.6", "term_months": "12"},
        {"status": "disbursed", "amount": "10", "date": "0001-01-01"},
        {"status": "disbursed", "amount": "10", "date": "yesterday"},
        {"status": "no-such-status"},
        {},
    ],
)
def test_bad_numbers_in_a_lead_form_are_told_and_change_nothing(app, form):
    lead_id = _apply(app.test_client())
    bank, token = signed_in(app, "icbc")
    page = f"/ui/bank/icbc/leads/{lead_id}"
    assert (
        bank.post(f"{page}/status", data={"csrf_token": token, "status": "accepted"}).status_code
        == 303
    )
    refused = bank.post(f"{page}/status", data={"csrf_token": token, **form})
    assert 400 <= refused.status_code < 500, refused.status_code
    assert re.search(r'<p class="error" role="alert">[^<]+</p>', refused.get_data(as_text=True))
    shown = bank.get(f"/v1/leads/{lead_id}", headers=bearer("icbc")).get_json()
    assert shown["status"] == "accepted"


def test_a_lone_surrogate_in_a_lead_form_or_address_is_never_a_500(app):
    lead_id = _apply(app.test_client())
    bank, token = signed_in(app, "icbc")
    page = f"/ui/bank/icbc/leads/{lead_id}"
    body = f"csrf_token={token}&status=accepted&note=%ED%A0%80".encode()
    response = bank.post(
        f"{page}/status", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500
    for path in (
        f"{page}%ED%A0%80",
        "/ui/bank/%ED%A0%80/leads/",
        f"{PAGE}%ED%A0%80",
        "/ui/signin?next=%ED%A0%80",
        "/ui/playground?lang=%ED%A0%80",
    ):
        assert bank.get(path).status_code < 500, path


def test_the_language_links_take_no_url_options_from_the_address(app):
    """``?_external=1&_anchor=…`` must not shape the page's own links (an absolute link
    to whatever Host the request named, a fragment of the attacker's choosing)."""
    html = (
        app.test_client()
        .get("/ui/signin?next=/ui/&_external=1&_anchor=%0Aalert(1)&_scheme=javascript&_method=POST")
        .get_data(as_text=True)
    )
    links = re.findall(r'<a href="([^"]*)" lang="(?:zh-CN|en)"', html)
    assert len(links) == 2
    for link in links:
        assert link.startswith("/ui/signin?") and "#" not in link and "alert" not in link
        assert "next=/ui/" in link or "next=%2Fui%2F" in link


@pytest.mark.parametrize("page", ["/ui/signin", "/ui/", "/ui/bank/icbc/products", "/ui/nowhere"])
def test_an_address_argument_named_like_url_fors_own_is_no_500(app, page):
    bank, _ = signed_in(app, "icbc")
    response = bank.get(page + "?endpoint=x&values=y")
    assert response.status_code in (200, 404)
    assert "values=y" in response.get_data(as_text=True)  # kept in the language links


def test_a_session_ends_at_its_expiry_on_the_server(tmp_path, shared_redis, key_prefix):
    import time

    app = make_app(
        copy_rules(tmp_path / "rules"),
        redis_url(shared_redis),
        key_prefix,
        tmp_path / "var",
        LOANMATCH_UI_SESSION_HOURS="0.0006",
    )  # two seconds
    client = app.test_client()
    sign_in(client, KEYS["icbc"])
    cookie = client.get_cookie(COOKIE, path="/ui").value
    assert client.get("/ui/").status_code == 200
    time.sleep(3.1)
    replayed = app.test_client()
    replayed.set_cookie(COOKIE, cookie, path="/ui")  # as if the browser kept it
    assert replayed.get("/ui/").status_code == 302
    assert not list(shared_redis.scan_iter(match=f"{key_prefix}ui:session:*"))


@pytest.mark.parametrize(
    "page",
    [
        "/ui/bank/ccb/products/ccb-diya-kuaidai",  # another bank's address
        "/ui/bank/icbc/products/ccb-diya-kuaidai",  # its product under one's own bank
        "/ui/bank/icbc/products/..%2Fccb%2Fdiya-kuaidai",
    ],
)
def test_a_bank_cannot_read_or_change_another_banks_product_by_its_address(app, page):
    bank, token = signed_in(app, "icbc")
    source = (RULES / "ccb" / "diya-kuaidai.yaml").read_text(encoding="utf-8")
    assert bank.get(page).status_code in (403, 404)
    assert "eligibility" not in bank.get(page).get_data(as_text=True)
    for call in ("lint", "scenarios", "preview"):
        response = bank.post(
            f"{page}/{call}",
            json={"rule_file": source, "profile": "{}"},
            headers={"X-CSRF-Token": token},
        )
        assert response.status_code in REFUSED, call
        assert "eligibility" not in response.get_data(as_text=True), call
    for call in ("review", "publish", "retire"):
        response = bank.post(
            f"{page}/{call}", data={"csrf_token": token, "rule_file": source, "confirm": "yes"}
        )
        assert response.status_code in REFUSED, call
    live = bank.get("/v1/products/ccb-diya-kuaidai", headers=bearer("portal"))
    assert live.status_code == 200
    assert (RULES / "ccb" / "diya-kuaidai.yaml").read_text(encoding="utf-8") == source


def test_publishing_the_same_draft_twice_says_nothing_changed(app):
    bank, token = signed_in(app, "icbc")
    source = (RULES / "icbc" / "jingying-kuaidai.yaml").read_text(encoding="utf-8")
    draft = source.replace("name: 经营快贷", "name: 经营快贷（新）")
    assert draft != source
    form = {"csrf_token": token, "rule_file": draft}
    first = bank.post(f"{PAGE}/publish", data=form)
    second = bank.post(f"{PAGE}/publish", data=form)
    assert first.status_code == second.status_code == 303
    said = [
        re.search(
            r'id="published">([^<]*)<code>([^<]+)</code>',
            bank.get(r.headers["Location"]).get_data(as_text=True),
        )
        for r in (first, second)
    ]
    assert said[0] and said[1] and said[0].group(2) == said[1].group(2)  # one version
    assert "已发布" in said[0].group(1) and "未改动" in said[1].group(1)
    history = bank.get("/ui/bank/icbc/history").get_data(as_text=True)
    assert history.count(f'data-version="{said[0].group(2)}"') == 1


def test_a_page_echoes_no_text_a_link_chose(app):
    bank, _ = signed_in(app, "icbc")
    html = bank.get("/ui/bank/icbc/history?published=请致电400-000-0000领取补贴").get_data(
        as_text=True
    )
    assert "领取补贴" not in html and 'id="published"' not in html  # (links carry it encoded)
    html = bank.get("/ui/bank/icbc/leads/?claimed=请致电400-000-0000领取补贴").get_data(
        as_text=True
    )
    assert "领取补贴" not in html and 'id="claimed"' not in html
    assert 'id="claimed">+3<' in bank.get("/ui/bank/icbc/leads/?claimed=3").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/ui/playground", "/ui/report"])
def test_a_percentage_too_large_for_a_number_is_told_at_its_field(app, url):
    portal, token = signed_in(app, "portal")
    response = portal.post(url, data={"csrf_token": token, "debt_ratio": "9" * 400})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "JSON" not in html and "Infinity" not in html
    messages = dict(re.findall(r'class="msg" id="e-([a-z_0-9]+)">([^<]*)', html))
    assert set(messages) == {"debt_ratio"} and messages["debt_ratio"]
