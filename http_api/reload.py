"""Hot reload: a rules change is checked first, then served by fresh worker processes.

Under gunicorn (``preload_app``) the master owns a ``Reloader``: its thread watches the
rules folder (a scan every ``LOANMATCH_WATCH`` seconds; reload requests at once),
copies the folder aside, lints the copy (pure Python, in the master), runs the
scenario files the change touches in a child process (``matcher.authoring.validation``;
scenarios compile rules; the files it needs go to it as content, and the scenario files
an editing request already ran on exactly this content are not run again), and only
when all pass puts the copy live. A change that
fails never reaches a process that serves: the last good catalog stays, and the
findings are the "pending" errors that ``GET /v1/admin/catalog`` shows.

Going live. durable_rules never frees a ruleset (``docs/design.md``), so the master never
compiles a second catalog: it records the version and re-executes itself in place
(``http_api.reexec``).
Without gunicorn (tests, an embedding portal) the process owns its ``Reloader`` and
swaps its catalog in place under a lock: simple, and it leaks. A watching reloader also
follows and publishes the shared catalog of several instances (``http_api.following``).

Workers do not reload; they ask. Editing endpoints and ``POST /v1/admin/reload`` drop
a request file (with who asked) under the state folder and wait for the master's
answer in ``status.json``. The rules folder is written and scanned under one file lock
(``rulefiles.rules_lock``), so a change made through the API is attributed to its key.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.authoring.changes import scenarios_to_run
from matcher.authoring.rulefiles import fingerprint, manifest, rules_lock, stage, write_atomically
from matcher.authoring.scenario import scenario_files
from matcher.authoring.validation import (
    Checked,
    Finding,
    Validation,
    check_scenarios,
    lint_content,
    lint_products,
)
from matcher.authoring.versions import VersionStore, capture
from matcher.catalog import Catalog
from matcher.rulefile.layout import digest, read_folder

from . import parsed
from .following import Following
from .working_copy import Base

if TYPE_CHECKING:
    from flask import Flask

    from .state import ServiceState

log = logging.getLogger("loanmatch.reload")
TICK = 0.2  # seconds between looks for reload requests
WAIT = 20.0  # seconds an API call waits for its change to be decided
HANDLED_KEPT = 100  # answers kept in status.json for the workers that asked
FOLLOW = 1.0  # seconds between looks at the shared catalog when the folder is not watched


def now() -> datetime:
    return datetime.now(UTC)


def versions_folder(settings) -> Path:
    """Where versions are recorded: ``LOANMATCH_VERSIONS_DIR``, else under the data folder
    (``var/catalog-versions`` by default, where ``loanmatch diff`` looks)."""
    return Path(settings.versions_dir or Path(settings.data_dir) / "catalog-versions")


class Reloader(Following):
    """Decides rule changes for one app; acts in the process that owns it, asks from others."""

    def __init__(self, app: Flask, service: ServiceState):
        settings = service.settings
        self.app = app
        self.service = service
        self.root = Path(settings.rules)
        self.shown_root = self.root.resolve().name or "rules"
        self.state_dir = Path(settings.data_dir) / "rules-state"  # lock, requests, retired
        self.versions_dir = versions_folder(settings)
        self.owner_pid = os.getpid()
        self.server = None  # the gunicorn arbiter, when the master owns us
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
        self.shared = None  # http_api.shared_catalog.SharedCatalog, once connected
        self._sharing = False  # follow and publish the shared catalog (when watching)
        self._base = Base.load(self.state_dir)
        self._carry: list[dict] = []  # requests to answer after a publish lost a race
        self._unshared = False  # live here, not yet published (Redis was down)
        self._next_live: str | None = None  # decided; the master re-executes into it
        self._went_live = False
        self._redis_complaint = 0.0
        self._began = 0.0  # wall clock: when the change going live now was noticed
        self._checked: dict = {}  # the products of the version checked here (``parsed``)

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
    def check(self, scan: bool = True) -> None:
        """Look at the shared catalog and the folder; decide a change and maybe go live.

        ``scan=False`` looks at the folder only if someone asked or the shared catalog
        moved (``LOANMATCH_WATCH=off``).
        """
        with self._lock:
            if self._next_live is not None and self.server is not None:
                return  # the master is about to re-execute into the decided version
            began = time.time()
            head, reachable = self._head()
            with rules_lock(self.state_dir):
                requests, self._carry = self._carry + self._take_requests(), []
                behind = head is not None and head.seq != self._base.seq
                if behind:
                    try:
                        self._catch_up(head)
                    except Exception as exc:  # noqa: BLE001 - Redis went away meanwhile
                        self._complain("merging", exc)
                        head, behind, reachable = None, False, False
                seen = fingerprint(self.root) if self.root.is_dir() else ""
                retry = self._unshared and reachable
                if not (requests or behind or retry or (scan and seen != self._seen)):
                    return
                self._began = began
                exact = self._exactly_shared() if behind and not requests else None
                if exact is None:
                    tmp = Path(tempfile.mkdtemp(dir=self.state_dir, prefix="stage-"))
                    copy = stage(self.root, tmp / self.shown_root) if self.root.is_dir() else tmp
            self._went_live = False
            answer: dict | None
            if exact is not None:  # checked where it was published: no copy, no checks
                answer = self._follow_exactly(head, exact)
            else:
                try:
                    answer = self._decide(copy, requests, head if behind else None, tmp)
                except Exception as exc:  # e.g. durable_rules refusing to compile: never served
                    log.exception("checking the rules failed")
                    answer = self._refuse([Finding(".", 1, None, f"the check failed: {exc}")])
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
            if answer is None:  # another instance published first: merge it, then retry
                self._carry = requests
                return
            self._seen = seen
            self._checked_at = now()
            for request in requests:
                self._handled[request["id"]] = answer
            while len(self._handled) > HANDLED_KEPT:
                self._handled.pop(next(iter(self._handled)))
            self._write_status()
            if self._went_live and self.server is not None:
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

    def _decide(self, copy: Path, requests: list[dict], head, tmp: Path) -> dict | None:
        """The answer to a change (None: the shared catalog moved meanwhile; try again)."""
        previous = self.service.catalog.version
        started = time.monotonic()
        contents = manifest(copy)
        answer: dict[str, Any] = {"previous_version": previous, "at": now().isoformat()}
        actors = sorted({r["actor"] for r in requests if r.get("actor")}) or ["watcher"]
        base = self._base
        if self._sharing and base.seq and contents == base.tree:
            # Exactly a shared version: checked where it was published.
            self._pending, self._contents = None, contents
            if base.version == previous:
                return {**answer, "outcome": "unchanged", "version": previous, "errors": []}
            self._go_live(
                copy,
                lint_products(copy)[0],
                base.version,
                head.actor if head else "shared catalog",
                0.0,
            )
            return {**answer, "outcome": "reloaded", "version": base.version, "errors": []}
        if contents:
            products, verdict = lint_products(copy)
        else:
            products, verdict = (
                [],
                Validation(
                    False, findings=[Finding(".", 1, None, "the rules folder is missing or empty")]
                ),
            )
        if verdict.ok:
            tests = self._scenarios_to_run(copy, contents, products)
            content = read_folder(copy)  # the child gets what it needs as content
            done = _already_run(requests, digest(content))
            verdict.findings = check_scenarios(
                content, products, [t for t in tests if t not in done], root=str(copy)
            )
            verdict.ok = not verdict.findings
        if not verdict.ok:
            if head is not None:  # the shared version goes live; the local edit waits
                self._go_live_shared(head, Path(tempfile.mkdtemp(dir=tmp, prefix=".head-")))
            return self._refuse(verdict.findings)
        version = verdict.version or ""  # a verdict that passed names its version
        if (
            self._sharing
            and contents != base.tree
            and not self._publish(copy, contents, version, ", ".join(actors))
        ):
            return None
        self._pending, self._contents = None, contents
        if verdict.version == previous:
            return {**answer, "outcome": "unchanged", "version": previous, "errors": []}
        self._go_live(copy, products, version, ", ".join(actors), time.monotonic() - started)
        return {**answer, "outcome": "reloaded", "version": verdict.version, "errors": []}

    def _refuse(self, findings: list[Finding]) -> dict:
        previous = self._next_live or self.service.catalog.version
        self._pending = {
            "detected_at": now().isoformat(),
            "errors": [f.to_dict(self.shown_root) for f in findings],
        }
        log.warning(
            "rules change rejected, still serving %s: %s",
            previous,
            "; ".join(e["text"] for e in self._pending["errors"][:5]),
        )
        return {
            "previous_version": previous,
            "at": now().isoformat(),
            "outcome": "rejected",
            "version": previous,
            "errors": self._pending["errors"],
        }

    def _scenarios_to_run(self, copy: Path, contents: dict[str, str], products) -> list[str]:
        """The scenario files a change can affect (``changes.scenarios_to_run``)."""
        every = [p.relative_to(copy).as_posix() for p in scenario_files(copy)]
        gone = set(self.service.catalog.by_id) - {p.id for p in products}
        return scenarios_to_run(every, self._contents, contents, gone)

    def _go_live(
        self,
        copy: Path | None,
        products,
        version: str,
        actor: str,
        checked_in: float,
        files: dict[str, bytes] | None = None,
    ) -> None:
        """Record ``version`` and serve it: under gunicorn by re-executing the master
        (``reexec_master``, on the SIGHUP that ``check`` sends); else compiled here.
        ``files`` (its product files, already read) stand for ``copy`` and ``products``."""
        recording = time.monotonic()
        if copy is not None and products:  # the next image need not read them again
            self._checked = parsed.of_checked(products, copy, self._contents)
        try:
            self.versions().record(copy or self.root, version, actor=actor, files=files)
        except Exception:  # the record is an audit aid: a full disk must not stop a fix
            log.exception("could not record catalog version %s", version)
        self.reloads += 1
        self._went_live = True
        if self.server is not None:
            self._next_live = version
            log.info(
                "catalog %s decided, by %s, checked in %.2f s, recorded in %.2f s "
                "(%.2f s after the change was noticed); the master re-executes to serve it",
                version,
                actor,
                checked_in,
                time.monotonic() - recording,
                time.time() - self._began,
            )
            return
        compiling = time.monotonic()
        if products is None:  # a shared version, read as content and never linted here
            products = lint_content(files or {}, str(self.root))[0]
        catalog = Catalog(products, version, str(self.root))
        self.service.catalog, self.service.loaded_at = catalog, now()
        self.app.extensions.pop("loanmatch.openapi", None)  # examples name products
        log.info(
            "catalog %s live (%d products), by %s; checked in %.2f s, compiled in %.2f s",
            version,
            len(catalog),
            actor,
            checked_in,
            time.monotonic() - compiling,
        )

    # --- status -----------------------------------------------------------------------
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

    def reexec_master(self) -> None:
        """The arbiter's SIGHUP: re-execute the master into the decided version (or the
        live one, when an operator sent it). Runs in the arbiter's main thread."""
        from .reexec import reexec

        with self._lock:  # a check under way finishes first
            version = self._next_live or self.service.catalog.version
            self._next_live = version
            self._write_status()
            checked = self._folder / "parsed-checked.pickle"
            checked.unlink(missing_ok=True)
            if self._checked:  # the live catalog's were saved at start (``start``)
                parsed.save(checked, self._checked)
            reexec(
                self.server,
                self.state_dir,
                {
                    "version": version,
                    "fallback": self.service.catalog.version,
                    "contents": self._contents,
                    "noticed_at": self._began or time.time(),
                    "parsed": [str(self._folder / "parsed-live.pickle"), str(checked)],
                },
            )

    # --- the watcher ------------------------------------------------------------------
    def start(self, interval: float | None, share: bool = True) -> None:
        """Watch in this process: scan every ``interval`` s (None: requests only), and
        follow the shared catalog when ``share``."""
        self.owner_pid, self.interval = os.getpid(), interval
        self._resume()
        self._sharing = share
        if share:
            self._seen = ""  # compare the folder with the shared version once, now
        self._write_status()
        server = self.server
        if server is not None:  # what the next image of this master need not read
            parsed.save_live_later(
                self._folder / "parsed-live.pickle",
                lambda: len(server.WORKERS) >= server.num_workers,
            )
        self._thread = threading.Thread(target=self._run, name="loanmatch-reload", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        """Look for requests every ``TICK``; look at the shared head when another instance
        announces a move (``_listen``), and at the folder and the head every ``every`` s
        anyway (the fallback for a lost announcement)."""
        next_scan = 0.0
        every = self.interval or (FOLLOW if self._sharing else None)
        try:
            while not self._stop.is_set():
                moved = self._listen(TICK)
                if self._stop.is_set():
                    break
                asked = self._requests().is_dir() and any(self._requests().iterdir())
                if moved or asked or self._carry or (every and time.monotonic() >= next_scan):
                    next_scan = time.monotonic() + (every or 0)
                    try:
                        self.check(scan=bool(asked or self.interval))
                    except Exception:  # the watcher must outlive one bad look
                        log.exception("checking the rules folder failed")
        finally:
            self.unsubscribe()


def _already_run(requests: list[dict], found: str) -> frozenset[str]:
    """The scenario files an editing request already ran on exactly this content."""
    done: frozenset[str] = frozenset()
    for request in requests:
        checked = request.get("checked")
        if isinstance(checked, dict) and isinstance(checked.get("tests"), list):
            done |= Checked(str(checked.get("digest")), tuple(map(str, checked["tests"]))).covers(
                found
            )
    return done


def install(app: Flask, service: ServiceState) -> None:
    """Give the app its ``Reloader`` (idle until ``watch`` or a gunicorn master starts it)."""
    service.reloader = Reloader(app, service)


def watch(app: Flask, server=None, share: bool = True) -> Reloader:
    """Start watching in this process (an embedding app without gunicorn); returns the
    Reloader. ``share`` follows and publishes the shared catalog in Redis."""
    from .state import EXTENSION

    found = app.extensions[EXTENSION].reloader
    found.server = server
    found.record_current()
    found.start(app.extensions[EXTENSION].settings.watch, share)
    return found


def start_in_master(server) -> None:
    """gunicorn's ``when_ready``: the master watches, reloads and re-executes itself.

    gunicorn reads ``./gunicorn.conf.py`` for whatever app it runs from the checkout
    (a portal that mounts loanmatch, say): an app that is not loanmatch's own is left
    alone, since its master holds no catalog to follow.
    """
    from .reexec import adopt
    from .state import EXTENSION

    if not server.cfg.preload_app:
        server.log.warning("hot reload needs preload_app; rules are read once per worker")
        return
    app = server.app.wsgi()
    if EXTENSION not in getattr(app, "extensions", {}):
        server.log.info(
            "%s is not loanmatch's service:app: no rules watcher in the master",
            getattr(server.app, "app_uri", None) or "the app",
        )
        return
    found = watch(app, server)
    server.handle_hup = found.reexec_master
    adopt(server)
    server.log.info(
        "watching %s for rule changes (%s)",
        found.root,
        f"every {found.interval:g} s" if found.interval else "on request only",
    )
