"""One real gunicorn instance of the service, for tests that need the master and its workers.

A test gives it a rules folder and a data folder (and, for several instances, one Redis
URL and key prefix); it starts ``gunicorn -c gunicorn.conf.py service:app`` on a free
port and waits until the master watches the rules. ``kill()`` is a SIGKILL of the master
and its workers, as a crashed host would see it. PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.gunicorn import clean_env, free_port
from tests.support.paths import REPO


def call(
    base: str,
    path: str,
    key: str,
    body=None,
    method=None,
    content_type="application/json",
    timeout=30,
):
    """(status, JSON document, headers) of one request."""
    data = (
        None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    )
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read()), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), error.headers


class Instance:
    """gunicorn over ``rules`` with its data in ``data``; ``env`` adds LOANMATCH_* settings."""

    def __init__(
        self,
        rules: Path,
        data: Path,
        keys: str,
        admin_key: str,
        env: dict[str, str] | None = None,
        workers: int = 2,
    ):
        self.rules, self.data = Path(rules), Path(data)
        self.keys, self.admin_key = keys, admin_key
        self.extra = dict(env or {})
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = self.data.parent / f"gunicorn-{self.port}.log"

    def start(self, wait: float = 60) -> Instance:
        env = clean_env(
            LOANMATCH_RULES=str(self.rules),
            LOANMATCH_API_KEYS=self.keys,
            LOANMATCH_DATA_DIR=str(self.data),
            LOANMATCH_BIND=f"127.0.0.1:{self.port}",
            LOANMATCH_WORKERS=str(self.workers),
            LOANMATCH_RATE_LIMIT="off",
            LOANMATCH_ACCESS_LOG="/dev/null",
            **self.extra,
        )
        env.pop("XDG_RUNTIME_DIR", None)  # gunicorn's default control socket would go there
        self.data.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service:app"],
                cwd=REPO,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited: {self.tail()}")
            try:
                if self.admin("/v1/admin/catalog")[1].get("watching"):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not start watching in time: {self.tail()}")

    def tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def admin(self, path: str):
        return call(self.base, path, self.admin_key)

    @property
    def master_pid(self) -> int:
        return self.process.pid

    def master_rss_kib(self) -> int:
        """The master's resident memory (VmRSS), in KiB."""
        for line in Path(f"/proc/{self.master_pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS for the master")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL the master and every process of its session (its workers)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=15)
