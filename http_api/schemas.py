"""The API's documents as marshmallow schemas: query options are loaded through them,
responses are described by them (``/openapi.json``), and the schemathesis test holds
every response to them, so the documentation cannot drift from what is served.

The profile itself is ``matcher.vocabulary.profile.ProfileSchema``: one vocabulary, one schema.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from matcher.results.result import EXPLAIN_LEVELS
from matcher.vocabulary.fields import COLLATERALS, SIZE_CLASSES
from matcher.vocabulary.ids import BANK_ID
from matcher.vocabulary.profile import ProfileSchema

LANGS = ("zh", "en")
STATUSES = ("eligible", "ineligible", "incomplete")
OUTCOMES = ("pass", "fail", "unknown")
BATCH_LIMIT = 1000
PAGE_LIMIT = 500
_CODE = r"^[0-9]{2}([0-9]{2}){0,2}$(?!\n)"  # (?!\n): Python's $ also matches before a final newline
_BANK = BANK_ID


class Localized(fields.Raw):
    """Text in both languages ``{"zh": …, "en": …}``, or one string when ``lang`` is given."""


class Anything(fields.Raw):
    """A value of the criterion's field: number, text, boolean, list, or null."""


# --- query options -------------------------------------------------------------------


class _Options(Schema):
    class Meta:
        unknown = "raise"


def _as_of() -> fields.Date:
    return fields.Date(
        metadata={
            "description": "evaluation date, YYYY-MM-DD (default: today); "
            "ages and years in business are counted to it"
        }
    )


def _lang() -> fields.String:
    return fields.String(
        validate=validate.OneOf(LANGS),
        metadata={"description": "message language; without it every message has zh and en"},
    )


class MatchOptionsSchema(_Options):
    top = fields.Integer(
        validate=validate.Range(min=1),
        metadata={
            "description": "return at most this many eligible products (near misses and "
            "incomplete are not cut)"
        },
    )
    as_of = _as_of()
    explain = fields.String(
        load_default="failed",
        validate=validate.OneOf(EXPLAIN_LEVELS),
        metadata={"description": "per-criterion detail: none, failed (what did not pass) or all"},
    )
    lang = _lang()


class BatchOptionsSchema(MatchOptionsSchema):
    explain = fields.String(
        load_default="none",
        validate=validate.OneOf(EXPLAIN_LEVELS),
        metadata={
            "description": "per-criterion detail (default none: a pre-screen wants the verdicts)"
        },
    )
    top = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1),
        metadata={
            "description": "eligible products listed per profile (default 10: listing every "
            "eligible product would make a large batch's answer huge); the "
            "summary still counts them all"
        },
    )


class CheckOptionsSchema(_Options):
    as_of = _as_of()
    lang = _lang()


class ProductQuerySchema(_Options):
    bank = fields.String(
        validate=validate.Regexp(_BANK),
        metadata={"description": "only this bank's products (bank id such as icbc)"},
    )
    region = fields.String(
        validate=validate.Regexp(_CODE),
        metadata={
            "description": "only products available there: national ones and those whose "
            "regions cover this code (2, 4 or 6 digits, GB/T 2260)"
        },
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=PAGE_LIMIT))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class ProductOptionsSchema(_Options):
    lang = _lang()


# --- request bodies --------------------------------------------------------------------


class BatchRequestSchema(Schema):
    profiles = fields.List(
        fields.Nested(ProfileSchema),
        required=True,
        validate=validate.Length(max=BATCH_LIMIT),
        metadata={"description": f"up to {BATCH_LIMIT} profiles"},
    )


# --- documents -------------------------------------------------------------------------


class _Doc(Schema):
    class Meta:
        unknown = EXCLUDE


class RangeSchema(_Doc):
    min = fields.Float()
    max = fields.Float()


class TermsSchema(_Doc):
    amount = fields.Nested(RangeSchema, metadata={"description": "yuan"})
    term_months = fields.Nested(RangeSchema)
    rate_pct = fields.Nested(RangeSchema, metadata={"description": "annual rate, percent"})
    collateral = fields.List(fields.String(validate=validate.OneOf(COLLATERALS)))
    channel = fields.String(validate=validate.OneOf(("online", "offline", "both")))
    approval_days = fields.Integer()
    priority = fields.Integer(required=True)
    illustrative = fields.Boolean(
        required=True, metadata={"description": "true when public sources disagree on the figures"}
    )


class CriterionOutcomeSchema(_Doc):
    field = fields.String(required=True)
    op = fields.String(required=True)
    expected = Anything(required=True, allow_none=True)
    actual = Anything(required=True, allow_none=True)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    message: fields.Field = Localized(required=True)
    label = Localized()
    source = fields.String(metadata={"description": "the bank's clause"})


class ProductResultSchema(_Doc):
    product_id = fields.String(required=True)
    bank = fields.String(required=True)
    bank_name = fields.String(required=True, allow_none=True)
    name = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    score = fields.Float(metadata={"description": "ranking score 0-100, eligible only"})
    score_breakdown = fields.Dict(keys=fields.String(), values=fields.Float())
    terms = fields.Nested(TermsSchema, required=True)
    regions = fields.List(fields.String())
    failed = fields.List(
        fields.Nested(CriterionOutcomeSchema),
        metadata={"description": "ineligible: the criteria not met"},
    )
    missing_fields = fields.List(
        fields.String(),
        metadata={"description": "incomplete: the profile fields that would decide"},
    )
    criteria = fields.List(
        fields.Nested(CriterionOutcomeSchema),
        metadata={"description": "per-criterion detail, as asked by explain"},
    )


