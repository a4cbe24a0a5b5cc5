"""What one app instance holds: its settings, its compiled catalog, its readiness checks.

Kept on ``app.extensions`` rather than in module globals so that two apps in one
process (a test suite, a portal embedding two catalogs) never share a catalog.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from flask import Flask, current_app

if TYPE_CHECKING:
    from matcher.catalog import Catalog

    from .settings import Settings

EXTENSION = "loanmatch"
# A readiness check answers (ready?, one line for the operator); it must not raise.
ReadinessCheck = Callable[[], "tuple[bool, str]"]


@dataclass
class ServiceState:
    settings: "Settings"
    catalog: "Catalog"
    loaded_at: datetime
    readiness: dict[str, ReadinessCheck] = field(default_factory=dict)


def state() -> ServiceState:
    return current_app.extensions[EXTENSION]


def add_readiness_check(app: Flask, name: str, check: ReadinessCheck) -> None:
    """Make ``/readyz`` depend on ``check`` too (the leads library adds Redis here)."""
    app.extensions[EXTENSION].readiness[name] = check
