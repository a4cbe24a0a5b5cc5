"""gunicorn settings for loanmatch (``gunicorn.conf.py`` at the repository root imports these).

Sized for a 2-core machine: durable_rules holds the GIL and the engine serializes
evaluations per process, so parallelism comes from processes. Sync workers, one
request at a time each: a gthread worker accepts keep-alive connections for later,
and one that took most of a portal's connections serves them alone on one core
while the others idle, so throughput swings from run to run (figures in
``docs/performance.md``). Sync workers close the
connection after each answer, which a reverse proxy in front hides (it keeps its
own connections to clients). ``LOANMATCH_THREADS`` above 1 switches gunicorn to
gthread (keep-alive, for a deployment without a proxy).

``preload_app`` compiles the catalog once in the master and workers share it
copy-on-write instead of each holding its own copy (``docs/design.md``). Rules reload
without a restart: ``when_ready`` starts the master's watcher (``http_api.watching``),
which checks a change and then re-executes the master in place (``http_api.reexec``;
SIGHUP does the same), so a fresh image compiles the new catalog and forks fresh
workers while the old ones finish their requests. The control socket (``gunicornc``)
lives in the instance's data folder, so instances on one host never share one. Every
value can be overridden from the environment or the gunicorn command line.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile

_cores = os.cpu_count() or 1

bind = [os.environ.get("LOANMATCH_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("LOANMATCH_WORKERS", _cores + 1))
threads = int(os.environ.get("LOANMATCH_THREADS", 1))  # above 1: gthread (see above)
worker_class = "sync"
preload_app = True
timeout = int(os.environ.get("LOANMATCH_TIMEOUT", 60))  # a 1,000-profile batch at 3,000 products
graceful_timeout = 30
keepalive = 5
max_requests = 20000  # a worker is re-forked from the preloaded master: cheap
max_requests_jitter = 2000
limit_request_line = 8190
logger_class = "http_api.logs.GunicornJsonLogger"
accesslog = os.environ.get("LOANMATCH_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOANMATCH_LOG_LEVEL", "info").lower()
proc_name = "loanmatch"


def _control_socket(data_dir: str) -> str:
    """``<data dir>/gunicorn.ctl``; a Unix socket path has at most 107 bytes, so a data
    folder deeper than that gets a socket in the temporary folder named after it."""
    folder = os.path.abspath(data_dir)
    path = os.path.join(folder, "gunicorn.ctl")
    if len(path.encode()) <= 100:
        return path
    digest = hashlib.sha256(folder.encode()).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"loanmatch-{digest}.ctl")


control_socket = _control_socket(os.environ.get("LOANMATCH_DATA_DIR") or "var")

# Prometheus counts from every worker, summed at scrape time. The directory must
# exist, empty, before the app (and prometheus_client) is imported: this file is read
# first, so it is set here unless the operator chose one.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="loanmatch-metrics-")
    os.environ["LOANMATCH_METRICS_TMP"] = os.environ["PROMETHEUS_MULTIPROC_DIR"]
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
if os.environ.get("LOANMATCH_METRICS_TMP") == os.environ["PROMETHEUS_MULTIPROC_DIR"]:
    # Ours (also after a re-exec of the master, which keeps the variables).
    _metrics_dir, _master = os.environ["PROMETHEUS_MULTIPROC_DIR"], os.getpid()

    def _remove_metrics_dir() -> None:
        """When the master exits, however it exits (a worker's exit must not)."""
        if os.getpid() == _master:
            shutil.rmtree(_metrics_dir, True)

    atexit.register(_remove_metrics_dir)


def on_starting(server):
    from http_api.reexec import handoff

    if handoff() is not None:
        return  # a re-exec: the old workers still count, and their counts are this run's
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    for name in os.listdir(folder):  # counts of a previous run are not this run's
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))


def when_ready(server):
    from http_api.watching import start_in_master

    start_in_master(server)


def post_worker_init(worker):
    from http_api.gunicorn_errors import install

    install()  # a header over the limit gets a problem+json 431, not gunicorn's HTML


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
