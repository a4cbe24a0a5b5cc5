"""The shape every ``/openapi.json`` operation is built in, shared by the modules that
declare them (``openapi_operations``, ``rules_operations``, ``lead_operations``,
``screening_schemas``): each says which parameters, responses and body an endpoint
has, and this writes them out in one order.
"""

from __future__ import annotations

from typing import Any

from matcher.vocabulary.ids import BANK_ID_SCHEMA

# The bank in an address (/v1/banks/{bank_id}/…), as rule changes and screening name it.
BANK_ID_PARAMETER = {
    "in": "path",
    "name": "bank_id",
    "required": True,
    "schema": {"type": "string", "pattern": BANK_ID_SCHEMA},
    "description": "the bank, as in its API key's role bank:<bank_id>",
}


def json_content(schema: Any) -> dict:
    """A JSON body or response of this schema."""
    return {"content": {"application/json": {"schema": schema}}}


def json_body(schema: Any) -> dict:
    """A required JSON request body of this schema."""
    return {"required": True, **json_content(schema)}


def json_response(schema: Any, code: str = "200", description: str = "OK") -> dict:
    """``{code: response}`` for a JSON response of this schema."""
    return {code: {"description": description, **json_content(schema)}}


def operation(
    summary: str,
    description: str,
    tag: str,
    parameters: list,
    responses: dict,
    body: dict | None = None,
) -> dict:
    """One operation; ``body`` is the whole ``requestBody`` when it takes one."""
    op = {
        "summary": summary,
        "description": description,
        "tags": [tag],
        "parameters": parameters,
        "responses": responses,
    }
    if body is not None:
        op["requestBody"] = body
    return op
