"""What a bank may see of a screening: aggregates with small cells suppressed, and
consenting firms under an id of its own.

A segment cell (a city, an industry section or a size class) counting fewer than
``MIN_CELL`` firms could single a firm out, so its number is replaced by None
(``"<5"`` in CSV). A firm is listed to a bank only if it agreed to be contacted
(``contact_consent``), and never by its platform id, name or credit code: by
``pseudonym(secret, bank, firm_id)``, an HMAC that is stable for that bank (so
invitations can name the firm) and unlinkable across banks (two banks cannot join
their lists).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
from typing import Any

MIN_CELL = 5
SUPPRESSED_TEXT = "<5"
PSEUDONYM_PREFIX = "f_"


def suppressed(count: int | None) -> int | None:
    """``count``, or None when it is under ``MIN_CELL`` (zero included)."""
    return None if count is None or count < MIN_CELL else int(count)


def suppress_segments(segments: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``{dimension: {cell: counts}}`` with each count under MIN_CELL as None; ``counts``
    is a number or a mapping of numbers (per status, gained/lost)."""
    out: dict[str, dict[str, Any]] = {}
    for dimension, cells in segments.items():
        out[dimension] = {
            cell: (
                {k: suppressed(v) for k, v in value.items()}
                if isinstance(value, dict)
                else suppressed(value)
            )
            for cell, value in cells.items()
        }
    return out


def bank_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """summary.json as a bank may read it: every segment cell suppressed under MIN_CELL."""
    shown = copy.deepcopy(summary)
    shown["segment_firms"] = suppress_segments(shown.get("segment_firms", {}))
    for product in shown.get("products", []):
        product["segments"] = suppress_segments(product.get("segments", {}))
    return shown


def pseudonym(secret: bytes, bank: str, firm_id: str) -> str:
    """The firm's id for ``bank``: the same every time for that bank, another for each bank."""
    mac = hmac.new(secret, f"{bank}\0{firm_id}".encode(), hashlib.sha256)
    return PSEUDONYM_PREFIX + mac.hexdigest()[:24]
