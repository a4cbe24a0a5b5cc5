"""The workbench's frame: blueprints under ``/ui``, the page context, error pages.

Every workbench blueprint is made by ``blueprint`` so that each gets the same
guard (session, CSRF, language, security headers), the same template context and
HTML error pages — a 403 from the API's role checks is a page here, not JSON.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, g, render_template, request, url_for
from redis import RedisError
from werkzeug.exceptions import HTTPException

from leads import LeadError

from .i18n import lang, pick, t
from .security import csrf_token, guard

log = logging.getLogger("loanmatch.workbench")


def role_kind(role: str | None) -> str | None:
    if role is None:
        return None
    return "bank" if role.startswith("bank:") else role


def _context() -> dict:
    principal = g.get("_principal") if g.get("wb_session") is not None else None
    role = principal.role if principal else None
    return {
        "lang": lang(),
        "t": t,
        "pick": pick,
        "csrf_token": csrf_token,
        "principal": principal,
        "role_kind": role_kind(role),
        "bank_id": principal.bank if principal else None,
        "lang_url": _lang_url,
        "money_wan": money_wan,
        "field_label": field_label,
    }


def field_label(name: str) -> str:
    """A vocabulary field's name in the page's language."""
    from .report import field_label as label

    return label(name, lang())


def _lang_url(code: str) -> str:
    # The page's own path wins over a query argument of the same name; url_for's own
    # parameters (endpoint, _external, _anchor, _scheme…) never come from the address.
    args = {k: v for k, v in request.args.items() if not k.startswith("_") and k != "endpoint"}
    values: dict[str, Any] = {**args, **(request.view_args or {}), "lang": code}
    return url_for(request.endpoint or "workbench.home", **values)


def money_wan(yuan) -> str:
    """Yuan as 万元 text, exact (at most 4 decimals: whole yuan)."""
    if yuan is None:
        return "—"
    from matcher.vocabulary.fields import FIELDS

    from .profile_form import shown

    return shown(FIELDS["requested_amount"], yuan)


def _error_page(exc: Exception):
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        message = {403: t("forbidden"), 404: t("not_found")}.get(status, t("error"))
        detail = exc.description if status != 400 or exc.description != "csrf" else t("csrf")
    elif isinstance(exc, (LeadError, RedisError)):
        log.warning("workbench: session or lead store unavailable: %s", exc)
        status, message, detail = 503, t("error"), t("store_down")
    else:
        log.error(
            "workbench: unhandled %s on %s",
            type(exc).__name__,
            request.path,
            exc_info=exc,
            extra={"request_id": g.get("request_id")},
        )
        status, message, detail = 500, t("error"), ""
    return render_template(
        "error.html", status=status, message=message, detail=detail, request_id=g.get("request_id")
    ), status


def blueprint(name: str, url_prefix: str, **options) -> Blueprint:
    bp = Blueprint(name, __name__, url_prefix=url_prefix, **options)
    guard(bp)
    bp.context_processor(_context)
    bp.register_error_handler(HTTPException, _error_page)
    bp.register_error_handler(LeadError, _error_page)
    bp.register_error_handler(RedisError, _error_page)
    bp.register_error_handler(Exception, _error_page)
    return bp
