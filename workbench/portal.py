"""The portal's playground and the enterprise report page: ``/ui/playground``, ``/ui/report``.

Both ask ``POST /v1/match`` itself (``apiclient.call``) with the signed-in key, so
the answer on the page is the API's answer for that profile, to the digit.
"""

from __future__ import annotations

from flask import render_template, request, url_for

from .apiclient import call
from .i18n import lang
from .pages import blueprint
from .profile_form import EXAMPLE, INPUTS, api_errors, entered_from_profile, form_groups, to_profile
from .report import report_data
from .security import signed_in

bp = blueprint("workbench_portal", "/ui")

SCORE_PARTS = {
    "amount_fit": ("金额匹配", "amount fit"),
    "term_fit": ("期限匹配", "term fit"),
    "rate": ("利率", "rate"),
    "speed": ("审批速度", "approval speed"),
    "priority": ("平台优先", "platform priority"),
    "approval": ("历史批准率", "approval rate"),
}


def _match(explain: str):
    """(profile sent, form errors, entered values, API answer or None)."""
    profile, errors, entered = to_profile(request.form, lang())
    # The fields the form could read still go to the API, so every problem shows at once.
    answer = call("POST", "/v1/match", body=profile, query={"explain": explain, "lang": lang()})
    if answer.status == 422:
        errors = {**api_errors(answer.errors), **errors}
    return profile, errors, entered, (None if errors else answer)


def _form_page(template: str, **context):
    return render_template(
        template, groups=form_groups(), inputs=INPUTS, score_parts=SCORE_PARTS, **context
    )


@bp.route("/playground", methods=["GET", "POST"])
@signed_in
def playground():
    if request.method == "GET":
        entered = entered_from_profile(EXAMPLE) if request.args.get("example") else {}
        return _form_page("playground.html", entered=entered, errors={}, result=None)
    profile, errors, entered, answer = _match("all")
    result = answer.data if answer is not None and answer.ok else None
    status = 422 if errors else (answer.status if answer is not None and not answer.ok else 200)
    if answer is not None and not answer.ok and not errors:
        errors = {"_form": answer.detail}
    return _form_page(
        "playground.html", entered=entered, errors=errors, result=result, profile=profile
    ), status


@bp.get("/report")
@signed_in
def report_form():
    entered = entered_from_profile(EXAMPLE) if request.args.get("example") else {}
    return _form_page("report_form.html", entered=entered, errors={})


@bp.post("/report")
@signed_in
def report_page():
    profile, errors, entered, answer = _match("all")
    if errors or answer is None or not answer.ok:
        if not errors:
            errors = {"_form": answer.detail if answer is not None else ""}
        return _form_page("report_form.html", entered=entered, errors=errors), 422
    data = report_data(profile, answer.data, lang())
    return render_template(
        "report.html", standalone=False, inline_css="", back=url_for(".report_form"), **data
    )
