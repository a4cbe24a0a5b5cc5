"""A bank's view of the catalog's history: the versions that changed its products, and
what changed in them criterion by criterion.

    GET /v1/banks/<bank_id>/versions                    that bank, admin
    GET /v1/banks/<bank_id>/versions/diff?from=&to=     that bank, admin

Bank staff review their own changes from their own machine (``loanmatch versions
--server``), not from the server's disk. A bank sees only versions that touched its
folder, only its own files in them, and only its own products in a diff; another
bank's key is refused (403) like on the editing endpoints.
"""

from __future__ import annotations

import re

from flask import Blueprint, jsonify
from marshmallow import RAISE, Schema, fields

from matcher.authoring.diff import diff_catalogs
from matcher.authoring.versions import VersionError, VersionRecord
from matcher.catalog import CatalogError

from .auth import bank_or_admin, protect
from .inputs import read_options
from .problems import Problem
from .state import state

bp = Blueprint("bank_versions", __name__, url_prefix="/v1/banks/<bank_id>/versions")
protect(bp)
_BANK_ID = re.compile(r"[a-z0-9_]{1,64}\Z")


class DiffQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    from_ = fields.String(
        required=True,
        data_key="from",
        metadata={
            "description": "the older version: sha256:… or a prefix of at least 4 hex digits"
        },
    )
    to = fields.String(
        load_default="live", metadata={"description": "the newer version (default: the live one)"}
    )


_diff_query = DiffQuerySchema()


def _scope(bank_id: str) -> None:
    """That bank's key or an admin key (403 otherwise); 404 for a bank the catalog lacks."""
    bank_or_admin(bank_id, f"read the versions of bank '{bank_id}'")
    if (
        not _BANK_ID.match(bank_id)
        or not any(p.bank == bank_id for p in state().catalog.products)
        and not any(_own(r, bank_id) for r in _records())
    ):
        raise Problem(404, "not-found", f"no bank '{bank_id}' in the catalog or its history")


def _records() -> list[VersionRecord]:
    store = state().reloader.versions()
    try:
        return store.list() if store.directory.is_dir() else []
    except VersionError as exc:
        raise Problem(500, "internal-error", str(exc)) from None


def _own(record: VersionRecord, bank_id: str) -> dict | None:
    """The record with only ``bank_id``'s files, or None when it touched none of them."""
    mine = record.changes_of(bank_id)
    if not any(mine.values()):
        return None
    return {
        "version": record.version,
        "recorded_at": record.recorded_at,
        "actor": record.actor,
        "previous": record.previous,
        **mine,
        "kept": record.kept,
    }


@bp.get("")
def bank_versions(bank_id: str):
    """The versions that changed this bank's files, newest first."""
    _scope(bank_id)
    mine = [doc for doc in (_own(r, bank_id) for r in reversed(_records())) if doc]
    return jsonify(bank=bank_id, live=state().catalog.version, versions=mine)


@bp.get("/diff")
def bank_diff(bank_id: str):
    """This bank's products, criterion by criterion, from one recorded version to another."""
    _scope(bank_id)
    query = read_options(_diff_query)
    store = state().reloader.versions()
    roots, names = [], []
    for text in (query["from_"], query["to"]):
        version = state().catalog.version if text == "live" else text
        try:
            found = store.resolve(version)
        except VersionError as exc:
            raise Problem(422, "invalid-options", str(exc)) from None
        snapshot = found and store.snapshot_path(found)
        if snapshot is None:
            raise Problem(
                404,
                "not-found",
                f"{text}: no recorded version of the catalog "
                f"(GET /v1/banks/{bank_id}/versions lists them)"
                if found is None
                else f"{found}: its files have been pruned",
            )
        roots.append(snapshot)
        names.append(found)
    try:
        diffs = diff_catalogs(*roots)
    except (CatalogError, OSError) as exc:
        raise Problem(500, "internal-error", f"a recorded version does not load: {exc}") from None
    mine = [d for d in diffs if d.name.split("/", 1)[0] == bank_id]
    return jsonify(
        bank=bank_id,
        **{"from": names[0]},
        to=names[1],
        products=[
            {
                "product_id": d.product_id,
                "file": d.name,
                "status": d.status,
                "changes": d.changes,
                "lines": d.lines(),
            }
            for d in mine
        ],
    )
