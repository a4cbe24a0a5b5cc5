"""The workbench in a real browser: Debian's Chromium driven by Playwright, against the app
served by a real HTTP server (werkzeug, threaded) mounted under /loans in a portal, with
leads in the real Redis. Every page is photographed at 1280×800 and 390×844; set
LOANMATCH_SCREENSHOTS_TO_DOCS=1 to copy them into docs/images/ for the README.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server
from werkzeug.wrappers import Response as WerkzeugResponse

from tests.support.redis_server import SESSION, delete_prefix, free_port

from .support import EXAMPLE, KEYS, REPO, RULES, copy_rules, make_app, redis_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SIZES = (("desktop", 1280, 800), ("phone", 390, 844))
WAIT = 20_000  # ms: a lint or scenario run on a shared CI machine


# -- the server ------------------------------------------------------------------------


class Server:
    def __init__(self, app, port: int):
        def portal(environ, start_response):
            return WerkzeugResponse("<a href='/loans/ui/'>贷款匹配</a>", mimetype="text/html")(
                environ, start_response
            )

        self.origin = f"http://127.0.0.1:{port}"
        self.base = self.origin + "/loans"
        self.app = app
        self.httpd = make_server(
            "127.0.0.1", port, DispatcherMiddleware(portal, {"/loans": app}), threaded=True
        )
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def api(self, method: str, path: str, who: str, body=None) -> tuple[int, dict]:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {KEYS[who]}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")


@pytest.fixture(scope="module")
def server(tmp_path_factory, shared_redis):
    prefix = f"loanmatch-test:{SESSION}:workbench-browser:"
    tmp = tmp_path_factory.mktemp("workbench-browser")
    app = make_app(copy_rules(tmp / "rules"), redis_url(shared_redis), prefix, tmp / "var")
    running = Server(app, free_port())
    running.thread.start()
    yield running
    running.httpd.shutdown()
    running.thread.join(timeout=10)
    delete_prefix(shared_redis, prefix)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install -y chromium poppler-utils fonts-wqy-microhei"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbench-screenshots")
    yield folder
    if os.environ.get("LOANMATCH_SCREENSHOTS_TO_DOCS"):
        target = REPO / "docs" / "images"
        target.mkdir(parents=True, exist_ok=True)
        for png in folder.glob("*.png"):
            shutil.copyfile(png, target / png.name)


@pytest.fixture
def page(browser, server):
    """A fresh browser context; afterwards, nothing was asked of another origin and the
    console shows no error (a CSP violation would be one)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    opened = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    opened.on("request", lambda r: requests.append(r.url))
    opened.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error"
            and not m.text.startswith("Failed to load resource: the server responded")
            else None
        ),
    )
    opened.on("pageerror", lambda e: problems.append(str(e)))
    yield opened
    context.close()
    foreign = [
        u
        for u in requests
        if not u.startswith(server.origin + "/") and not u.startswith(("data:", "about:"))
    ]
    assert requests and not foreign, foreign
    assert not problems, problems


def shoot(page, shots: Path, name: str) -> None:
    """The page at both sizes; at phone width nothing may scroll sideways."""
    for tag, width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(shots / f"{name}-{tag}.png"))
        if tag == "phone":
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{name}: {wide} px wide at a {width} px screen"
    page.set_viewport_size({"width": 1280, "height": 800})


def sign_in(page, server, who: str) -> None:
    page.goto(server.base + "/ui/")
    page.fill("#api_key", KEYS[who])
    page.keyboard.press("Enter")
    page.wait_for_url(server.base + "/ui/")


# -- the tests --------------------------------------------------------------------------


def test_sign_in_and_out_with_the_keyboard(page, server, shots):
    page.goto(server.base + "/ui/playground")
    assert "/loans/ui/signin" in page.url
    shoot(page, shots, "signin")
    assert page.evaluate("document.activeElement.id") == "api_key"  # typed into at once
    page.keyboard.type(KEYS["portal"])
    page.keyboard.press("Enter")
    page.wait_for_url(server.base + "/ui/playground")
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["loanmatch_ui"]
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    assert session["path"] == "/loans/ui" and session["expires"] > 0
    assert KEYS["portal"] not in json.dumps(list(cookies.values()))
    stored = page.evaluate(
        "document.cookie + JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"
    )
    assert "loanmatch_ui=" not in stored and KEYS["portal"] not in stored
    page.goto(server.base + "/ui/")
    assert page.locator("[data-role='portal']").is_visible()
    shoot(page, shots, "home-portal")
    page.click("#signout")
    page.wait_for_url(server.base + "/ui/signin")
    page.goto(server.base + "/ui/playground")
    assert "/ui/signin" in page.url


