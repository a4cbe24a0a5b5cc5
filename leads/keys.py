"""The Redis key layout, in one place, under a configurable prefix.

Several deployments (or test sessions) can share one Redis by using different
prefixes. Per-bank keys sit under ``bank:<id>:`` so that an operator can find and
inspect one bank's delivery stream, overflow queue and cap counters together.

    <p>lead:<id>                     hash    the lead record
    <p>lead:<id>:events              list    its audit trail, JSON events oldest first
    <p>leads                         zset    every lead id, scored by creation ms
    <p>bank:<bank>:leads             zset    the bank's lead ids, scored by creation ms
    <p>bank:<bank>:stream            stream  delivery to the bank (consumer group "leads")
    <p>bank:<bank>:overflow          list    leads waiting for branch capacity, oldest first
    <p>bank:<bank>:wrr               hash    weighted-round-robin state per branch
    <p>bank:<bank>:cap:<branch>:<day> string leads routed to the branch that Beijing day
    <p>dedup:<product>:<credit code>  hash    the latest lead for the pair and when it was made
    <p>idem:<sha256>                 hash    an Idempotency-Key's lead and request fingerprint
    <p>outcomes:<product>            hash    decided / approved counters per segment
    <p>overflow:due                  string  held while one process routes the queues
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

DEFAULT_PREFIX = "loanmatch:"
GROUP = "leads"  # the consumer group on every bank's delivery stream


@dataclass(frozen=True)
class Keys:
    prefix: str = DEFAULT_PREFIX

    def lead(self, lead_id: str) -> str:
        return f"{self.prefix}lead:{lead_id}"

    def events(self, lead_id: str) -> str:
        return f"{self.prefix}lead:{lead_id}:events"

    def index(self, bank: str | None = None) -> str:
        return f"{self.prefix}leads" if bank is None else f"{self.prefix}bank:{bank}:leads"

    def stream(self, bank: str) -> str:
        return f"{self.prefix}bank:{bank}:stream"

    def overflow(self, bank: str) -> str:
        return f"{self.prefix}bank:{bank}:overflow"

    def wrr(self, bank: str) -> str:
        return f"{self.prefix}bank:{bank}:wrr"

    def cap(self, bank: str, branch: str, day: str) -> str:
        return f"{self.prefix}bank:{bank}:cap:{branch}:{day}"

    def dedup(self, product_id: str, credit_code: str) -> str:
        return f"{self.prefix}dedup:{product_id}:{credit_code}"

    def idempotency(self, portal: str, key: str) -> str:
        # Hashed: the key is client text of any shape, and (portal, key) must not collide
        # with another pair that concatenates to the same string.
        digest = hashlib.sha256(f"{portal}\0{key}".encode()).hexdigest()
        return f"{self.prefix}idem:{digest}"

    def outcomes(self, product_id: str) -> str:
        return f"{self.prefix}outcomes:{product_id}"

    def outcomes_version(self) -> str:
        """Counts every decision recorded: a reader's cached rates are current while it holds."""
        return f"{self.prefix}outcomes-version"

    def overflow_due(self) -> str:
        return f"{self.prefix}overflow:due"
