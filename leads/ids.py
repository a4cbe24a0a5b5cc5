"""Lead ids: ULIDs, so that they sort by creation time yet cannot be guessed.

A ULID is 48 bits of milliseconds followed by 80 random bits from ``secrets``,
written in Crockford base32 (26 characters, no I, L, O or U). Guessing another
lead's id means guessing 80 random bits, which is what keeps a bank from probing
for leads it was not sent (besides the ownership check).
"""

from __future__ import annotations

import re
import secrets

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LEAD_ID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}\Z")


def new_lead_id(at_ms: int) -> str:
    value = (at_ms << 80) | int.from_bytes(secrets.token_bytes(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_lead_id(text: object) -> bool:
    """Whether ``text`` has the shape of a lead id (checked before it becomes part of a key)."""
    return isinstance(text, str) and bool(_LEAD_ID.match(text))
