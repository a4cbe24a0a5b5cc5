"""The leads endpoints: a portal applies for a product, the bank claims, decides, disburses.

    POST /v1/leads                      portal     apply (eligibility re-checked here)
    GET  /v1/banks/<bank_id>/leads      that bank  claim the next leads (masked)
    GET  /v1/leads/<lead_id>            owner      the lead (bank: masked until accepted)
    POST /v1/leads/<lead_id>/status     owner      accepted/approved/declined/disbursed; withdrawn
    GET  /v1/leads/<lead_id>/events     owner      the audit trail
    GET  /v1/stats                      admin/bank statistics

Who owns a lead: the bank it was routed to, and the portal *key* that made it (the
API knows portals only by key). Another bank's or portal's lead is a 404, never a
403, so ids cannot be probed. The work is the leads library's (``leads.LeadStore``);
this module reads requests, says who is asking, and maps ``LeadError`` to problems.
See docs/leads.md for the flow with curl.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request, url_for
from marshmallow import ValidationError

from leads import (
    BranchFileError,
    DuplicateLead,
    IdempotencyConflict,
    InvalidInput,
    InvalidTransition,
    LeadError,
    NoBranch,
    NotAllowed,
    NotFound,
    StoreUnavailable,
)
from leads.record import plain
from matcher.results.explain import walk
from matcher.rulefile.condition import FAIL

from .auth import Principal, authenticate, identify, protect, require_bank
from .error_messages import with_messages
from .inputs import read_json, read_options
from .lead_application import read_application
from .lead_schemas import ClaimQuerySchema, ListQuerySchema, StatsQuerySchema, StatusChangeSchema
from .lead_service import EXTENSION, LeadService
from .problems import TYPE_PREFIX, Problem, field_errors, problem_response
from .settings import ConfigError
from .state import EXTENSION as STATE
from .state import add_readiness_check, state

log = logging.getLogger("loanmatch.leads")
bp = Blueprint("leads", __name__)
protect(bp)

_status_schema = StatusChangeSchema()
_claim_query = ClaimQuerySchema()
_list_query = ListQuerySchema()
_stats_query = StatsQuerySchema()


def install(app: Flask) -> LeadService:
    """Give ``app`` its lead service (the branch files are read now: a broken one stops the
    start, naming file:line) and make ``/readyz`` wait for Redis."""
    try:
        service = LeadService(app.extensions[STATE].settings)
    except BranchFileError as err:
        raise ConfigError(f"branch files (_branches.yaml):\n{err}") from None
    app.extensions[EXTENSION] = service
    add_readiness_check(app, "redis", service.readiness)
    return service


@bp.record_once
def _on_register(setup) -> None:
    install(setup.app)


def lead_service() -> LeadService:
    return current_app.extensions[EXTENSION]


# -- errors ------------------------------------------------------------------------------


def _lead_problem(err: LeadError):
    if isinstance(err, StoreUnavailable):
        lead_service().unavailable(err)
        wait = err.retry_after
        return problem_response(
            503,
            f"leads cannot be served right now (the lead store is unavailable); retry in {wait} s",
            type_=TYPE_PREFIX + "store-unavailable",
            headers={"Retry-After": str(wait)},
            retry_after=wait,
        )
    if isinstance(err, NotFound):
        return problem_response(404, str(err), type_=TYPE_PREFIX + "not-found")
    if isinstance(err, NotAllowed):
        return problem_response(403, str(err), type_=TYPE_PREFIX + "forbidden")
    if isinstance(err, DuplicateLead) and not _applied_through_caller(err.existing_id):
        # Another portal's application: the dedup holds, but its lead stays unnamed.
        return problem_response(
            409,
            "this enterprise already applied for this product "
            "within the duplicate window (through another portal)",
            type_=TYPE_PREFIX + "duplicate-lead",
        )
    if isinstance(err, DuplicateLead):
        return problem_response(
            409,
            str(err),
            type_=TYPE_PREFIX + "duplicate-lead",
            headers={"Location": url_for(".get_lead", lead_id=err.existing_id)},
            lead_id=err.existing_id,
        )
    if isinstance(err, InvalidTransition):
        return problem_response(
            409, str(err), type_=TYPE_PREFIX + "invalid-transition", current=err.current
        )
    if isinstance(err, IdempotencyConflict):
        return problem_response(
            422, str(err), type_=TYPE_PREFIX + "idempotency-key-reused", lead_id=err.existing_id
        )
    if isinstance(err, InvalidInput):
        field = _FIELD_NAMES.get(err.field, err.field)
        location = "query" if field in ("consumer", "count") else "body"
        message = str(err).split(": ", 1)[-1]
        return problem_response(
            422,
            f"{field}: {message}",
            type_=TYPE_PREFIX + "invalid-request",
            errors=field_errors(_nested(field, message), location),
        )
    if isinstance(err, NoBranch):
        return problem_response(422, str(err), type_=TYPE_PREFIX + "no-branch")
    log.error("leads: %s: %s", type(err).__name__, err)  # ConfigError: an operator must act
    return problem_response(
        500,
        "an unexpected error; it was logged under this request id",
        type_=TYPE_PREFIX + "internal-error",
    )


bp.register_error_handler(LeadError, _lead_problem)


def _applied_through_caller(lead_id: str) -> bool:
    """Whether the calling portal made this lead (the admin/local operator sees every one)."""
    principal = identify()
    viewer = _viewer(principal) if principal is not None else {}
    if viewer.get("admin"):
        return True
    try:
        return lead_service().store().parties(lead_id)["portal"] == viewer.get("portal")
    except LeadError:
        return False


# The library's names for what this API calls otherwise.
_FIELD_NAMES = {"amount": "requested_amount", "term_months": "requested_term_months"}


def _nested(dotted: str, message: str) -> dict:
    tree: dict = {}
    node = tree
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = [message]
    return tree


def _invalid(errors: Mapping) -> Problem:
    return Problem(
        422,
        "invalid-request",
        "the request cannot be accepted; see errors",
        errors=field_errors(errors),
    )


# -- who is asking ------------------------------------------------------------------------


def _viewer(principal: Principal) -> dict[str, Any]:
    """The store's ``bank=`` / ``portal=`` / ``admin=`` for this caller."""
    if not state().settings.auth or principal.role == "admin":
        return {"admin": True}
    if principal.bank is not None:
        return {"bank": principal.bank}
    return {"portal": principal.key_id}


