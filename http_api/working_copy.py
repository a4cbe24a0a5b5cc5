"""An instance's rules folder as a working copy of the shared catalog.

The instance remembers the shared version its folder was last made equal to (the
*base*: ``seq``, ``version`` and the folder's tree, in ``shared-base.json`` under the
state folder). When the shared head moves on, the head's files are merged into the
folder three ways, file by file: a file this instance did not touch takes the head's
content (or goes, if the head removed it); a file edited here and not there keeps the
local edit, which is then checked and published like any edit; a file changed on both
sides differently takes the head's content, and the local one is set aside under
``set-aside/<time>/`` in the state folder, so nothing is lost. A folder with no base (a
new instance, or an old copy of the rules) is stale: it takes the head entirely, and
whatever it held that differs is set aside the same way.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from matcher.authoring.rulefiles import manifest, rules_lock, write_atomically

log = logging.getLogger("loanmatch.reload")
BASE_FILE = "shared-base.json"


@dataclass
class Base:
    seq: int = 0  # 0: the folder was never equal to a shared version
    version: str = ""
    tree: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, state_dir: Path) -> Base:
        try:
            doc = json.loads((state_dir / BASE_FILE).read_text(encoding="utf-8"))
            return cls(int(doc["seq"]), str(doc["version"]), dict(doc["tree"]))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def save(self, state_dir: Path) -> None:
        write_atomically(
            state_dir / BASE_FILE,
            json.dumps(
                {"seq": self.seq, "version": self.version, "tree": self.tree}, sort_keys=True
            ).encode(),
        )


def merge(
    base: Mapping[str, str],
    local: Mapping[str, str],
    remote: Mapping[str, str],
    stale: bool = False,
) -> tuple[dict[str, str], list[str]]:
    """The merged tree (path → sha256) and the local files that lost to the remote ones."""
    merged: dict[str, str] = {}
    lost: list[str] = []
    for rel in sorted(set(base) | set(local) | set(remote)):
        b, mine, theirs = base.get(rel), local.get(rel), remote.get(rel)
        if stale or mine == b:
            keep = theirs
        elif theirs == b or mine == theirs:
            keep = mine
        else:
            keep = theirs
        if mine is not None and mine != keep and (stale or mine != b):
            lost.append(rel)
        if keep is not None:
            merged[rel] = keep
    return merged, lost


def apply(
    root: Path,
    merged: Mapping[str, str],
    local: Mapping[str, str],
    blobs: Mapping[str, bytes],
    lost: list[str],
    aside: Path,
) -> None:
    """Make the folder hold ``merged``; the ``lost`` local files go to ``aside`` first."""
    if lost:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        shelf = aside / stamp
        for rel in lost:
            with contextlib.suppress(OSError):
                write_atomically(shelf / rel, (root / rel).read_bytes())
        log.warning(
            "rules: local edits to %s lost to the shared catalog; kept in %s",
            ", ".join(lost),
            shelf,
        )
    for rel, digest in merged.items():
        if local.get(rel) != digest:
            write_atomically(root / rel, blobs[digest])
    for rel in set(local) - set(merged):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(root / rel)


def catch_up(root: Path, state_dir: Path, shared, head, base: Base) -> Base:
    """Merge ``head`` of the shared catalog into the folder; the new base (saved).
    Call it under the rules lock."""
    remote = shared.tree(head)
    local = manifest(root) if root.is_dir() else {}
    merged, lost = merge(base.tree, local, remote, stale=not base.seq)
    blobs = shared.files([d for rel, d in merged.items() if local.get(rel) != d])
    root.mkdir(parents=True, exist_ok=True)
    apply(root, merged, local, blobs, lost, state_dir / "set-aside")
    new = Base(head.seq, head.version, remote)
    new.save(state_dir)
    return new


def catch_up_at_boot(settings) -> None:
    """Before a fresh master compiles its catalog: bring a folder that holds no edits of
    its own (empty, stale, or equal to an older shared version) to the shared head, so
    it boots into it. Edits of its own are merged and checked once it runs. Never raises:
    without Redis, the folder is served as it is."""
    from .reexec import handoff
    from .shared_catalog import SharedCatalog

    if handoff() is not None:
        return  # a re-exec boots the version it was handed
    root, state_dir = Path(settings.rules), Path(settings.data_dir) / "rules-state"
    try:
        shared = SharedCatalog.connect(settings)
        head = shared.head()
        base = Base.load(state_dir)
        if head is None or head.seq == base.seq:
            return
        if base.seq and root.is_dir() and manifest(root) != base.tree:
            return
        with rules_lock(state_dir):
            catch_up(root, state_dir, shared, head, base)
        log.info("shared catalog #%d (%s) merged into %s at start", head.seq, head.version, root)
    except Exception as exc:  # noqa: BLE001 - Redis down: serve the folder as it is
        log.warning("shared catalog not read at start (%s); serving %s as it is", exc, root)
