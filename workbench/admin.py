"""The operator's dashboard: ``/ui/admin``."""
from __future__ import annotations

from flask import render_template

from http_api.auth import authenticate

from .pages import blueprint
from .security import signed_in

bp = blueprint("workbench_admin", "/ui/admin")


@bp.get("/")
@signed_in
def dashboard():
    authenticate("admin")
    return render_template("dashboard.html")
