"""A bank's leads inbox: ``/ui/bank/<bank_id>/leads``.

The same rule as the API's lead endpoints (``require_bank``: the bank's own key
only, not even an admin's), the same views (masked until the bank accepts: the
leads library's ``bank_view``), and every action is ``POST /v1/leads/<id>/status``
or the claim ``GET /v1/banks/<bank>/leads`` with the signed-in key.
"""

from __future__ import annotations

import re
from typing import Any

from flask import g, redirect, render_template, request, url_for

from http_api.auth import require_bank
from http_api.leads import lead_service
from leads import NotFound
from leads.lifecycle import DECLINE_REASONS
from matcher.vocabulary.fields import CHOICE_ZH
from matcher.vocabulary.regions import region_name

from .apiclient import call
from .i18n import lang
from .pages import blueprint
from .profile_form import wan_to_yuan
from .security import signed_in

bp = blueprint("workbench_leads", "/ui/bank/<bank_id>/leads")
INBOX = 50  # newest leads listed
STATUS_ZH = {
    "queued": "排队中",
    "routed": "待受理",
    "accepted": "已受理",
    "approved": "已批准",
    "declined": "已拒绝",
    "disbursed": "已放款",
    "withdrawn": "已撤回",
}


def choice_text(value: str | None) -> str:
    if not value:
        return "—"
    return CHOICE_ZH.get(value, value) if lang() == "zh" else value


def status_text(status: str) -> str:
    return STATUS_ZH.get(status, status) if lang() == "zh" else status


def _consumer() -> str:
    """Who claims: this person's key (by its short id), as the API would log it."""
    return "workbench-" + re.sub(r"[^A-Za-z0-9_.@-]", "", g._principal.key_id)[-40:]


@bp.get("/")
@signed_in
@require_bank
def leads(bank_id: str):
    store = lead_service().store()
    ids = store.client.zrevrange(store.keys.index(bank_id), 0, INBOX - 1)
    rows = []
    for lead_id in ids:
        try:
            rows.append(store.lead(lead_id, bank=bank_id))
        except NotFound:
            continue
    return render_template(
        "bank_leads.html",
        bank=bank_id,
        rows=rows,
        status_text=status_text,
        claimed=_claimed(),
        region_name=region_name,
        choice=choice_text,
    )


def _claimed() -> int | None:
    """How many the last claim took, from the address: a count, never a text a link chose."""
    text = request.args.get("claimed", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 6 else None


@bp.post("/claim")
@signed_in
@require_bank
def claim(bank_id: str):
    answer = call(
        "POST", f"/v1/banks/{bank_id}/leads/claim", query={"consumer": _consumer(), "count": 10}
    )
    count = len(answer.data.get("leads", [])) if answer.ok else 0
    return redirect(url_for(".leads", bank_id=bank_id, claimed=count), 303)


@bp.get("/<lead_id>")
@signed_in
@require_bank
def lead(bank_id: str, lead_id: str, error: str | None = None, errors=None, status: int = 200):
    shown = call("GET", f"/v1/leads/{lead_id}")
    if not shown.ok:
        return render_template(
            "error.html",
            status=shown.status,
            message=shown.detail,
            detail="",
            request_id=g.get("request_id"),
        ), shown.status
    events = call("GET", f"/v1/leads/{lead_id}/events")
    return render_template(
        "bank_lead.html",
        bank=bank_id,
        lead=shown.data,
        events=events.data.get("events", []) if events.ok else [],
        reasons=DECLINE_REASONS,
        status_text=status_text,
        error=error,
        errors=errors or [],
    ), status


def _yuan(text: str | None) -> int | str | None:
    """万元 as entered → whole yuan; the text back when it is not (the API says why)."""
    if not text:
        return None
    yuan = wan_to_yuan(text)
    return text if yuan is None else yuan


@bp.post("/<lead_id>/status")
@signed_in
@require_bank
def change(bank_id: str, lead_id: str):
    form = request.form
    status = form.get("status", "")
    details: dict = {}
    if status == "approved":
        term = form.get("term_months", "")
        # ASCII digits only: "²" passes str.isdigit() but not int() (it was a 500).
        details = {
            "amount": _yuan(form.get("amount")),
            "rate_pct": form.get("rate_pct") or None,
            "term_months": int(term) if term.isascii() and term.isdigit() else term or None,
        }
    elif status == "declined":
        details = {"reason": form.get("reason") or None}
    elif status == "disbursed":
        details = {"amount": _yuan(form.get("amount")), "date": form.get("date") or None}
    if form.get("note"):
        details["note"] = form["note"]
    body: dict[str, Any] = {"status": status}
    details = {k: v for k, v in details.items() if v is not None}
    if details:
        body["details"] = details
    answer = call("POST", f"/v1/leads/{lead_id}/status", body=body)
    if answer.ok:
        return redirect(url_for(".lead", bank_id=bank_id, lead_id=lead_id), 303)
    return lead(
        bank_id=bank_id,
        lead_id=lead_id,
        error=answer.detail,
        errors=answer.errors,
        status=answer.status,
    )
