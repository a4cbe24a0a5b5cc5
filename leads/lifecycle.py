"""The statuses of a lead, who may move it between them, and what each move must carry.

    queued ──> routed ──> accepted ──> approved (amount, rate, term) ──> disbursed (amount, date)
       └─────────────────────┘   └──> declined (reason code)
    withdrawn (by the portal): from queued, routed, accepted or approved

``queued`` and ``routed`` are set by routing only. The owning bank accepts (which
removes the lead from its delivery stream for good), approves, declines and
disburses; the portal that created the lead withdraws it. Every move appends an
event to the lead's audit trail in the same Lua script that changes the status
(``scripts/transition.lua``), so the trail cannot miss a change.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import redis

from matcher.vocabulary.fields import MONEY_MAX

from .bounds import FIELDS as BOUND_FIELDS
from .bounds import LeadBounds
from .clock import SHANGHAI, Clock, iso, to_ms
from .errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from .ids import is_lead_id
from .keys import GROUP, Keys
from .masking import bank_view, full_view
from .record import parse

STATUSES = ("queued", "routed", "accepted", "approved", "declined", "disbursed", "withdrawn")
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "accepted": ("queued", "routed"),
    "approved": ("accepted",),
    "declined": ("accepted",),
    "disbursed": ("approved",),
    "withdrawn": ("queued", "routed", "accepted", "approved"),
}
BANK_MOVES = frozenset({"accepted", "approved", "declined", "disbursed"})
PORTAL_MOVES = frozenset({"withdrawn"})

# Why a bank declines, as codes that statistics can count. "other" needs a note.
DECLINE_REASONS = {
    "credit_record": "征信记录不符合要求",
    "tax_record": "纳税记录不符合要求",
    "revenue": "经营收入不足",
    "debt_level": "负债过高",
    "documents": "材料不全或不实",
    "unreachable": "无法联系企业",
    "applicant_declined": "企业放弃申请",
    "policy": "不符合银行当前信贷政策",
    "other": "其他原因(须附说明)",
}
NOTE_MAX = 500
_DETAILS = {
    "accepted": (),
    "approved": ("amount", "rate_pct", "term_months"),
    "declined": ("reason",),
    "disbursed": ("amount", "date"),
    "withdrawn": (),
}


@dataclass(frozen=True)
class Change:
    """A checked move: hash fields to store, the event's details, and an amount ceiling."""

    stored: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    ceiling_field: str = ""
    amount: int = 0


_UNBOUNDED = LeadBounds()


def check_change(
    status: str, details: Mapping[str, Any] | None, today: date, bounds: LeadBounds = _UNBOUNDED
) -> Change:
    """Validate what a move to ``status`` carries, within what the lead allows
    (``bounds``); ``InvalidInput`` names the bad detail."""
    details = dict(details or {})
    expected = _DETAILS[status]
    for name in details:
        if name not in expected and name != "note":
            allowed = ", ".join((*expected, "note"))
            raise InvalidInput(
                f"details.{name}", f"not expected when a lead becomes {status}; expected {allowed}"
            )
    for name in expected:
        if details.get(name) is None:
            raise InvalidInput(f"details.{name}", f"required when a lead becomes {status}")
    stored: dict[str, str] = {}
    shown: dict[str, Any] = {}
    ceiling_field, amount = "", 0
    note = details.get("note")
    if note is not None:
        if not isinstance(note, str) or len(note) > NOTE_MAX:
            raise InvalidInput("details.note", f"must be text of at most {NOTE_MAX} characters")
        stored[f"{status}_note"] = shown["note"] = note
    if status == "approved":
        amount = _whole(details["amount"], "details.amount", 1)
        rate = _rate(details["rate_pct"])
        term = _whole(details["term_months"], "details.term_months", 1)
        bounds.check_amount(amount)
        bounds.check_term(term)
        stored.update(
            approved_amount=str(amount), approved_rate_pct=str(rate), approved_term_months=str(term)
        )
        shown.update(amount=amount, rate_pct=str(rate), term_months=term)
    elif status == "declined":
        reason = details["reason"]
        if not isinstance(reason, str) or reason not in DECLINE_REASONS:
            raise InvalidInput("details.reason", "must be one of " + ", ".join(DECLINE_REASONS))
        if reason == "other" and not note:
            raise InvalidInput("details.note", "required when the reason is 'other'")
        stored["declined_reason"] = shown["reason"] = reason
    elif status == "disbursed":
        amount = _whole(details["amount"], "details.amount", 1)
        when = _past_date(details["date"], today)
        bounds.check_day(date.fromisoformat(when))
        stored.update(disbursed_amount=str(amount), disbursed_on=when)
        shown.update(amount=amount, date=when)
        ceiling_field = "approved_amount"  # tranches may be smaller, never more in all
    return Change(stored, shown, ceiling_field, amount)


