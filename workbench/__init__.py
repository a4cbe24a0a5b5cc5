"""The workbench: web pages at ``/ui`` for bank staff, portals and operators.

Server-rendered (Jinja) with one small script of our own and our own CSS, all
inside this package: nothing is fetched from another origin and nothing is built
at install time. Pages talk to the API in-process with the signed-in person's key
(``apiclient``), so each page shows what the API shows that key.

Modules: ``signin`` (home, sign-in/out), ``portal`` (playground, report page),
``bank`` and ``bank_editor`` (products, rule editing, history), ``bank_leads``
(the inbox), ``admin`` (dashboard), ``figures`` and ``charts`` (the dashboard's
numbers and SVG), ``report`` (the report's data, shared with ``loanmatch report``),
``profile_form`` (the profile form from the vocabulary), ``security`` and
``sessions`` (sign-in sessions, CSRF, headers), ``apiclient``, ``i18n``, ``config``.
``screening`` (a bank's screenings and invitations at ``/ui/screening``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["install"]


def install(app, env: Mapping[str, str] | None = None) -> None:
    """Serve the workbench from ``app`` under ``/ui`` (unless ``LOANMATCH_UI=off``).

    Raises ``config.WorkbenchConfigError`` naming the variable that cannot be used.
    """
    from .config import WorkbenchConfig
    from .security import EXTENSION, headers_outside_views

    config = WorkbenchConfig.from_env(os.environ if env is None else env)
    if not config.enabled:
        return
    app.extensions[EXTENSION] = config
    from . import admin, bank, bank_editor, bank_leads, portal, screening, signin  # noqa: F401

    for module in (
        signin,
        portal,
        bank,
        bank_leads,
        screening,
        admin,
    ):  # bank_editor's views: bank.bp
        app.register_blueprint(module.bp)
    app.after_request(headers_outside_views)
