"""loanmatch's HTTP API: one Flask blueprint per concern, assembled by ``service.create_app``.

Modules: ``match`` and ``products`` (the API), ``admin`` (operators), ``ops``
(health, readiness, metrics), ``openapi`` (spec and docs page), ``auth`` (API keys
and roles), ``ratelimit``, ``problems`` (RFC 9457 errors), ``logs`` (request ids,
JSON lines), ``inputs`` (reading bodies and query options), ``schemas``
(marshmallow documents), ``readable`` (rules in words), ``settings`` (``LOANMATCH_*``),
``state`` (what one app holds), ``factory`` (assembly), ``gunicorn_conf``.

Adding the leads endpoints: write ``http_api/leads.py`` with a blueprint, guard it
with ``auth.protect(bp)`` and ``auth.require_bank`` on bank views (or
``protect(bp, role="admin")``), add it to ``API_BLUEPRINTS`` below, describe its
operations in ``openapi.OPERATIONS`` (a test fails until you do), and make
``/readyz`` wait for Redis with ``state.add_readiness_check(app, "redis", check)``.
"""
from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("loanmatch")
except metadata.PackageNotFoundError:  # run from a clone without `pip install`
    __version__ = "0.1.0+clone"

# "module:attribute" of each API blueprint, registered in this order by the factory.
API_BLUEPRINTS = (
    "http_api.match:bp",
    "http_api.products:bp",
    "http_api.admin:bp",
    # "http_api.leads:bp",  ← the leads library's endpoints go here
)