def _whole(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInput(name, f"must be a whole number >= {minimum}; got {value!r}")
    if value > MONEY_MAX:  # Lua compares doubles: 10**400 would pass every ceiling as inf
        raise InvalidInput(name, f"must be at most {MONEY_MAX}; got {value}")
    return value


def _rate(value: Any) -> Decimal:
    """An annual rate in percent. A float is read through its text (4.35 stays 4.35)."""
    try:
        rate = Decimal(str(value)) if not isinstance(value, (bool, Decimal)) else value
    except InvalidOperation:
        rate = None
    if not isinstance(rate, Decimal) or not rate.is_finite() or not 0 < rate < 100:
        raise InvalidInput(
            "details.rate_pct",
            f"must be an annual rate in percent, above 0 and below 100; got {value!r}",
        )
    return rate


def _past_date(value: Any, today: date) -> str:
    try:
        when = value if isinstance(value, date) else date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput("details.date", f"must be a date as YYYY-MM-DD; got {value!r}") from None
    if when > today:
        raise InvalidInput("details.date", f"{when.isoformat()} is in the future")
    return when.isoformat()


class Lifecycle:
    def __init__(self, client: redis.Redis, keys: Keys, scripts, clock: Clock):
        self.client = client
        self.keys = keys
        self.scripts = scripts
        self.clock = clock

    def transition(
        self,
        lead_id: str,
        bank: str | None,
        new_status: str,
        details: Mapping[str, Any] | None,
        actor: str,
        portal: str | None,
    ) -> dict[str, Any]:
        if (bank is None) == (portal is None):
            raise ValueError("transition needs exactly one of bank= and portal=")
        if new_status not in STATUSES:
            raise InvalidInput(
                "status", f"unknown status {new_status!r}; one of " + ", ".join(STATUSES)
            )
        moves = BANK_MOVES if bank is not None else PORTAL_MOVES
        if new_status not in moves:
            who = "a bank" if bank is not None else "the portal"
            raise NotAllowed(f"{who} cannot set a lead's status to {new_status}")
        now = self.clock()
        owner = self._owner(lead_id, bank, portal)
        change = check_change(
            new_status, details, now.astimezone(SHANGHAI).date(), LeadBounds.of(owner)
        )
        args: list[Any] = [
            lead_id,
            new_status,
            " ".join(ALLOWED_FROM[new_status]),
            to_ms(now),
            iso(now),
            actor or bank or portal,
            json.dumps(change.details, ensure_ascii=False),
            uuid.uuid4().hex,
            GROUP,
            change.ceiling_field,
            change.amount,
        ]
        for name, value in change.stored.items():
            args += [name, value]
        keys = [
            self.keys.lead(lead_id),
            self.keys.events(lead_id),
            self.keys.stream(owner["bank"]),
            self.keys.overflow(owner["bank"]),
            self.keys.outcomes(owner["product_id"]),
            self.keys.outcomes_version(),
        ]
        result = self.scripts.transition(keys=keys, args=args)
        if result[0] == "missing":
            raise NotFound(f"no lead {lead_id}")
        if result[0] == "invalid":
            raise InvalidTransition(lead_id, result[1], new_status)
        if result[0] == "exceeds":
            raise InvalidInput(
                "details.amount", f"{change.amount} exceeds the approved amount {result[1]}"
            )
        lead = parse(result[2:])
        return bank_view(lead) if bank is not None else full_view(lead)

    def _owner(self, lead_id: str, bank: str | None, portal: str | None) -> dict[str, str]:
        """The lead's bank and product, after checking the caller may touch it.

        Both never change after creation, so reading them before the script is safe.
        """
        found = (
            self.client.hmget(
                self.keys.lead(lead_id), "bank", "portal", "product_id", *BOUND_FIELDS
            )
            if is_lead_id(lead_id)
            else [None]
        )
        if (
            found[0] is None
            or (bank is not None and found[0] != bank)
            or (portal is not None and found[1] != portal)
        ):
            raise NotFound(f"no lead {lead_id}")
        return {"bank": found[0], "product_id": found[2], **dict(zip(BOUND_FIELDS, found[3:]))}
