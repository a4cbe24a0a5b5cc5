"""Request ids and JSON-lines logs that carry them.

An operator greps one id and sees everything about one call: the access line,
a warning from the matcher, the traceback of an unexpected error. The id is the
caller's ``X-Request-ID`` when it looks like an id (so a portal can follow its own
request through), else one we make. API keys are never part of any line.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
ENVIRON_REQUEST_ID = "loanmatch.request_id"  # read back by the gunicorn access log
ENVIRON_ROLE = "loanmatch.role"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}\Z")
_OUR_LOGGERS = ("loanmatch", "matcher", "flask-limiter")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def install(app: Flask) -> None:
    @app.before_request
    def _take_request_id():
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if _ACCEPTED_ID.match(offered) else uuid.uuid4().hex
        request.environ[ENVIRON_REQUEST_ID] = g.request_id

    @app.after_request
    def _return_request_id(response):
        if getattr(g, "request_id", None):
            response.headers[REQUEST_ID_HEADER] = g.request_id
        return response


class _JsonLinesHandler(logging.StreamHandler):
    """Ours, so that configuring logging twice (tests, embedding) adds it once."""


class RequestIdFilter(logging.Filter):
    """Stamps each record made while serving a request with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None) and has_request_context():
            record.request_id = getattr(g, "request_id", None)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ts, level, logger, message, request_id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "ts": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and value is not None:
                doc[key] = value
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, default=str)


def configure(level: str, as_json: bool) -> None:
    """Our loggers write JSON lines to stderr (once per process, whatever the app count).

    With ``as_json`` off nothing is touched: the host application's logging decides.
    """
    if not as_json:
        return
    for name in _OUR_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if any(isinstance(h, _JsonLinesHandler) for h in logger.handlers):
            continue
        handler = _JsonLinesHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        logger.addHandler(handler)
        logger.propagate = False


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only needed to serve, not to embed
    _GunicornLogger = object


class GunicornJsonLogger(_GunicornLogger):
    """gunicorn's error and access logs as JSON lines, the access line with the request id."""

    def setup(self, cfg):
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            for handler in logger.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        status = int(str(status).split(None, 1)[0]) if status else None
        fields = {
            "event": "access",
            "request_id": environ.get(ENVIRON_REQUEST_ID),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
            "query": environ.get("QUERY_STRING") or None,
            "status": status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
            "role": environ.get(ENVIRON_ROLE),
            "pid": os.getpid(),
        }
        try:
            self.access_log.info("%s %s %s", fields["method"], fields["path"], status, extra=fields)
        except Exception:  # a log line must never break a response
            self.error_log.exception("access log failed")
