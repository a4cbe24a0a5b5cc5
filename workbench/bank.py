"""Bank staff's products and their history: ``/ui/bank/<bank_id>/…``.

Who may look is the API's rule for changing a bank's products (``catalog_view.owner``:
that bank's key or an admin's); another bank's product is the API's 403, an
unknown one a 404.
"""

from __future__ import annotations

import re

from flask import abort, render_template, request

from http_api.readable import render
from http_api.state import state

from . import catalog_view as view
from .i18n import lang
from .pages import blueprint
from .security import signed_in

bp = blueprint("workbench_bank", "/ui/bank/<bank_id>")
VERSION = re.compile(r"sha256:[0-9a-f]{8,64}\Z")


def _leads_this_month(bank_id: str) -> dict[str, int] | None:
    """Leads per product this month; None when the lead store cannot answer."""
    from redis import RedisError

    from http_api.leads import lead_service
    from leads import LeadError

    from .figures import lead_rows, leads_by_product, month_start_ms

    try:
        return leads_by_product(lead_rows(lead_service().store(), bank_id, month_start_ms()))
    except (LeadError, RedisError):
        return None


@bp.get("/products")
@signed_in
def products(bank_id: str):
    view.owner(bank_id)
    catalog = state().catalog
    changes = view.last_changes(bank_id)
    counts = _leads_this_month(bank_id)
    rows = []
    for product in (p for p in catalog.products if p.bank == bank_id):
        path = view.product_file(bank_id, product.id)
        record = changes.get(view.rel_path(path)) if path is not None else None
        rows.append(
            {
                "id": product.id,
                "name": product.name,
                "status": "live",
                "version": record.version if record else catalog.version,
                "changed_at": record.recorded_at if record else None,
                "actor": record.actor if record else None,
                "leads": None if counts is None else counts.get(product.id, 0),
            }
        )
    return render_template(
        "bank_products.html",
        rows=rows,
        retired=view.retired(bank_id),
        bank=bank_id,
        live_version=catalog.version,
    )


def _product_or_404(bank_id: str, product_id: str):
    view.owner(bank_id, product_id)
    product = state().catalog.by_id.get(product_id)
    path = view.product_file(bank_id, product_id)
    if product is None or product.bank != bank_id or path is None:
        abort(404, description=f"bank '{bank_id}' has no live product '{product_id}'")
    return product, path


@bp.get("/products/<product_id>")
@signed_in
def product(bank_id: str, product_id: str):
    product, path = _product_or_404(bank_id, product_id)
    text = path.read_text(encoding="utf-8-sig")
    return render_template(
        "bank_product.html",
        product=product,
        bank=bank_id,
        rules=render(product.eligibility, lang()),
        source=text,
        rel=view.rel_path(path),
        has_scenarios=view.scenario_file(path) is not None,
    )


@bp.get("/history")
@signed_in
def history(bank_id: str):
    view.owner(bank_id)
    # Only a catalog version is echoed from the address: no text of a link's choosing.
    published = request.args.get("published", "")
    return render_template(
        "bank_history.html",
        bank=bank_id,
        changes=view.history(bank_id),
        published=published if VERSION.match(published) else None,
        unchanged=request.args.get("unchanged") == "1",
    )
