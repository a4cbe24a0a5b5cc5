"""Hot reload: a rules change is checked first, then served by fresh worker processes.

durable_rules cannot free a ruleset (``docs/design.md``), so a process that swapped catalogs
in place would grow on every edit. Under gunicorn (``preload_app``) the master owns a
``Reloader``: its thread watches the rules folder (a scan every ``LOANMATCH_WATCH``
seconds; reload requests at once), copies the folder aside, lints the copy (pure
Python, in the master), runs the scenario files the change touches in a child process
(``matcher.authoring.validation``; scenarios compile rules), and only when all pass compiles the
copy in the master, makes it the app's catalog and sends itself SIGHUP. gunicorn then
forks new workers — which inherit the new catalog — and stops the old ones gracefully
(they finish their requests). A change that fails never reaches a process that serves:
the last good catalog stays, and the findings are the "pending" errors that
``GET /v1/admin/catalog`` shows; an edit is served within seconds of being saved
(``docs/performance.md``).

Workers do not reload; they ask. Editing endpoints and ``POST /v1/admin/reload`` drop
a request file (with who asked) under the state folder and wait for the master's
answer in ``status.json``. The rules folder is written and scanned under one file lock
(``rulefiles.rules_lock``), so a change made through the API is attributed to its key.
Without gunicorn (tests, an embedding portal) the process owns its ``Reloader`` and
swaps its catalog in place under a lock: simple, and it leaks.

Memory: a catalog's rulesets are never returned, so every reload leaves the replaced
one behind in the process that compiled it. Workers share the master's pages
copy-on-write, so the cost is paid once, not per worker. Releasing the old catalog with
the C-level ``delete_ruleset`` leaks more, not less, so old rulesets are kept (figures in
``docs/performance.md``). A service that reloads many times a day
at thousands of products should be restarted in a quiet hour; ``reloads`` in
``/v1/admin/catalog`` counts them.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.authoring.changes import scenarios_to_run
from matcher.authoring.rulefiles import fingerprint, manifest, rules_lock, stage, write_atomically
from matcher.authoring.scenario import scenario_files
from matcher.authoring.validation import Finding, Validation, check_scenarios, lint_products
from matcher.authoring.versions import VersionStore, capture
from matcher.engine.catalog import Catalog

if TYPE_CHECKING:
    from flask import Flask

    from .state import ServiceState

log = logging.getLogger("loanmatch.reload")
TICK = 0.2            # seconds between looks for reload requests
WAIT = 20.0           # seconds an API call waits for its change to be decided
HANDLED_KEPT = 100    # answers kept in status.json for the workers that asked


def now() -> datetime:
    return datetime.now(timezone.utc)


def versions_folder(settings) -> Path:
    """Where versions are recorded: ``LOANMATCH_VERSIONS_DIR``, else under the data folder
    (``var/catalog-versions`` by default, where ``loanmatch diff`` looks)."""
    return Path(settings.versions_dir or Path(settings.data_dir) / "catalog-versions")


class Reloader:
    """Decides rule changes for one app; acts in the process that owns it, asks from others."""

    def __init__(self, app: "Flask", service: "ServiceState"):
        settings = service.settings
        self.app = app
        self.service = service
        self.root = Path(settings.rules)
        self.shown_root = self.root.resolve().name or "rules"
        self.state_dir = Path(settings.data_dir) / "rules-state"  # lock, requests, retired
        self.versions_dir = versions_folder(settings)
        self.owner_pid = os.getpid()
        self.server = None            # the gunicorn arbiter, when the master owns us
        self.interval: float | None = None
        self.reloads = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen = fingerprint(self.root) if self.root.is_dir() else ""
        self._contents = manifest(self.root)  # of the last folder that passed (or started)
        self._pending: dict | None = None
        self._checked_at: datetime | None = None
        self._handled: dict[str, dict] = {}

    # --- where things live ------------------------------------------------------------
    @property
    def _folder(self) -> Path:
        return self.state_dir / "reload"

    def versions(self):
        """The record of versions that went live (``matcher.authoring.versions.VersionStore``)."""
        return VersionStore(self.versions_dir)

    def _requests(self) -> Path:
        return self._folder / "requests"

    def owns(self) -> bool:
        return os.getpid() == self.owner_pid

    # --- what callers use -------------------------------------------------------------
    def ask(self, actor: str) -> str:
        """File a request to check the folder now, on behalf of ``actor``; its id.

        Call it under ``rules_lock`` together with the write it accounts for.
        """
        request_id = uuid.uuid4().hex
        self._requests().mkdir(parents=True, exist_ok=True)
        body = json.dumps({"id": request_id, "actor": actor, "at": now().isoformat()})
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

    def record_current(self, actor: str = "startup") -> None:
        """Record the live version, if the folder still holds it and it is not recorded yet.

        Never raises: the record is an audit aid, and an edit must not fail for it.
        """
        version = self.service.catalog.version
        try:
            store = self.versions()
            if store.get(version) is not None:
                return
            with rules_lock(self.state_dir):
                found, files = capture(self.root)
            if found == version:
                store.record(self.root, version, actor=actor, files=files)
        except Exception:
            log.exception("could not record the live catalog version %s", version)

    # --- the owner's work ---------------------------------------------------------------
    def check(self) -> None:
        """Look at the folder; if it changed (or someone asked), decide and maybe go live."""
        with self._lock:
            with rules_lock(self.state_dir):
                requests = self._take_requests()
                seen = fingerprint(self.root) if self.root.is_dir() else ""
                if seen == self._seen and not requests:
                    return
                tmp = Path(tempfile.mkdtemp(dir=self.state_dir, prefix="stage-"))
                copy = stage(self.root, tmp / self.shown_root) if self.root.is_dir() else tmp
            try:
                answer = self._decide(copy, requests)
            except Exception as exc:  # e.g. durable_rules refusing to compile: never served
                log.exception("checking the rules failed")
                answer = self._refuse([Finding(".", 1, None, f"the check failed: {exc}")])
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            self._seen = seen
            self._checked_at = now()
            for request in requests:
                self._handled[request["id"]] = answer
            while len(self._handled) > HANDLED_KEPT:
                self._handled.pop(next(iter(self._handled)))
            self._write_status()
            if answer["outcome"] == "reloaded" and self.server is not None:
                # The arbiter's main thread handles signals; aim at it so it wakes now.
                signal.pthread_kill(threading.main_thread().ident, signal.SIGHUP)

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

    def _decide(self, copy: Path, requests: list[dict]) -> dict:
        previous = self.service.catalog.version
        started = time.monotonic()
        contents = manifest(copy)
        if contents:
            products, verdict = lint_products(copy)
        else:
            products, verdict = [], Validation(False, findings=[Finding(
                ".", 1, None, "the rules folder is missing or empty")])
        if verdict.ok:
            tests = self._scenarios_to_run(copy, contents, products)
            verdict.findings = check_scenarios(copy, products, tests)
            verdict.ok = not verdict.findings
        answer: dict[str, Any] = {"previous_version": previous, "at": now().isoformat()}
        if not verdict.ok:
            return self._refuse(verdict.findings)
        self._pending, self._contents = None, contents
        if verdict.version == previous:
            return {**answer, "outcome": "unchanged", "version": previous, "errors": []}
        actors = sorted({r["actor"] for r in requests if r.get("actor")}) or ["watcher"]
        self._go_live(copy, products, verdict.version, ", ".join(actors),
                      time.monotonic() - started)
        return {**answer, "outcome": "reloaded", "version": verdict.version, "errors": []}

    def _refuse(self, findings: list[Finding]) -> dict:
        previous = self.service.catalog.version
        self._pending = {"detected_at": now().isoformat(),
                         "errors": [f.to_dict(self.shown_root) for f in findings]}
        log.warning("rules change rejected, still serving %s: %s", previous,
                    "; ".join(e["text"] for e in self._pending["errors"][:5]))
        return {"previous_version": previous, "at": now().isoformat(), "outcome": "rejected",
                "version": previous, "errors": self._pending["errors"]}

    def _scenarios_to_run(self, copy: Path, contents: dict[str, str], products) -> list[str]:
        """The scenario files a change can affect (``changes.scenarios_to_run``)."""
        every = [p.relative_to(copy).as_posix() for p in scenario_files(copy)]
        gone = set(self.service.catalog.by_id) - {p.id for p in products}
        return scenarios_to_run(every, self._contents, contents, gone)

    def _go_live(self, copy: Path, products, version: str, actor: str,
                 checked_in: float) -> None:
        try:
            self.versions().record(copy, version, actor=actor)
        except Exception:  # the record is an audit aid: a full disk must not stop a fix
            log.exception("could not record catalog version %s", version)
        compiling = time.monotonic()
        catalog = Catalog(products, version, str(self.root))
        self.service.catalog, self.service.loaded_at = catalog, now()
        self.app.extensions.pop("loanmatch.openapi", None)  # examples name products
        self.reloads += 1
        log.info("catalog %s live (%d products), by %s; checked in %.2f s, compiled in %.2f s",
                 version, len(catalog), actor, checked_in, time.monotonic() - compiling)

    def _status_doc(self) -> dict:
        catalog = self.service.catalog
        return {"owner_pid": self.owner_pid, "version": catalog.version,
                "products": len(catalog),
                "loaded_at": self.service.loaded_at.isoformat(timespec="seconds"),
                "checked_at": self._checked_at and self._checked_at.isoformat(timespec="seconds"),
                "watching": self.interval, "reloads": self.reloads,
                "pending": self._pending, "handled": self._handled}

    def _write_status(self) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self._folder / "status.json",
                         json.dumps(self._status_doc(), ensure_ascii=False).encode())

    # --- the watcher ------------------------------------------------------------------
    def start(self, interval: float | None) -> None:
        """Watch in this process: scan every ``interval`` s (None: requests only)."""
        self.owner_pid, self.interval = os.getpid(), interval
        self._write_status()
        self._thread = threading.Thread(target=self._run, name="loanmatch-reload", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        next_scan = 0.0
        while not self._stop.wait(TICK):
            asked = self._requests().is_dir() and any(self._requests().iterdir())
            if asked or (self.interval and time.monotonic() >= next_scan):
                next_scan = time.monotonic() + (self.interval or 0)
                try:
                    self.check()
                except Exception:  # the watcher must outlive one bad look
                    log.exception("checking the rules folder failed")


def install(app: "Flask", service: "ServiceState") -> None:
    """Give the app its ``Reloader`` (idle until ``watch`` or a gunicorn master starts it)."""
    service.reloader = Reloader(app, service)


def watch(app: "Flask", server=None) -> Reloader:
    """Start watching in this process (an embedding app without gunicorn); returns the Reloader."""
    from .state import EXTENSION
    found = app.extensions[EXTENSION].reloader
    found.server = server
    found.record_current()
    found.start(app.extensions[EXTENSION].settings.watch)
    return found


def start_in_master(server) -> None:
    """gunicorn's ``when_ready``: the master watches and reloads for its workers."""
    if not server.cfg.preload_app:
        server.log.warning("hot reload needs preload_app; rules are read once per worker")
        return
    found = watch(server.app.wsgi(), server)
    server.log.info("watching %s for rule changes (%s)", found.root,
                    f"every {found.interval:g} s" if found.interval else "on request only")
