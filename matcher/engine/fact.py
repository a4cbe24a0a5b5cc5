"""The profile as durable_rules sees it: a flat JSON fact it compares correctly.

durable_rules compares a string with a number as text, treats ``$neq`` on a
missing field as false, and cannot iterate an empty list (``docs/design.md``). So
the fact carries only values of the field's own type (the profile schema
guarantees it), missing fields stay absent, and the shapes durable handles
badly are rewritten into ones it handles well:

* a list field becomes a presence flag per element plus a "known" flag;
* a hierarchical code also carries its prefixes, one property per length, so that
  "does not start with K" is a plain inequality.

Property names are short (``f12`` for a field, ``f12k`` its known flag, ``f12mpsbc``
a list element, ``f12p3`` a prefix): durable_rules parses and hashes every name of
the fact once per ruleset, and copies the fact into every rule that fires, so half
the bytes is fewer instructions (``docs/performance.md``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from ..vocabulary import fields as F
from ..vocabulary.plain import plain

FACT_SID = "loanmatch"
FACT_ID = "profile"
GUARD_KEY = "kind"
GUARD_VALUE = "profile"


# "f" and the field's place in the vocabulary; a derived property adds a letter and more,
# so no name is another's (a field's is all digits after the "f").
_SHORT = {name: f"f{number}" for number, name in enumerate(F.FIELDS)}


def field_key(name: str) -> str:
    return _SHORT[name]


def known_key(name: str) -> str:
    return f"{_SHORT[name]}k"


def member_key(name: str, element: str) -> str:
    return f"{_SHORT[name]}m{element}"


def prefix_key(name: str, length: int) -> str:
    return f"{_SHORT[name]}p{length}"


def to_fact(values: Mapping[str, Any], keep: Collection[str] | None = None) -> dict:
    """The fact for ``values``; with ``keep``, only the properties some rule reads
    (durable_rules parses the whole fact once per ruleset, so size is time)."""
    fact = _full_fact(values)
    if keep is None:
        return fact
    return {k: v for k, v in fact.items() if k in keep or k in _ALWAYS}


_ALWAYS = frozenset({"sid", "id", GUARD_KEY})


def _full_fact(values: Mapping[str, Any]) -> dict:
    fact: dict[str, Any] = {"sid": FACT_SID, "id": FACT_ID, GUARD_KEY: GUARD_VALUE}
    for name, value in values.items():
        fld = F.FIELDS.get(name)
        if fld is None or value is None:
            continue
        if fld.kind == F.LIST:
            fact[known_key(name)] = True
            for element in value:
                fact[member_key(name, element)] = True
            continue
        fact[_SHORT[name]] = plain(value)
        if fld.kind == F.CODE:
            # Up to the longest prefix a rule may name, so that a short code
            # ("C") is known not to start with a longer prefix ("C33").
            for length in range(1, max(len(value), 6) + 1):
                fact[prefix_key(name, length)] = value[:length]
    return fact


def fact_json(values: Mapping[str, Any], keep: Collection[str] | None = None) -> str:
    """Serialized once per profile and asserted into every ruleset."""
    return json.dumps(to_fact(values, keep), ensure_ascii=False)
