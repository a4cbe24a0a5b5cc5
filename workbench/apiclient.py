"""The workbench calls the API in-process, with the signed-in person's own key.

Why through the API and not around it: every page then shows exactly what the API
would answer that key — the same roles, the same checks, the same masking, the same
ranking — and a playground answer *is* ``POST /v1/match``'s. The call is a real WSGI
request to this app (its own app context, so nothing of the page's request leaks
into it), carrying the page's request id so both log lines can be matched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, request
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder, run_wsgi_app


@dataclass
class Answer:
    status: int
    data: Any
    headers: Mapping[str, str]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def detail(self) -> str:
        return self.data.get("detail", "") if isinstance(self.data, Mapping) else ""

    @property
    def errors(self) -> list[dict]:
        return list(self.data.get("errors") or []) if isinstance(self.data, Mapping) else []


def call(
    method: str,
    path: str,
    *,
    body: Any = None,
    query: Mapping[str, Any] | None = None,
    key: str | None = None,
) -> Answer:
    """``method path`` of the API as the signed-in person (``key``: theirs by default)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
    if key is None:
        session = g.get("wb_session")
        key = session.key if session is not None else ""
    headers: dict[str, str] = {"X-Request-ID": g.get("request_id") or ""}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = None
    if body is not None:
        # ASCII escapes: text the page could not encode (a lone surrogate) reaches the API,
        # which answers it with its own 400, instead of failing here.
        data = json.dumps(body).encode("ascii")
        headers["Content-Type"] = "application/json"
    builder = EnvironBuilder(
        path=path,
        method=method,
        headers=Headers(headers),
        data=data,
        query_string={k: v for k, v in (query or {}).items() if v is not None},
        base_url=request.host_url.rstrip("/") + request.script_root,
        environ_base={"REMOTE_ADDR": request.remote_addr or "127.0.0.1"},
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    with app.app_context():  # a fresh ``g``: the API authenticates this call on its own
        body_iter, status, response_headers = run_wsgi_app(app.wsgi_app, environ, buffered=True)
        raw = b"".join(body_iter)
    code = int(status.split(" ", 1)[0])
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode("utf-8", "replace")
    return Answer(code, parsed, dict(response_headers))
