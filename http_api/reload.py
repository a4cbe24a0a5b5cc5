"""Hot reload: a rules change is checked first, then served by fresh worker processes.

Under gunicorn (``preload_app``) the master owns a ``Reloader``: its watcher thread
(``http_api.watching``) notices a change to the rules folder, and the ``Reloader``
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
swaps its catalog in place under a lock: simple, and it leaks.

``Reloader`` is the one class callers use; its other concerns are mixins of their own:
how workers ask and read the answers (``http_api.asking``), the watcher thread and
gunicorn's hooks (``http_api.watching``), and the shared catalog of several instances,
in Redis (``http_api.following``).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.authoring.changes import scenarios_to_run
from matcher.authoring.rulefiles import fingerprint, manifest, rules_lock, stage
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
from .asking import Asking, now
from .following import Following
from .watching import Watching
from .working_copy import Base

if TYPE_CHECKING:
    from flask import Flask

    from .state import ServiceState

log = logging.getLogger("loanmatch.reload")


def versions_folder(settings) -> Path:
    """Where versions are recorded: ``LOANMATCH_VERSIONS_DIR``, else under the data folder
    (``var/catalog-versions`` by default, where ``loanmatch diff`` looks)."""
    return Path(settings.versions_dir or Path(settings.data_dir) / "catalog-versions")


class Reloader(Asking, Watching, Following):
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

    def versions(self):
        """The record of versions that went live (``matcher.authoring.versions.VersionStore``)."""
        return VersionStore(self.versions_dir)

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

    # --- the decision ---------------------------------------------------------------
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
            self._answer(requests, answer)
            if self._went_live and self.server is not None:
                # The arbiter's main thread handles signals; aim at it so it wakes now.
                main = threading.main_thread().ident
                if main is not None:  # it runs (it is the arbiter), so it has an ident
                    signal.pthread_kill(main, signal.SIGHUP)

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

    # --- going live under gunicorn ---------------------------------------------------
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
