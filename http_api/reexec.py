"""A new catalog goes live under gunicorn by re-executing the master in place.

durable_rules never frees a compiled ruleset, so a master that compiled each new
catalog beside the old one grew by a catalog's worth of memory per publish, for good.
Instead, once a change has passed its checks, the master replaces its own process
image (``execve``, same pid): the fresh image compiles only the version it was handed,
forks fresh workers, and then retires the previous image's workers gracefully (they
finish the requests they hold). Nothing of the old catalog survives the exec, so the
master's memory after any number of publishes is what it was after the first.

Why in place and not gunicorn's USR2 (fork a new master, then stop the old one): the
pid stays the same, so a supervisor, a container's PID 1 or a test that started the
master keeps its process. The listening sockets cross the exec with the systemd
socket-activation protocol (``LISTEN_PID``/``LISTEN_FDS``, which gunicorn reads), so
no connection is refused meanwhile: the old workers keep accepting until the new ones
are up. What the old image knew is handed over in a small JSON file named by
``LOANMATCH_HANDOFF``: the version to boot (already checked and recorded in the
version store), the one before it as a fallback, the workers to retire, and the
reloader's view of the folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

from matcher.authoring.rulefiles import write_atomically

log = logging.getLogger("loanmatch.reload")
HANDOFF_ENV = "LOANMATCH_HANDOFF"
FIRST_FD = 3  # SD_LISTEN_FDS_START
SETTLE = 1.0  # seconds the new workers get to start accepting before the old ones stop


def handoff() -> dict[str, Any] | None:
    """What the previous image of this process handed over, or None on a fresh start."""
    path = os.environ.get(HANDOFF_ENV)
    if not path:
        return None
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if doc.get("pid") == os.getpid() else None


def since_noticed(doc: dict[str, Any] | None = None) -> str:
    """``"4.20 s"``: how long ago the change this image serves was noticed (for the log)."""
    noticed = (doc if doc is not None else handoff() or {}).get("noticed_at")
    return f"{time.time() - noticed:.2f} s" if isinstance(noticed, (int, float)) else "?"


def boot_catalog(settings):
    """The catalog to serve at start: the version handed over by a re-exec (from the
    version store, exactly as it was checked), else the rules folder as it is."""
    from matcher.authoring.versions import VersionError, VersionStore
    from matcher.catalog import CatalogError, load_catalog
    from matcher.rulefile.layout import PRODUCT, read_folder

    from . import parsed
    from .reload import versions_folder

    doc = handoff()
    root = Path(settings.rules)
    if doc is not None:
        store = VersionStore(versions_folder(settings))
        known = parsed.load(*map(Path, doc.get("parsed") or []))
        for version in (doc.get("version"), doc.get("fallback")):
            try:
                started = time.monotonic()
                files = store.contents(version) if version else None
                if files is not None:
                    catalog = parsed.catalog_of(files, str(root), known)
                    log.info(
                        "re-exec: catalog %s loaded in %.2f s, %.2f s after the exec "
                        "(%s after the change was noticed)",
                        version,
                        time.monotonic() - started,
                        time.time() - float(doc.get("exec_at") or time.time()),
                        since_noticed(doc),
                    )
                    return catalog
            except (CatalogError, VersionError, OSError) as exc:
                log.error(
                    "re-exec: version %s did not load (%s); trying the previous one", version, exc
                )
    if root.is_dir():  # read as content, so that a re-exec need not read it again
        return parsed.catalog_of(read_folder(root, [PRODUCT]), str(root))
    return load_catalog(root)


def reexec(server, state_dir: Path, doc: dict[str, Any]) -> None:
    """Replace this master's image with a fresh one booting ``doc["version"]``; no return.

    Call it from the arbiter's main thread (a signal handler of its loop), where no
    worker is half-spawned.
    """
    from leads import embedded

    previous = handoff() or {}
    retiring = [pid for pid in previous.get("old_workers", []) if _child(pid)]
    doc = {
        **doc,
        "pid": os.getpid(),
        "old_workers": sorted({*server.WORKERS, *retiring}),
        "embedded_redis": embedded.owned_folders(),
        "exec_at": time.time(),
    }
    path = state_dir / "reload" / "handoff.json"
    write_atomically(path, json.dumps(doc, ensure_ascii=False).encode())
    with contextlib.suppress(Exception):
        server._stop_control_server()  # the new image opens it again
    env = dict(os.environ)
    env[HANDOFF_ENV] = str(path)
    listeners = [lnr.fileno() for lnr in server.LISTENERS]
    # Move the sockets out of the way, then onto 3, 4, …: the protocol's places.
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, FIRST_FD + len(listeners)) for fd in listeners]
    for offset, fd in enumerate(high):
        os.dup2(fd, FIRST_FD + offset, inheritable=True)
    env.update(LISTEN_PID=str(os.getpid()), LISTEN_FDS=str(len(listeners)))
    server.log.info(
        "re-executing the master for catalog %s (%s after the change was noticed); "
        "%d old workers finish their requests",
        doc.get("version"),
        since_noticed(doc),
        len(doc["old_workers"]),
    )
    for handler in logging.getLogger().handlers + logging.getLogger("gunicorn.error").handlers:
        with contextlib.suppress(Exception):
            handler.flush()
    os.chdir(server.START_CTX["cwd"])
    os.execvpe(server.START_CTX[0], _command(server.START_CTX["args"]), env)


def _command(args: list[str]) -> list[str]:
    """The master's command line again. Started as ``python -m gunicorn``, its argv names
    ``gunicorn/__main__.py``: run as a script, that would put gunicorn's own folder first
    on ``sys.path`` (where ``http`` is gunicorn's, not the standard library's)."""
    if len(args) > 1 and Path(args[1]).name == "__main__.py":
        return [args[0], "-m", Path(args[1]).parent.name, *args[2:]]
    return list(args)


def adopt(server) -> None:
    """In the new image: take over what the previous one owned (the embedded Redis, which
    it stops at exit), and stop the previous image's workers once ours run."""
    from leads import embedded

    for folder in (handoff() or {}).get("embedded_redis", []):
        embedded.adopt(folder)
    retire_old_workers(server)


def retire_old_workers(server, timeout: float | None = None) -> None:
    """In the new image: once its own workers run, stop the previous image's gracefully
    (SIGTERM: they finish their requests), and kill what is left after ``timeout``."""
    doc = handoff()
    pids = [pid for pid in (doc or {}).get("old_workers", []) if _child(pid)]
    if not pids:
        return
    limit = server.cfg.graceful_timeout if timeout is None else timeout

    def run() -> None:
        deadline = time.monotonic() + 30
        while len(server.WORKERS) < server.num_workers and time.monotonic() < deadline:
            time.sleep(0.05)
        server.log.info(
            "%d fresh workers forked (%s after the change was noticed); the old ones stop in %g s",
            len(server.WORKERS),
            since_noticed(doc),
            SETTLE,
        )
        time.sleep(SETTLE)
        for pid in pids:
            _signal(pid, signal.SIGTERM)
        stop_at = time.monotonic() + limit
        while any(_child(pid) for pid in pids) and time.monotonic() < stop_at:
            time.sleep(0.1)
        for pid in pids:
            if _child(pid):
                _signal(pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            from prometheus_client import multiprocess

            for pid in pids:
                multiprocess.mark_process_dead(pid)

    threading.Thread(target=run, name="loanmatch-retire", daemon=True).start()


def _child(pid: int) -> bool:
    """Whether ``pid`` is a live child of this process (not a recycled pid, not a zombie)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] != "Z" and int(fields[1]) == os.getpid()


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
