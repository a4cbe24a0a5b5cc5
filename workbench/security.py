"""What every workbench request passes through: session, CSRF, language, headers.

The page's principal is the API's own: a session's key is checked again on every
request by ``http_api.auth.identify`` (a key taken out of ``LOANMATCH_API_KEYS``
ends its sessions at once), and the principal is left on ``g`` where the API's
role checks (``authenticate``, ``require_bank``) find it.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, g, redirect, request, url_for

from http_api.auth import Principal, identify
from http_api.state import state

from .config import WorkbenchConfig
from .i18n import LANG_COOKIE, choose_language
from .sessions import COOKIE, PRE_COOKIE, Session, SessionStore, same_token

EXTENSION = "loanmatch.workbench"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def config() -> WorkbenchConfig:
    return current_app.extensions[EXTENSION]


def sessions() -> SessionStore:
    """The session store, on the lead store's Redis (embedded or ``LOANMATCH_REDIS_URL``)."""
    from http_api.leads import lead_service

    client = lead_service().store().client
    cfg = config()
    return SessionStore(client, state().settings.redis_prefix, cfg.secret, cfg.session_seconds)


def principal_for_key(key: str) -> Principal | None:
    """The API's answer to "whose key is this" (``identify``), for a key from a form."""
    environ = request.environ
    saved = environ.get("HTTP_AUTHORIZATION")
    environ["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    g.pop("_principal", None)
    try:
        return identify()
    finally:
        g.pop("_principal", None)
        if saved is None:
            environ.pop("HTTP_AUTHORIZATION", None)
        else:
            environ["HTTP_AUTHORIZATION"] = saved


def cookie_path() -> str:
    return (request.script_root or "") + "/ui"


def set_cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=cookie_path(),
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
    )


def drop_cookie(response: Response, name: str) -> None:
    response.delete_cookie(
        name, path=cookie_path(), httponly=True, samesite="Strict", secure=request.is_secure
    )


def csrf_token() -> str:
    """The token forms carry: the session's, or before sign-in the sign-in form's own."""
    session = g.get("wb_session")
    if session is not None:
        return session.csrf
    token = g.get("wb_pre_token") or request.cookies.get(PRE_COOKIE) or ""
    if len(token) < 32:
        token = secrets.token_urlsafe(32)
    g.wb_pre_token = token
    return token


def _load_session() -> None:
    g.wb_session = None
    cookie = request.cookies.get(COOKIE)
    if not cookie or request.endpoint == "workbench.static":  # assets need no session
        return
    store = sessions()
    session = store.load(cookie)
    if session is None:
        g.wb_drop_cookie = True
        return
    principal = principal_for_key(session.key) if state().settings.auth else identify()
    if principal is None or principal.role != session.role:
        store.end(session)  # the key was withdrawn or changed role: sign in again
        g.wb_drop_cookie = True
        return
    g.wb_session = session
    g._principal = principal  # http_api.auth's cache: the API's role checks read it


def _check_csrf() -> None:
    if request.method not in UNSAFE:
        return
    given = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token")
    session: Session | None = g.get("wb_session")
    expected = session.csrf if session is not None else request.cookies.get(PRE_COOKIE)
    if not same_token(expected, given):
        abort(400, description="csrf")


def _security_headers(response: Response) -> None:
    cfg = config()
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {cfg.frame_ancestors}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if "'none'" in cfg.frame_ancestors:
        response.headers["X-Frame-Options"] = "DENY"


def headers_outside_views(response: Response) -> Response:
    """An answer under ``/ui`` that no workbench view made (a 405, the ``/ui`` → ``/ui/``
    redirect: routing's own) gets the same security headers as the pages."""
    if request.blueprint is None and (request.path == "/ui" or request.path.startswith("/ui/")):
        _security_headers(response)
    return response


def _headers(response: Response) -> Response:
    _security_headers(response)
    if request.endpoint != "workbench.static":
        response.headers["Cache-Control"] = "no-store"
    if g.get("wb_drop_cookie"):
        drop_cookie(response, COOKIE)
    if g.get("lang_changed"):
        set_cookie(response, LANG_COOKIE, g.lang, 365 * 24 * 3600)
    token = g.get("wb_pre_token")
    if token and g.get("wb_session") is None and request.cookies.get(PRE_COOKIE) != token:
        set_cookie(response, PRE_COOKIE, token, 3600)
    return response


def guard(bp: Blueprint) -> None:
    """Session, language, CSRF and security headers for every view of ``bp``."""
    bp.before_request(choose_language)
    bp.before_request(_load_session)
    bp.before_request(_check_csrf)
    bp.after_request(_headers)


def signed_in(view: Callable) -> Callable:
    """The view needs a session; without one, the sign-in page (coming back here after)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("wb_session") is None:
            return redirect(
                url_for(
                    "workbench.signin",
                    next=request.full_path if request.query_string else request.path,
                )
            )
        return view(*args, **kwargs)

    return wrapper
