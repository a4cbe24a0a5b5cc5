"""A bank's leads inbox: ``/ui/bank/<bank_id>/leads``."""
from __future__ import annotations

from flask import render_template

from .pages import blueprint
from .security import signed_in

bp = blueprint("workbench_leads", "/ui/bank/<bank_id>/leads")


@bp.get("/")
@signed_in
def leads(bank_id):
    return render_template("home.html")
