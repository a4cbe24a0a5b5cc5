"""The watcher: the thread that looks for rule changes, and the hooks that start it.

Under gunicorn (``preload_app``) the master owns the ``Reloader`` (``http_api.reload``):
its thread watches the rules folder (a scan every ``LOANMATCH_WATCH`` seconds; reload
requests at once), started by gunicorn's ``when_ready`` (``start_in_master``). Without
gunicorn (tests, an embedding portal) ``watch`` starts it in the process that serves. A
watching reloader also follows and publishes the shared catalog of several instances
(``http_api.following``): between looks it waits on the shared catalog's Redis channel.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import parsed

if TYPE_CHECKING:
    from flask import Flask

    from .reload import Reloader

log = logging.getLogger("loanmatch.reload")
TICK = 0.2  # seconds between looks for reload requests
FOLLOW = 1.0  # seconds between looks at the shared catalog when the folder is not watched


class Watching:
    """Mixed into ``Reloader``: its thread, which calls ``check`` when there is cause."""

    server: Any  # the gunicorn arbiter, when the master owns the Reloader
    owner_pid: int
    interval: float | None
    _sharing: bool
    _seen: str
    _carry: list[dict]
    _stop: threading.Event
    _thread: threading.Thread | None

    if TYPE_CHECKING:  # the Reloader's and its other mixins'

        @property
        def _folder(self) -> Path: ...

        def _requests(self) -> Path: ...

        def _resume(self) -> None: ...

        def _write_status(self) -> None: ...

        def _listen(self, timeout: float) -> bool: ...

        def unsubscribe(self) -> None: ...

        def check(self, scan: bool = True) -> None: ...

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
