"""A bank screens its products (or a draft) against the platform's firm base over HTTP.

    POST /v1/banks/<bank>/screenings                     start: 202 + Location
    GET  /v1/banks/<bank>/screenings                     the bank's screenings, newest first
    GET  /v1/banks/<bank>/screenings/<id>                status, progress, when done the summary
    GET  /v1/banks/<bank>/screenings/<id>/results.parquet|.csv   the consenting eligible firms

That bank's key or an admin key. Another bank's screening is a 404, never a 403, so ids
cannot be probed. What a bank reads is aggregates with small cells suppressed and
pseudonymous firm ids (``screening.disclosure``); the job itself is
``http_api.screening_jobs``.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import redis
from flask import Blueprint, Response, jsonify, url_for
from marshmallow import Schema, ValidationError

from leads import LeadError
from matcher.rulefile import source as yamlsource
from matcher.vocabulary.ids import BANK_ID, BANK_ID_RULE, PRODUCT_ID
from screening.disclosure import MIN_CELL

from .auth import Principal, authenticate, protect, speaks_for
from .drafts import checked_draft
from .firm_base import current_firm_base, data_dir, pseudonym_secret
from .inputs import read_json
from .leads import lead_service
from .ownership import require_own_prefix
from .problems import TYPE_PREFIX, Problem, field_errors, problem_response
from .screening_jobs import DONE, Job, ScreeningJobs, running_count, start
from .screening_schemas import ScreeningRequestSchema
from .state import state

bp = Blueprint("screenings", __name__, url_prefix="/v1/banks/<bank_id>/screenings")
protect(bp)
RUNNING_MAX = 2  # screenings of one bank at a time


_request = ScreeningRequestSchema()


def jobs() -> ScreeningJobs:
    settings = state().settings
    return ScreeningJobs(lead_service().store().client, settings.redis_prefix, data_dir())


def _unavailable(err: Exception):
    wait = 5
    return problem_response(
        503,
        f"screenings cannot be served right now (Redis is unavailable); retry in {wait} s",
        type_=TYPE_PREFIX + "store-unavailable",
        headers={"Retry-After": str(wait)},
        retry_after=wait,
    )


bp.register_error_handler(redis.RedisError, _unavailable)
bp.register_error_handler(LeadError, _unavailable)


def load_body(schema: Schema, what: str) -> dict:
    """The JSON object body loaded through ``schema``; 422 naming each bad member."""
    document = read_json()
    if not isinstance(document, dict):
        raise Problem(422, "invalid-request", "the body must be a JSON object")
    try:
        return schema.load(document)
    except ValidationError as exc:
        raise Problem(
            422,
            "invalid-request",
            f"{what} cannot be read; see errors",
            errors=field_errors(exc.normalized_messages()),
        ) from None


def may_act(bank_id: str) -> Principal:
    """The caller if its key is that bank's or admin; 403 otherwise (starting, listing)."""
    principal = authenticate()
    if not BANK_ID.match(bank_id):
        raise Problem(404, "not-found", f"a bank id is {BANK_ID_RULE}")
    if not speaks_for(principal, bank_id):
        raise Problem(
            403,
            "forbidden",
            f"only the key of bank '{bank_id}' or an admin key may screen for bank '{bank_id}'",
        )
    return principal


def own_screening(bank_id: str, screening_id: str) -> dict[str, Any]:
    """The screening if the caller may see it (that bank's key, admin); else 404."""
    principal = authenticate()
    missing = Problem(404, "not-found", f"bank '{bank_id}' has no screening '{screening_id}'")
    if not BANK_ID.match(bank_id) or not speaks_for(principal, bank_id):
        raise missing
    job = jobs().get(screening_id, bank_id)
    if job is None:
        raise missing
    return job


