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
without a restart: ``when_ready`` starts the master's
watcher (``http_api.reload``), which checks a change, compiles it in the master and
sends the master SIGHUP, so fresh workers fork with the new catalog while the old
ones finish their requests. Every value can be overridden from the environment or
the gunicorn command line.
"""
from __future__ import annotations

import atexit
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
max_requests = 20000          # a worker is re-forked from the preloaded master: cheap
max_requests_jitter = 2000
limit_request_line = 8190
logger_class = "http_api.logs.GunicornJsonLogger"
accesslog = os.environ.get("LOANMATCH_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOANMATCH_LOG_LEVEL", "info").lower()
proc_name = "loanmatch"

# Prometheus counts from every worker, summed at scrape time. The directory must
# exist, empty, before the app (and prometheus_client) is imported: this file is read
# first, so it is set here unless the operator chose one.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _metrics_dir, _master = tempfile.mkdtemp(prefix="loanmatch-metrics-"), os.getpid()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir
    def _remove_metrics_dir() -> None:
        """When the master exits, however it exits (a worker's exit must not)."""
        if os.getpid() == _master:
            shutil.rmtree(_metrics_dir, True)

    atexit.register(_remove_metrics_dir)
else:
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    for name in os.listdir(folder):  # counts of a previous run are not this run's
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))


def when_ready(server):
    from http_api.reload import start_in_master
    start_in_master(server)


def post_worker_init(worker):
    from http_api.gunicorn_errors import install
    install()  # a header over the limit gets a problem+json 431, not gunicorn's HTML


def child_exit(server, worker):
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)

