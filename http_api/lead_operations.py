"""``/openapi.json``'s operations of the leads API, over the documents of ``lead_schemas``.

Kept apart from the schemas the views load with: ``openapi`` merges ``LEAD_OPERATIONS``.
Every leads problem (404, 409, 422, 503) is a ``LeadProblemSchema``, so a portal reads
a refused application's failed criteria and missing fields the same way everywhere.
"""

from __future__ import annotations

from leads.intake import IDEMPOTENCY_KEY_MAX
from matcher.vocabulary.ids import BANK_ID_SCHEMA

from .lead_schemas import (
    ClaimDocumentSchema,
    ClaimQuerySchema,
    LeadEventsSchema,
    LeadListSchema,
    LeadProblemSchema,
    LeadRequestSchema,
    LeadSchema,
    LeadStatsSchema,
    ListQuerySchema,
    StatsQuerySchema,
    StatusChangeSchema,
)
from .openapi_parts import json_body, json_response, operation
from .problems import PROBLEM_JSON, error_responses

_LEAD_ID = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$"


def _problem(description: str, retry: bool = False) -> dict:
    response = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": LeadProblemSchema}},
    }
    if retry:
        response["headers"] = {
            "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
        }
    return response


_LEAD_PROBLEMS = {
    "404": _problem(
        "no such lead for this key (another bank's or portal's lead is reported the same way)"
    ),
    "409": _problem("a conflict: see detail"),
    "422": _problem(
        "the request cannot be accepted; errors names each field, failed or "
        "missing_fields the eligibility criteria"
    ),
    "503": _problem(
        "the lead store (Redis) is unavailable; retry after Retry-After seconds", retry=True
    ),
}
_PATH = {
    "lead_id": {
        "in": "path",
        "name": "lead_id",
        "required": True,
        "schema": {"type": "string", "pattern": _LEAD_ID},
        "description": "the lead's id (26 characters)",
    },
    "bank_id": {
        "in": "path",
        "name": "bank_id",
        "required": True,
        "schema": {"type": "string", "pattern": BANK_ID_SCHEMA},
        "description": "the bank's id, as in its API key's role bank:<bank_id>",
    },
}


def _op(
    summary: str,
    description: str,
    ok: dict,
    errors: str,
    *,
    path: str | None = None,
    query=None,
    body=None,
    headers: list | None = None,
) -> dict:
    responses: dict = {**ok, **error_responses(errors, _LEAD_PROBLEMS)}
    params: list = [_PATH[path]] if path else []
    if query is not None:
        params.append({"in": "query", "schema": query})
    params += headers or []
    return operation(
        summary,
        description,
        "leads",
        params,
        responses,
        None if body is None else json_body(body),
    )


_IDEMPOTENCY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": IDEMPOTENCY_KEY_MAX,
        "pattern": "^[!-~]+$",
    },
    "description": "makes a retry safe: the same key (per portal key, 24 h) "
    "answers with the lead it made the first time",
}
_KEYED = "401 429 500 503"
LEAD_OPERATIONS = {
    "leads.create_lead": {
        "post": _op(
            "Apply for a product: make a lead (portal)",
            "The service re-checks eligibility; an eligible application is routed to a branch "
            "of the bank serving the enterprise's region (status routed), or waits for branch "
            "capacity (status queued). The same credit code for the same product within the "
            "dedup window is a 409; it names the existing lead only to the portal that made it.",
            {
                **json_response(
                    LeadSchema,
                    "201",
                    "the lead, as the portal sees it; Location is its URL "
                    "(an Idempotency-Key replay answers the same)",
                )
            },
            "400 403 409 413 415 422 " + _KEYED,
            body=LeadRequestSchema,
            headers=[_IDEMPOTENCY],
        )
    },
    "leads.list_leads": {
        "get": _op(
            "List the bank's leads without claiming any (that bank's key)",
            "Newest first, each masked until the bank accepts it. Reading only: GET and HEAD "
            "never claim; claiming is POST .../leads/claim.",
            json_response(LeadListSchema),
            "403 404 422 " + _KEYED,
            path="bank_id",
            query=ListQuerySchema,
        )
    },
    "leads.claim_leads": {
        "post": _op(
            "Claim the bank's next leads (that bank's key)",
            "Masked leads for a named consumer; one not accepted within the visibility timeout "
            "is delivered again to the next claim.",
            json_response(ClaimDocumentSchema),
            "403 404 422 " + _KEYED,
            path="bank_id",
            query=ClaimQuerySchema,
        )
    },
    "leads.get_lead": {
        "get": _op(
            "One lead",
            "The owning bank sees it masked until it accepts, then in full; the portal that "
            "made it and admins see it in full.",
            json_response(LeadSchema),
            "404 " + _KEYED,
            path="lead_id",
        )
    },
    "leads.change_status": {
        "post": _op(
            "Move a lead on: accepted, approved, declined, disbursed (bank); withdrawn (portal)",
            "A move the lead's status does not allow is a 409 naming the current status.",
            json_response(LeadSchema, description="the lead as the caller now sees it"),
            "400 403 404 409 413 415 422 " + _KEYED,
            path="lead_id",
            body=StatusChangeSchema,
        )
    },
    "leads.lead_events": {
        "get": _op(
            "A lead's audit trail",
            "Every change with its time and actor, oldest first.",
            json_response(LeadEventsSchema),
            "404 " + _KEYED,
            path="lead_id",
        )
    },
    "leads.stats": {
        "get": _op(
            "Lead statistics (admin: every bank; a bank's key: its own)",
            "Leads by status, amounts requested, approved and disbursed, pickup rate and median "
            "hours to a decision; in all, by bank, by product and by month.",
            json_response(LeadStatsSchema),
            "403 422 " + _KEYED,
            query=StatsQuerySchema,
        )
    },
}
