"""A lead as stored: one Redis hash of text fields, and its translation to and from Python.

The hash is flat so that a Lua script can read and change single fields (status,
stream entry, amounts) without decoding JSON; the profile, consent and matched
criteria are JSON text inside it, written once. JSON numbers come back as ``int``
or ``Decimal`` (never float), so a money amount read back is exact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .clock import from_ms, iso

# Stored as decimal text, read back as int.
_INT_FIELDS = frozenset(
    {
        "requested_amount",
        "requested_term_months",
        "approved_amount",
        "approved_term_months",
        "disbursed_amount",
        "created_ms",
        "routed_ms",
        "accepted_ms",
        "approved_ms",
        "declined_ms",
        "disbursed_ms",
        "withdrawn_ms",
        "decided_ms",
        "claimed_ms",
    }
)
_DECIMAL_FIELDS = frozenset({"approved_rate_pct"})
_JSON_FIELDS = frozenset({"profile", "consent", "matched_criteria", "contact"})


def dumps(value: Any) -> str:
    """JSON for a validated profile, which may hold Decimal, date and datetime values."""
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def plain(value: Any) -> Any:
    """``value`` with JSON's types only, numbers exact (see ``dumps``): for API responses."""
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        # float's repr is the shortest text that reads back to it, so a decimal of up to
        # 15 significant digits is written digit for digit (and read back as Decimal).
        if len(value.as_tuple().digits) <= 15:
            return float(value)
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    return value


def parse(flat: Iterable[str] | Mapping[str, str]) -> dict[str, Any]:
    """The lead hash (a mapping, or HGETALL's flat list from Lua) as typed values."""
    if not isinstance(flat, Mapping):
        items = list(flat)
        flat = dict(zip(items[0::2], items[1::2]))
    lead: dict[str, Any] = {}
    for name, text in flat.items():
        if name in _INT_FIELDS:
            lead[name] = int(text) if text != "" else None
        elif name in _DECIMAL_FIELDS:
            lead[name] = Decimal(text) if text != "" else None
        elif name in _JSON_FIELDS:
            lead[name] = loads(text)
        else:
            lead[name] = text
    return lead


def moment(lead: Mapping[str, Any], name: str) -> str | None:
    """The ISO time of the lead's ``<name>_ms`` field, or None when it has not happened."""
    ms = lead.get(f"{name}_ms")
    return iso(from_ms(ms)) if ms is not None else None