def test_a_wrong_key_is_told(page, server):
    page.goto(server.base + "/ui/signin")
    page.fill("#api_key", "not-a-key-at-all-here")
    page.keyboard.press("Enter")
    page.wait_for_selector("#signin-error")
    assert page.get_attribute("#api_key", "aria-invalid") == "true"
    assert "/ui/signin" in page.url


def _typo_line(text: str) -> int:
    return text.splitlines().index("      valeu: 20000") + 1


def test_a_bank_fixes_a_typo_runs_scenarios_and_publishes(page, server, shots):
    sign_in(page, server, "icbc")
    page.goto(server.base + "/ui/bank/icbc/products")
    assert page.locator("tr[data-product-id='icbc-jingying-kuaidai']").is_visible()
    shoot(page, shots, "bank-products")
    page.click("tr[data-product-id='icbc-jingying-kuaidai'] a")
    page.wait_for_selector("#lint-status.ok", timeout=WAIT)
    page.wait_for_selector("#preview-base .preview-rows", state="attached", timeout=WAIT)
    shoot(page, shots, "bank-product")

    source = (RULES / "icbc" / "jingying-kuaidai.yaml").read_text(encoding="utf-8")
    typo = source.replace("      value: 20000", "      valeu: 20000")
    page.fill("#rule-editor", typo)  # as typed: an input event, then the debounced lint
    line = _typo_line(typo)
    error = page.wait_for_selector(f"#lint-results li[data-line='{line}']", timeout=WAIT)
    assert "valeu" in error.inner_text() and error.get_attribute("data-column") == "7"
    assert page.locator("#gutter .bad", has_text=str(line)).count() == 1
    shoot(page, shots, "bank-product-lint-error")

    fixed = source.replace(
        "    - field: dishonest_debtor",
        "    - field: enforcement_cases\n"
        '      op: "<="\n      value: 0\n    - field: dishonest_debtor',
    )
    page.fill("#rule-editor", fixed)
    page.wait_for_selector("#lint-status.ok", timeout=WAIT)
    assert page.locator("#gutter .bad").count() == 0
    page.click("#run-scenarios")
    summary = page.wait_for_selector("#scenario-summary", timeout=WAIT)
    assert summary.get_attribute("data-failed") == "0"
    assert int(summary.get_attribute("data-passed")) >= 20

    page.click("#review")
    diff = page.wait_for_selector("#diff")
    assert "+ enforcement_cases <= 0" in diff.inner_text()
    shoot(page, shots, "bank-review")
    page.click("#confirm-publish")
    page.wait_for_selector("#published")
    version = page.inner_text("#published code")
    newest = page.locator("#history > li").first
    assert newest.get_attribute("data-version") == version
    assert "enforcement_cases <= 0" in newest.inner_text()
    assert "bank:icbc" in newest.inner_text()  # who published it
    shoot(page, shots, "bank-history")
    status, live = server.api("GET", "/v1/products/icbc-jingying-kuaidai", "portal")
    assert status == 200 and live["catalog_version"] == version
    assert "enforcement_cases" in json.dumps(live["eligibility"])

    page.goto(server.base + "/ui/bank/ccb/products/ccb-yunshuidai")
    assert page.inner_text("h1").startswith("403")
    page.goto(server.base + "/ui/bank/icbc/products/ccb-yunshuidai")
    assert page.inner_text("h1").startswith("404")
    shoot(page, shots, "forbidden")


def _shown_answer(page) -> dict:
    return page.evaluate("""() => ({
        matches: [...document.querySelectorAll('#matches li.product')].map(
            li => [li.dataset.productId, li.dataset.score]),
        near: [...document.querySelectorAll('#near-misses li.product')].map(li => li.dataset.productId),
        incomplete: [...document.querySelectorAll('#incomplete li.product')].map(li => li.dataset.productId),
        version: document.querySelector('#catalog-version').textContent})""")


def test_the_playground_answer_equals_post_v1_match(page, server, shots):
    sign_in(page, server, "portal")
    page.goto(server.base + "/ui/playground?example=1")
    shoot(page, shots, "playground-form")
    page.keyboard.press("Tab")  # the first stop skips to the content
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.focus("#f-employees")
    page.keyboard.press("Enter")  # the form submits from the keyboard
    page.wait_for_selector("#matches")
    shown = _shown_answer(page)
    status, api = server.api("POST", "/v1/match?explain=all&lang=zh", "portal", EXAMPLE)
    assert status == 200
    assert shown == {
        "matches": [[m["product_id"], str(m["score"])] for m in api["matches"]],
        "near": [m["product_id"] for m in api["near_misses"]],
        "incomplete": [m["product_id"] for m in api["incomplete"]],
        "version": api["catalog_version"],
    }
    assert page.locator("#matches svg.bars").count() == len(api["matches"]) > 0
    shoot(page, shots, "playground")


