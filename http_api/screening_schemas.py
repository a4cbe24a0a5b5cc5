"""The screening, firm base and invitation endpoints for ``/openapi.json``.

Documents are described as JSON objects with their members named (the summary's shape
is docs/screening.md's); the request bodies are the marshmallow schemas the views load.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from .openapi_parts import BANK_ID_PARAMETER, json_response, operation
from .problems import PROBLEM_JSON, error_responses
from .screening_jobs import DOCUMENT

PRODUCTS_MAX = 500
INVITE_MAX = 1000


class ScreeningRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    product_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        validate=validate.Length(min=1, max=PRODUCTS_MAX),
        metadata={"description": "the bank's own products (default: all)"},
    )
    rule_file = fields.String(
        validate=validate.Length(min=1),
        metadata={
            "description": "a draft rule file of the bank's, checked as publishing checks it"
        },
    )
    as_of = fields.Date(metadata={"description": "evaluation date (default today)"})


class InvitationRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    firms = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(min=1, max=INVITE_MAX),
        metadata={"description": "pseudonymous ids from the screening's results"},
    )
    product_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    message = fields.String(required=True, validate=validate.Length(min=1, max=500))


def _problem(description: str, retry: bool = False) -> dict:
    response: dict = {"description": description, "content": {PROBLEM_JSON: {"schema": "Problem"}}}
    if retry:
        response["headers"] = {
            "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
        }
    return response


_PROBLEMS = {
    "404": _problem("no such screening of this bank (another bank's is reported the same way)"),
    "409": _problem("no firm base yet, too many screenings running, or not done yet"),
    "422": _problem("the request cannot be accepted; errors names each field"),
    "503": _problem("Redis is unavailable; retry after Retry-After seconds", retry=True),
}


def _obj(*names: str) -> dict:
    return {"type": "object", "properties": {n: {} for n in names}}


_JOB = _obj(*DOCUMENT)
_BANK = BANK_ID_PARAMETER
_ID = {
    "in": "path",
    "name": "screening_id",
    "required": True,
    "schema": {"type": "string"},
    "description": "the screening's id (Location of its POST)",
}
_KIND = {
    "in": "path",
    "name": "kind",
    "required": True,
    "schema": {"type": "string", "enum": ["parquet", "csv"]},
}
_FIRM = {
    "in": "path",
    "name": "firm_id",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 64},
    "description": "the platform's firm id (the firm base's firm_id)",
}
_FIRM_BODY = {
    "required": True,
    "description": "the firm base file",
    "content": {
        t: {"schema": {"type": "string", "format": "binary"}}
        for t in ("application/vnd.apache.parquet", "text/csv", "application/jsonl")
    },
}


def _op(
    summary: str, description: str, tag: str, ok: dict, errors: str, params=(), body=None
) -> dict:
    responses = {**ok, **error_responses(errors, _PROBLEMS)}
    return operation(summary, description, tag, list(params), responses, body)


_KEYED = "401 403 429 500"
SCREENING_OPERATIONS = {
    "firm_base.upload": {
        "post": _op(
            "Upload the platform's firm base (admin)",
            "Parquet, CSV or JSON Lines (Content-Type, or ?format=parquet|csv|jsonl), up to "
            "LOANMATCH_MAX_FIRM_UPLOAD; the same import as `loanmatch firms import`. Bad "
            "rows are left out and listed (row, field, message).",
            "screening",
            json_response(
                _obj(
                    "firm_base_version",
                    "firms",
                    "rows_read",
                    "rejected_rows",
                    "bad_rows",
                    "bad_rows_total",
                ),
                "201",
                "imported",
            ),
            "400 413 415 422 " + _KEYED,
            [
                {
                    "in": "query",
                    "name": "format",
                    "required": False,
                    "schema": {"type": "string", "enum": ["parquet", "csv", "jsonl"]},
                }
            ],
            _FIRM_BODY,
        )
    },
    "firm_base.imports": {
        "get": _op(
            "The firm base imports, newest first, and the one screenings use (admin)",
            "",
            "screening",
            json_response(_obj("current", "imports")),
            _KEYED,
        )
    },
    "screenings.create": {
        "post": _op(
            "Start a screening of the bank's products or a draft (that bank, or admin)",
            "202 with Location; the job runs in the background (GET shows its progress).",
            "screening",
            json_response(_JOB, "202", "accepted"),
            "400 404 409 413 415 422 503 " + _KEYED,
            [_BANK],
            {"required": True, "content": {"application/json": {"schema": ScreeningRequestSchema}}},
        )
    },
    "screenings.index": {
        "get": _op(
            "The bank's screenings, newest first",
            "",
            "screening",
            json_response(_obj("bank", "screenings")),
            "404 503 " + _KEYED,
            [_BANK],
        )
    },
    "screenings.show": {
        "get": _op(
            "A screening: status, progress, and when done the summary",
            "Segment cells under 5 firms are null.",
            "screening",
            json_response(_JOB),
            "404 503 " + _KEYED,
            [_BANK, _ID],
        )
    },
    "screenings.results": {
        "get": _op(
            "The consenting eligible firms, under the bank's pseudonymous ids",
            "Columns firm, product_id, status.",
            "screening",
            {
                "200": {
                    "description": "the results file",
                    "content": {
                        "application/vnd.apache.parquet": {
                            "schema": {"type": "string", "format": "binary"}
                        },
                        "text/csv": {"schema": {"type": "string"}},
                    },
                }
            },
            "404 409 503 " + _KEYED,
            [_BANK, _ID, _KIND],
        )
    },
    "invitations.invite": {
        "post": _op(
            "Invite firms a screening listed to apply for a product",
            "Firms by their pseudonymous ids; one invitation per bank, product and firm.",
            "screening",
            json_response(_obj("screening", "invitations", "already_invited"), "201", "sent"),
            "400 404 409 413 415 422 503 " + _KEYED,
            [_BANK, _ID],
            {
                "required": True,
                "content": {"application/json": {"schema": InvitationRequestSchema}},
            },
        )
    },
    "invitations.bank_invitations": {
        "get": _op(
            "A screening's invitations and their status (applied: with the lead id)",
            "",
            "screening",
            json_response(_obj("screening", "invitations")),
            "404 503 " + _KEYED,
            [_BANK, _ID],
        )
    },
    "invitations.firm_invitations": {
        "get": _op(
            "A firm's invitations, for the portal to show it (portal)",
            "",
            "screening",
            json_response(_obj("firm_id", "invitations")),
            "404 503 " + _KEYED,
            [_FIRM],
        )
    },
}
