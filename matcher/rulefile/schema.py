"""The JSON Schema of a rule file, generated from the field vocabulary.

Editors (VS Code's YAML extension, JetBrains) use it to complete field names,
operators and enum values while bank staff type. It is generated, not written,
so that it cannot drift from ``fields.py``; ``docs/rule-file.schema.json`` is
this module's output (``python -m matcher.rulefile.schema > docs/rule-file.schema.json``)
and a test keeps the two equal. Lint remains the authority: the schema cannot
express "never true" or duplicate ids.
"""

from __future__ import annotations

import json

from ..vocabulary import fields as F
from ..vocabulary.fields import COLLATERALS
from ..vocabulary.ids import BANK_ID_SCHEMA, PRODUCT_ID_SCHEMA
from .operators import ALLOWED, OPERATORS
from .terms import CHANNELS

_SCALAR = {
    F.MONEY: {"type": "number"},
    F.RATIO: {"type": "number"},
    F.INTEGER: {"type": "integer"},
    F.BOOLEAN: {"type": "boolean"},
    F.STRING: {"type": "string"},
    F.CODE: {"type": "string"},
    F.DATE: {"type": "string"},
    F.LIST: {"type": "string"},
}


def _value_schema(fld: F.Field, op: str) -> dict:
    scalar = {"enum": list(fld.choices)} if fld.kind == F.ENUM else dict(_SCALAR[fld.kind])
    if op == "exists":
        return {"type": "boolean"}
    if op == "between":
        return {"type": "array", "items": scalar, "minItems": 2, "maxItems": 2}
    if op in ("in", "not_in"):
        return {"type": "array", "items": scalar, "minItems": 1}
    if fld.kind in (F.CODE, F.STRING) and op not in ("in", "not_in", "between"):
        scalar = {"type": ["string", "integer"]}  # YAML reads an unquoted 130200 as a number
    if op == "prefix":
        return {
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
            ]
        }
    return scalar


# Identity fields are not testable: a bank would learn who applied before accepting.
_TESTABLE = [fld for fld in F.FIELDS.values() if not fld.personal]


def _criterion_schemas() -> list[dict]:
    out = []
    for fld in _TESTABLE:
        allowed = sorted(ALLOWED[fld.kind])
        out.append(
            {
                "if": {"properties": {"field": {"const": fld.name}}, "required": ["field"]},
                "then": {
                    "properties": {"op": {"enum": allowed}},
                    "allOf": [
                        {
                            "if": {"properties": {"op": {"const": op}}, "required": ["op"]},
                            "then": {"properties": {"value": _value_schema(fld, op)}},
                        }
                        for op in allowed
                    ],
                },
            }
        )
    return out


def schema() -> dict:
    rng = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "min": {"type": "number", "minimum": 0},
            "max": {"type": "number", "minimum": 0},
        },
    }
    criterion = {
        "type": "object",
        "required": ["field", "op", "value"],
        "additionalProperties": False,
        "properties": {
            "field": {
                "enum": [f.name for f in _TESTABLE],
                "description": "a profile field (docs/profile.md; not name or "
                "credit_code: a rule may not identify the enterprise)",
            },
            "op": {"enum": list(OPERATORS)},
            "value": {},
            "label": {
                "oneOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
                    },
                ]
            },
            "source": {"type": "string", "description": "the sheet's clause (申请条件原文)"},
        },
        "allOf": _criterion_schemas(),
    }
    node = {
        "oneOf": [
            {"$ref": "#/$defs/criterion"},
            {
                "type": "object",
                "required": ["all"],
                "additionalProperties": False,
                "properties": {
                    "all": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/node"}}
                },
            },
            {
                "type": "object",
                "required": ["any"],
                "additionalProperties": False,
                "properties": {
                    "any": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/node"}}
                },
            },
            {
                "type": "object",
                "required": ["not"],
                "additionalProperties": False,
                "properties": {"not": {"$ref": "#/$defs/node"}},
            },
        ]
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "loanmatch product rule file",
        "description": "One loan product: its terms and its eligibility rules (docs/rules.md).",
        "type": "object",
        "required": ["id", "bank", "name", "eligibility"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": PRODUCT_ID_SCHEMA},
            "bank": {"type": "string", "pattern": BANK_ID_SCHEMA},
            "bank_name": {"type": "string"},
            "name": {"type": "string", "minLength": 1},
            "source": {"type": "string"},
            "terms": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "amount": rng,
                    "term_months": rng,
                    "rate_pct": rng,
                    "collateral": {"type": "array", "items": {"enum": list(COLLATERALS)}},
                    "channel": {"enum": list(CHANNELS)},
                    "approval_days": {"type": "integer", "minimum": 0},
                    "priority": {"type": "integer", "minimum": -100, "maximum": 100},
                    "illustrative": {"type": "boolean"},
                },
            },
            "eligibility": {"$ref": "#/$defs/node"},
            "unparsed": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"clause": {"type": "string"}, "note": {"type": "string"}},
                },
            },
        },
        "$defs": {"criterion": criterion, "node": node},
    }


def dumps() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(dumps(), end="")
