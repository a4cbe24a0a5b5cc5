"""The documents of rule changes as marshmallow schemas: editing, reload, versions, replay.

Kept apart from ``schemas`` as the leads' are in ``lead_schemas``; their ``/openapi.json``
operations are ``rules_operations``'. A rule-file error is shaped like every other API
error (location, pointer, field, detail) and adds where it is in the file: ``path``,
``line``, ``column``.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from matcher.results.result import EXPLAIN_LEVELS

from . import schemas as S

PREVIEW_LIMIT = 100
OUTCOMES = ("reloaded", "unchanged", "rejected", "pending")


# --- requests --------------------------------------------------------------------------


class PreviewOptionsSchema(Schema):
    class Meta:
        unknown = RAISE

    as_of = fields.Date(metadata={"description": "evaluation date, YYYY-MM-DD (default today)"})
    lang = fields.String(
        validate=validate.OneOf(S.LANGS),
        metadata={"description": "message language; without it every message has zh and en"},
    )
    explain = fields.String(load_default="all", validate=validate.OneOf(EXPLAIN_LEVELS))


class PublishRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    rule_file = fields.String(
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "the rule file, YAML text"},
    )
    scenarios = fields.String(
        validate=validate.Length(min=1),
        metadata={
            "description": "its scenario file (<slug>.test.yaml), YAML text: published with "
            "it, checked against it"
        },
    )


class PreviewRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    rule_file = fields.String(
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "the draft rule file, YAML text as it would be published"},
    )
    profiles = fields.List(
        fields.Dict(),
        required=True,
        validate=validate.Length(min=1, max=PREVIEW_LIMIT),
        metadata={"description": f"1 to {PREVIEW_LIMIT} profiles, as posted to /v1/match"},
    )


# --- documents -------------------------------------------------------------------------


class _Doc(Schema):
    class Meta:
        unknown = EXCLUDE


class RuleErrorSchema(S.FieldErrorSchema):
    path = fields.String(metadata={"description": "the file, under the rules folder's name"})
    line = fields.Integer()
    column = fields.Integer(allow_none=True)
    message = fields.String()
    kind = fields.String(validate=validate.OneOf(("lint", "scenario")))
    text = fields.String(metadata={"description": "path:line:column: message"})


class RuleProblemSchema(S.ProblemSchema):
    errors = fields.List(
        fields.Nested(RuleErrorSchema),
        metadata={"description": "422: every problem, at path:line:column in the rule files"},
    )


class PendingSchema(_Doc):
    detected_at = fields.String(required=True)
    errors = fields.List(fields.Nested(RuleErrorSchema), required=True)


class SharedStatusSchema(_Doc):
    seq = fields.Integer(
        required=True,
        metadata={
            "description": "the shared version this rules folder was last equal to (0: none yet)"
        },
    )
    version = fields.String(required=True)
    unpublished = fields.Boolean(
        required=True,
        metadata={"description": "a change live here is waiting for Redis to be published"},
    )


class CatalogStatusSchema(S.CatalogInfoSchema):
    live_version = fields.String(
        metadata={
            "description": "the version new workers serve (differs from version only while "
            "this worker is being replaced)"
        }
    )
    pending = fields.Nested(
        PendingSchema,
        allow_none=True,
        metadata={
            "description": "a change on disk that was refused, with its errors; null when none"
        },
    )
    checked_at = fields.String(allow_none=True)
    watching = fields.Float(
        allow_none=True,
        metadata={"description": "seconds between looks at the rules folder; null: not watched"},
    )
    reloads = fields.Integer()
    shared = fields.Nested(
        SharedStatusSchema,
        allow_none=True,
        metadata={
            "description": "the shared catalog (several instances) this folder follows; null "
            "when not followed (an app without a watching reloader)"
        },
    )


class ReloadAnswerSchema(_Doc):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    version = fields.String(required=True, metadata={"description": "the version live now"})
    previous_version = fields.String()
    at = fields.String()
    errors = fields.List(fields.Nested(RuleErrorSchema), required=True)


class VersionSchema(_Doc):
    version = fields.String(required=True)
    recorded_at = fields.String(required=True)
    actor = fields.String(
        allow_none=True,
        metadata={
            "description": "the API key's role and id for a change made through the API; "
            "watcher for an edit on disk; startup"
        },
    )
    previous = fields.String(allow_none=True)
    added = fields.List(fields.String())
    removed = fields.List(fields.String())
    modified = fields.List(fields.String())
    kept = fields.Boolean(metadata={"description": "false: the snapshot was pruned, no replay"})


class VersionListSchema(_Doc):
    live = fields.String(required=True)
    versions = fields.List(fields.Nested(VersionSchema), required=True)


class BankVersionListSchema(_Doc):
    bank = fields.String(required=True)
    live = fields.String(required=True)
    versions = fields.List(
        fields.Nested(VersionSchema),
        required=True,
        metadata={"description": "the versions that touched this bank's files (only those files)"},
    )


class ProductChangeSchema(_Doc):
    product_id = fields.String(required=True)
    file = fields.String(required=True, metadata={"description": "bank/slug"})
    status = fields.String(required=True, validate=validate.OneOf(("added", "removed", "changed")))
    changes = fields.List(fields.String(), required=True)
    lines = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "as loanmatch diff prints them: "
            "icbc/jingying-kuaidai: tax_paid_12m >= 20000 → >= 10000"
        },
    )


class BankDiffSchema(_Doc):
    bank = fields.String(required=True)
    from_ = fields.String(required=True, data_key="from")
    to = fields.String(required=True)
    products = fields.List(fields.Nested(ProductChangeSchema), required=True)


class _Change(_Doc):
    product_id = fields.String(required=True)
    bank = fields.String(required=True)
    live = fields.Boolean(
        required=True,
        metadata={
            "description": "false: written, but the folder has errors elsewhere or the check "
            "did not finish; see reload"
        },
    )
    catalog_version = fields.String(required=True)
    reload = fields.Nested(ReloadAnswerSchema, allow_none=True)


class PublishedSchema(_Change):
    file = fields.String(required=True)
    created = fields.Boolean(required=True)
    changed = fields.Boolean(required=True)


class RetiredSchema(_Change):
    retired = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "where the files went, under the rules state folder"},
    )


class PreviewItemSchema(_Doc):
    index = fields.Integer(required=True)
    as_of = fields.String()
    result = fields.Nested(S.ProductResultSchema)
    errors = fields.List(fields.Nested(S.FieldErrorSchema))


class PreviewDocumentSchema(_Doc):
    product_id = fields.String(required=True)
    bank = fields.String(required=True)
    file = fields.String(required=True)
    evaluator = fields.String(
        required=True,
        metadata={"description": "reference: the draft is evaluated without durable_rules"},
    )
    live_version = fields.String(required=True)
    results = fields.List(fields.Nested(PreviewItemSchema), required=True)
    summary = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    impact = fields.Dict(
        allow_none=True,
        metadata={
            "description": "null without a firm base; else firm_base_version, as_of, change, "
            "gained, lost and segments (cells under 5 firms null)"
        },
    )
