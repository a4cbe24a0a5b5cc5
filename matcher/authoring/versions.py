"""Every catalog version that went live: when, by whom, what changed — and the files.

A match result carries the ``catalog_version`` it was decided under; this store is
what makes that string worth something. Each version's product files are kept
content-addressed (a file unchanged across a hundred versions is stored once), so
an old decision can be replayed with ``load_catalog(store.snapshot_path(v))`` and
``loanmatch diff`` can say what a version changed.

The log is JSON Lines and only ever grows: pruning drops old snapshots to save
disk but appends a ``pruned`` event instead of forgetting that a version was live.
A record names its file list (path → sha256) by the digest of a tree object rather
than holding it: at 3,000 products the list is ~250 KB, and the log, read and
rewritten on every publish, would grow by that much each time. (Logs written before
hold their lists inline and are read as they are.)
Every write goes to a temporary file renamed into place, under a lock, so a crash
or a second writer never leaves a torn log or a half-written snapshot.
"""

from __future__ import annotations

import builtins
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..rulefile import layout
from .atomic import write_atomically

DEFAULT_DIR = "var/catalog-versions"
VERSION = re.compile(r"^sha256:[0-9a-f]{16}\Z")
LOG = "log.jsonl"


class VersionError(ValueError):
    """A version that cannot be recorded or read, with the reason in words."""


@dataclass(frozen=True)
class VersionRecord:
    version: str
    recorded_at: str  # ISO 8601 UTC: 2026-12-01T08:30:00Z
    actor: str | None
    previous: str | None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    files: Mapping[str, str] = field(default_factory=dict)  # path in rules/ → sha256 of bytes
    kept: bool = True  # False once pruned: the record stays, the snapshot is gone

    def changes_of(self, bank: str) -> dict[str, list[str]]:
        """The files of ``bank``'s folder this version added, modified and removed."""
        return {
            kind: [f for f in getattr(self, kind) if f.startswith(f"{bank}/")]
            for kind in ("added", "modified", "removed")
        }

    def to_dict(self) -> dict:
        return {
            "version": self.version,
            "recorded_at": self.recorded_at,
            "actor": self.actor,
            "previous": self.previous,
            "added": list(self.added),
            "removed": list(self.removed),
            "modified": list(self.modified),
            "files": dict(self.files),
            "kept": self.kept,
        }


