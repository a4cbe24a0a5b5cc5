"""What one app instance holds: its settings, its compiled catalog, its readiness checks.

Kept on ``app.extensions`` rather than in module globals so that two apps in one
process (a test suite, a portal embedding two catalogs) never share a catalog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, g, has_request_context

if TYPE_CHECKING:
    from matcher.catalog import Catalog

    from .settings import Settings

EXTENSION = "loanmatch"
REPLAY_CATALOG = "loanmatch_replay_catalog"  # on flask.g: set by http_api.replay
# A readiness check answers (ready?, one line for the operator); it must not raise.
ReadinessCheck = Callable[[], "tuple[bool, str]"]


@dataclass
class ServiceState:
    settings: Settings
    catalog: Catalog
    loaded_at: datetime
    readiness: dict[str, ReadinessCheck] = field(default_factory=dict)
    reloader: Any = None  # http_api.reload.Reloader: rule changes checked, then put live


def state() -> ServiceState:
    service = current_app.extensions[EXTENSION]
    # POST /v1/match?catalog_version=…: this request answers from a recorded catalog.
    replay = g.get(REPLAY_CATALOG) if has_request_context() else None
    return service if replay is None else replace(service, catalog=replay)


def add_readiness_check(app: Flask, name: str, check: ReadinessCheck) -> None:
    """Make ``/readyz`` depend on ``check`` too (the leads library adds Redis here)."""
    app.extensions[EXTENSION].readiness[name] = check
