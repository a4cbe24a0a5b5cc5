"""gunicorn's own error answers as problem documents, like every other answer of the API.

gunicorn refuses some requests before the app sees them — a header line over
``limit_request_field_size`` (431), a request line over ``limit_request_line`` (414), a
malformed request (400) — and writes a small HTML page for each. A client of this API
reads ``application/problem+json``; ``install`` (run in each worker) makes gunicorn write
that instead. The detail never echoes the refused request: a 64 KB header stays out of
the answer.
"""

from __future__ import annotations

import json

from .problems import PROBLEM_JSON, TYPE_PREFIX

_DETAILS = {
    400: ("bad-request", "the request is not valid HTTP; check the request line and headers"),
    403: ("forbidden", "the request is refused"),
    414: (
        "uri-too-long",
        "the request line is longer than the server accepts; send the data in the body",
    ),
    417: ("expectation-failed", "the Expect header cannot be met"),
    431: (
        "header-too-large",
        "a request header is larger than the server accepts (8190 "
        "bytes a line, 100 headers); send shorter headers",
    ),
    500: ("internal-error", "an unexpected error; it was logged"),
    501: ("not-implemented", "the transfer coding is not supported"),
}


def problem_bytes(status: int, reason: str) -> bytes:
    """The whole HTTP answer for a request gunicorn refused."""
    slug, detail = _DETAILS.get(status, ("bad-request", "the request cannot be read"))
    body = json.dumps(
        {"type": TYPE_PREFIX + slug, "title": reason, "status": status, "detail": detail}
    ).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: {PROBLEM_JSON}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for ``gunicorn.util.write_error`` (``mesg`` is gunicorn's text, not shown)."""
    from gunicorn import util

    util.write_nonblock(sock, problem_bytes(status_int, reason))


def install() -> None:
    """Make this worker's gunicorn answer its own errors with problem documents."""
    from gunicorn import util

    util.write_error = write_problem
