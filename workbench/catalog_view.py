"""What the workbench reads about a bank's products beside the API: files, versions, retirements.

The API has no endpoint for a product's YAML source or for a bank's share of the
version log, so these are read here from the same places the API writes them
(the rules folder, ``matcher.versions``, the retired shelf), always after the
caller passed the API's own bank check (``owner``).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from http_api import drafts
from http_api.auth import Principal
from http_api.editing import _scope
from http_api.state import state
from matcher.authoring.diff import diff_catalogs
from matcher.authoring.versions import VersionRecord
from matcher.rulefile import source as yamlsource

HISTORY_SHOWN = 30


def owner(bank_id: str, product_id: str | None = None) -> Principal:
    """The caller, if the API would let them change ``bank_id``'s products (its key, or an
    admin's); the API's 403 (or 422/404 for an impossible address) otherwise."""
    return _scope(bank_id, product_id or f"{bank_id}-product", missing=404)


def product_file(bank_id: str, product_id: str) -> Path | None:
    reloader = state().reloader
    return drafts.product_file(reloader.root, bank_id, product_id)


def rel_path(path: Path) -> str:
    return path.relative_to(state().reloader.root).as_posix()


@dataclass
class Change:
    record: VersionRecord
    files: list[str]
    lines: list[str]


def _bank_files(record: VersionRecord, bank_id: str) -> list[str]:
    return [f for files in record.changes_of(bank_id).values() for f in files]


def history(bank_id: str, limit: int = HISTORY_SHOWN) -> list[Change]:
    """The versions that changed this bank's files, newest first, each with its
    criterion-level diff (from the recorded snapshots; none for a pruned one)."""
    store = state().reloader.versions()
    records = store.list() if store.directory.is_dir() else []
    by_version = {r.version: r for r in records}
    out: list[Change] = []
    for record in reversed(records):
        files = _bank_files(record, bank_id) if record.previous else []
        if not files:
            continue
        out.append(
            Change(
                record, files, _diff_lines(store, by_version.get(record.previous), record, files)
            )
        )
        if len(out) >= limit:
            break
    return out


def _diff_lines(
    store, before: VersionRecord | None, after: VersionRecord, files: list[str]
) -> list[str]:
    old = store.snapshot_path(before.version) if before is not None else None
    new = store.snapshot_path(after.version)
    if new is None:
        return []
    with tempfile.TemporaryDirectory(prefix="wb-diff-") as tmp:
        sides = {"old": Path(tmp) / "old", "new": Path(tmp) / "new"}
        for side, root in (("old", old), ("new", new)):
            sides[side].mkdir()
            for rel in files:
                if rel.endswith((".test.yaml", ".test.yml")) or root is None:
                    continue
                if (root / rel).is_file():
                    (sides[side] / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(root / rel, sides[side] / rel)
        try:
            return [line for d in diff_catalogs(sides["old"], sides["new"]) for line in d.lines()]
        except Exception as exc:  # a snapshot that does not load: say so, keep the page
            return [f"(diff unavailable: {exc})"]


def last_changes(bank_id: str) -> dict[str, VersionRecord]:
    """Each of the bank's files → the latest version that changed it."""
    store = state().reloader.versions()
    records = store.list() if store.directory.is_dir() else []
    found: dict[str, VersionRecord] = {}
    for record in records:
        for rel in record.files if not record.previous else (*record.added, *record.modified):
            if rel.startswith(f"{bank_id}/"):
                found[rel] = record
    return found


def retired(bank_id: str) -> list[dict]:
    """Products taken out by ``DELETE``: their files on the retired shelf, newest first."""
    shelf = state().reloader.state_dir / "retired" / bank_id
    out = []
    for path in sorted(shelf.glob("*.yaml"), reverse=True) if shelf.is_dir() else []:
        if path.name.endswith((".test.yaml", ".test.yml")):
            continue
        try:
            data = yamlsource.load(path.read_text(encoding="utf-8-sig"), path.name)
        except (yamlsource.YAMLSourceError, UnicodeDecodeError, OSError):
            continue
        if isinstance(data, dict):
            stamp = path.name.rsplit(".", 2)[-2] if path.name.count(".") >= 2 else ""
            out.append({"id": data.get("id"), "name": data.get("name"), "retired_at": stamp})
    return out


def scenario_file(rule_path: Path) -> Path | None:
    stem = rule_path.with_suffix("")
    for candidate in (Path(f"{stem}.test.yaml"), Path(f"{stem}.test.yml")):
        if candidate.is_file():
            return candidate
    return None


def base_profiles() -> dict[str, dict]:
    """The platform's base profiles (``_profiles/*.json`` in the rules folder), by name."""
    import json

    folder = state().reloader.root / "_profiles"
    out = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            out[path.stem] = data
    return out
