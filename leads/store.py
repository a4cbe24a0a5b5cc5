"""``LeadStore``: the one object the HTTP layer talks to about leads.

The HTTP layer validates the request body and re-checks eligibility; the store
takes the result and makes it a lead that is routed, delivered, tracked and
counted. Every public method raises only ``LeadError`` subclasses for expected
failures (each has ``http_status``), and ``StoreUnavailable`` whenever Redis
cannot serve, so the caller maps exceptions to statuses in one place.

Who is asking is explicit in every call: ``bank=`` for a bank's key (it sees and
moves only leads routed to that bank; anything else is ``NotFound``),
``portal=`` for the portal that created the lead, ``admin=True`` for an operator.

    store = LeadStore(connect(os.environ.get("LOANMATCH_REDIS_URL"), Path("var")),
                      load_branches(Path("rules")))
    made = store.create(profile=..., product_id="icbc-jingying-kuaidai", bank="icbc", ...)
    store.claim("icbc", consumer="officer-7", count=10)
    store.transition(made.lead["id"], "icbc", "accepted", actor="icbc-key-3")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import redis

from . import redisconn
from .branches import Branch
from .clock import Clock, iso, system_clock, to_ms
from .delivery import Delivery
from .errors import DuplicateLead, IdempotencyConflict, NotFound, StoreUnavailable
from .ids import is_lead_id, new_lead_id
from .intake import check_application
from .keys import DEFAULT_PREFIX, GROUP, Keys
from .lifecycle import Lifecycle
from .listing import bank_leads
from .masking import bank_view, full_view
from .outcomes import ALPHA, BETA, ApprovalRates, Outcomes
from .record import dumps, loads, parse
from .redisconn import guarded
from .routing import CAP_TTL_MS, Router
from .stats import compute_stats


class CreateResult(NamedTuple):
    lead: dict[str, Any]  # the portal's (full) view of the lead
    created: bool  # False when an Idempotency-Key replayed an earlier create


class LeadStore:
    def __init__(
        self,
        client: redis.Redis,
        branches: Mapping[str, Sequence[Branch]],
        *,
        prefix: str = DEFAULT_PREFIX,
        dedup_window: timedelta = timedelta(days=30),
        idempotency_ttl: timedelta = timedelta(hours=24),
        visibility_timeout: timedelta = timedelta(minutes=5),
        clock: Clock = system_clock,
        prior_alpha: float = ALPHA,
        prior_beta: float = BETA,
    ):
        redisconn.check_client(client)
        self.client = client
        self.keys = Keys(prefix)
        self.clock = clock
        self.dedup_window = dedup_window
        self.idempotency_ttl = idempotency_ttl
        self.scripts = redisconn.Scripts(client)
        self.router = Router(client, self.keys, self.scripts, clock, branches)
        self.delivery = Delivery(client, self.keys, _ms(visibility_timeout))
        self.lifecycle = Lifecycle(client, self.keys, self.scripts, clock)
        self.outcomes = Outcomes(client, self.keys, prior_alpha, prior_beta)

    # -- the portal ---------------------------------------------------------------------

    @guarded
    def create(
        self,
        *,
        profile: Mapping[str, Any],
        product_id: str,
        bank: str,
        amount: int,
        term_months: int,
        consent: Mapping[str, Any],
        matched_criteria: Sequence[Any],
        catalog_version: str,
        portal: str,
        idempotency_key: str | None = None,
        contact: Mapping[str, str] | None = None,
        ceilings: Mapping[str, int | None] | None = None,
    ) -> CreateResult:
        """Make a lead of an eligible enterprise's application and route it to a branch.

        ``profile`` is the validated profile with its derived fields (a mapping, or the
        ``matcher.vocabulary.profile.Profile`` that ``load_profile`` returns); ``matched_criteria``
        the summary of why it is eligible (shown to the bank before it accepts);
        ``contact`` whom the bank should call (``name``, ``phone``, ``email``), shown
        with the profile once the bank accepts; ``ceilings`` the product's ``amount_max``
        and ``term_max``, which bound the bank's approval. Raises
        ``DuplicateLead`` when the same credit code applied for the same product within
        the dedup window, ``IdempotencyConflict`` when ``idempotency_key`` was used for a
        different request, ``NoBranch`` when no branch serves the region, ``InvalidInput``.
        Lead, first event, routing, indexes and keys are written by one Lua script.
        """
        now = self.clock()
        application = check_application(
            profile,
            product_id,
            bank,
            amount,
            term_months,
            consent,
            matched_criteria,
            catalog_version,
            portal,
            idempotency_key,
            now,
            contact,
            ceilings,
        )
        plan = self.router.plan(bank, application.region_code, now)
        lead_id = new_lead_id(to_ms(now))
        idem_key = self.keys.idempotency(portal, idempotency_key or "")
        keys = [
            self.keys.lead(lead_id),
            self.keys.events(lead_id),
            idem_key,
            self.keys.dedup(product_id, application.credit_code),
            self.keys.stream(bank),
            self.keys.overflow(bank),
            self.keys.wrr(bank),
            self.keys.index(),
            self.keys.index(bank),
            *plan.cap_keys,
        ]
        args = [
            lead_id,
            to_ms(now),
            iso(now),
            _ms(self.dedup_window),
            "1" if idempotency_key else "0",
            _ms(self.idempotency_ttl),
            application.fingerprint,
            dumps(application.record),
            plan.tiers_json,
            CAP_TTL_MS,
            portal,
            GROUP,
        ]
        result = self.scripts.create(keys=keys, args=args)
        outcome, found_id = result[0], result[1]
        if outcome == "duplicate":
            raise DuplicateLead(found_id)
        if outcome == "conflict":
            raise IdempotencyConflict(found_id)
        if outcome == "created":
            return CreateResult(full_view(parse(result[2:])), True)
        # "replay": an Idempotency-Key seen before, or this very call re-sent by redis-py
        # after a lost reply (then the lead is ours, just made).
        return CreateResult(
            full_view(parse(self.client.hgetall(self.keys.lead(found_id)))), found_id == lead_id
        )

    # -- reading ------------------------------------------------------------------------

    @guarded
    def lead(
        self,
        lead_id: str,
        *,
        bank: str | None = None,
        portal: str | None = None,
        admin: bool = False,
    ) -> dict[str, Any]:
        """One lead as the caller may see it: a bank before accepting gets the masked summary."""
        _one_viewer(bank, portal, admin)
        found = parse(self.client.hgetall(self.keys.lead(lead_id))) if is_lead_id(lead_id) else {}
        _check_owner(lead_id, found.get("bank"), found.get("portal"), bank, portal)
        return bank_view(found) if bank is not None else full_view(found)

    @guarded
    def events(
        self,
        lead_id: str,
        *,
        bank: str | None = None,
        portal: str | None = None,
        admin: bool = False,
    ) -> list[dict[str, Any]]:
        """The lead's audit trail, oldest first: ``{at, status, from, actor, details}``."""
        _one_viewer(bank, portal, admin)
        if not is_lead_id(lead_id):
            raise NotFound(f"no lead {lead_id}")
        pipe = self.client.pipeline(transaction=False)
        pipe.hmget(self.keys.lead(lead_id), "bank", "portal")
        pipe.lrange(self.keys.events(lead_id), 0, -1)
        (owner_bank, owner_portal), events = pipe.execute()
        _check_owner(lead_id, owner_bank, owner_portal, bank, portal)
        return [loads(event) for event in events]

    @guarded
    def parties(self, lead_id: str) -> dict[str, str]:
        """The lead's ``bank`` and ``portal`` (an operator acting for either: local use with
        authentication off); ``NotFound`` when there is no such lead."""
        found = (
            self.client.hmget(self.keys.lead(lead_id), "bank", "portal")
            if is_lead_id(lead_id)
            else [None, None]
        )
        if found[0] is None:
            raise NotFound(f"no lead {lead_id}")
        return {"bank": found[0], "portal": found[1]}

    # -- banks --------------------------------------------------------------------------

    @guarded
    def claim(self, bank: str, consumer: str, count: int = 10) -> list[dict[str, Any]]:
        """The bank's next leads for ``consumer`` (masked), redelivering unaccepted ones after
        the visibility timeout; see ``delivery.py``. The first claim of each lead is
        timed (``claimed_ms``): how long leads wait for a bank is a figure operators publish."""
        leads = self.delivery.claim(bank, consumer, count)
        if leads:
            now, pipe = to_ms(self.clock()), self.client.pipeline(transaction=False)
            for lead in leads:
                pipe.hsetnx(self.keys.lead(lead["id"]), "claimed_ms", now)
            pipe.execute()
        return leads

    @guarded
    def bank_leads(
        self, bank: str, count: int = 20, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """The bank's leads newest first, as it may see them, without claiming any."""
        return bank_leads(self.client, self.keys, bank, count, offset)

    @guarded
    def transition(
        self,
        lead_id: str,
        bank: str | None,
        new_status: str,
        details: Mapping[str, Any] | None = None,
        actor: str = "",
        *,
        portal: str | None = None,
    ) -> dict[str, Any]:
        """Move a lead on: ``bank`` for the owning bank's moves, or ``bank=None, portal=...``
        for the portal's withdrawal. ``actor`` (the API key's identity) goes into the event.

        Raises ``NotFound`` (not this caller's lead), ``NotAllowed`` (not this role's move),
        ``InvalidTransition`` (not from the current status), ``InvalidInput`` (details).
        Returns the lead as the caller now sees it.
        """
        return self.lifecycle.transition(lead_id, bank, new_status, details, actor, portal)

    # -- routing ------------------------------------------------------------------------

    @guarded
    def route_overflow(self, bank: str) -> int:
        """Route the bank's queued leads that now fit under the caps; how many moved."""
        return self.router.route_overflow(bank)

    @guarded
    def route_all_overflow(self) -> dict[str, int]:
        """``route_overflow`` for every bank with a branch file: run it every minute or so."""
        return {bank: self.router.route_overflow(bank) for bank in self.router.branches}

    @guarded
    def route_overflow_if_due(self, every: timedelta) -> dict[str, int] | None:
        """``route_all_overflow`` at most once per ``every`` across every process sharing this
        Redis (a lease key taken with SET NX PX), so request handlers can call it freely;
        None when another call ran it within ``every``."""
        if not self.client.set(
            self.keys.overflow_due(), iso(self.clock()), nx=True, px=max(1, _ms(every))
        ):
            return None
        return {bank: self.router.route_overflow(bank) for bank in self.router.branches}

    def set_branches(self, branches: Mapping[str, Sequence[Branch]]) -> None:
        """Use new branch files (caps changed, say); call ``route_all_overflow`` after."""
        self.router.branches = dict(branches)

    @guarded
    def cap_usage(self, bank: str, day: datetime | None = None) -> dict[str, int]:
        """Leads routed to each branch of ``bank`` on the Beijing day of ``day`` (default today)."""
        return self.router.cap_usage(bank, day)

    # -- outcomes, statistics, health ---------------------------------------------------

    @guarded
    def approval_rates(
        self,
        product_ids: Iterable[str],
        size_class: str | None,
        province_code: str | None,
        recheck: bool = True,
    ) -> dict[str, float]:
        return self.outcomes.approval_rates(product_ids, size_class, province_code, recheck)

    @guarded
    def approval_snapshot(self, product_ids: Sequence[str], recheck: bool = True) -> ApprovalRates:
        """Every listed product's outcome counts as data, for a match to rank with."""
        return self.outcomes.snapshot(product_ids, recheck)

    @guarded
    def refresh_outcomes(self) -> None:
        self.outcomes.refresh()

    @guarded
    def approval_rate(
        self, product_id: str, size_class: str | None, province_code: str | None
    ) -> float:
        return self.outcomes.approval_rate(product_id, size_class, province_code)

    @guarded
    def stats(self, bank: str | None = None) -> dict[str, Any]:
        """Lead statistics of one bank, or of all banks when ``bank`` is None (admin only)."""
        return compute_stats(self.client, self.keys, self.clock, bank)

    def ping(self) -> None:
        """Return when Redis answers, else raise ``StoreUnavailable`` saying why."""
        redisconn.ping(self.client)

    def readiness(self) -> tuple[bool, str]:
        """``/readyz``'s check: (ready?, one line for the operator); never raises."""
        try:
            self.ping()
        except StoreUnavailable as err:
            return False, str(err)
        return True, "Redis answers"


def _ms(span: timedelta) -> int:
    return int(span.total_seconds() * 1000)


def _one_viewer(bank: str | None, portal: str | None, admin: bool) -> None:
    if (bank is not None) + (portal is not None) + bool(admin) != 1:
        raise ValueError("say who is asking: exactly one of bank=, portal=, admin=True")


def _check_owner(
    lead_id: str,
    owner_bank: str | None,
    owner_portal: str | None,
    bank: str | None,
    portal: str | None,
) -> None:
    if (
        owner_bank is None
        or (bank is not None and bank != owner_bank)
        or (portal is not None and portal != owner_portal)
    ):
        raise NotFound(f"no lead {lead_id}")
