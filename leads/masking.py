"""What each party sees of a lead.

Until a bank accepts a lead it sees only a masked summary: enough to decide
whether to pick it up (industry, city, size class, the request, why it matched)
and nothing that identifies the enterprise or whom to call. The summary is built from a short
list of allowed fields (``SUMMARY_FIELDS``), never by deleting the personal ones
from the profile, so a field added to the profile later stays hidden by default.
After ``accepted`` the bank sees the full profile, the contact and the consent it
was given under. The portal that created the lead always sees it in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matcher.vocabulary.fields import FIELDS

from .record import moment

# Read from the lead record's own fields, which ``store.create`` copies from the profile.
SUMMARY_FIELDS = ("industry_code", "industry_section", "province_code", "city_code", "size_class")


def bank_view(lead: Mapping[str, Any]) -> dict[str, Any]:
    """The owning bank's view: full once the bank has accepted the lead, masked before."""
    return full_view(lead) if lead.get("accepted_ms") is not None else masked_view(lead)


def masked_view(lead: Mapping[str, Any]) -> dict[str, Any]:
    view = _common(lead)
    view["masked"] = True
    view["matched_criteria"] = [_unvalued(c) for c in view["matched_criteria"]]
    view["summary"] = {name: lead.get(name) or None for name in SUMMARY_FIELDS}
    return view


def _unvalued(criterion: Any) -> Any:
    """A criterion on a personal field without its value, label or source: a rule listing
    names would otherwise tell the bank whose lead it is (lint refuses such rules too)."""
    if not isinstance(criterion, Mapping):
        return criterion
    name = criterion.get("field")
    known = FIELDS.get(name) if isinstance(name, str) else None
    if known is not None and not known.personal:
        return criterion
    return {"field": criterion.get("field"), "op": criterion.get("op"), "expected": None}


def full_view(lead: Mapping[str, Any]) -> dict[str, Any]:
    view = _common(lead)
    view.update(
        masked=False,
        profile=lead.get("profile"),
        contact=lead.get("contact"),
        consent=lead.get("consent"),
        catalog_version=lead.get("catalog_version"),
        accepted=_part(lead, "accepted"),
        approved=_part(
            lead,
            "approved",
            amount="approved_amount",
            rate_pct="approved_rate_pct",
            term_months="approved_term_months",
        ),
        declined=_part(lead, "declined", reason="declined_reason"),
        disbursed=_part(lead, "disbursed", amount="disbursed_amount", date="disbursed_on"),
        withdrawn=_part(lead, "withdrawn"),
    )
    return view


def _common(lead: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": lead["id"],
        "status": lead["status"],
        "bank": lead["bank"],
        "branch": lead.get("branch") or None,
        "product_id": lead["product_id"],
        "requested_amount": lead["requested_amount"],
        "requested_term_months": lead["requested_term_months"],
        "matched_criteria": lead.get("matched_criteria", []),
        "created_at": lead["created_at"],
        "routed_at": moment(lead, "routed"),
        "updated_at": lead["updated_at"],
    }


def _part(lead: Mapping[str, Any], status: str, **fields: str) -> dict[str, Any] | None:
    """When the lead reached ``status``, what the bank or portal said then, or None if never."""
    at = moment(lead, status)
    if at is None:
        return None
    part: dict[str, Any] = {"at": at}
    for name, stored in {**fields, "note": f"{status}_note"}.items():
        value = lead.get(stored)
        part[name] = value if value != "" else None
    return part
