"""Rule files as YAML that bank staff can read and review.

Keys come in the order of ``docs/rules.md`` (a criterion starts with field, op,
value), Chinese stays Chinese, short lists and min/max pairs sit on one line
([A, B, M], {min: 1, max: 12}), and Decimals are written as the decimals they
are (4.35, never 4.3499999).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from matcher.rulefile.terms import TERM_KEYS

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../docs/rule-file.schema.json\n"

_ORDERS = {
    "top": ("id", "bank", "bank_name", "name", "source", "terms", "eligibility", "unparsed"),
    "terms": TERM_KEYS,  # the order a rule file's terms are read in
    "node": ("field", "op", "value", "source", "label", "all", "any", "not"),
    "range": ("min", "max"),
    "label": ("zh", "en"),
    "unparsed": ("clause", "note"),
}


class _Flow(dict):
    """A mapping written on one line."""


class _FlowList(list):
    """A list written on one line."""


class _Quoted(str):
    """Text always written in double quotes (operators: ">=" reads better than '>=' or >=)."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # lists indented under their key


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(
    _Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"')
)
_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True)
)
_Dumper.add_representer(
    _FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)


def _ordered(mapping: dict, order: tuple[str, ...]) -> dict:
    known = [k for k in order if k in mapping]
    return {k: mapping[k] for k in known + [k for k in mapping if k not in order]}


def _scalar_list(value) -> bool:
    return isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)


def _plain(value):
    """A list of scalars on one line (``[A, B, M]``); anything else as it is."""
    return _FlowList(value) if _scalar_list(value) else value


def _node(node: dict) -> dict:
    node = _ordered(node, _ORDERS["node"])
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("all", "any"):
            out[key] = [_node(n) for n in value]
        elif key == "not":
            out[key] = _node(value)
        elif key == "op" and isinstance(value, str) and not value.isalpha():
            out[key] = _Quoted(value)  # ">=", "==": symbols read best in quotes
        elif key == "value" and isinstance(value, str) and value.isdigit():
            out[key] = _Quoted(value)  # a region code is text, not a number
        elif key == "label" and isinstance(value, dict):
            out[key] = _Flow(_ordered(value, _ORDERS["label"]))
        else:
            out[key] = _plain(value)
    return out


def _terms(terms: dict) -> dict:
    out = {}
    for key, value in _ordered(terms, _ORDERS["terms"]).items():
        out[key] = (
            _Flow(_ordered(value, _ORDERS["range"])) if isinstance(value, dict) else _plain(value)
        )
    return out


def dump_rule_file(rule_file: dict) -> str:
    """``rule_file`` as a YAML document, with the schema comment editors read first."""
    doc = _ordered(rule_file, _ORDERS["top"])
    shaped: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "terms" and isinstance(value, dict):
            shaped[key] = _terms(value)
        elif key == "eligibility" and isinstance(value, dict):
            shaped[key] = _node(value)
        elif key == "unparsed" and isinstance(value, list):
            shaped[key] = [_ordered(u, _ORDERS["unparsed"]) for u in value]
        else:
            shaped[key] = value
    body = yaml.dump(
        shaped,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
        indent=2,
    )
    return SCHEMA_COMMENT + body
