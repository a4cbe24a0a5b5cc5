"""``POST /v1/match?catalog_version=…``: answer as a catalog that went live earlier did.

Every match result names its ``catalog_version``; a complaint about a decision is
settled by replaying the profile against exactly those rules, from the snapshot the
version store kept (``matcher.authoring.versions``). The snapshot is compiled into durable_rules
like the live catalog — same engine, same answer — in the worker that is asked.

Memory: a compiled catalog is never freed (``docs/design.md``), so each worker keeps at most
``LOANMATCH_REPLAY_CACHE`` (default 2) recorded versions compiled, and each costs what
the live catalog costs (``docs/performance.md``). A
version pushed out of the cache stays in memory; a gunicorn worker that has compiled
``RECYCLE_FACTOR`` times its cache size stops gracefully after answering, and the
master forks a fresh one, so replays cannot grow a worker without bound.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from flask import Flask, after_this_request, current_app, g, request
from werkzeug.datastructures import ImmutableMultiDict

from matcher.authoring.versions import VERSION, VersionError
from matcher.catalog import load_catalog

from .auth import authenticate
from .problems import Problem, field_errors
from .state import REPLAY_CATALOG, state

if TYPE_CHECKING:
    from matcher.catalog import Catalog

log = logging.getLogger("loanmatch.replay")
PARAMETER = "catalog_version"
REPLAYED = ("match.match", "match.batch")
RECYCLE_FACTOR = 4
EXTENSION = "loanmatch.replay"


class ReplayCache:
    """Recorded versions compiled on demand; the most recently used few are kept."""

    def __init__(self, size: int):
        self.size = size
        self.compiled = 0
        self._catalogs: OrderedDict[str, Catalog] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: str, store, elsewhere=None) -> Catalog | None:
        """The catalog of ``version``, or None when neither the store keeps it nor
        ``elsewhere(version)`` (the shared catalog of several instances) has its files."""
        with self._lock:  # one compile at a time: two threads asking compile it once
            if version in self._catalogs:
                self._catalogs.move_to_end(version)
                return self._catalogs[version]
            folder = store.snapshot_path(version) or (elsewhere and elsewhere(version))
            if folder is None:
                return None
            catalog = load_catalog(folder)
            self.compiled += 1
            self._catalogs[version] = catalog
            while len(self._catalogs) > self.size:
                dropped, _ = self._catalogs.popitem(last=False)
                log.info(
                    "replay catalog %s dropped from the cache (its memory is not "
                    "returned until this worker is replaced)",
                    dropped,
                )
            return catalog

    @property
    def worn_out(self) -> bool:
        return self.compiled >= RECYCLE_FACTOR * max(self.size, 1)


def _not_kept(version: str, why: str) -> Problem:
    return Problem(
        404,
        "not-found",
        f"catalog version '{version}' is {why}; a result can be replayed while its version is kept",
    )


def _replay() -> None:
    if request.endpoint not in REPLAYED or PARAMETER not in request.args:
        return
    authenticate()  # who may match may replay; nobody learns which versions exist without a key
    wanted = request.args.get(PARAMETER, "").strip()
    request.args = ImmutableMultiDict(
        [(k, v) for k, v in request.args.items(multi=True) if k != PARAMETER]
    )
    service = state()
    if wanted == service.catalog.version:
        return  # the live catalog: nothing to replay
    if not VERSION.match(wanted):
        raise Problem(
            422,
            "invalid-options",
            "invalid query parameters; see errors",
            errors=field_errors(
                {PARAMETER: ["a catalog version such as sha256:0123456789abcdef"]}, location="query"
            ),
        )
    cache: ReplayCache = current_app.extensions[EXTENSION]
    if cache.size == 0:
        raise _not_kept(wanted, "not replayed here (LOANMATCH_REPLAY_CACHE=0)")
    store = service.reloader.versions()
    if not store.directory.is_dir():
        raise _not_kept(wanted, "not recorded")
    try:
        catalog = cache.get(wanted, store, _from_shared(service, store))
    except VersionError as exc:
        log.error("replay of %s failed: %s", wanted, exc)
        raise _not_kept(wanted, "recorded but its files are damaged") from None
    if catalog is None:
        raise _not_kept(wanted, "not recorded or no longer kept")
    setattr(g, REPLAY_CATALOG, catalog)
    if cache.worn_out and not service.reloader.owns():

        @after_this_request
        def _recycle(response):  # a gunicorn worker: finish this answer, then be replaced
            log.info(
                "worker %d compiled %d replay catalogs; stopping gracefully",
                os.getpid(),
                cache.compiled,
            )
            os.kill(os.getpid(), signal.SIGTERM)
            return response


def _from_shared(service, store):
    """Where a version another instance served is found: the shared catalog, if followed."""
    if not service.reloader.sharing:
        return None

    def find(version: str):
        from .shared_catalog import SharedCatalog

        try:
            shared = SharedCatalog.connect(service.settings)
            return shared.snapshot(version, store.directory / "shared-snapshots")
        except Exception as exc:  # noqa: BLE001 - Redis down: the version is not found here
            log.warning("replay of %s: the shared catalog did not answer (%s)", version, exc)
            return None

    return find


def install(app: Flask) -> None:
    """Answer ``catalog_version`` on the match endpoints (after the rate limit, before them)."""
    app.extensions[EXTENSION] = ReplayCache(app.extensions["loanmatch"].settings.replay_cache)
    app.before_request(_replay)
