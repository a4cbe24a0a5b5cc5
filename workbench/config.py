"""The workbench's own settings, read from ``LOANMATCH_*`` variables like the API's.

Kept apart from ``http_api.settings`` so that the API's configuration (and its
checks) stay exactly as they are: the workbench only adds variables.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from http_api.settings import ConfigError

# Where a page may be framed: CSP source expressions, e.g. "https://portal.example 'self'".
_SOURCE = re.compile(r"^('self'|'none'|https?://[A-Za-z0-9.*-]+(:[0-9]+)?|[A-Za-z0-9.*-]+)\Z")


class WorkbenchConfigError(ConfigError):
    """A workbench setting that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class WorkbenchConfig:
    """``LOANMATCH_UI`` (on/off), ``LOANMATCH_FRAME_ANCESTORS`` (CSP sources that may frame
    the pages; default 'none'), ``LOANMATCH_UI_SECRET`` (signs the session cookie; random per
    start by default, which signs everyone out on a restart), ``LOANMATCH_UI_SESSION_HOURS``
    (default 8). The README's configuration table lists them."""

    enabled: bool = True
    frame_ancestors: str = "'none'"
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    session_seconds: int = 8 * 3600

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WorkbenchConfig:
        enabled = str(env.get("LOANMATCH_UI", "on")).strip().lower() not in ("off", "0", "no")
        ancestors = " ".join(str(env.get("LOANMATCH_FRAME_ANCESTORS", "")).split()) or "'none'"
        for source in ancestors.split():
            if not _SOURCE.match(source):
                raise WorkbenchConfigError(
                    f"LOANMATCH_FRAME_ANCESTORS: {source!r} is not a CSP source; use 'self', "
                    f"'none' or origins such as https://portal.example"
                )
        hours_text = str(env.get("LOANMATCH_UI_SESSION_HOURS", "8")).strip()
        try:
            hours = float(hours_text)
        except ValueError:
            hours = -1
        if not 0 < hours <= 24 * 30:
            raise WorkbenchConfigError(
                f"LOANMATCH_UI_SESSION_HOURS: {hours_text!r} is not a "
                f"number of hours between 0 and 720"
            )
        secret = str(env.get("LOANMATCH_UI_SECRET", "")).strip()
        if secret and len(secret) < 32:
            raise WorkbenchConfigError("LOANMATCH_UI_SECRET: use at least 32 random characters")
        return cls(enabled, ancestors, secret or secrets.token_urlsafe(32), int(hours * 3600))
