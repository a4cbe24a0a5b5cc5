"""``/openapi.json`` (apispec, from the marshmallow schemas) and the ``/docs`` page.

Operations are declared here, one entry per Flask endpoint, and the spec is built
from the app's own URL map: a route without an entry fails a test, so no endpoint
goes undocumented, and a renamed route cannot leave a stale path behind.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    render_template_string,
    request,
    send_from_directory,
    url_for,
)

from matcher.vocabulary.ids import BANK_ID_SCHEMA
from matcher.vocabulary.profile import ProfileSchema

from . import __version__
from . import schemas as S
from .lead_operations import LEAD_OPERATIONS
from .problems import PROBLEM_JSON
from .rules_operations import RULES_OPERATIONS, add_replay
from .screening_schemas import SCREENING_OPERATIONS

bp = Blueprint("docs", __name__)
ASSETS = Path(__file__).resolve().parent / "static"
PUBLIC: dict[str, list] = {"security": []}
_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

_ERRORS = {
    "400": ("InvalidJSON", "the body is not parseable JSON"),
    "401": ("Unauthorized", "no valid API key (send 'Authorization: Bearer <key>')"),
    "403": ("Forbidden", "the key's role may not use this endpoint"),
    "404": ("NotFound", "no such product"),
    "413": ("BodyTooLarge", "the body is over LOANMATCH_MAX_BODY"),
    "415": ("UnsupportedMediaType", "the body is not sent as application/json"),
    "422": (
        "Unprocessable",
        "the profile or the query options are invalid: every problem "
        "is listed in errors, each with its JSON Pointer",
    ),
    "429": ("RateLimited", "over this key's rate limit; wait Retry-After seconds"),
    "500": ("InternalError", "an unexpected error; quote request_id when reporting it"),
}


def _json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


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
    op = {
        "summary": summary,
        "description": description,
        "tags": [tag],
        "parameters": params,
        "responses": {
            "200": ok if isinstance(ok, dict) else {"description": "OK", **_json(ok)},
            **{code: _ERRORS[code][0] for code in errors.split()},
        },
    }
    if body is not None:
        op["requestBody"] = {"required": True, **_json(body)}
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
            {"description": "OpenAPI 3.0", **_json({"type": "object"})},
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
    **_json(S.ReadinessSchema),
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


def openapi_path(rule: str) -> str:
    return _PARAM.sub(r"{\1}", rule)


def build_spec(app: Flask) -> dict:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="loanmatch",
        version=__version__,
        openapi_version="3.0.3",
        plugins=[plugin],
        info={
            "description": "Match Chinese SMEs with bank loan products: post an enterprise "
            "profile, get ranked, explained eligibility. Errors are RFC 9457 "
            "problem documents (application/problem+json)."
        },
        security=[{"apiKey": []}],
    )
    for tag in TAGS:
        spec.tag(tag)
    spec.components.security_scheme(
        "apiKey",
        {"type": "http", "scheme": "bearer", "description": "an API key from LOANMATCH_API_KEYS"},
    )
    if plugin.converter is None:  # set when the spec took the plugin, just above
        raise RuntimeError("the marshmallow plugin was not initialised")
    plugin.converter.add_attribute_function(_raw_fields)
    spec.components.schema("Profile", schema=ProfileSchema)
    _profile_shapes(spec.components.schemas["Profile"])
    spec.components.schema("Problem", schema=S.ProblemSchema)
    for code, (name, description) in _ERRORS.items():
        response = {"description": description, "content": {PROBLEM_JSON: {"schema": "Problem"}}}
        if code == "429":
            response["headers"] = {
                "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
            }
        spec.components.response(name, response)
    products = app.extensions["loanmatch"].catalog.products
    order = {name: i for i, name in enumerate(OPERATIONS)}  # within a tag, a portal's order
    for rule in sorted(
        app.url_map.iter_rules(), key=lambda r: (order.get(r.endpoint, len(order)), r.rule)
    ):
        operations = copy.deepcopy(OPERATIONS.get(rule.endpoint))
        if not operations:
            continue
        for operation in operations.values():
            for param in operation["parameters"]:
                if param.get("name") == "product_id" and products:
                    param["example"] = products[0].id
        spec.path(path=openapi_path(rule.rule), operations=operations)
    return spec.to_dict()


_TEXT = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "required": ["zh", "en"],
            "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
        },
    ]
}


def _raw_fields(self, field, **kwargs) -> dict:
    if isinstance(field, S.Localized):
        return dict(_TEXT)
    return {}


# The shapes ProfileSchema checks in code, stated for the spec's readers (and for
# schemathesis, which then generates profiles that reach the matcher).
_SHAPES = {
    "region_code": {"pattern": "^[1-8][0-9]{5}$"},
    "industry_code": {"pattern": "^[A-T]([0-9]{2,4})?$"},
    "credit_code": {"pattern": "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"},
    "name": {"minLength": 1, "pattern": "\\S"},
}


def _profile_shapes(schema: dict) -> None:
    properties = schema["properties"]
    for name, shape in _SHAPES.items():
        if name in properties:
            properties[name].update(shape)
    banks = properties.get("bank_relationships", {}).get("items")
    if banks is not None:
        banks["pattern"] = BANK_ID_SCHEMA


def undocumented(app: Flask) -> list[str]:
    """Endpoints the app serves that this module does not describe (should be none)."""
    return sorted(
        {
            r.endpoint
            for r in app.url_map.iter_rules()
            if r.endpoint not in OPERATIONS
            and r.endpoint != "static"
            and not r.endpoint.startswith("workbench")
        }
    )  # web pages, not the API


def current_spec() -> dict:
    cached = current_app.extensions.get("loanmatch.openapi")
    if cached is None:
        cached = current_app.extensions["loanmatch.openapi"] = build_spec(current_app)
    spec = dict(cached)
    spec["servers"] = [{"url": request.script_root or "/"}]
    return spec


@bp.get("/openapi.json")
def openapi():
    return jsonify(current_spec())


@bp.get("/docs")
def docs_page():
    """Swagger UI over this app's spec; every asset from this app (no CDN is reachable
    from many bank networks), addressed under the app's prefix when it is mounted."""
    html = render_template_string(
        _PAGE,
        spec=current_spec(),
        spec_url=url_for(".openapi"),
        asset=lambda name: url_for(".docs_asset", name=name),
    )
    return (
        html,
        200,
        {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": _PAGE_POLICY},
    )


@bp.get("/docs/assets/<path:name>")
def docs_asset(name: str):
    """The page's script and the vendored Swagger UI (``static/swagger-ui``, Apache-2.0,
    its LICENSE and NOTICE beside it)."""
    return send_from_directory(ASSETS, name, max_age=86400)


# Swagger UI sets style attributes, hence 'unsafe-inline' for styles only; "Try it out"
# calls this same origin.
_PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'"
)
_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ spec.info.title }} API {{ spec.info.version }}</title>
<link rel="icon" type="image/png" href="{{ asset('swagger-ui/favicon-32x32.png') }}">
<link rel="stylesheet" href="{{ asset('swagger-ui/swagger-ui.css') }}">
</head><body>
<noscript><p>This page needs JavaScript; the API is described in
<a href="{{ spec_url }}">openapi.json</a>.</p></noscript>
<div id="swagger-ui" data-spec="{{ spec_url }}"></div>
<script src="{{ asset('swagger-ui/swagger-ui-bundle.js') }}"></script>
<script src="{{ asset('docs.js') }}"></script>
</body></html>
"""
