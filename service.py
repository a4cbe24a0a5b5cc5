"""The loanmatch HTTP service: ``create_app`` for embedding, ``service:app`` for gunicorn.

Importing this module does no work. ``create_app`` reads ``LOANMATCH_*`` (see
``http_api.settings.VARIABLES``), compiles the catalog and returns a Flask app;
``service:app`` builds one on first access, which under gunicorn's ``preload_app``
happens once in the master, so every worker forks with the catalog compiled.
``loanmatch serve`` runs gunicorn with ``http_api.gunicorn_conf``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Mapping

import click

__all__ = ["create_app", "serve_command"]


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
    app = build_app(Settings.from_env(env), catalog)
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


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on (0.0.0.0 for every interface)")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--rules", default=None, type=click.Path(file_okay=False),
              help="rules folder (default: $LOANMATCH_RULES, else rules/)")
def serve_command(host: str, port: int, rules: str | None):
    """Serve the HTTP API with gunicorn (settings: LOANMATCH_* variables).

    Needs API keys in LOANMATCH_API_KEYS, or LOANMATCH_AUTH=off on your own machine.
    """
    from http_api.settings import ConfigError, Settings
    env = dict(os.environ)
    if rules:
        env["LOANMATCH_RULES"] = rules
    try:
        settings = Settings.from_env(env)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if not Path(settings.rules).is_dir():
        click.echo(f"error: {settings.rules}: no such rules folder (use --rules DIR or "
                   f"LOANMATCH_RULES)", err=True)
        sys.exit(2)
    env["LOANMATCH_RULES"] = str(Path(settings.rules).resolve())
    env["LOANMATCH_BIND"] = _bind(host, port)
    here = str(Path(__file__).resolve().parent)  # so a clone serves without `pip install`
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    if not settings.auth:
        click.echo("warning: LOANMATCH_AUTH=off: serving without API keys (local use only)",
                   err=True)
    click.echo(f"serving http://{env['LOANMATCH_BIND']}/ (docs at /docs) with rules "
               f"{settings.rules}", err=True)
    argv = [sys.executable, "-m", "gunicorn", "--config", "python:http_api.gunicorn_conf",
            "service:app"]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvpe(argv[0], argv, env)
