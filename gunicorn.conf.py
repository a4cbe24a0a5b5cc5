"""gunicorn settings: ``gunicorn -c gunicorn.conf.py service:app`` (``loanmatch serve`` uses them).

The settings live in ``http_api/gunicorn_conf.py`` so an installed package has them
too; see there for the reasons behind each value. Environment: LOANMATCH_BIND
(127.0.0.1:8000), LOANMATCH_WORKERS (cores + 1), LOANMATCH_THREADS (1),
LOANMATCH_TIMEOUT (60 s), LOANMATCH_ACCESS_LOG (- for stdout), PROMETHEUS_MULTIPROC_DIR.
"""

from http_api.gunicorn_conf import *  # noqa: F401,F403
from http_api.gunicorn_conf import child_exit, on_starting, post_worker_init  # noqa: F401
