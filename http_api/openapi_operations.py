"""Every endpoint's operation for ``/openapi.json``, one entry per Flask endpoint.

The match, products, admin, operations and documentation endpoints are declared here;
the leads', rule changes' and screening's come from their own modules and are merged
in, so ``OPERATIONS`` is the whole table ``openapi`` builds the spec from (a route
without an entry fails a test). ``TAGS`` orders the reference as a portal meets it.
"""

from __future__ import annotations

from matcher.vocabulary.profile import ProfileSchema

from . import schemas as S
from .lead_operations import LEAD_OPERATIONS
from .openapi_parts import json_body, json_content, json_response, operation
from .problems import PROBLEM_JSON, error_responses
from .rules_operations import RULES_OPERATIONS, add_replay
from .screening_schemas import SCREENING_OPERATIONS

PUBLIC: dict[str, list] = {"security": []}  # an operation that takes no key


def _op(
    summary: str,
    description: str,
    tag: str,
    ok: type | dict,
    errors: str,
    query=None,
    body=None,
    path_id: bool = False,
    public: bool = False,
) -> dict:
    params: list = []
    if path_id:
        params.append(
            {
                "in": "path",
                "name": "product_id",
                "required": True,
                "schema": {"type": "string"},
                "description": "the product id",
            }
        )
    if query is not None:
        params.append({"in": "query", "schema": query})
    op = operation(
        summary,
        description,
        tag,
        params,
        {
            "200": ok if isinstance(ok, dict) else json_response(ok)["200"],
            **error_responses(errors),
        },
        None if body is None else json_body(body),
    )
    if public:
        op.update(PUBLIC)
    return op


_KEYED = "401 429 500"
OPERATIONS = {
    "match.match": {
        "post": _op(
            "Match one profile against every product",
            "Ranked eligible products, near misses (failing at most two conditions) and "
            "incomplete products (naming the fields that would decide), each explained.",
            "match",
            S.MatchDocumentSchema,
            "400 413 415 422 " + _KEYED,
            query=S.MatchOptionsSchema,
            body=ProfileSchema,
        )
    },
    "match.batch": {
        "post": _op(
            "Match up to 1,000 profiles in one call",
            "One entry per profile, in order: its result, or its field errors. A bad profile "
            "does not fail the others; more than 1,000 profiles is a 422.",
            "match",
            S.BatchDocumentSchema,
            "400 413 415 422 " + _KEYED,
            query=S.BatchOptionsSchema,
            body=S.BatchRequestSchema,
        )
    },
    "products.list_products": {
        "get": _op(
            "List the catalog's products",
            "Filter by bank and by region (national products and those covering the code); "
            "paginated with limit and offset.",
            "products",
            S.ProductPageSchema,
            "422 " + _KEYED,
            query=S.ProductQuerySchema,
        )
    },
    "products.product_detail": {
        "get": _op(
            "One product: its terms and its eligibility rules in words",
            "",
            "products",
            S.ProductDetailSchema,
            "404 422 " + _KEYED,
            query=S.ProductOptionsSchema,
            path_id=True,
        )
    },
    "products.check": {
        "post": _op(
            "Check one profile against one product, every criterion explained",
            "The product's verdict whatever it is, with the outcome of each criterion.",
            "products",
            S.CheckDocumentSchema,
            "400 404 413 415 422 " + _KEYED,
            query=S.CheckOptionsSchema,
            body=ProfileSchema,
            path_id=True,
        )
    },
    "admin.catalog_info": {
        "get": _op(
            "The catalog this process serves (admin)",
            "Version, size, banks, load time.",
            "admin",
            S.CatalogInfoSchema,
            "403 " + _KEYED,
        )
    },
    "ops.healthz": {
        "get": _op("The process is up", "", "operations", S.HealthSchema, "500", public=True)
    },
    "ops.readyz": {
        "get": _op(
            "The service is ready for traffic",
            "503 with the failing checks when not.",
            "operations",
            S.ReadinessSchema,
            "500",
            public=True,
        )
    },
    "ops.prometheus": {
        "get": _op(
            "Prometheus metrics",
            "",
            "operations",
            {
                "description": "Prometheus text format",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            },
            "500",
            public=True,
        )
    },
    "docs.openapi": {
        "get": _op(
            "This OpenAPI document",
            "",
            "documentation",
            {"description": "OpenAPI 3.0", **json_content({"type": "object"})},
            "500",
            public=True,
        )
    },
    "docs.docs_page": {
        "get": _op(
            "This API's documentation as a web page",
            "",
            "documentation",
            {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}},
            "500",
            public=True,
        )
    },
    "docs.docs_asset": {
        "get": _op(
            "A script, style sheet or licence file of the documentation page",
            "",
            "documentation",
            {"description": "the file", "content": {"*/*": {"schema": {"type": "string"}}}},
            "404 500",
            public=True,
        )
    },
}
OPERATIONS["docs.docs_asset"]["get"]["parameters"] = [
    {
        "in": "path",
        "name": "name",
        "required": True,
        "schema": {"type": "string"},
        "description": "the file, such as swagger-ui/LICENSE",
    }
]
OPERATIONS["docs.docs_asset"]["get"]["responses"]["404"] = {
    "description": "no such file",
    "content": {PROBLEM_JSON: {"schema": "Problem"}},
}
OPERATIONS["ops.readyz"]["get"]["responses"]["503"] = {
    "description": "not ready",
    **json_content(S.ReadinessSchema),
}
OPERATIONS.update(LEAD_OPERATIONS)  # the leads endpoints, described in lead_operations
# Rule editing, reload and versions (admin.catalog_info gains the reload status), and
# catalog_version replay on the match endpoints: described in rules_operations.
OPERATIONS.update(RULES_OPERATIONS)
add_replay(OPERATIONS)
OPERATIONS.update(SCREENING_OPERATIONS)  # firm base, screenings, invitations


# The groups of the reference, in the order a portal meets them.
TAGS = [
    {
        "name": "match",
        "description": "Match an enterprise's profile against every product: "
        "the call a portal makes first",
    },
    {
        "name": "products",
        "description": "The catalog: products, their terms and rules in "
        "words; one product checked in full",
    },
    {
        "name": "leads",
        "description": "Apply for a product on the enterprise's behalf; the "
        "bank claims, decides and disburses (docs/leads.md)",
    },
    {
        "name": "editing",
        "description": "Bank staff: preview, publish and retire their "
        "products; their versions and diffs "
        "(docs/bank-staff.md)",
    },
    {
        "name": "screening",
        "description": "Banks: which firms on the platform qualify, "
        "invitations to them (docs/screening.md)",
    },
    {"name": "admin", "description": "Operators: the live catalog, reloads, versions"},
    {"name": "operations", "description": "Health, readiness, metrics"},
    {"name": "documentation", "description": "This reference"},
]
