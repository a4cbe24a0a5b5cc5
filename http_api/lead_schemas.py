"""The leads API's documents as marshmallow schemas (its operations are ``lead_operations``).

Request bodies and query options are loaded through these schemas (structure: types,
required and unknown members); the leads library then checks meaning (consent,
amounts, transitions) and names the field it refuses. Responses are described here
and held to it by the schemathesis test.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from leads import DECLINE_REASONS, STATUSES
from leads.delivery import CLAIM_MAX
from leads.listing import LIST_MAX
from matcher.vocabulary.fields import MONEY_MAX
from matcher.vocabulary.ids import BANK_ID
from matcher.vocabulary.profile import StrictBoolean

from . import schemas as S

STATUS_MOVES = ("accepted", "approved", "declined", "disbursed", "withdrawn")


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
