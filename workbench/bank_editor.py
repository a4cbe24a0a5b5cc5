"""The rule editor's calls: lint as you type, scenarios, previews, publish and retire.

Lint and preview are ``POST /v1/banks/<bank>/products/<id>/preview`` itself (it lints
the draft in the context of the whole catalog before evaluating it); publish is the
API's ``PUT`` and retire its ``DELETE``, with the signed-in key. Scenarios, which the
API runs only as part of a publish, run here through the same check the publish uses
(``http_api.drafts``', in a child process), without writing anything.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

from flask import abort, jsonify, make_response, redirect, render_template, request, url_for

from http_api.drafts import check_in_context, read_draft
from http_api.inputs import read_json
from http_api.problems import Problem
from http_api.rules_schemas import PREVIEW_LIMIT
from matcher.authoring.diff import diff_catalogs
from matcher.catalog import CatalogError
from matcher.rulefile import source as yamlsource

from . import catalog_view as view
from .apiclient import Answer, call
from .bank import _product_or_404, bp
from .i18n import lang, t
from .security import signed_in

PREVIEW_BASE = PREVIEW_LIMIT  # base profiles previewed as you type: as many as the API takes


def _posted() -> Mapping:
    """The editor's JSON object (read as the API reads bodies: a lone surrogate or a body
    that is not an object is a 400 saying so, never a 500), or the form."""
    if not request.is_json:
        return request.form
    try:
        data = read_json()
    except Problem as problem:
        _refuse(problem.description or "")
    if not isinstance(data, dict):
        _refuse('send a JSON object such as {"rule_file": "…"}')
    return data


def _refuse(message: str) -> NoReturn:
    """A 400 the editor's script shows as it shows the server's other answers."""
    abort(
        make_response(
            jsonify(error=message, errors=[], html=render_template("_message.html", error=message)),
            400,
        )
    )


def _draft() -> str:
    text = _posted().get("rule_file")
    if not isinstance(text, str) or not text.strip():
        message = "rule_file: send the draft as text"
        if request.is_json:
            _refuse(message)
        abort(400, description=message)
    return text


def _preview(bank_id: str, product_id: str, text: str, profiles: list) -> Answer:
    answer = call(
        "POST",
        f"/v1/banks/{bank_id}/products/{product_id}/preview",
        body={"rule_file": text, "profiles": profiles},
        query={"explain": "failed", "lang": lang()},
    )
    return answer


def _line_errors(errors: list[dict]) -> list[dict]:
    return [
        {
            "line": e.get("line") or 1,
            "column": e.get("column"),
            "path": e.get("path"),
            "message": e.get("message") or e.get("detail", ""),
        }
        for e in errors
    ]


@bp.post("/products/<product_id>/lint")
@signed_in
def lint(bank_id: str, product_id: str):
    """The draft's problems at line:column, and how the base profiles fare under it."""
    product, path = _product_or_404(bank_id, product_id)
    text = _draft()
    bases = view.base_profiles()
    names = list(bases)[:PREVIEW_BASE]
    answer = _preview(bank_id, product_id, text, [bases[n] for n in names])
    if answer.status == 422:
        return jsonify(errors=_line_errors(answer.errors), preview_html="")
    if not answer.ok:
        return jsonify(errors=[], error=answer.detail or str(answer.status)), 200
    live = _preview(
        bank_id, product_id, path.read_text(encoding="utf-8-sig"), [bases[n] for n in names]
    )
    before = (
        {i: r.get("result", {}).get("status") for i, r in enumerate(live.data["results"])}
        if live.ok
        else {}
    )
    rows = []
    for index, item in enumerate(answer.data["results"]):
        status = item.get("result", {}).get("status", "invalid")
        rows.append(
            {
                "name": names[index],
                "status": status,
                "before": before.get(index),
                "failed": [
                    c
                    for c in item.get("result", {}).get("criteria", [])
                    if c.get("outcome") == "fail"
                ],
            }
        )
    gained = [r for r in rows if r["status"] == "eligible" and r["before"] != "eligible"]
    lost = [r for r in rows if r["status"] != "eligible" and r["before"] == "eligible"]
    html = render_template(
        "_preview_rows.html",
        rows=rows,
        summary=answer.data["summary"],
        gained=gained,
        lost=lost,
        impact=answer.data.get("impact"),
    )
    return jsonify(errors=[], preview_html=html)


@bp.post("/products/<product_id>/scenarios")
@signed_in
def scenarios(bank_id: str, product_id: str):
    """Each scenario of the product's scenario file, passed or failed, against the draft."""
    product, path = _product_or_404(bank_id, product_id)
    text = _draft()
    rel = view.rel_path(path)
    tests = view.scenario_file(path)
    listed = _scenario_list(tests) if tests is not None else []
    try:
        read_draft(text, rel, bank_id, product_id)
        findings, _, _ = check_in_context(rel, {rel: text}, product_id, scenarios=True)
    except Problem as problem:  # the draft itself does not read: its lint errors
        return jsonify(
            html=render_template(
                "_scenario_rows.html",
                rows=[],
                lint=_line_errors(problem.extensions.get("errors", [])),
            )
        )
    lint = [f for f in findings if f.kind == "lint"]
    failed = {f.line: f.message for f in findings if f.kind == "scenario"}
    rows = [
        {"name": name, "line": line, "ok": line not in failed, "message": failed.get(line, "")}
        for name, line in listed
    ]
    stray = [
        {"name": f"line {line}", "line": line, "ok": False, "message": message}
        for line, message in failed.items()
        if line not in {r["line"] for r in rows}
    ]
    return jsonify(
        html=render_template(
            "_scenario_rows.html",
            rows=rows + stray,
            lint=[{"line": f.line, "column": f.column, "message": f.message} for f in lint],
        )
    )


