"""Home, sign-in and sign-out: the ``workbench`` blueprint (it also serves ``/ui/static``).

A key is posted once; the API's own check (``identify``) says whose it is, and the
session that remembers it lives on the server (``sessions``). The session id is
new at every sign-in (no fixation), and sign-out deletes it server-side.
"""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for

from http_api.auth import identify
from http_api.state import state

from .pages import blueprint
from .security import (
    PRE_COOKIE,
    config,
    drop_cookie,
    principal_for_key,
    sessions,
    set_cookie,
    signed_in,
)
from .sessions import COOKIE

bp = blueprint(
    "workbench",
    "/ui",
    static_folder="static",
    static_url_path="/static",
    template_folder="templates",
)


def _next_url() -> str:
    """Where to go after signing in: a workbench page of this app only."""
    wanted = request.values.get("next", "")
    # Printable only: a CR/LF would be refused in the Location header (a 500), not sent.
    if (
        wanted.startswith("/ui")
        and not wanted.startswith("//")
        and "\\" not in wanted
        and wanted.isprintable()
    ):
        return request.script_root + wanted
    return url_for(".home")


@bp.get("/")
@signed_in
def home():
    return render_template("home.html")


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    auth = state().settings.auth
    error = None
    if request.method == "POST":
        key = (request.form.get("api_key") or "").strip()
        if auth:
            principal = principal_for_key(key)
        else:  # authentication off: the API's local operator, no key to keep
            principal, key = identify(), ""
        if principal is not None:
            if g.get("wb_session") is not None:  # signing in again: the old id stops working
                sessions().end(g.wb_session)
            session, cookie = sessions().create(key, principal.role)
            response = redirect(_next_url(), 303)
            set_cookie(response, COOKIE, cookie, config().session_seconds)
            drop_cookie(response, PRE_COOKIE)
            return response
        error = "bad_key"
    status = 401 if error else 200
    return render_template(
        "signin.html", error=error, auth=auth, next=request.values.get("next", "")
    ), status


@bp.post("/signout")
def signout():
    session = g.get("wb_session")
    if session is not None:
        sessions().end(session)
    response = redirect(url_for(".signin"), 303)
    drop_cookie(response, COOKIE)
    return response


@bp.get("/<path:rest>")
def unknown(rest: str):
    """A page the workbench does not have: its own 404 page, not the API's JSON."""
    abort(404, description=f"/ui/{rest}")
