"""The loanmatch HTTP service: ``create_app`` for embedding, ``service:app`` for gunicorn.

Importing this module does no work. ``create_app`` reads ``LOANMATCH_*`` (the
README's configuration table, read by ``http_api.settings``), compiles the catalog and
returns a Flask app; ``service:app`` builds one on first access, which under gunicorn's
``preload_app`` happens once in the master, so every worker forks with the catalog compiled.
``loanmatch serve`` (``loanmatch_cli.serve_command``) runs gunicorn with
``http_api.gunicorn_conf``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app"]

app: Flask  # built by __getattr__ on first access, then kept


def create_app(config: Mapping[str, Any] | None = None):
    """A Flask app serving the API.

    ``config`` overrides the environment: ``LOANMATCH_*`` keys as the variables of
    the same name, ``catalog`` a ``matcher.Catalog`` already loaded (a portal that
    has one), anything else goes to ``app.config`` (``TESTING``…). Raises
    ``http_api.settings.ConfigError`` (no API keys, a bad limit…) or
    ``matcher.CatalogError`` (rules that do not load), each naming what to fix.
    """
    from http_api.factory import build_app
    from http_api.settings import Settings

    overrides = dict(config or {})
    catalog = overrides.pop("catalog", None)
    env = {k: v for k, v in os.environ.items() if k.startswith("LOANMATCH_")}
    env.update({k: str(v) for k, v in overrides.items() if k.startswith("LOANMATCH_")})
    app = build_app(Settings.from_env(env), catalog, env)
    app.config.update({k: v for k, v in overrides.items() if not k.startswith("LOANMATCH_")})
    return app


def __getattr__(name: str):
    """``service:app`` for gunicorn: built on first access, then kept."""
    if name != "app":
        raise AttributeError(f"module 'service' has no attribute {name!r}")
    from http_api.settings import ConfigError, Settings
    from http_api.working_copy import catch_up_at_boot
    from matcher.catalog import CatalogError

    global app
    try:
        # Another instance may have published while this one was down: boot into it.
        catch_up_at_boot(Settings.from_env(os.environ))
        app = create_app()
    except (ConfigError, CatalogError) as exc:
        print(f"loanmatch: cannot start: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    # Under preload_app this runs in the gunicorn master: the embedded Redis (no
    # LOANMATCH_REDIS_URL) starts here, once, and the forked workers share it.
    from http_api.lead_service import EXTENSION as LEADS

    if LEADS in app.extensions:
        app.extensions[LEADS].start_embedded()
    return app