def _scenario_list(path: Path) -> list[tuple[str, int]]:
    try:
        data = yamlsource.load(path.read_text(encoding="utf-8-sig"), path.name)
    except (yamlsource.YAMLSourceError, OSError, UnicodeDecodeError):
        return []
    items = data.get("scenarios") if isinstance(data, dict) else None
    if not isinstance(items, yamlsource.YList):
        return []
    return [
        (str(item.get("name", "")) if isinstance(item, dict) else "", items.where(i).line)
        for i, item in enumerate(items)
    ]


@bp.post("/products/<product_id>/preview")
@signed_in
def preview_own(bank_id: str, product_id: str):
    """The draft against one profile the person typed in (JSON, as posted to /v1/match)."""
    _product_or_404(bank_id, product_id)
    body = _posted()
    draft = body.get("rule_file")
    text = draft if isinstance(draft, str) else ""
    try:
        profile = json.loads(body.get("profile") or "")
    except (TypeError, ValueError) as exc:
        return jsonify(html=render_template("_message.html", error=f"JSON: {exc}"))
    except RecursionError:  # "[[[[…" deeper than Python parses
        return jsonify(html=render_template("_message.html", error="JSON: nested too deeply"))
    if not isinstance(profile, dict):
        return jsonify(html=render_template("_message.html", error="JSON: {…}"))
    answer = _preview(bank_id, product_id, text, [profile])
    if not answer.ok:
        return jsonify(
            html=render_template("_message.html", error=answer.detail, errors=answer.errors)
        )
    item = answer.data["results"][0]
    if "errors" in item:
        return jsonify(
            html=render_template("_message.html", error=t("fix_fields"), errors=item["errors"])
        )
    result = item["result"]
    return jsonify(
        html=render_template(
            "_preview_rows.html",
            rows=[
                {
                    "name": profile.get("name") or "—",
                    "status": result["status"],
                    "before": None,
                    "failed": [c for c in result.get("criteria", []) if c.get("outcome") == "fail"],
                }
            ],
            summary=answer.data["summary"],
            gained=[],
            lost=[],
        )
    )


def criterion_diff(rel: str, old_text: str | None, new_text: str) -> list[str]:
    """``matcher.diff``'s criterion-level lines between the live file and the draft."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="wb-review-") as tmp:
        for side, text in (("old", old_text), ("new", new_text)):
            (Path(tmp) / side).mkdir()
            if text is not None:
                (Path(tmp) / side / rel).parent.mkdir(parents=True, exist_ok=True)
                (Path(tmp) / side / rel).write_text(text, encoding="utf-8")
        try:
            return [
                line
                for d in diff_catalogs(Path(tmp) / "old", Path(tmp) / "new")
                for line in d.lines()
            ]
        except CatalogError as exc:
            return [str(exc)]


@bp.post("/products/<product_id>/review")
@signed_in
def review(bank_id: str, product_id: str):
    """Before publishing: the draft's lint, and what it changes, criterion by criterion."""
    product, path = _product_or_404(bank_id, product_id)
    text = _draft()
    rel = view.rel_path(path)
    bases = view.base_profiles()
    first = next(iter(bases.values()), {})
    check = _preview(bank_id, product_id, text, [first])
    errors = _line_errors(check.errors) if check.status == 422 else []
    lines = [] if errors else criterion_diff(rel, path.read_text(encoding="utf-8-sig"), text)
    return render_template(
        "bank_review.html", product=product, bank=bank_id, draft=text, errors=errors, lines=lines
    )


@bp.post("/products/<product_id>/publish")
@signed_in
def publish(bank_id: str, product_id: str):
    product, path = _product_or_404(bank_id, product_id)
    text = _draft()
    answer = call("PUT", f"/v1/banks/{bank_id}/products/{product_id}", body={"rule_file": text})
    if answer.ok:
        return redirect(
            url_for(
                ".history",
                bank_id=bank_id,
                published=answer.data.get("catalog_version"),
                live="1" if answer.data.get("live") else "0",
                unchanged=None if answer.data.get("changed", True) else "1",
            ),
            303,
        )
    return render_template(
        "bank_review.html",
        product=product,
        bank=bank_id,
        draft=text,
        errors=_line_errors(answer.errors)
        or [{"line": 1, "column": None, "message": answer.detail}],
        lines=[],
    ), 422


@bp.post("/products/<product_id>/retire")
@signed_in
def retire(bank_id: str, product_id: str):
    product, path = _product_or_404(bank_id, product_id)
    if request.form.get("confirm") != "yes":
        return render_template("bank_retire.html", product=product, bank=bank_id)
    answer = call("DELETE", f"/v1/banks/{bank_id}/products/{product_id}")
    if answer.ok:
        return redirect(url_for(".products", bank_id=bank_id), 303)
    return render_template(
        "bank_retire.html", product=product, bank=bank_id, error=answer.detail, errors=answer.errors
    ), answer.status
