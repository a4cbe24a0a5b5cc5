"""Handing leads to a bank: a Redis Stream per bank, read through a consumer group.

A bank's staff (or its integration) claim leads under a consumer name. A claimed
lead stays pending for that consumer until the bank accepts it; if it is not
accepted within the visibility timeout, the next claim (by any consumer of the
bank) gets it again, through XAUTOCLAIM. So a lead claimed by a client that
crashed is not lost, and two consumers never hold the same lead at the same time
within the timeout. Accepting (``lifecycle``) acknowledges and deletes the entry.
"""

from __future__ import annotations

import re
from typing import Any

import redis
from redis import exceptions as rex

from .errors import InvalidInput
from .keys import GROUP, Keys
from .masking import bank_view
from .record import parse

CLAIM_MAX = 100
_CONSUMER = re.compile(r"^[A-Za-z0-9_.@-]{1,64}\Z")
_AUTOCLAIM_ROUNDS = 10  # each scans up to 10 × count pending entries


class Delivery:
    def __init__(self, client: redis.Redis, keys: Keys, visibility_timeout_ms: int):
        self.client = client
        self.keys = keys
        self.visibility_timeout_ms = visibility_timeout_ms
        self._grouped: set[str] = set()

    def claim(self, bank: str, consumer: str, count: int) -> list[dict[str, Any]]:
        """Up to ``count`` routed leads for ``consumer``, those whose timeout ran out first.

        Each is the bank's (masked) view plus ``redelivered``: true when another claim
        had it before and did not accept it in time.
        """
        if not isinstance(consumer, str) or not _CONSUMER.match(consumer):
            raise InvalidInput("consumer", "must be 1-64 letters, digits or _ . @ -")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= CLAIM_MAX:
            raise InvalidInput("count", f"must be a whole number from 1 to {CLAIM_MAX}")
        stream = self.keys.stream(bank)
        try:
            entries, redelivered = self._read(stream, consumer, count)
        except rex.ResponseError as err:
            if "NOGROUP" not in str(err):
                raise
            # The group vanished (Redis restored from an older file): make it and read again.
            self._grouped.discard(stream)
            entries, redelivered = self._read(stream, consumer, count)
        pipe = self.client.pipeline(transaction=False)
        for _, fields in entries:
            pipe.hgetall(self.keys.lead(fields.get("lead", "")))
        leads = []
        stale = []
        for (entry_id, _), flat in zip(entries, pipe.execute()):
            lead = parse(flat) if flat else None
            if (
                lead is None
                or lead.get("status") != "routed"
                or lead.get("bank") != bank
                or lead.get("stream_id") != entry_id
            ):
                stale.append(entry_id)  # withdrawn or accepted meanwhile: nothing to deliver
                continue
            leads.append({**bank_view(lead), "redelivered": entry_id in redelivered})
        if stale:
            self.client.xack(stream, GROUP, *stale)
        return leads

    def _read(self, stream: str, consumer: str, count: int):
        self._ensure_group(stream)
        entries: list[tuple[str, dict]] = []
        start = "0-0"
        for _ in range(_AUTOCLAIM_ROUNDS):
            reply = self.client.xautoclaim(
                stream,
                GROUP,
                consumer,
                self.visibility_timeout_ms,
                start_id=start,
                count=count - len(entries),
            )
            entries += [(entry_id, fields) for entry_id, fields in reply[1] if entry_id]
            start = reply[0]
            if start == "0-0" or len(entries) >= count:
                break
        redelivered = {entry_id for entry_id, _ in entries}
        if len(entries) < count:
            for _, fresh in self.client.xreadgroup(
                GROUP, consumer, {stream: ">"}, count=count - len(entries)
            ):
                entries += fresh
        return entries, redelivered

    def _ensure_group(self, stream: str) -> None:
        if stream in self._grouped:
            return
        try:
            self.client.xgroup_create(stream, GROUP, id="0", mkstream=True)
        except rex.ResponseError as err:
            if "BUSYGROUP" not in str(err):
                raise
        self._grouped.add(stream)
