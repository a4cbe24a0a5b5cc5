"""The leads API's documents as marshmallow schemas, and its operations for ``/openapi.json``.

Request bodies and query options are loaded through these schemas (structure: types,
required and unknown members); the leads library then checks meaning (consent,
amounts, transitions) and names the field it refuses. Responses are described here
and held to it by the schemathesis test.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from leads import DECLINE_REASONS, STATUSES
from leads.delivery import CLAIM_MAX
from leads.intake import IDEMPOTENCY_KEY_MAX
from leads.listing import LIST_MAX
from matcher.vocabulary.fields import MONEY_MAX
from matcher.vocabulary.ids import BANK_ID, BANK_ID_SCHEMA
from matcher.vocabulary.profile import StrictBoolean

from . import schemas as S
from .problems import PROBLEM_JSON

STATUS_MOVES = ("accepted", "approved", "declined", "disbursed", "withdrawn")
_LEAD_ID = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$"


# --- requests --------------------------------------------------------------------------


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class ConsentSchema(_Strict):
    granted = StrictBoolean(
        required=True,
        metadata={
            "description": "true: the enterprise agreed that its application goes to the bank"
        },
    )
    at = fields.String(
        required=True,
        validate=validate.Length(max=64),
        metadata={
            "description": "when it agreed, ISO 8601 with its offset",
            "format": "date-time",
            "example": "2024-05-06T09:30:00+08:00",
        },
    )
    version = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "the version of the consent text it agreed to"},
    )


class ContactSchema(_Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    phone = fields.String(required=True, validate=validate.Length(min=1, max=30))
    email = fields.String(validate=validate.Length(min=1, max=254))


class LeadRequestSchema(_Strict):
    profile = fields.Dict(
        required=True,
        metadata={
            "description": "the enterprise's profile, as posted to /v1/match (Profile); it must "
            "hold credit_code and region_code"
        },
    )
    product_id = fields.String(
        required=True,
        validate=validate.Length(max=64),
        metadata={"description": "the product applied for"},
    )
    requested_amount = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MONEY_MAX),
        metadata={"description": "yuan"},
    )
    requested_term_months = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=600)
    )
    consent = fields.Nested(ConsentSchema, required=True)
    contact = fields.Nested(
        ContactSchema,
        metadata={"description": "whom the bank should call; shown to the bank once it accepts"},
    )
    invitation_id = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "the bank's invitation the enterprise answers (GET "
            "/v1/firms/{firm_id}/invitations); the invitation then shows applied"
        },
    )


class StatusChangeSchema(_Strict):
    status = fields.String(
        required=True,
        validate=validate.OneOf(STATUS_MOVES),
        metadata={
            "description": "bank: accepted, approved, declined, disbursed; portal: withdrawn"
        },
    )
    details = fields.Dict(
        metadata={
            "description": "approved: amount (yuan), rate_pct (annual %, number or text), "
            "term_months; declined: reason ("
            + ", ".join(DECLINE_REASONS)
            + "); disbursed: amount (yuan), date (YYYY-MM-DD); any: note"
        }
    )


class ClaimQuerySchema(_Strict):
    consumer = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z0-9_.@-]{1,64}$(?!\n)"),
        metadata={
            "description": "who claims: a person or integration of "
            "the bank (1-64 of A-Z a-z 0-9 _ . @ -)"
        },
    )
    count = fields.Integer(load_default=10, validate=validate.Range(min=1, max=CLAIM_MAX))


class ListQuerySchema(_Strict):
    count = fields.Integer(load_default=20, validate=validate.Range(min=1, max=LIST_MAX))
    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=10**9),
        metadata={"description": "leads to skip, newest first"},
    )


class StatsQuerySchema(_Strict):
    bank = fields.String(
        validate=validate.Regexp(BANK_ID),
        metadata={"description": "admin: one bank only (a bank key always sees its own)"},
    )


# --- documents -------------------------------------------------------------------------


class _Doc(Schema):
    class Meta:
        unknown = "exclude"


class MatchedCriterionSchema(_Doc):
    field = fields.String(required=True)
    op = fields.String(required=True)
    expected = S.Anything(required=True, allow_none=True)
    label = S.Localized()
    source = fields.String()


class LeadSummarySchema(_Doc):
    industry_code = fields.String(allow_none=True)
    industry_section = fields.String(allow_none=True)
    province_code = fields.String(allow_none=True)
    city_code = fields.String(allow_none=True)
    size_class = fields.String(allow_none=True)


class LeadStepSchema(_Doc):
    at = fields.String(
        required=True, validate=validate.Length(max=64), metadata={"format": "date-time"}
    )
    note = fields.String(allow_none=True)
    amount = fields.Integer(allow_none=True, metadata={"description": "yuan"})
    rate_pct = fields.String(allow_none=True, metadata={"description": "annual %, exact"})
    term_months = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
    date = fields.String(allow_none=True, metadata={"format": "date"})


def _step(text: str) -> fields.Nested:
    return fields.Nested(LeadStepSchema, allow_none=True, metadata={"description": text})


class LeadSchema(_Doc):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    bank = fields.String(required=True)
    branch = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "null while the lead waits for branch capacity (status queued)"},
    )
    product_id = fields.String(required=True)
    requested_amount = fields.Integer(required=True, metadata={"description": "yuan"})
    requested_term_months = fields.Integer(required=True)
    matched_criteria = fields.List(fields.Nested(MatchedCriterionSchema), required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    routed_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    updated_at = fields.String(required=True, metadata={"format": "date-time"})
    masked = fields.Boolean(
        required=True,
        metadata={"description": "true: a bank's view before it accepts (summary, no identity)"},
    )
    summary = fields.Nested(LeadSummarySchema, metadata={"description": "masked views only"})
    profile = fields.Dict(metadata={"description": "full views only"})
    contact = fields.Nested(ContactSchema, allow_none=True)
    consent = fields.Nested(ConsentSchema)
    catalog_version = fields.String(allow_none=True)
    accepted = _step("when the bank accepted it")
    approved = _step("the bank's approval: amount, rate_pct, term_months")
    declined = _step("the bank's decline: reason")
    disbursed = _step("the disbursement: amount, date")
    withdrawn = _step("when the portal withdrew it")
    redelivered = fields.Boolean(
        metadata={"description": "claims only: an earlier claim did not accept it in time"}
    )


class ClaimDocumentSchema(_Doc):
    bank = fields.String(required=True)
    consumer = fields.String(required=True)
    leads = fields.List(
        fields.Nested(LeadSchema),
        required=True,
        metadata={
            "description": "masked; accept a lead within the visibility timeout or it is "
            "delivered again"
        },
    )


class LeadListSchema(_Doc):
    bank = fields.String(required=True)
    total = fields.Integer(required=True, metadata={"description": "the bank's leads in all"})
    leads = fields.List(
        fields.Nested(LeadSchema),
        required=True,
        metadata={"description": "newest first; masked until the bank accepts each"},
    )


class LeadEventSchema(_Doc):
    at = fields.String(
        required=True, validate=validate.Length(max=64), metadata={"format": "date-time"}
    )
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    from_ = fields.String(required=True, allow_none=True, data_key="from")
    actor = fields.String(
        required=True, metadata={"description": "who: an API key's id (key:<hash>), or system"}
    )
    details = fields.Dict(required=True)


class LeadEventsSchema(_Doc):
    lead_id = fields.String(required=True)
    events = fields.List(
        fields.Nested(LeadEventSchema), required=True, metadata={"description": "oldest first"}
    )


class LeadTallySchema(_Doc):
    leads = fields.Integer(required=True)
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    amount_requested = fields.Integer(required=True, metadata={"description": "yuan"})
    amount_approved = fields.Integer(required=True, metadata={"description": "yuan"})
    amount_disbursed = fields.Integer(required=True, metadata={"description": "yuan"})
    pickup_rate = fields.Float(
        required=True, allow_none=True, metadata={"description": "accepted / delivered to the bank"}
    )
    median_hours_to_decision = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "from the lead's creation to approval or decline"},
    )


def _tallies(text: str) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(),
        values=fields.Nested(LeadTallySchema),
        required=True,
        metadata={"description": text},
    )


class LeadStatsSchema(_Doc):
    as_of = fields.String(required=True, metadata={"format": "date-time"})
    bank = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "the bank these figures are limited to; null: all banks"},
    )
    total = fields.Nested(LeadTallySchema, required=True)
    by_bank = _tallies("per bank id")
    by_product = _tallies("per product id")
    by_month = _tallies("per month of creation (YYYY-MM, Beijing time)")


class LeadProblemSchema(S.ProblemSchema):
    lead_id = fields.String(metadata={"description": "409: the lead that already exists"})
    current = fields.String(metadata={"description": "409: the lead's status now"})
    failed = fields.List(
        fields.Nested(S.CriterionOutcomeSchema),
        metadata={"description": "not eligible: the product's criteria the profile fails"},
    )
    missing_fields = fields.List(
        fields.String(),
        metadata={"description": "not eligible yet: the profile fields the product needs"},
    )


# --- operations ------------------------------------------------------------------------


def _body(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


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


_SHARED = {
    "400": "InvalidJSON",
    "401": "Unauthorized",
    "403": "Forbidden",
    "413": "BodyTooLarge",
    "415": "UnsupportedMediaType",
    "429": "RateLimited",
    "500": "InternalError",
}
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
    responses: dict = dict(ok)
    for code in errors.split():
        responses[code] = _LEAD_PROBLEMS.get(code) or _SHARED[code]
    params: list = [_PATH[path]] if path else []
    if query is not None:
        params.append({"in": "query", "schema": query})
    params += headers or []
    op = {
        "summary": summary,
        "description": description,
        "tags": ["leads"],
        "parameters": params,
        "responses": responses,
    }
    if body is not None:
        op["requestBody"] = {"required": True, **_body(body)}
    return op


def _ok(schema, code: str = "200", description: str = "OK") -> dict:
    return {code: {"description": description, **_body(schema)}}


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
                **_ok(
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
            _ok(LeadListSchema),
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
            _ok(ClaimDocumentSchema),
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
            _ok(LeadSchema),
            "404 " + _KEYED,
            path="lead_id",
        )
    },
    "leads.change_status": {
        "post": _op(
            "Move a lead on: accepted, approved, declined, disbursed (bank); withdrawn (portal)",
            "A move the lead's status does not allow is a 409 naming the current status.",
            _ok(LeadSchema, description="the lead as the caller now sees it"),
            "400 403 404 409 413 415 422 " + _KEYED,
            path="lead_id",
            body=StatusChangeSchema,
        )
    },
    "leads.lead_events": {
        "get": _op(
            "A lead's audit trail",
            "Every change with its time and actor, oldest first.",
            _ok(LeadEventsSchema),
            "404 " + _KEYED,
            path="lead_id",
        )
    },
    "leads.stats": {
        "get": _op(
            "Lead statistics (admin: every bank; a bank's key: its own)",
            "Leads by status, amounts requested, approved and disbursed, pickup rate and median "
            "hours to a decision; in all, by bank, by product and by month.",
            _ok(LeadStatsSchema),
            "403 422 " + _KEYED,
            query=StatsQuerySchema,
        )
    },
}