class DerivedProfileSchema(_Doc):
    months_in_business = fields.Integer()
    years_in_business = fields.Integer()
    size_class = fields.String(validate=validate.OneOf(SIZE_CLASSES))
    province_code = fields.String()
    city_code = fields.String()
    industry_section = fields.String()


class SummarySchema(_Doc):
    products = fields.Integer(required=True)
    eligible = fields.Integer(required=True)
    ineligible = fields.Integer(required=True)
    incomplete = fields.Integer(required=True)
    near_misses = fields.Integer(required=True)


class MatchDocumentSchema(_Doc):
    catalog_version = fields.String(required=True)
    as_of = fields.Date(required=True)
    profile = fields.Nested(
        DerivedProfileSchema,
        required=True,
        metadata={"description": "the derived fields the decision used"},
    )
    matches = fields.List(
        fields.Nested(ProductResultSchema),
        required=True,
        metadata={"description": "eligible products, best first"},
    )
    near_misses = fields.List(
        fields.Nested(ProductResultSchema),
        required=True,
        metadata={"description": "ineligible products failing at most two conditions"},
    )
    incomplete = fields.List(
        fields.Nested(ProductResultSchema),
        required=True,
        metadata={"description": "products the profile does not state enough to decide"},
    )
    summary = fields.Nested(SummarySchema, required=True)


class FieldErrorSchema(_Doc):
    location = fields.String(required=True, validate=validate.OneOf(("body", "query", "header")))
    pointer = fields.String(
        required=True,
        metadata={
            "description": "JSON Pointer into the body (RFC 6901); empty for the whole body "
            "or a header"
        },
    )
    field = fields.String(
        required=True, metadata={"description": "the dotted member, or the header's name"}
    )
    detail = fields.String(required=True)
    message: fields.Field = Localized(
        metadata={
            "description": "lead applications: the problem in Chinese and English, the "
            "Chinese naming the field (申请金额：须为以元计的整数，如 1000000)"
        }
    )


class BatchItemSchema(_Doc):
    index = fields.Integer(required=True)
    result = fields.Nested(MatchDocumentSchema)
    errors = fields.List(fields.Nested(FieldErrorSchema))


class BatchSummarySchema(_Doc):
    profiles = fields.Integer(required=True)
    matched = fields.Integer(required=True)
    invalid = fields.Integer(required=True)


class BatchDocumentSchema(_Doc):
    catalog_version = fields.String(required=True)
    results = fields.List(
        fields.Nested(BatchItemSchema),
        required=True,
        metadata={"description": "one entry per posted profile, in order: a result or its errors"},
    )
    summary = fields.Nested(BatchSummarySchema, required=True)


class ProductSummarySchema(_Doc):
    id = fields.String(required=True)
    bank = fields.String(required=True)
    bank_name = fields.String(required=True, allow_none=True)
    name = fields.String(required=True)
    terms = fields.Nested(TermsSchema, required=True)
    regions = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "region codes it is limited to; empty for a national product"},
    )


class ProductPageSchema(_Doc):
    catalog_version = fields.String(required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    next = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "the next page's URL, null on the last page"},
    )
    products = fields.List(fields.Nested(ProductSummarySchema), required=True)


class RuleNodeSchema(_Doc):
    kind = fields.String(required=True, validate=validate.OneOf(("all", "any", "criterion")))
    text = Localized(required=True)
    children = fields.List(fields.Nested(lambda: RuleNodeSchema()))
    field = fields.String()
    op = fields.String()
    value = Anything(allow_none=True)
    label = Localized()
    source = fields.String()


class UnparsedClauseSchema(_Doc):
    clause = fields.String()
    note = fields.String()


class ProductDetailSchema(ProductSummarySchema):
    catalog_version = fields.String(required=True)
    source = fields.String(required=True, allow_none=True)
    eligibility = fields.Nested(
        RuleNodeSchema,
        required=True,
        metadata={"description": "the eligibility rules, each criterion in words"},
    )
    unparsed = fields.List(
        fields.Nested(UnparsedClauseSchema),
        required=True,
        metadata={"description": "clauses of the bank's sheet no profile field expresses yet"},
    )


class CheckDocumentSchema(_Doc):
    catalog_version = fields.String(required=True)
    as_of = fields.Date(required=True)
    profile = fields.Nested(DerivedProfileSchema, required=True)
    result = fields.Nested(
        ProductResultSchema,
        required=True,
        metadata={"description": "the product's answer with every criterion explained"},
    )


class CatalogInfoSchema(_Doc):
    version = fields.String(required=True)
    rules = fields.String(required=True, allow_none=True)
    products = fields.Integer(required=True)
    rulesets = fields.Integer(required=True)
    banks = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    loaded_at = fields.DateTime(required=True)


class HealthSchema(_Doc):
    status = fields.String(required=True)


class ReadinessCheckSchema(_Doc):
    ok = fields.Boolean(required=True)
    detail = fields.String(required=True)


class ReadinessSchema(_Doc):
    status = fields.String(required=True, validate=validate.OneOf(("ready", "not_ready")))
    checks = fields.Dict(
        keys=fields.String(), values=fields.Nested(ReadinessCheckSchema), required=True
    )


class ProblemSchema(_Doc):
    type = fields.String(
        required=True, metadata={"description": "urn:loanmatch:problem:<slug>, or about:blank"}
    )
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String()
    request_id = fields.String(metadata={"description": "quote it when reporting a problem"})
    errors = fields.List(
        fields.Nested(FieldErrorSchema),
        metadata={"description": "422: every problem, each with its place"},
    )
    limit = fields.Integer(metadata={"description": "413: the body limit in bytes"})
    retry_after = fields.Integer(metadata={"description": "429: seconds to wait"})
