"""Reading a loanmatch server from the command line (``--server URL``).

Bank staff keep no ``var/`` of their own: their versions and diffs are the server's.
The key comes from ``LOANMATCH_API_KEY`` (never an option: options end up in shell
history and process lists).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request

import click

KEY_VARIABLE = "LOANMATCH_API_KEY"
server_option = click.option(
    "--server",
    envvar="LOANMATCH_SERVER",
    default=None,
    metavar="URL",
    help="ask this loanmatch server (key from $LOANMATCH_API_KEY) instead of reading var/",
)
bank_option = click.option(
    "--bank",
    default=None,
    metavar="BANK",
    help="with --server: this bank's products only (a bank key reads its own bank only)",
)


def get_json(server: str, path: str, query: dict | None = None) -> dict:
    """GET ``server`` + ``path``; a ``ClickException`` saying what to do on any failure."""
    key = os.environ.get(KEY_VARIABLE, "")
    url = server.rstrip("/") + path + ("?" + urllib.parse.urlencode(query) if query else "")
    request = urllib.request.Request(
        url,
        headers={
            "Accept": "application/json",
            **({"Authorization": f"Bearer {key}"} if key else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        try:
            detail = json.load(error).get("detail") or error.reason
        except ValueError:
            detail = error.reason
        hint = {
            401: f"; set {KEY_VARIABLE} to your API key",
            403: "; use --bank with your own bank's id, or an admin key",
        }.get(error.code, "")
        raise click.ClickException(f"{url}: {error.code} {detail}{hint}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise click.ClickException(
            f"{server}: cannot reach the server ({reason}); check --server"
        ) from None
