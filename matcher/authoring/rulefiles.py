"""The rules folder on disk: one lock, change detection, staged copies, atomic writes.

Bank staff edit files by hand, the watcher reads them, the API writes them — from
several processes. ``rules_lock`` (an ``flock``) makes a write through the API and the
request to reload it one step for the watcher; ``stage`` gives a check its own copy,
so an edit landing meanwhile cannot change what was checked; ``write_atomically``
means a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from matcher.authoring.atomic import write_atomically  # noqa: F401 (one atomic write for rules and versions)


@contextlib.contextmanager
def rules_lock(state_dir: Path) -> Iterator[None]:
    """Exclusive across processes and threads: one writer or one scan of the rules at a time."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with open(state_dir / "rules.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _visible(name: str) -> bool:
    return not name.startswith(".") and name != "__pycache__"


def fingerprint(root: Path) -> str:
    """Changes whenever a file under ``root`` is added, removed, replaced or rewritten."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if _visible(d))
        for name in sorted(f for f in files if _visible(f)):
            try:
                st = os.stat(os.path.join(folder, name))
            except FileNotFoundError:
                continue
            digest.update(
                f"{folder}/{name}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


def manifest(root: Path) -> dict[str, str]:
    """Each visible file under ``root`` (relative path) → sha256 of its bytes."""
    return {rel: hashlib.sha256(data).hexdigest() for rel, data in contents(root).items()}


def contents(root: Path) -> dict[str, bytes]:
    """Each visible file under ``root`` (relative path) → its bytes: what ``manifest``
    hashes, for a caller that needs both without reading the folder twice."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if _visible(d)]
        for name in files:
            if _visible(name):
                path = Path(folder, name)
                with contextlib.suppress(OSError):
                    found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def stage(
    root: Path, dest: Path, *, link: bool = False, replace: dict[str, str] | None = None
) -> Path:
    """A copy of the rules folder at ``dest`` (hard links when ``link``), with files replaced.

    ``replace`` maps a path relative to the root to its new text. Links are for a
    read-only look (lint); a copy that will be compiled must be a real copy, so that
    an edit made in place meanwhile cannot change what was checked.
    """

    def copy(src, dst):
        if link:
            try:
                return os.link(src, dst)
            except OSError:
                pass
        return shutil.copy2(src, dst)

    shutil.copytree(
        root,
        dest,
        copy_function=copy,
        ignore=lambda _d, names: [n for n in names if not _visible(n)],
    )
    for rel, text in (replace or {}).items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()  # a hard link: never write through it into the live file
        target.write_text(text, encoding="utf-8")
    return dest
