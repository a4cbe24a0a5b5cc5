"""Screenings and invitations for bank staff: ``/ui/screening``.

Every action is the API's, called with the signed-in bank key (``apiclient``): the page
shows what ``/v1/banks/<bank>/screenings`` shows that key — aggregates with cells
under 5 firms suppressed, consenting firms under the bank's pseudonyms — and sends
invitations through its invitation endpoint. Other roles see what the page is for.
"""

from __future__ import annotations

import csv as csv_module
import io

from flask import Response, abort, g, redirect, render_template, request, url_for

from http_api.state import state

from .apiclient import call
from .pages import blueprint
from .security import signed_in

bp = blueprint("workbench_screening", "/ui/screening")
SHOWN_FIRMS = 200  # pseudonymous firms offered for invitations on the page


def _bank() -> str | None:
    principal = g.get("_principal")
    return principal.bank if principal is not None else None


@bp.get("/")
@signed_in
def screenings():
    bank = _bank()
    if bank is None:
        return render_template("screening.html", bank=None, jobs=[], products=[], error=None)
    answer = call("GET", f"/v1/banks/{bank}/screenings")
    products = [p for p in state().catalog.products if p.bank == bank]
    return render_template(
        "screening.html",
        bank=bank,
        products=products,
        jobs=answer.data.get("screenings", []) if answer.ok else [],
        error=None if answer.ok else answer.detail,
    )


@bp.post("/")
@signed_in
def start():
    bank = _bank()
    if bank is None:
        abort(403)
    chosen = request.form.getlist("product_id")
    answer = call(
        "POST", f"/v1/banks/{bank}/screenings", body={"product_ids": chosen} if chosen else {}
    )
    if not answer.ok:
        products = [p for p in state().catalog.products if p.bank == bank]
        listed = call("GET", f"/v1/banks/{bank}/screenings")
        return render_template(
            "screening.html",
            bank=bank,
            products=products,
            jobs=listed.data.get("screenings", []) if listed.ok else [],
            error=answer.detail,
        ), answer.status
    return redirect(url_for(".job", screening_id=answer.data["id"]), 303)


def _job_page(screening_id: str, message: str | None = None, status: int = 200):
    bank = _bank()
    if bank is None:
        abort(404)
    answer = call("GET", f"/v1/banks/{bank}/screenings/{screening_id}")
    if not answer.ok:
        abort(404)
    job = answer.data
    firms: list[dict] = []
    if job["status"] == "done":
        csv = call("GET", f"/v1/banks/{bank}/screenings/{screening_id}/results.csv")
        if csv.ok and isinstance(csv.data, str):
            rows = csv_module.DictReader(io.StringIO(csv.data))
            firms = [row for _, row in zip(range(SHOWN_FIRMS), rows)]
    invited = call("GET", f"/v1/banks/{bank}/screenings/{screening_id}/invitations")
    return render_template(
        "screening_job.html",
        bank=bank,
        job=job,
        firms=firms,
        invitations=invited.data.get("invitations", []) if invited.ok else [],
        message=message,
    ), status


@bp.get("/<screening_id>")
@signed_in
def job(screening_id: str):
    return _job_page(screening_id)


@bp.get("/<screening_id>/results.csv")
@signed_in
def results(screening_id: str):
    bank = _bank()
    answer = call("GET", f"/v1/banks/{bank}/screenings/{screening_id}/results.csv")
    if bank is None or not answer.ok or not isinstance(answer.data, str):
        abort(404)
    return Response(
        answer.data,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="screening-{screening_id[:8]}.csv"'},
    )


@bp.post("/<screening_id>/invitations")
@signed_in
def invite(screening_id: str):
    bank = _bank()
    if bank is None:
        abort(404)
    body = {
        "firms": request.form.getlist("firm"),
        "product_id": request.form.get("product_id", ""),
        "message": request.form.get("message", ""),
    }
    answer = call("POST", f"/v1/banks/{bank}/screenings/{screening_id}/invitations", body=body)
    if not answer.ok:
        return _job_page(screening_id, answer.detail or str(answer.status), answer.status)
    return redirect(
        url_for(".job", screening_id=screening_id, sent=len(answer.data.get("invitations", []))),
        303,
    )
