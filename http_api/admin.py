"""Operator endpoints under ``/v1/admin`` (the ``admin`` role only).

What catalog this process serves and whether a rules change is waiting on errors
(``/catalog``), a reload on demand (``/reload``: the folder is checked in full and,
if good, put live the same way the watcher does), and the versions that went live
(``/versions``), whose ids ``POST /v1/match?catalog_version=`` replays.
"""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, jsonify

from matcher.authoring.rulefiles import rules_lock
from matcher.authoring.versions import VersionError

from .auth import Principal, authenticate, protect
from .problems import Problem
from .state import state

bp = Blueprint("admin", __name__, url_prefix="/v1/admin")
protect(bp, role="admin")


def actor(principal: Principal) -> str:
    """Who made a change, for the version record: the key's role and its short id."""
    return f"{principal.role} ({principal.key_id})"


@bp.get("/catalog")
def catalog_info():
    service = state()
    catalog = service.catalog
    status = service.reloader.status()
    return jsonify(
        version=catalog.version,
        rules=catalog.root,
        products=len(catalog),
        rulesets=catalog.ruleset_count,
        banks=dict(sorted(Counter(p.bank for p in catalog.products).items())),
        loaded_at=service.loaded_at.isoformat(timespec="seconds"),
        live_version=status.get("version", catalog.version),
        pending=status.get("pending"),
        checked_at=status.get("checked_at"),
        watching=status.get("watching"),
        reloads=status.get("reloads", 0),
        shared=status.get("shared"),
    )


@bp.post("/reload")
def reload_now():
    """Check the rules folder now; 200 with the decision, 202 if it is still being made."""
    reloader = state().reloader
    if reloader.owns():
        reloader.record_current()
    with rules_lock(reloader.state_dir):
        request_id = reloader.ask(actor(authenticate()))
    answer = reloader.wait(request_id)
    if answer is None:
        return jsonify(outcome="pending", version=state().catalog.version, errors=[]), 202
    return jsonify(answer)


@bp.get("/versions")
def versions():
    """Every version that went live, newest first, with who and what changed."""
    store = state().reloader.versions()
    try:
        records = store.list() if store.directory.is_dir() else []
    except VersionError as exc:
        raise Problem(500, "internal-error", str(exc)) from None
    live = state().catalog.version
    return jsonify(
        live=live,
        versions=[
            {k: v for k, v in r.to_dict().items() if k != "files"} for r in reversed(records)
        ],
    )
