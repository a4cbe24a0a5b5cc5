"""Operator endpoints under ``/v1/admin`` (the ``admin`` role only).

Today: what catalog this process serves, so an operator can confirm a rules
deploy reached every instance (compare ``version`` with ``loanmatch lint``'s).
"""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, jsonify

from .auth import protect
from .state import state

bp = Blueprint("admin", __name__, url_prefix="/v1/admin")
protect(bp, role="admin")


@bp.get("/catalog")
def catalog_info():
    service = state()
    catalog = service.catalog
    return jsonify(version=catalog.version, rules=catalog.root, products=len(catalog),
                   rulesets=catalog.ruleset_count,
                   banks=dict(sorted(Counter(p.bank for p in catalog.products).items())),
                   loaded_at=service.loaded_at.isoformat(timespec="seconds"))