# -- the portal applies -------------------------------------------------------------------


@bp.post("/v1/leads")
def create_lead():
    principal = authenticate("portal")
    catalog = state().catalog
    key = request.headers.get("Idempotency-Key")
    body, product, profile = read_application(read_json(), catalog, key)
    invitation = body.get("invitation_id")
    if invitation is not None:  # imported here: invitations build on this module's store
        from .invitations import check_invitation, invitations

        check_invitation(invitation, product.id)
    _eligible(catalog, product, profile)
    service = lead_service()
    service.refresh_branches()
    service.route_overflow_if_due()  # queued leads take freed capacity before new ones
    made = service.store().create(
        profile=profile,
        product_id=product.id,
        bank=product.bank,
        amount=body["requested_amount"],
        term_months=body["requested_term_months"],
        consent=body["consent"],
        contact=body.get("contact"),
        matched_criteria=_matched(catalog, product, profile),
        catalog_version=catalog.version,
        portal=principal.key_id,
        idempotency_key=key,
        ceilings={"amount_max": product.terms.amount_max, "term_max": product.terms.term_max},
    )
    if invitation is not None:
        invitations().applied(invitation, made.lead["id"])
    response = jsonify(_shown(made.lead))
    response.status_code = 201
    response.headers["Location"] = url_for(".get_lead", lead_id=made.lead["id"])
    if not made.created:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _object(data: Any) -> Any:
    if not isinstance(data, Mapping):
        raise _invalid({"_schema": ["the body must be a JSON object"]})
    return data


def _eligible(catalog, product, profile) -> None:
    """Nothing when the profile is eligible for ``product``; else a 422 that says why."""
    result = catalog.match(profile, product_ids=[product.id])
    if any(r.product.id == product.id for r in result.matches):
        return
    incomplete = [r for r in result.incomplete if r.product.id == product.id]
    if incomplete:
        fields = incomplete[0].missing_fields
        raise Problem(
            422,
            "invalid-profile",
            f"the profile does not say enough to decide {product.id}: it needs {', '.join(fields)}",
            title="Not eligible yet",
            missing_fields=fields,
            errors=with_messages(
                field_errors({"profile": {f: ["needed by the product"] for f in fields}})
            ),
        )
    failed = _failed(product, profile.values)
    if not failed:  # the product is limited to regions the rules do not spell out
        raise Problem(
            422,
            "invalid-profile",
            f"{product.id} is not offered in region {profile.values['region_code']}",
            title="Not eligible",
            failed=[],
            errors=field_errors(
                {
                    "profile": {
                        "region_code": [
                            f"{product.id} is offered in {', '.join(product.regions)} only"
                        ]
                    }
                }
            ),
        )
    names = ", ".join(f["field"] for f in failed)
    raise Problem(
        422,
        "invalid-profile",
        f"the enterprise is not eligible for {product.id}: "
        f"it fails {len(failed)} criteria ({names})",
        title="Not eligible",
        failed=failed,
        errors=[
            {**error, "message": f["message"]} if isinstance(f["message"], Mapping) else error
            for f in failed
            for error in field_errors({"profile": {f["field"]: [_text(f)]}})
        ],
    )


