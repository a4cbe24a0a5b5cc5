"""``/openapi.json`` (apispec, from the marshmallow schemas) and the ``/docs`` page.

The spec is built from the app's own URL map and ``openapi_operations``' table: a
route without an entry fails a test, so no endpoint goes undocumented, and a renamed
route cannot leave a stale path behind.
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
from .openapi_operations import OPERATIONS, TAGS
from .problems import ERRORS, PROBLEM_JSON

bp = Blueprint("docs", __name__)
ASSETS = Path(__file__).resolve().parent / "static"
_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


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
    for code, (name, description) in ERRORS.items():
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
    """Endpoints the app serves that ``OPERATIONS`` does not describe (should be none)."""
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
