"""Per-key rate limiting (flask-limiter): one budget per API key across all endpoints.

The budget is an application-wide limit keyed by the caller's key hash, so a
portal cannot multiply it by spreading calls over endpoints. With auth off it is
per client address. Health, metrics and docs are exempt: monitoring must never be
throttled. A refused call gets 429 with ``Retry-After`` (seconds) as a problem.
Counts live in the service's own Redis by default (``LOANMATCH_REDIS_URL`` or the
embedded one; ``ratelimit_store``), so the budget is per key across every worker and
instance; while that Redis is down each worker counts in its memory.
``LOANMATCH_RATE_LIMIT_STORAGE`` names another store (``redis://…``, or ``memory://``
for per-worker counts).
"""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Flask, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from limits.errors import ConfigurationError

from .auth import identify
from .lead_service import EXTENSION as LEADS
from .problems import Problem
from .ratelimit_store import SCHEME
from .settings import ConfigError, Settings

EXEMPT_BLUEPRINTS = frozenset({"ops", "docs"})


def _limit_key() -> str:
    principal = identify()
    return principal.key_id if principal else f"addr:{request.remote_addr}"


def _exempt() -> bool:
    return (
        request.method == "OPTIONS"
        or request.blueprint in EXEMPT_BLUEPRINTS
        or request.endpoint is None
    )


def _lead_client(app: Flask):
    """This process's client of the service's Redis, or None when none is running (an
    embedded server is never started for the rate limiter)."""
    service = app.extensions.get(LEADS)
    store = service.running_store() if service is not None else None
    return store.client if store is not None else None


def install(app: Flask, settings: Settings) -> Limiter | None:
    if not settings.rate_limit:
        return None
    storage = settings.rate_limit_storage
    options: dict[str, Any] = {}
    if not storage:
        storage = f"{SCHEME}://"
        options = {
            "client": lambda: _lead_client(app),
            "key_prefix": f"{settings.redis_prefix}ratelimit",
        }
    try:
        limiter = Limiter(
            key_func=_limit_key,
            app=app,
            storage_uri=storage,
            storage_options=options,
            application_limits=[ApplicationLimit(settings.rate_limit, key_function=_limit_key)],
            strategy="fixed-window",
            headers_enabled=False,
            key_prefix="loanmatch",
            # A rate-limit store that is down must not stop matching: count in memory.
            in_memory_fallback_enabled=True,
            swallow_errors=True,
        )
    except ConfigurationError as exc:
        raise ConfigError(
            f"LOANMATCH_RATE_LIMIT_STORAGE: {exc} (use memory:// or redis://host:port)"
        ) from None
    limiter.request_filter(_exempt)

    def too_many(exc: RateLimitExceeded):
        current = limiter.current_limit
        wait = math.ceil(current.window[0] - time.time()) if current else 1
        wait = max(1, wait)
        return Problem(
            429,
            "rate-limited",
            f"more than {exc.description} for this key; retry in {wait} s",
            headers={"Retry-After": str(wait)},
            retry_after=wait,
        ).get_response()

    app.register_error_handler(RateLimitExceeded, too_many)
    return limiter
