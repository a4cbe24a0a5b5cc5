"""loanmatch's HTTP API: one Flask blueprint per concern, assembled by ``service.create_app``.

Modules: ``match`` and ``products`` (the API), ``admin`` (operators), ``ops``
(health, readiness, metrics), ``openapi`` (spec and docs page), ``openapi_operations``
(every endpoint's operation), ``auth`` (API keys and roles), ``ratelimit``,
``problems`` (RFC 9457 errors), ``logs`` (request ids, JSON lines), ``inputs``
(reading bodies and query options), ``schemas`` (marshmallow documents), ``readable``
(rules in words), ``settings`` (``LOANMATCH_*``), ``state`` (what one app holds),
``factory`` (assembly), ``gunicorn_conf``.

Leads: ``leads`` (the endpoints, over the ``leads`` library), ``lead_service`` (the
per-process ``LeadStore``, the embedded Redis, approval rates for ranking),
``lead_schemas`` and ``lead_operations`` (their documents, their operations),
``lead_application`` (reading an application, every problem at once),
``error_messages`` (field errors in zh and en); docs/leads.md.

Rule changes: ``editing`` (a bank publishes, retires and previews its products),
``drafts`` (a draft rule file read and checked in the live catalog's context),
``reload`` (checked changes go live through fresh gunicorn workers; its mixins
``asking``: workers' requests and the master's answers, ``watching``: the watcher
thread and gunicorn's hooks, ``following``: the shared catalog in Redis),
``replay`` (``POST /v1/match?catalog_version=``), ``bank_versions`` (a bank's own
versions and diffs), ``rules_schemas`` and ``rules_operations`` (their documents, their
operations); docs/bank-staff.md. Checking a folder (``matcher.authoring.validation``)
and the folder on disk (``matcher.authoring.rulefiles``) are not HTTP and live in
``matcher``.
"""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("loanmatch")
except metadata.PackageNotFoundError:  # run from a clone without `pip install`
    __version__ = "0.1.0+clone"
