"""A bank's leads, newest first, as the bank may see them — reading only.

Listing is what a bank's dashboard or a ``HEAD`` probe does: it must never claim a lead
(claiming moves the delivery stream; see ``delivery.py``). Each lead is shown as
``masking.bank_view`` shows it: masked until the bank accepts it.
"""

from __future__ import annotations

from typing import Any

import redis

from .keys import Keys
from .masking import bank_view
from .record import parse

LIST_MAX = 100


def bank_leads(
    client: redis.Redis, keys: Keys, bank: str, count: int = 20, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """(how many leads the bank has, up to ``count`` of them from ``offset``, newest first)."""
    pipe = client.pipeline(transaction=False)
    pipe.zcard(keys.index(bank))
    pipe.zrevrange(keys.index(bank), offset, offset + count - 1)
    total, ids = pipe.execute()
    pipe = client.pipeline(transaction=False)
    for lead_id in ids:
        pipe.hgetall(keys.lead(lead_id))
    shown = []
    for flat in pipe.execute() if ids else []:
        lead = parse(flat)
        if lead.get("bank") == bank:
            shown.append(bank_view(lead))
    return total, shown
