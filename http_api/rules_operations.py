"""``/openapi.json``'s operations of rule changes: editing, reload, versions, replay.

Kept apart from the documents they describe (``rules_schemas``), as the leads' are:
``openapi`` merges ``RULES_OPERATIONS`` and lets ``add_replay`` describe
``catalog_version`` on the match endpoints. A refused rule file is a 422, and a refused
retirement a 409, with every problem at ``path:line:column``.
"""

from __future__ import annotations

from matcher.vocabulary.ids import PRODUCT_ID_SCHEMA

from . import schemas as S
from .openapi_parts import BANK_ID_PARAMETER, json_body, json_response, operation
from .problems import PROBLEM_JSON, error_responses
from .rules_schemas import (
    BankDiffSchema,
    BankVersionListSchema,
    CatalogStatusSchema,
    PreviewDocumentSchema,
    PreviewOptionsSchema,
    PreviewRequestSchema,
    PublishedSchema,
    PublishRequestSchema,
    ReloadAnswerSchema,
    RetiredSchema,
    RuleProblemSchema,
    VersionListSchema,
)

VERSION_PATTERN = "^sha256:[0-9a-f]{16}$"


_OWN = {
    "404": {
        "description": "no such product of this bank",
        "content": {PROBLEM_JSON: {"schema": S.ProblemSchema}},
    },
    "422": {
        "description": "the rule file was not accepted: every problem at "
        "path:line:column (nothing was written)",
        "content": {PROBLEM_JSON: {"schema": RuleProblemSchema}},
    },
    "409": {
        "description": "not retired: the catalog without this product does not pass "
        "its checks (errors at path:line:column); nothing changed",
        "content": {PROBLEM_JSON: {"schema": RuleProblemSchema}},
    },
}
_IDS = [
    BANK_ID_PARAMETER,
    {
        "in": "path",
        "name": "product_id",
        "required": True,
        "schema": {"type": "string", "pattern": PRODUCT_ID_SCHEMA},
        "description": "the product id (the file's id)",
    },
]
_YAML = {
    "required": True,
    "description": "the rule file (docs/rules.md) as YAML; or, as "
    "JSON, the rule file and its scenario file",
    "content": {
        **{t: {"schema": {"type": "string"}} for t in ("application/yaml", "text/yaml")},
        "application/json": {"schema": PublishRequestSchema},
    },
}


def _op(
    summary: str,
    description: str,
    tag: str,
    responses: dict,
    errors: str,
    *,
    ids: bool = False,
    bank: bool = False,
    query=None,
    body=None,
) -> dict:
    params = list(_IDS) if ids else list(_IDS[:1]) if bank else []
    if isinstance(query, list):  # parameters spelled out
        params += query
    elif query is not None:
        params.append({"in": "query", "schema": query})
    return operation(
        summary, description, tag, params, {**responses, **error_responses(errors, _OWN)}, body
    )