def _failed(product, values: Mapping[str, Any]) -> list[dict]:
    outcomes: list = []
    walk(product.eligibility, values, outcomes)
    return [o.to_dict(None, values) for o in outcomes if o.outcome == FAIL and o.relevant]


def _text(outcome: Mapping[str, Any]) -> str:
    message = outcome["message"]
    return message["en"] if isinstance(message, Mapping) else str(message)


def _matched(catalog, product, profile) -> list[dict]:
    """Why the lead is eligible, as the bank sees it before accepting: the criteria met,
    without the enterprise's own values (they could identify it)."""
    outcomes: list = []
    walk(product.eligibility, profile.values, outcomes)
    shown = []
    for outcome in outcomes:
        if outcome.outcome != "pass" or not outcome.relevant:
            continue
        item = outcome.to_dict(None, profile.values)
        shown.append(
            {k: item[k] for k in ("field", "op", "expected", "label", "source") if k in item}
        )
    return shown


# -- banks claim --------------------------------------------------------------------------


@bp.get("/v1/banks/<bank_id>/leads")
@require_bank
def list_leads(bank_id: str):
    """The bank's leads, newest first; reading only (GET and HEAD never claim)."""
    if "consumer" in request.args:  # a client of the old GET that claimed
        raise Problem(
            422,
            "invalid-options",
            f"GET lists leads without claiming them; to "
            f"claim, POST /v1/banks/{bank_id}/leads/claim"
            f"?consumer=…",
        )
    query = read_options(_list_query)
    _known_bank(bank_id)
    total, leads = lead_service().store().bank_leads(bank_id, query["count"], query["offset"])
    return jsonify(bank=bank_id, total=total, leads=[_shown(x) for x in leads])


@bp.post("/v1/banks/<bank_id>/leads/claim")
@require_bank
def claim_leads(bank_id: str):
    query = read_options(_claim_query)
    service = _known_bank(bank_id)
    service.route_overflow_if_due()
    leads = service.store().claim(bank_id, query["consumer"], query["count"])
    return jsonify(bank=bank_id, consumer=query["consumer"], leads=[_shown(x) for x in leads])


def _known_bank(bank_id: str) -> LeadService:
    service = lead_service()
    service.refresh_branches()
    known = set(service.branches) | {p.bank for p in state().catalog.products}
    if bank_id not in known:
        raise Problem(404, "not-found", f"no bank '{bank_id}' (no products and no branch file)")
    return service


# -- one lead -----------------------------------------------------------------------------


@bp.get("/v1/leads/<lead_id>")
def get_lead(lead_id: str):
    viewer = _viewer(authenticate())
    return jsonify(_shown(lead_service().store().lead(lead_id, **viewer)))


@bp.post("/v1/leads/<lead_id>/status")
def change_status(lead_id: str):
    principal = authenticate()
    try:
        body = _status_schema.load(_object(read_json()))
    except ValidationError as exc:
        raise _invalid(exc.normalized_messages()) from None
    store = lead_service().store()
    viewer = _viewer(principal)
    if viewer.get("admin"):
        if state().settings.auth:
            raise Problem(
                403,
                "forbidden",
                "an admin key does not decide leads: the owning "
                "bank's key does, or the portal's to withdraw",
            )
        # Authentication off: the local operator acts for whichever party may move.
        owner = store.parties(lead_id)
        viewer = (
            {"portal": owner["portal"]}
            if body["status"] == "withdrawn"
            else {"bank": owner["bank"]}
        )
    lead = store.transition(
        lead_id,
        viewer.get("bank"),
        body["status"],
        body.get("details"),
        actor=principal.key_id,
        portal=viewer.get("portal"),
    )
    return jsonify(_shown(lead))


@bp.get("/v1/leads/<lead_id>/events")
def lead_events(lead_id: str):
    viewer = _viewer(authenticate())
    events = lead_service().store().events(lead_id, **viewer)
    return jsonify(lead_id=lead_id, events=plain(events))


# -- statistics ---------------------------------------------------------------------------


@bp.get("/v1/stats")
def stats():
    principal = authenticate()
    query = read_options(_stats_query)
    viewer = _viewer(principal)
    if viewer.get("portal"):
        raise Problem(403, "forbidden", "statistics are for admin and bank keys")
    bank = viewer.get("bank")
    if bank is not None and query.get("bank") not in (None, bank):
        raise Problem(403, "forbidden", f"this key sees the statistics of bank '{bank}' only")
    return jsonify(plain(lead_service().store().stats(bank or query.get("bank"))))


def _shown(lead: Mapping[str, Any]) -> dict[str, Any]:
    """A lead view as JSON: numbers exact, an approved rate as decimal text (as in events)."""
    doc = plain(lead)
    approved = lead.get("approved")
    if approved and approved.get("rate_pct") is not None:
        doc["approved"]["rate_pct"] = str(approved["rate_pct"])
    return doc
