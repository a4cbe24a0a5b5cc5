"""A bank's products: ``/ui/bank/<bank_id>/products``."""
from __future__ import annotations

from flask import render_template

from .pages import blueprint
from .security import signed_in

bp = blueprint("workbench_bank", "/ui/bank/<bank_id>")


@bp.get("/products")
@signed_in
def products(bank_id):
    return render_template("home.html")


@bp.get("/history")
@signed_in
def history(bank_id):
    return render_template("home.html")