_KEYED = "401 403 429 500"
_DIFF_QUERY = [
    {
        "in": "query",
        "name": "from",
        "required": True,
        "schema": {"type": "string"},
        "description": "the older version: sha256:… or a unique prefix",
        "example": "sha256:a7a5",
    },
    {
        "in": "query",
        "name": "to",
        "required": False,
        "schema": {"type": "string"},
        "description": "the newer version (default: live)",
    },
]
RULES_OPERATIONS = {
    "admin.catalog_info": {
        "get": _op(
            "The catalog this process serves, and any rules change waiting on errors (admin)",
            "Version, size, banks, load time; pending lists a refused change's errors at "
            "path:line:column while the last good version keeps serving.",
            "admin",
            json_response(CatalogStatusSchema),
            _KEYED,
        )
    },
    "admin.reload_now": {
        "post": _op(
            "Check the rules folder now and put it live if it passes (admin)",
            "Lint and every scenario first; a good change is served by fresh workers within "
            "seconds, a bad one is refused (outcome rejected, with its errors). 202: the "
            "check is still running; see GET /v1/admin/catalog.",
            "admin",
            {
                **json_response(ReloadAnswerSchema, "200", "the decision"),
                **json_response(ReloadAnswerSchema, "202", "not decided yet"),
            },
            _KEYED,
        )
    },
    "admin.versions": {
        "get": _op(
            "The catalog versions that went live, newest first (admin)",
            "Who made each change and which files it touched; a kept version can be replayed "
            "with POST /v1/match?catalog_version=.",
            "admin",
            json_response(VersionListSchema),
            _KEYED,
        )
    },
    "editing.preview": {
        "post": _op(
            "Try a draft rule file against profiles without publishing it",
            "Each profile's answer from the draft alone, evaluated by the reference evaluator "
            "(nothing is written or compiled). The draft is linted in the catalog's context "
            "first (422 with path:line:column).",
            "editing",
            json_response(PreviewDocumentSchema),
            "400 413 415 422 " + _KEYED,
            ids=True,
            query=PreviewOptionsSchema,
            body=json_body(PreviewRequestSchema),
        )
    },
    "editing.publish": {
        "put": _op(
            "Publish a product's rule file (that bank's key, or admin)",
            "The body is the YAML file (or JSON {rule_file, scenarios} to publish its "
            "scenario file with it); its bank and id must be the address's. It is linted "
            "in the context of the whole catalog and its scenarios run before anything is "
            "written; a refused draft changes nothing (422). 201 created / 200 replaced and "
            "live on every instance within seconds; 202 written but not live yet (see reload). "
            "A bank key changes its products at most every LOANMATCH_PUBLISH_INTERVAL seconds "
            "(429 with Retry-After; a refused or unchanged draft does not count).",
            "editing",
            {
                **json_response(PublishedSchema, "200", "replaced (or unchanged) and live"),
                **json_response(PublishedSchema, "201", "created and live"),
                **json_response(PublishedSchema, "202", "written, not live yet"),
            },
            "400 413 415 422 " + _KEYED,
            ids=True,
            body=_YAML,
        )
    },
    "editing.retire": {
        "delete": _op(
            "Retire a product (that bank's key, or admin)",
            "Its rule and scenario files move out of the rules folder to the retired area, "
            "time-stamped (nothing is lost), and the catalog reloads without it. When the "
            "catalog without it does not pass its checks (another product's scenarios name "
            "it), the files are put back and the answer is 409. Counts against the bank's "
            "LOANMATCH_PUBLISH_INTERVAL like a publish (429 with Retry-After).",
            "editing",
            {
                **json_response(RetiredSchema, "200", "retired and out of the catalog"),
                **json_response(RetiredSchema, "202", "moved, catalog not reloaded yet"),
            },
            "404 409 " + _KEYED,
            ids=True,
        )
    },
    "bank_versions.bank_versions": {
        "get": _op(
            "The catalog versions that changed this bank's products (that bank's key, or admin)",
            "Newest first, each with who made it and this bank's files it added, removed or "
            "modified; another bank's key is refused.",
            "editing",
            json_response(BankVersionListSchema),
            "404 " + _KEYED,
            bank=True,
        )
    },
    "bank_versions.bank_diff": {
        "get": _op(
            "What changed in this bank's products between two versions, criterion by criterion",
            "from and to are recorded versions (sha256:… or a unique prefix; to defaults to "
            "the live one); 404 when one is not recorded or its files were pruned.",
            "editing",
            json_response(BankDiffSchema),
            "404 422 " + _KEYED,
            bank=True,
            query=_DIFF_QUERY,
        )
    },
}

_REPLAY = {
    "in": "query",
    "name": "catalog_version",
    "required": False,
    "schema": {"type": "string", "pattern": VERSION_PATTERN},
    "description": "replay against this recorded catalog version (a result's "
    "catalog_version) while it is kept; 404 when it is not",
}


def add_replay(operations: dict) -> None:
    """Describe ``catalog_version`` (and its 404) on the match endpoints."""
    for endpoint in ("match.match", "match.batch"):
        operation = operations[endpoint]["post"]
        operation["parameters"].append(dict(_REPLAY))
        operation["responses"].setdefault(
            "404",
            {
                "description": "the catalog version is not recorded, or no longer kept",
                "content": {PROBLEM_JSON: {"schema": S.ProblemSchema}},
            },
        )
