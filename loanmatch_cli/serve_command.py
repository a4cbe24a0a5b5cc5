"""``loanmatch serve``: the HTTP service (``service:app``) under gunicorn.

gunicorn runs in a fresh process (``execvpe``), so this command imports neither
Flask nor the catalog itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


@click.command("serve")
@click.option(
    "--host",
    default=None,
    help="address to listen on (0.0.0.0 for every interface) [default: from LOANMATCH_BIND, "
    "else 127.0.0.1]",
)
@click.option(
    "--port",
    default=None,
    type=click.IntRange(1, 65535),
    help="[default: from LOANMATCH_BIND, else 8000]",
)
@click.option(
    "--rules",
    default=None,
    type=click.Path(file_okay=False),
    help="rules folder (default: $LOANMATCH_RULES, else rules/)",
)
def serve_command(host: str | None, port: int | None, rules: str | None):
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
        click.echo(
            f"error: {settings.rules}: no such rules folder (use --rules DIR or LOANMATCH_RULES)",
            err=True,
        )
        sys.exit(2)
    env["LOANMATCH_RULES"] = str(Path(settings.rules).resolve())
    # An option given wins; otherwise LOANMATCH_BIND (the README's table) decides.
    bound_host, _, bound_port = env.get("LOANMATCH_BIND", "127.0.0.1:8000").rpartition(":")
    env["LOANMATCH_BIND"] = _bind(
        host or bound_host.strip("[]") or "127.0.0.1",
        port or (int(bound_port) if bound_port.isdigit() else 8000),
    )
    here = str(Path(__file__).resolve().parents[1])  # so a clone serves without `pip install`
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    if not settings.auth:
        click.echo(
            "warning: LOANMATCH_AUTH=off: serving without API keys (local use only)", err=True
        )
    click.echo(
        f"serving http://{env['LOANMATCH_BIND']}/ (docs at /docs) with rules {settings.rules}",
        err=True,
    )
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:http_api.gunicorn_conf",
        "service:app",
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvpe(argv[0], argv, env)
