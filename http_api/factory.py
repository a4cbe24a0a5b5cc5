"""Assembling the app: the order of the hooks is part of the behaviour.

Request ids come first, so every later hook, log line and error carries one; then
the metrics clock, so refused calls are timed too; then the rate limiter (it runs
before authentication and identifies the key itself); then the blueprints, whose
own hooks authenticate.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask import Flask

from . import (
    admin,
    bank_versions,
    editing,
    firm_base,
    invitations,
    leads,
    logs,
    match,
    openapi,
    ops,
    problems,
    products,
    ratelimit,
    reexec,
    reload,  # hot reload
    replay,  # POST /v1/match?catalog_version=
    screenings,
)
from .jsonio import OrjsonProvider
from .settings import Settings
from .state import EXTENSION, ServiceState

if TYPE_CHECKING:
    from matcher.catalog import Catalog

log = logging.getLogger("loanmatch.http")
EXPOSED_HEADERS = ["X-Request-ID", "Retry-After"]
ALLOWED_HEADERS = ["Authorization", "Content-Type", "X-Request-ID"]


def build_app(
    settings: Settings, catalog: Catalog | None = None, env: Mapping[str, str] | None = None
) -> Flask:
    """The WSGI app for ``settings``; compiles the catalog unless one is given.

    ``env`` (default: the process environment) holds the workbench's own variables.

    Raises ``matcher.CatalogError`` when the rules do not load (every problem listed).
    """
    logs.configure(settings.log_level, settings.log_json)
    if catalog is None:  # the folder, or the version a re-exec of the master hands over
        catalog = reexec.boot_catalog(settings)
    app = Flask(__name__, static_folder=None)
    app.json = OrjsonProvider(app)  # Chinese as-is, the documents' own key order
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body
    service = ServiceState(settings, catalog, datetime.now(UTC))
    app.extensions[EXTENSION] = service

    problems.install(app)
    logs.install(app)
    ops.install(app, service)
    ratelimit.install(app, settings)
    reload.install(app, service)
    replay.install(app)
    for api in (
        match,
        products,
        admin,
        leads,
        editing,
        bank_versions,
        firm_base,
        screenings,
        invitations,
    ):  # the API blueprints, in this order
        app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    from workbench import install as install_workbench  # the web pages at /ui

    install_workbench(app, env)

    if settings.cors_origins:
        from flask_cors import CORS

        CORS(
            app,
            origins=list(settings.cors_origins),
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        )
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.proxy_hops
        # Flask's documented way to add WSGI middleware, which mypy sees as replacing a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n
        )
    if not settings.auth:
        log.warning(
            "authentication is OFF (LOANMATCH_AUTH=off): every caller has every "
            "role; use this on your own machine only"
        )
    log.info("catalog %s: %d products from %s", catalog.version, len(catalog), settings.rules)
    return app