def _products(bank_id: str, body: dict, principal: Principal) -> tuple[list, bool]:
    """The products to screen and whether they are a draft; 422 naming each bad id."""
    if "rule_file" in body:
        if "product_ids" in body:
            raise Problem(422, "invalid-request", "send product_ids or rule_file, not both")
        text = body["rule_file"]
        try:
            data = yamlsource.load(text, "draft.yaml")
        except yamlsource.YAMLSourceError:
            data = None  # checked_draft reports where
        product_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(product_id, str) or not PRODUCT_ID.match(product_id):
            raise Problem(
                422,
                "invalid-request",
                "the rule file names no valid product id (id: <bank>-<name>)",
            )
        require_own_prefix(bank_id, product_id)
        return [checked_draft(bank_id, product_id, text, principal)[1]], True
    catalog = state().catalog
    wanted = body.get("product_ids")
    if wanted is None:
        own = [p for p in catalog.products if p.bank == bank_id]
        if not own:
            raise Problem(
                422, "invalid-request", f"bank '{bank_id}' has no products in the catalog to screen"
            )
        return own, False
    errors = {}
    for index, product_id in enumerate(wanted):
        product = catalog.by_id.get(product_id)
        if product is None:
            errors[index] = [f"no product '{product_id}' in the catalog"]
        elif product.bank != bank_id:
            errors[index] = [
                f"'{product_id}' is a product of another bank; a bank screens its own products"
            ]
    if errors:
        raise Problem(
            422,
            "invalid-request",
            "; ".join(m[0] for m in errors.values()),
            errors=field_errors({"product_ids": errors}),
        )
    chosen = set(wanted)
    return [p for p in catalog.products if p.id in chosen], False


@bp.post("")
def create(bank_id: str):
    principal = may_act(bank_id)
    body = load_body(_request, "the screening request")
    products, draft = _products(bank_id, body, principal)
    current = current_firm_base()
    if current is None:
        raise Problem(
            409,
            "conflict",
            "the service has no firm base yet: an admin uploads one with POST /v1/admin/firms",
        )
    store = jobs()
    if running_count(store, bank_id) >= RUNNING_MAX:
        raise Problem(
            409,
            "conflict",
            f"{RUNNING_MAX} screenings of bank '{bank_id}' are running; wait for one to finish",
        )
    version, snapshot = current
    catalog_version = state().catalog.version + (" + draft" if draft else "")
    as_of = body.get("as_of") or date.today()
    job_id = store.create(
        bank_id,
        {
            "products": [p.id for p in products],
            "draft": draft,
            "firm_base_version": version,
            "catalog_version": catalog_version,
            "as_of": as_of.isoformat(),
        },
    )
    start(
        store, Job(job_id, bank_id, products, catalog_version, snapshot, as_of, pseudonym_secret())
    )
    response = jsonify(store.get(job_id, bank_id))
    response.status_code = 202
    response.headers["Location"] = url_for(".show", bank_id=bank_id, screening_id=job_id)
    return response


@bp.get("")
def index(bank_id: str):
    may_act(bank_id)
    return jsonify(bank=bank_id, screenings=jobs().recent(bank_id))


@bp.get("/<screening_id>")
def show(bank_id: str, screening_id: str):
    job = own_screening(bank_id, screening_id)
    if job["status"] == DONE:
        job["summary"] = jobs().summary(screening_id)
        job["min_cell"] = MIN_CELL
        job["results"] = {
            kind: url_for(".results", bank_id=bank_id, screening_id=screening_id, kind=kind)
            for kind in ("parquet", "csv")
        }
    return jsonify(job)


@bp.get("/<screening_id>/results.<kind>")
def results(bank_id: str, screening_id: str, kind: str):
    """The eligible firms that agreed to be contacted, under this bank's pseudonyms."""
    job = own_screening(bank_id, screening_id)
    if kind not in ("parquet", "csv"):
        raise Problem(404, "not-found", "results are results.parquet or results.csv")
    if job["status"] != DONE:
        raise Problem(
            409, "conflict", f"the screening is {job['status']}; results come when it is done"
        )
    table = jobs().results(screening_id)
    buffer = io.BytesIO()
    if kind == "parquet":
        pq.write_table(table, buffer, compression="zstd")
        mimetype = "application/vnd.apache.parquet"
    else:
        pacsv.write_csv(table, buffer)
        mimetype = "text/csv; charset=utf-8"
    return Response(
        buffer.getvalue(),
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="screening-{screening_id[:8]}.{kind}"'
        },
    )