def test_the_report_prints_to_a_pdf_with_the_firm_and_its_top_product(
    page, server, shots, tmp_path
):
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils")
    sign_in(page, server, "portal")
    page.goto(server.base + "/ui/playground?example=1")
    page.click("#to-report")
    page.wait_for_selector("#firm-name")
    shoot(page, shots, "report")
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    _, api = server.api("POST", "/v1/match", "portal", EXAMPLE)
    compact = "".join(text.split())
    assert EXAMPLE["name"] in compact
    assert "小型企业" in compact
    assert api["matches"][0]["name"] in compact
    assert "打印" not in compact  # the screen's tools are not printed


def _seed_leads(server) -> set[str]:
    """Leads for firms in three cities, and what their banks did: the credit codes."""
    firms = []
    for name in ("tangshan-manufacturer", "icbc-jingying-kuaidai", "chengdu-micro-retail"):
        firms.append(json.loads((RULES / "_profiles" / f"{name}.json").read_text("utf-8")))
    served, step = set(), 0
    for firm in firms:
        _, answer = server.api("POST", "/v1/match", "portal", firm)
        made = 0
        for match in answer["matches"]:
            if made == 2:
                break
            status, lead = server.api(
                "POST",
                "/v1/leads",
                "portal",
                {
                    "product_id": match["product_id"],
                    "profile": firm,
                    "requested_amount": firm.get("requested_amount", 500000),
                    "requested_term_months": firm.get("requested_term_months", 12),
                    "consent": {
                        "granted": True,
                        "at": "2026-12-01T09:30:00+08:00",
                        "version": "2026-12",
                    },
                },
            )
            if status != 201:
                continue
            made += 1
            served.add(firm["credit_code"])
            bank = lead["bank"]
            path = f"/v1/leads/{lead['id']}/status"
            step += 1
            if step % 3 == 0:
                continue  # left for the bank's inbox
            server.api("POST", path, bank, {"status": "accepted"})
            if step % 3 == 1:
                server.api(
                    "POST",
                    path,
                    bank,
                    {
                        "status": "approved",
                        "details": {"amount": 400000, "rate_pct": "3.85", "term_months": 12},
                    },
                )
                server.api(
                    "POST",
                    path,
                    bank,
                    {"status": "disbursed", "details": {"amount": 400000, "date": "2026-12-03"}},
                )
            else:
                server.api(
                    "POST", path, bank, {"status": "declined", "details": {"reason": "revenue"}}
                )
        assert made, f"no lead could be made for {firm['name']}"
    return served


@pytest.fixture(scope="module")
def seeded(server) -> set[str]:
    return _seed_leads(server)


def test_the_dashboard_charts_the_seeded_leads(page, server, shots, seeded):
    served = seeded
    sign_in(page, server, "admin")
    page.goto(server.base + "/ui/admin/")
    assert page.inner_text("#fig-enterprises") == str(len(served))
    charts = page.locator("figure.chart svg")
    assert charts.count() == 6
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.locator("rect").count() > 0 and chart.locator("text").count() > 1
    cities = page.inner_text("#table-cities")
    assert "唐山市" in cities and "成都市" in cities and "北京市" in cities
    assert page.locator("#catalog-health").is_visible()
    shoot(page, shots, "dashboard")


def test_a_bank_works_its_leads_inbox(page, server, shots, seeded):
    _, stats = server.api("GET", "/v1/stats", "admin")
    bank = max(stats["by_bank"], key=lambda b: stats["by_bank"][b]["leads"])
    sign_in(page, server, bank)
    page.goto(server.base + f"/ui/bank/{bank}/leads/")
    rows = page.locator("#leads tr[data-lead-id]")
    assert rows.count() == stats["by_bank"][bank]["leads"]
    masked = page.locator("#leads tr[data-masked='true']")
    assert masked.count() >= 1
    page.click("#claim")
    page.wait_for_selector("#claimed")
    assert int(page.inner_text("#claimed").lstrip("+")) == masked.count()  # routed, unclaimed
    shoot(page, shots, "bank-leads")
    masked.first.locator("a").click()
    page.wait_for_selector("#masked")
    assert page.locator("#lead-name").count() == 0
    page.click("#accept")
    page.wait_for_selector("#lead-name")
    page.fill("#approve-amount", "15")  # within the 20万 the firm asked for
    page.fill("#approve-rate", "3.6")
    page.fill("#approve-term", "12")
    page.click("#approve")
    page.wait_for_selector("#disburse")
    assert page.inner_text("#lead-status") == "已批准"
    assert page.inner_text("#approved") == "批准: 15 万元 · 3.6% · 12 个月"
    assert page.locator("#events li").count() >= 3
    shoot(page, shots, "bank-lead")
