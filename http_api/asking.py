"""Workers do not reload; they ask: request files in, answers out in ``status.json``.

Only the process that owns the ``Reloader`` (the gunicorn master) decides a change;
workers are other processes. Editing endpoints and ``POST /v1/admin/reload`` drop
a request file (with who asked) under the state folder and wait for the master's
answer in ``status.json``. The rules folder is written and scanned under one file lock
(``rulefiles.rules_lock``), so a change made through the API is attributed to its key.
A master that re-executed itself (``http_api.reexec``) keeps the status of its image before.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.authoring.rulefiles import write_atomically
from matcher.authoring.validation import Checked

if TYPE_CHECKING:
    from .working_copy import Base

WAIT = 20.0  # seconds an API call waits for its change to be decided
HANDLED_KEPT = 100  # answers kept in status.json for the workers that asked


def now() -> datetime:
    return datetime.now(UTC)


class Asking:
    """Mixed into ``Reloader``: the owner answers requests; every other process asks."""

    service: Any
    state_dir: Path
    owner_pid: int
    interval: float | None
    reloads: int
    _handled: dict[str, dict]
    _pending: dict | None
    _checked_at: datetime | None
    _next_live: str | None
    _contents: dict[str, str]
    _sharing: bool
    _base: Base
    _unshared: bool

    if TYPE_CHECKING:  # the Reloader's

        def check(self, scan: bool = True) -> None: ...

    # --- where things live ------------------------------------------------------------
    @property
    def _folder(self) -> Path:
        return self.state_dir / "reload"

    def _requests(self) -> Path:
        return self._folder / "requests"

    def owns(self) -> bool:
        return os.getpid() == self.owner_pid

    # --- what callers use -------------------------------------------------------------
    def ask(self, actor: str, checked: Checked | None = None) -> str:
        """File a request to check the folder now, on behalf of ``actor``; its id.

        Call it under ``rules_lock`` together with the write it accounts for.
        """
        request_id = uuid.uuid4().hex
        self._requests().mkdir(parents=True, exist_ok=True)
        request: dict[str, Any] = {"id": request_id, "actor": actor, "at": now().isoformat()}
        if checked is not None:  # what the caller already ran: the owner need not run it again
            request["checked"] = {"digest": checked.digest, "tests": list(checked.tests)}
        body = json.dumps(request)
        write_atomically(self._requests() / f"{time.time_ns()}-{request_id}.json", body.encode())
        return request_id

    def wait(self, request_id: str, timeout: float = WAIT) -> dict | None:
        """The decision on a request: ``{"outcome": reloaded|unchanged|rejected, …}``, or None."""
        if self.owns():
            self.check()
            return self._handled.get(request_id)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self.status().get("handled", {}).get(request_id)
            if answer is not None:
                return answer
            time.sleep(0.1)
        return None

    def status(self) -> dict:
        """The owner's view: pending errors, last check, reloads, answers to requests."""
        if self.owns():
            return self._status_doc()
        try:
            return json.loads((self._folder / "status.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}

    # --- the owner's side -------------------------------------------------------------
    def _take_requests(self) -> list[dict]:
        found = []
        folder = self._requests()
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            with contextlib.suppress(FileNotFoundError, ValueError):
                request = json.loads(path.read_text(encoding="utf-8"))
                if time.time() - path.stat().st_mtime < 3 * WAIT:  # nobody waits longer
                    found.append(request)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        return found

    def _answer(self, requests: list[dict], answer: dict) -> None:
        """Keep ``answer`` for the workers that filed ``requests``, and write the status."""
        for request in requests:
            self._handled[request["id"]] = answer
        while len(self._handled) > HANDLED_KEPT:
            self._handled.pop(next(iter(self._handled)))
        self._write_status()

    def _status_doc(self) -> dict:
        catalog = self.service.catalog
        return {
            "owner_pid": self.owner_pid,
            "version": self._next_live or catalog.version,
            "products": len(catalog),
            "loaded_at": self.service.loaded_at.isoformat(timespec="seconds"),
            "checked_at": self._checked_at and self._checked_at.isoformat(timespec="seconds"),
            "watching": self.interval,
            "reloads": self.reloads,
            "shared": {
                "seq": self._base.seq,
                "version": self._base.version,
                "unpublished": self._unshared,
            }
            if self._sharing
            else None,
            "pending": self._pending,
            "handled": self._handled,
        }

    def _write_status(self) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        write_atomically(
            self._folder / "status.json",
            json.dumps(self._status_doc(), ensure_ascii=False).encode(),
        )

    def _resume(self) -> None:
        """After a re-exec of this process: keep the answers, counts and pending errors
        of the image before, and its view of which files passed."""
        from .reexec import handoff

        doc = handoff()
        try:
            before = json.loads((self._folder / "status.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if doc is None or before.get("owner_pid") != os.getpid():
            return
        self._handled = dict(before.get("handled") or {})
        self.reloads = int(before.get("reloads") or 0)
        self._pending = before.get("pending")
        self._contents = dict(doc.get("contents") or self._contents)
