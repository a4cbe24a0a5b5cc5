"""The screening page and the editor's firm-base impact, through Flask's test client.

A synthetic firm base of the repository's kind is uploaded by the admin over the API;
bank staff start a screening on the page, see its suppressed summary, invite a firm and
see the invitation; the editor's preview shows the draft's firms gained and lost.
"""

from __future__ import annotations

import io
import re
import time

import pyarrow.parquet as pq
import pytest

from screening.synth import synth_firms

from .support import KEYS, RULES, bearer, copy_rules, csrf, make_app, redis_url, sign_in

PRODUCT = "icbc-jingying-kuaidai"


@pytest.fixture
def app(tmp_path, shared_redis, key_prefix):
    app = make_app(
        copy_rules(tmp_path / "rules"), redis_url(shared_redis), key_prefix, tmp_path / "var"
    )
    buffer = io.BytesIO()
    pq.write_table(synth_firms(3000, seed=7), buffer)
    uploaded = app.test_client().post(
        "/v1/admin/firms",
        data=buffer.getvalue(),
        headers={**bearer("admin"), "Content-Type": "application/vnd.apache.parquet"},
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    return app


def signed_in(app, who: str):
    client = app.test_client()
    sign_in(client, KEYS[who])
    return client, csrf(client.get("/ui/screening/").get_data(as_text=True))


def test_bank_staff_screen_see_suppressed_cells_and_invite(app):
    client, token = signed_in(app, "icbc")
    started = client.post("/ui/screening/", data={"csrf_token": token, "product_id": PRODUCT})
    assert started.status_code == 303
    page = started.headers["Location"]
    deadline = time.monotonic() + 60
    html = client.get(page).get_data(as_text=True)
    while 'data-status="done"' not in html and time.monotonic() < deadline:
        time.sleep(0.2)
        html = client.get(page).get_data(as_text=True)
    assert 'id="job-status" data-status="done"' in html
    assert f'data-product-id="{PRODUCT}"' in html
    assert "&lt;5" in html  # some city has fewer than 5 eligible firms
    firms = re.findall(r'name="firm" value="(f_[0-9a-f]+)"', html)
    assert firms, "no consenting eligible firm offered"
    sent = client.post(
        f"{page}/invitations",
        data={"csrf_token": token, "firm": firms[:1], "product_id": PRODUCT, "message": "欢迎申请"},
    )
    assert sent.status_code == 303
    html = client.get(page).get_data(as_text=True)
    assert f"<code>{firms[0]}</code> · {PRODUCT} · sent" in html
    listing = client.get("/ui/screening/").get_data(as_text=True)
    assert 'data-status="done"' in listing

    other, _ = signed_in(app, "ccb")
    assert other.get(page).status_code == 404


def test_the_screening_page_tells_other_roles_it_is_for_banks(app):
    client, _ = signed_in(app, "portal")
    assert 'id="screening-for-banks"' in client.get("/ui/screening/").get_data(as_text=True)


def test_the_editor_preview_shows_the_firm_base_impact(app):
    client, _ = signed_in(app, "icbc")
    editor = f"/ui/bank/icbc/products/{PRODUCT}"
    token = re.search(r'data-csrf="([^"]+)"', client.get(editor).get_data(as_text=True)).group(1)
    source = (RULES / "icbc" / "jingying-kuaidai.yaml").read_text(encoding="utf-8")
    stricter = source.replace("value: 20000", "value: 900000000")
    answer = client.post(
        f"{editor}/lint", json={"rule_file": stricter}, headers={"X-CSRF-Token": token}
    ).get_json()
    found = re.search(
        r'id="firm-base-impact" data-gained="(\d+)" data-lost="(\d+)"', answer["preview_html"]
    )
    assert found and found.group(1) == "0" and int(found.group(2)) > 0
