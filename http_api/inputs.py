"""Reading a request: the JSON body and the query options, or a problem saying why not.

Each failure has its own status so a portal can tell its own bug from a user's
data: 415 the call is not JSON, 413 it is too big, 400 it is not parseable JSON,
422 it parses but says something the API cannot accept (with every field's path).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import current_app, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from .problems import Problem, field_errors

_SURROGATE = re.compile("[\ud800-\udfff]")


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def read_body(accepted: bool, wanted: str) -> bytes:
    """The raw body within the size limit; 415 unless ``accepted`` (the caller's check of
    the content type, ``wanted`` naming it), 413 over the limit."""
    if not accepted:
        shown = request.mimetype or "no Content-Type"
        raise Problem(
            415,
            "unsupported-media-type",
            f"send the body with 'Content-Type: {wanted}' (got {shown})",
        )
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    try:
        raw = request.get_data(cache=False)
        # A chunked body (no Content-Length) is cut at the limit rather than refused:
        # one that fills it was longer than allowed, or exactly as long, which is rare.
        if request.content_length is None and limit is not None and len(raw) >= limit:
            raise RequestEntityTooLarge()
    except RequestEntityTooLarge:
        raise Problem(
            413,
            "body-too-large",
            f"the body is over the limit of {limit} bytes (LOANMATCH_MAX_BODY)",
            limit=limit,
        ) from None
    return raw


def read_json() -> Any:
    """The parsed body; a Problem (415/413/400) when there is none to read."""
    raw = read_body(_is_json(request.mimetype), "application/json")
    if not raw.strip():
        raise Problem(400, "invalid-json", "the body is empty; send a JSON document")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(
            400, "invalid-json", f"the body is not UTF-8 (byte {exc.start}); JSON is sent as UTF-8"
        ) from None
    try:
        document = json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates
        )
    except json.JSONDecodeError as exc:
        raise Problem(
            400,
            "invalid-json",
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
        ) from None
    except (ValueError, RecursionError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
        raise Problem(400, "invalid-json", f"malformed JSON: {message}") from None
    if "\\u" in text:  # only a \uXXXX escape can make a lone surrogate
        pointer = _surrogate_at(document, "")
        if pointer is not None:
            raise Problem(
                400,
                "invalid-json",
                f"the string at '{pointer or '/'}' holds a lone surrogate (an unpaired "
                f"\\uD800-\\uDFFF escape), which is not Unicode; send valid text",
                pointer=pointer,
            )
    return document


def _surrogate_at(node: Any, pointer: str) -> str | None:
    """The JSON Pointer of the first string (or key) holding a lone surrogate, or None.

    Such a string cannot be encoded as UTF-8: echoing it, hashing it into a fingerprint
    or asserting it into durable_rules would fail far from here, as a 500.
    """
    stack = [(node, pointer)]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return pointer
        elif isinstance(node, dict):
            for key, value in node.items():
                escaped = key.replace("~", "~0").replace("/", "~1")
                if _SURROGATE.search(key):
                    return f"{pointer}/{_SURROGATE.sub('?', escaped)}"
                stack.append((value, f"{pointer}/{escaped}"))
        elif isinstance(node, list):
            stack.extend((value, f"{pointer}/{index}") for index, value in enumerate(node))
    return None


_DEFAULTS: dict[int, tuple[Schema, dict]] = {}


def read_options(schema: Schema) -> dict:
    """The query string loaded through ``schema``; 422 naming each bad parameter.
    Without a query string (most calls) the schema's defaults, loaded once."""
    kept = None if request.args else _DEFAULTS.get(id(schema))
    if kept is not None:
        return dict(kept[1])
    try:
        options = schema.load(request.args.to_dict())
        if not request.args and not any(callable(f.load_default) for f in schema.fields.values()):
            _DEFAULTS[id(schema)] = (schema, dict(options))  # the schema too: its id stays its own
        return options
    except ValidationError as exc:
        raise Problem(
            422,
            "invalid-options",
            "invalid query parameters; see errors",
            errors=field_errors(exc.normalized_messages(), location="query"),
        ) from None
