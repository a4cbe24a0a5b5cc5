"""Every error as an RFC 9457 problem document (``application/problem+json``).

A portal developer reads ``detail`` and ``errors`` to fix the call; an operator
quotes ``request_id`` to find the log line. Nothing else leaves the process: an
unexpected exception is logged with its traceback and answered with a fixed text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

log = logging.getLogger("loanmatch.http")

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:loanmatch:problem:"
# The shared problem responses, by status: (component name, description).
ERRORS = {
    "400": ("InvalidJSON", "the body is not parseable JSON"),
    "401": ("Unauthorized", "no valid API key (send 'Authorization: Bearer <key>')"),
    "403": ("Forbidden", "the key's role may not use this endpoint"),
    "404": ("NotFound", "no such product"),
    "413": ("BodyTooLarge", "the body is over LOANMATCH_MAX_BODY"),
    "415": ("UnsupportedMediaType", "the body is not sent as application/json"),
    "422": (
        "Unprocessable",
        "the profile or the query options are invalid: every problem "
        "is listed in errors, each with its JSON Pointer",
    ),
    "429": ("RateLimited", "over this key's rate limit; wait Retry-After seconds"),
    "500": ("InternalError", "an unexpected error; quote request_id when reporting it"),
}


def error_responses(errors: str, own: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An operation's OpenAPI error responses for space-separated statuses: its own
    description where it has one, else the shared component's name (``ERRORS``)."""
    own = own or {}
    return {code: own.get(code) or ERRORS[code][0] for code in errors.split()}


# The problem types of this API; anything else is "about:blank" with the HTTP status title.
TYPES = (
    "invalid-json",
    "invalid-profile",
    "invalid-request",
    "invalid-options",
    "unsupported-media-type",
    "body-too-large",
    "unauthorized",
    "forbidden",
    "rate-limited",
    "not-found",
    "conflict",
    "internal-error",
)

_DETAILS = {
    405: "this resource does not answer that method; see the Allow header",
    500: "an unexpected error; it was logged under this request id",
}


class Problem(HTTPException):
    """An HTTP error the API answers on purpose, with its type and extension members."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ):
        assert slug in TYPES, slug
        super().__init__(description=detail)
        self.code = status
        self.slug = slug
        self.title = title
        self.extra_headers = dict(headers or {})
        self.extensions = extensions

    def get_response(self, environ=None, scope=None) -> Response:
        return problem_response(
            self.code or 500,
            self.description or "",
            type_=TYPE_PREFIX + self.slug,
            title=self.title,
            headers=self.extra_headers,
            **self.extensions,
        )


def field_errors(errors: Mapping[Any, Any], location: str = "body", base: tuple = ()) -> list[dict]:
    """A marshmallow-style nested error dict as a flat list, one entry per message.

    ``{"bank_relationships": {1: ["…"]}}`` → ``[{"location": "body", "pointer":
    "/bank_relationships/1", "field": "bank_relationships.1", "detail": "…"}]``; a
    message about the whole document (``_schema``) has the pointer of its parent.
    """
    out: list[dict] = []

    def walk(node: Any, path: tuple) -> None:
        if isinstance(node, Mapping):
            for key in sorted(node, key=str):
                walk(node[key], path if key == "_schema" else (*path, key))
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item, path)
        else:
            out.append(
                {
                    "location": location,
                    "pointer": "".join("/" + _escape(str(p)) for p in path),
                    "field": ".".join(str(p) for p in path[len(base) :]),
                    "detail": str(node),
                }
            )

    walk(errors, tuple(base))
    return out


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def problem_response(
    status: int,
    detail: str,
    *,
    type_: str = "about:blank",
    title: str | None = None,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    **extensions: Any,
) -> Response:
    doc: dict[str, Any] = {
        "type": type_,
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if has_request_context():
        doc["instance"] = request.script_root + request.path
        if getattr(g, "request_id", None):
            doc["request_id"] = g.request_id
    doc.update(extensions)
    response = Response(json.dumps(doc, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    for name, value in headers.items() if isinstance(headers, Mapping) else headers:
        response.headers[name] = value
    return response


def _from_http(exc: HTTPException) -> Response:
    if isinstance(exc, Problem):
        return exc.get_response()
    status = exc.code or 500
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    detail = _DETAILS.get(status) or (exc.description or "").strip() or "request refused"
    if status == 404 and has_request_context():
        detail = f"no such resource; see {request.script_root}/openapi.json for the endpoints"
    return problem_response(status, detail, headers=headers)


def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):  # raised by a library as a plain HTTP error
        return _from_http(exc)
    log.error(
        "unhandled %s on %s %s",
        type(exc).__name__,
        request.method,
        request.path,
        exc_info=exc,
        extra={"request_id": getattr(g, "request_id", None)},
    )
    return problem_response(500, _DETAILS[500], type_=TYPE_PREFIX + "internal-error")


def install(app: Flask) -> None:
    app.register_error_handler(HTTPException, _from_http)
    app.register_error_handler(Exception, _unexpected)
