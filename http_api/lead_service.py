"""What one app holds for leads: its ``LeadStore``, made lazily, once per process.

Nothing touches Redis when the app is built, so matching never waits on it and an
app can be built where Redis is down. The store is made on the first lead request
(or readiness probe) *in the process that serves it*: redis-py's connection pools
must not cross a fork, and gunicorn forks its workers after building the app
(``preload_app``). The embedded Redis is the exception: it is a server, not a
connection, and must be started once, by the gunicorn master before it forks
(``start_embedded``, called from ``service:app``); see ``leads/embedded.py``.

Ranking reads approval rates through ``approval_rates``, a snapshot taken before
matching; it never starts the embedded server, and after a failure it stops asking for
a few seconds, so a Redis that is down or slow costs matching nothing but neutral
approval scores.

Branch files are read when the app is built (a broken one stops the start) and read
again when one changes (checked every few seconds, on lead requests): caps can be
raised without a restart. A broken edit is logged and the branches before it stay.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import redis
from flask import current_app

from leads import (
    Branch,
    BranchFileError,
    LeadError,
    LeadStore,
    StoreUnavailable,
    connect,
    embedded,
    load_branches,
)
from leads.outcomes import ApprovalRates
from matcher.rulefile import layout

log = logging.getLogger("loanmatch.leads")
EXTENSION = "loanmatch.leads"
RATES_PAUSE = 5.0  # seconds ranking goes without approval rates after Redis failed it
BRANCH_CHECK = 5.0  # seconds between looks for changed branch files


class LeadService:
    def __init__(self, settings: Any, branches: Mapping[str, Sequence[Branch]] | None = None):
        """Raises ``BranchFileError`` (every problem as file:line) when ``branches`` is not
        given and the rules folder's branch files do not load."""
        self.settings = settings
        self._branch_stamp = _stamp(Path(settings.rules))
        self._next_branch_check = time.monotonic() + BRANCH_CHECK
        self.branches = dict(
            branches if branches is not None else load_branches(Path(settings.rules))
        )
        self._lock = threading.Lock()
        self._store: LeadStore | None = None
        self._pid: int | None = None
        self._rates_paused_until = 0.0
        self._next_overflow = 0.0

    @property
    def embedded(self) -> bool:
        return not self.settings.redis_url

    @property
    def data_dir(self) -> Path:
        return Path(self.settings.data_dir)

    def where(self) -> str:
        """Where leads are kept, for operators (never the URL: it may hold a password)."""
        if self.embedded:
            return f"embedded Redis in {self.data_dir.resolve()}"
        return "Redis at LOANMATCH_REDIS_URL"

    def store(self) -> LeadStore:
        """This process's store; raises ``StoreUnavailable`` when the embedded server cannot
        start (a URL client connects on first use, so a Redis that is down shows there)."""
        store, pid = self._store, os.getpid()
        if store is not None and self._pid == pid:
            return store
        with self._lock:
            if self._store is None or self._pid != pid:
                client = connect(self.settings.redis_url, self.data_dir)
                self._store = LeadStore(
                    client,
                    self.branches,
                    prefix=self.settings.redis_prefix,
                    dedup_window=timedelta(days=self.settings.lead_dedup_days),
                    visibility_timeout=timedelta(seconds=self.settings.lead_visibility_timeout),
                )
                self._pid = pid
            return self._store

    def running_store(self) -> LeadStore | None:
        """The store if one can be used without starting a server (ranking's case)."""
        if self._store is not None and self._pid == os.getpid():
            return self._store
        if self.embedded and embedded.socket_path(self.data_dir) is None:
            return None
        return self.store()

    def unavailable(self, err: StoreUnavailable) -> None:
        """Redis failed a request. An embedded server may have stopped (its owner exited):
        drop the client so that the next request attaches to, or starts, a live one."""
        log.warning("leads: %s: %s", self.where(), err)
        if self.embedded:
            with self._lock:
                self._store = None

    def start_embedded(self) -> None:
        """Start the embedded Redis in this process, to be shared by the processes it forks
        (the gunicorn master under ``preload_app``). A failure is logged, not raised:
        matching does not need Redis, and lead requests answer 503 until it runs."""
        if not self.embedded:
            return
        try:
            socket = embedded.start(self.data_dir)
        except StoreUnavailable as err:
            log.error("leads: %s", err)
            return
        log.info("leads: embedded Redis on %s, data in %s", socket, self.data_dir.resolve())

    def set_branches(self, branches: Mapping[str, Sequence[Branch]]) -> None:
        """New branch files (a reload): used by this process's store from now on."""
        self.branches = dict(branches)
        if self._store is not None:
            self._store.set_branches(self.branches)

    def refresh_branches(self) -> None:
        """Read the branch files again if one changed since they were read."""
        now = time.monotonic()
        if now < self._next_branch_check:
            return
        self._next_branch_check = now + BRANCH_CHECK
        stamp = _stamp(Path(self.settings.rules))
        if stamp == self._branch_stamp:
            return
        self._branch_stamp = stamp
        try:
            branches = load_branches(Path(self.settings.rules))
        except BranchFileError as err:
            log.error(
                "leads: branch files changed but do not load; the previous ones stay in use:\n%s",
                err,
            )
            return
        self.set_branches(branches)
        log.info("leads: branch files read again: %s", ", ".join(sorted(branches)) or "none")

    def readiness(self) -> tuple[bool, str]:
        try:
            ok, detail = self.store().readiness()
        except StoreUnavailable as err:
            ok, detail = False, str(err)
        return ok, f"{self.where()}: {detail}"

    def route_overflow_if_due(self) -> None:
        """Route queued leads into freed capacity, at most every LOANMATCH_OVERFLOW_EVERY
        seconds across all processes; run on lead requests, so no scheduler is needed.
        A failure here is logged and never fails the request that triggered it."""
        now = time.monotonic()
        if now < self._next_overflow:
            return
        self._next_overflow = now + self.settings.overflow_every
        try:
            moved = self.store().route_overflow_if_due(
                timedelta(seconds=self.settings.overflow_every)
            )
        except StoreUnavailable:
            raise  # the request itself cannot be served either
        except Exception:  # noqa: BLE001 - maintenance must not break a lead request
            log.exception("leads: routing the overflow queues failed")
            return
        if moved and any(moved.values()):
            log.info("leads: routed queued leads %s", moved)

    def approval_rates(self, product_ids: Sequence[str]) -> ApprovalRates | None:
        """For ``Catalog.match``: the products' approval counts as one snapshot (one GET
        when nothing was decided since they were read), or None (neutral scores) when
        the store is not there to ask. A batch ranks every profile on the same one."""
        store = self._rates_store()
        if store is None:
            return None
        try:
            return store.approval_snapshot(product_ids)
        except (LeadError, redis.RedisError) as err:
            self._rates_failed(err)
            return None

    def _rates_store(self):
        if time.monotonic() < self._rates_paused_until:
            return None
        try:
            return self.running_store()
        except LeadError:
            return None

    def _rates_failed(self, err: Exception) -> None:
        self._rates_paused_until = time.monotonic() + RATES_PAUSE
        if isinstance(err, StoreUnavailable):
            self.unavailable(err)
        else:
            log.error("leads: approval rates failed: %s", err)


def ranking_rates(product_ids: Sequence[str]) -> ApprovalRates | None:
    """``LeadService.approval_rates`` of the current app, or None when it serves no leads
    (an app assembled without the leads blueprint)."""
    service = current_app.extensions.get(EXTENSION)
    return service.approval_rates(product_ids) if service is not None else None


def _stamp(rules: Path) -> tuple:
    """What changes when a branch file is added, removed or edited."""
    found = []
    for path in layout.files_of(rules, [layout.BRANCHES]):
        try:
            info = path.stat()
        except OSError:
            continue
        found.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(found)
