"""Operations endpoints: ``/healthz``, ``/readyz``, ``/metrics`` (no key needed).

``/healthz`` says the process answers; ``/readyz`` says it should get traffic (the
catalog is loaded, and every registered check passes: the leads library adds
Redis). ``/metrics`` is Prometheus text: request latency by endpoint, profiles
matched, product answers by status, and the catalog's size and version. Under
gunicorn the counts of every worker are summed through ``PROMETHEUS_MULTIPROC_DIR``
(``gunicorn.conf.py`` sets it); the catalog figures are read from the catalog
itself at scrape time, identical in every worker since it was compiled before fork.
"""

from __future__ import annotations

import os
import time

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily

from .state import ServiceState, state

bp = Blueprint("ops", __name__)
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class CatalogCollector:
    """The catalog as gauges, read when scraped (so never stale, never per-process)."""

    def __init__(self, service: ServiceState):
        self.service = service

    def collect(self):
        catalog = self.service.catalog
        yield GaugeMetricFamily(
            "loanmatch_catalog_products", "Products in the loaded catalog", value=len(catalog)
        )
        yield GaugeMetricFamily(
            "loanmatch_catalog_loaded_timestamp_seconds",
            "When the catalog was compiled (Unix time)",
            value=self.service.loaded_at.timestamp(),
        )
        yield InfoMetricFamily(
            "loanmatch_catalog",
            "The loaded catalog's content version",
            value={"version": catalog.version},
        )


class Metrics:
    def __init__(self, service: ServiceState):
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        self.registry = CollectorRegistry()
        self.catalog = CatalogCollector(service)
        self.registry.register(self.catalog)
        self.latency = Histogram(
            "loanmatch_http_request_duration_seconds",
            "Time to answer a request",
            ["endpoint", "method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.profiles = Counter(
            "loanmatch_profiles_total",
            "Profiles received, by endpoint and outcome (matched or invalid)",
            ["endpoint", "outcome"],
            registry=self.registry,
        )
        self.answers = Counter(
            "loanmatch_product_answers_total",
            "Product answers given in matches, by status "
            "(eligible, ineligible, incomplete, near_miss)",
            ["status"],
            registry=self.registry,
        )

    def count_match(self, summary: dict) -> None:
        for status in ("eligible", "ineligible", "incomplete"):
            if summary.get(status):
                self.answers.labels(status).inc(summary[status])
        if summary.get("near_misses"):
            self.answers.labels("near_miss").inc(summary["near_misses"])

    def exposition(self) -> bytes:
        if not self.multiprocess:
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(self.catalog)
        return generate_latest(registry)


def install(app: Flask, service: ServiceState) -> Metrics:
    metrics = Metrics(service)
    app.extensions["loanmatch.metrics"] = metrics

    @app.before_request
    def _start_clock():
        g._started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("_started", None)
        if started is not None:
            metrics.latency.labels(
                request.endpoint or "unmatched", request.method, str(response.status_code)
            ).observe(time.perf_counter() - started)
        return response

    app.register_blueprint(bp)
    return metrics


def metrics() -> Metrics:
    return current_app.extensions["loanmatch.metrics"]


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    service = state()
    checks = {
        "catalog": {
            "ok": len(service.catalog) > 0,
            "detail": f"{len(service.catalog)} products, {service.catalog.version}",
        }
    }
    for name, check in service.readiness.items():
        try:
            ok, detail = check()
        except Exception as exc:  # a check that raises means "not ready", never a 500
            ok, detail = False, f"check failed: {type(exc).__name__}"
        checks[name] = {"ok": bool(ok), "detail": str(detail)}
    ready = all(c["ok"] for c in checks.values())
    return jsonify(status="ready" if ready else "not_ready", checks=checks), 200 if ready else 503


@bp.get("/metrics")
def prometheus():
    return Response(
        metrics().exposition(),
        content_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )
