"""Which branch of a bank gets a lead, within the branches' daily caps.

Candidates are the branches serving the enterprise's ``region_code``, in tiers from
the most specific prefix to the least ("*" last). Within a tier, branches with room
left today share leads by smooth weighted round robin (nginx's algorithm: weights
3 and 1 give A A B A, A A B A, …); a full tier passes the lead to the next one.
The choice, the cap check and the counter increment happen inside one Lua script
(``scripts/common.lua``), so concurrent requests can never push a branch past its
cap. When every candidate is full the lead waits in the bank's overflow queue
(status ``queued``) until ``route_overflow`` finds it room: the next day, or after
the caps are raised. It is never dropped.

Caps count leads *routed* on a Beijing day; a lead later declined or withdrawn
still used its slot. A lead created while older ones wait may take a freed slot
first if ``route_overflow`` has not run yet: run it periodically (every minute)
and after changing caps.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis

from .branches import Branch
from .clock import Clock, day_key, iso, to_ms
from .errors import NoBranch
from .keys import GROUP, Keys

CAP_TTL_MS = 3 * 24 * 3600 * 1000  # a day's counter outlives its day, then goes


@dataclass(frozen=True)
class RoutePlan:
    """The candidate branches for one lead, as the Lua scripts take them: ``cap_keys`` go last
    in KEYS, and each tier entry's ``k`` is its cap key's 1-based position among them."""

    cap_keys: tuple[str, ...]
    tiers_json: str


def candidate_tiers(branches: Sequence[Branch], region_code: str) -> list[list[Branch]]:
    """The branches serving ``region_code``, grouped most specific prefix first."""
    tiers: dict[int, list[Branch]] = {}
    for branch in branches:
        length = branch.match_length(region_code)
        if length is not None:
            tiers.setdefault(length, []).append(branch)
    return [tiers[length] for length in sorted(tiers, reverse=True)]


class Router:
    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        scripts,
        clock: Clock,
        branches: Mapping[str, Sequence[Branch]],
    ):
        self.client = client
        self.keys = keys
        self.scripts = scripts
        self.clock = clock
        self.branches = dict(branches)

    def plan(self, bank: str, region_code: str, now: datetime) -> RoutePlan:
        if bank not in self.branches:
            raise NoBranch(bank, region_code, f"bank {bank} has no branch file (_branches.yaml)")
        tiers = candidate_tiers(self.branches[bank], region_code)
        if not tiers:
            raise NoBranch(bank, region_code)
        day = day_key(now)
        cap_keys: list[str] = []
        rendered: list[list[dict[str, Any]]] = []
        for tier in tiers:
            rendered.append([])
            for branch in tier:
                cap_keys.append(self.keys.cap(bank, branch.id, day))
                rendered[-1].append(
                    {
                        "id": branch.id,
                        "w": branch.weight,
                        "cap": branch.daily_cap,
                        "k": len(cap_keys),
                    }
                )
        return RoutePlan(tuple(cap_keys), json.dumps(rendered, separators=(",", ":")))

    def route_overflow(self, bank: str, page: int = 500) -> int:
        """Route the bank's queued leads that now have room, oldest first; the number routed.

        A region whose branches are full is not retried in the same pass, so a long queue
        costs one script call per lead that can move plus one per full candidate set.
        """
        queue = self.keys.overflow(bank)
        full: set[str] = set()
        routed = 0
        start = 0
        while True:
            lead_ids = self.client.lrange(queue, start, start + page - 1)
            if not lead_ids:
                return routed
            pipe = self.client.pipeline(transaction=False)
            for lead_id in lead_ids:
                pipe.hget(self.keys.lead(lead_id), "region_code")
            regions = pipe.execute()
            now = self.clock()
            removed = 0
            for lead_id, region in zip(lead_ids, regions):
                if region is None:  # no such lead (removed by hand): nothing to route
                    self.client.lrem(queue, 0, lead_id)
                    removed += 1
                    continue
                outcome = self._route_queued(bank, lead_id, region, now, full)
                if outcome in ("routed", "gone"):
                    removed += 1
                routed += outcome == "routed"
            start += len(lead_ids) - removed

    def _route_queued(
        self, bank: str, lead_id: str, region: str, now: datetime, full: set[str]
    ) -> str:
        try:
            plan = self.plan(bank, region, now)
        except NoBranch:
            # The branch file changed and nobody serves this region any more: the lead
            # keeps waiting (visible as queued in the statistics) rather than vanishing.
            return "waiting"
        if plan.tiers_json in full:
            return "full"
        keys = [
            self.keys.lead(lead_id),
            self.keys.events(lead_id),
            self.keys.stream(bank),
            self.keys.overflow(bank),
            self.keys.wrr(bank),
            *plan.cap_keys,
        ]
        result = self.scripts.route(
            keys=keys, args=[lead_id, to_ms(now), iso(now), plan.tiers_json, CAP_TTL_MS, GROUP]
        )
        if result[0] == "full":
            full.add(plan.tiers_json)
        return result[0]

    def cap_usage(self, bank: str, day: datetime | None = None) -> dict[str, int]:
        """Leads routed to each of the bank's branches on the Beijing day of ``day`` (today)."""
        key_day = day_key(day or self.clock())
        branches = self.branches.get(bank, ())
        counts = (
            self.client.mget([self.keys.cap(bank, b.id, key_day) for b in branches])
            if branches
            else []
        )
        return {b.id: int(n or 0) for b, n in zip(branches, counts)}