class StoredTree(Mapping[str, str]):
    """A version's file list (path → sha256), read from its tree object on first use:
    listing versions reads none of them. A kept version whose tree is missing is a
    ``VersionError`` when used; a pruned one's list is empty (its files are gone too)."""

    def __init__(self, path: Path, version: str, kept: bool):
        self._path, self._version, self._kept = path, version, kept
        self._files: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._files is None:
            try:
                found = json.loads(self._path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                if self._kept:
                    raise VersionError(
                        f"{self._version}: its file list {self._path} is missing"
                    ) from None
                found = {}
            except ValueError:
                raise VersionError(f"{self._path}: not a file list; it was edited") from None
            self._files = found
        return self._files

    def __getitem__(self, key: str) -> str:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def capture(rules_root: str | Path) -> tuple[str, dict[str, bytes]]:
    """The version hash of the product files under ``rules_root`` and their bytes.

    The hash is ``layout.content_version``, the one every loaded catalog carries.
    A caller that validates a folder before it goes live can capture it first and
    pass ``files`` to ``record``, so an edit landing in between is not recorded.
    """
    root = Path(rules_root)
    if not root.is_dir():
        raise VersionError(f"{root}: no such rules folder")
    files = layout.read_folder(root, [layout.PRODUCT])
    return version_of(files, root), files


def version_of(files: Mapping[str, bytes], root: Path | str = "rules") -> str:
    """The catalog version of product files given as bytes (VersionError if one is not
    UTF-8: such a catalog never goes live)."""
    texts = []
    for rel, raw in files.items():
        try:
            texts.append((rel, raw.decode("utf-8-sig")))
        except UnicodeDecodeError:
            raise VersionError(
                f"{Path(root) / rel}: not UTF-8; such a catalog never goes live"
            ) from None
    return layout.content_version(texts)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class VersionStore:
    """The recorded versions under ``directory`` (default ``$LOANMATCH_VERSIONS_DIR``
    or ``var/catalog-versions``)."""

    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory or os.environ.get("LOANMATCH_VERSIONS_DIR") or DEFAULT_DIR)

    # --- reading ------------------------------------------------------------------
    def _events(self) -> list[dict]:
        path = self.directory / LOG
        if not path.exists():
            return []
        events = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
                if not isinstance(event, dict) or "event" not in event:
                    raise ValueError("not an event")
            except ValueError:
                raise VersionError(
                    f"{path}:{number}: not a version record; the log was edited by hand"
                ) from None
            events.append(event)
        return events

    def list(self) -> list[VersionRecord]:
        """Every version that went live, oldest first (a version live twice is listed twice)."""
        return self._history(self._events())

    def _history(self, events: builtins.list[dict]) -> builtins.list[VersionRecord]:
        pruned: set[str] = set()
        raw: list[dict] = []
        for event in events:
            if event["event"] == "live":
                pruned.discard(event["version"])
                raw.append(event)
            elif event["event"] == "pruned":
                pruned.add(event["version"])
        # A version pruned after its last time live has no snapshot, whichever record.
        return [
            VersionRecord(
                e["version"],
                e["recorded_at"],
                e.get("actor"),
                e.get("previous"),
                tuple(e.get("added", ())),
                tuple(e.get("removed", ())),
                tuple(e.get("modified", ())),
                StoredTree(self._tree(e["tree"]), e["version"], e["version"] not in pruned)
                if "tree" in e
                else dict(e.get("files", {})),
                e["version"] not in pruned,
            )
            for e in raw
        ]

    def latest(self) -> VersionRecord | None:
        """The version live now (the last recorded), or None before the first."""
        history = self.list()
        return history[-1] if history else None

    def get(self, version: str) -> VersionRecord | None:
        """The latest record of ``version``, or None if it never went live."""
        found = [r for r in self.list() if r.version == version]
        return found[-1] if found else None

    def resolve(self, text: str) -> str | None:
        """A recorded version from its full name or a unique prefix of its hex digits."""
        hexpart = text[len("sha256:") :] if text.startswith("sha256:") else text
        if not re.fullmatch(r"[0-9a-f]{4,16}", hexpart):
            return None
        known = {r.version for r in self.list()}
        matches = sorted(v for v in known if v[len("sha256:") :].startswith(hexpart))
        return matches[0] if len(matches) == 1 else None

    # --- writing ------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _object(self, digest: str) -> Path:
        return self.directory / "objects" / digest[:2] / digest[2:]

    def _tree(self, digest: str) -> Path:
        return self.directory / "trees" / digest[:2] / digest[2:]

    def _append(self, event: dict) -> None:
        path = self.directory / LOG
        old = path.read_bytes() if path.exists() else b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        line = json.dumps(event, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
        write_atomically(path, old + line)

    def record(
        self,
        rules_root: str | Path,
        version: str,
        actor: str | None = None,
        *,
        files: Mapping[str, bytes] | None = None,
    ) -> VersionRecord:
        """Record that ``version`` of the catalog under ``rules_root`` went live.

        Recording the version that is already the latest is a no-op returning that
        record (a restart is not a change). Raises ``VersionError`` when the files
        no longer hash to ``version`` (pass ``files`` from ``capture`` to avoid that).
        """
        if not isinstance(version, str) or not VERSION.match(version):
            raise VersionError(f"{version!r} is not a catalog version (sha256:<16 hex digits>)")
        if files is None:
            actual, files = capture(rules_root)
            if actual != version:
                raise VersionError(
                    f"{rules_root} is at {actual}, not {version}: the files "
                    "changed after that version was loaded"
                )
        with self._locked():
            history = self.list()
            latest = history[-1] if history else None
            if latest is not None and latest.version == version and latest.kept:
                return latest
            manifest = {}
            for rel, raw in sorted(files.items()):
                digest = hashlib.sha256(raw).hexdigest()
                manifest[rel] = digest
                if not self._object(digest).exists():
                    write_atomically(self._object(digest), raw)
            before = dict(latest.files) if latest else {}
            record = VersionRecord(
                version,
                _now(),
                actor,
                latest.version if latest else None,
                tuple(sorted(set(manifest) - set(before))),
                tuple(sorted(set(before) - set(manifest))),
                tuple(sorted(p for p in manifest if p in before and before[p] != manifest[p])),
                manifest,
            )
            listing = json.dumps(manifest, sort_keys=True).encode("utf-8")
            tree = hashlib.sha256(listing).hexdigest()
            if not self._tree(tree).exists():
                write_atomically(self._tree(tree), listing)
            event = {k: v for k, v in record.to_dict().items() if k not in ("kept", "files")}
            self._append({"event": "live", **event, "tree": tree})
            return record

    def contents(self, version: str) -> dict[str, bytes] | None:
        """``version``'s product files (path → bytes) from the store, or None when it was
        never recorded or has been pruned: ``snapshot_path`` without writing a folder."""
        record = self.get(version)
        if record is None or not record.kept:
            return None
        found = {}
        for rel, digest in record.files.items():
            try:
                found[rel] = self._object(digest).read_bytes()
            except FileNotFoundError:
                raise VersionError(
                    f"{version}: stored file {rel} is missing from {self.directory}"
                ) from None
        return found

    def snapshot_path(self, version: str) -> Path | None:
        """A folder laid out like ``rules/`` holding ``version``'s product files, or None
        when the version was never recorded or has been pruned."""
        record = self.get(version)
        if record is None or not record.kept:
            return None
        folder = self.directory / "snapshots" / version[len("sha256:") :]
        if folder.is_dir():
            return folder
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
        try:
            for rel, digest in record.files.items():
                blob = self._object(digest)
                if not blob.exists():
                    raise VersionError(
                        f"{version}: stored file {rel} is missing from {self.directory}"
                    )
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(blob, tmp / rel)
            os.rename(tmp, folder)
        except OSError:
            if not folder.is_dir():  # another process may have won the race: that is fine
                raise
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return folder

    def prune(self, keep: int) -> builtins.list[str]:
        """Drop the snapshots of all but the ``keep`` most recently live versions.

        Their records stay in the log (marked not kept); returns the versions pruned.
        """
        if keep < 1:
            raise VersionError("keep at least the live version (keep >= 1)")
        with self._locked():
            events = self._events()
            history = self._history(events)
            recent: builtins.list[str] = []
            for r in reversed(history):
                if r.version not in recent:
                    recent.append(r.version)
            kept = set(recent[:keep])
            last = {r.version: r for r in history}  # a version's latest record, as ``get``
            dropped = [v for v in reversed(recent[keep:]) if last[v].kept]
            for version in dropped:
                self._append({"event": "pruned", "version": version, "recorded_at": _now()})
                shutil.rmtree(
                    self.directory / "snapshots" / version[len("sha256:") :], ignore_errors=True
                )
            files = {d for r in history if r.version in kept for d in r.files.values()}
            _sweep(self.directory / "objects", files)
            trees = {e["tree"] for e in events if "tree" in e and e["version"] in kept}
            _sweep(self.directory / "trees", trees)
            return dropped


def _sweep(folder: Path, needed: set[str]) -> None:
    """Remove the stored objects under ``folder`` whose digest is not ``needed``."""
    for stored in folder.glob("*/*") if folder.exists() else ():
        if stored.parent.name + stored.name not in needed and not stored.name.startswith("."):
            stored.unlink(missing_ok=True)
