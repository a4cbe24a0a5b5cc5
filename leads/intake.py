"""Checking an application before it becomes a lead.

The HTTP layer has validated the profile and re-checked eligibility; this checks
what the leads library itself relies on, so that a lead can always be routed,
deduplicated and shown: a credit code, a 6-digit region code, whole-yuan amounts,
the enterprise's consent (granted, when, to which text), and whom the bank should
call (optional: the profile says who the enterprise is, not who handles the
application). ``InvalidInput`` names the field; nothing is written before these pass.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from matcher.vocabulary.ids import BANK_ID, BANK_ID_RULE, PRODUCT_ID

from .errors import InvalidInput
from .outcomes import segment
from .record import dumps

_REGION = re.compile(r"^\d{6}\Z")
IDEMPOTENCY_KEY_MAX = 255
CONSENT_CLOCK_SKEW = timedelta(minutes=5)
# No consent to a lending platform predates it: an earlier date is a typo or a forgery.
CONSENT_FLOOR = date(2000, 1, 1)
CONTACT_FIELDS = {"name": 50, "phone": 30, "email": 254}  # each at most this many characters


@dataclass(frozen=True)
class Application:
    """A checked application: the lead record's fields, and what routing and dedup need."""

    record: dict[str, str]
    credit_code: str
    region_code: str
    fingerprint: str  # of the request, to tell a retry from a reused Idempotency-Key


def check_application(
    profile: Any,
    product_id: Any,
    bank: Any,
    amount: Any,
    term_months: Any,
    consent: Any,
    matched_criteria: Any,
    catalog_version: Any,
    portal: Any,
    idempotency_key: Any,
    now: datetime,
    contact: Any = None,
    ceilings: Mapping[str, int | None] | None = None,
) -> Application:
    _check_names(
        product_id=product_id,
        bank=bank,
        portal=portal,
        catalog_version=catalog_version,
        idempotency_key=idempotency_key,
    )
    for name, value in (("amount", amount), ("term_months", term_months)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidInput(name, "must be a whole number >= 1")
    if isinstance(getattr(profile, "values", None), Mapping):
        profile = profile.values  # matcher.vocabulary.profile.Profile: posted and derived fields
    if not isinstance(profile, Mapping):
        raise InvalidInput("profile", "must be an object")
    credit_code = profile.get("credit_code")
    if not isinstance(credit_code, str) or not credit_code.strip():
        raise InvalidInput("profile.credit_code", "is required to make a lead")
    credit_code = credit_code.strip().upper()
    region = profile.get("region_code")
    if not isinstance(region, str) or not _REGION.match(region):
        raise InvalidInput(
            "profile.region_code", "a 6-digit region code is required to route a lead"
        )
    if not isinstance(matched_criteria, (list, tuple)):
        raise InvalidInput("matched_criteria", "must be a list")
    consent_record = _check_consent(consent, now)
    contact_record = _check_contact(contact)
    industry = profile.get("industry_code") or ""
    size_class = profile.get("size_class") or ""
    record = {
        "bank": bank,
        "product_id": product_id,
        "portal": portal,
        "requested_amount": str(amount),
        "requested_term_months": str(term_months),
        "catalog_version": catalog_version,
        "profile": dumps(profile),
        "consent": dumps(consent_record),
        "matched_criteria": dumps(matched_criteria),
        "contact": dumps(contact_record),
        "credit_code": credit_code,
        "region_code": region,
        # The masked summary's fields; derived by the matcher, or from the codes here.
        "province_code": profile.get("province_code") or region[:2] + "0000",
        "city_code": profile.get("city_code") or region[:4] + "00",
        "industry_code": industry,
        "industry_section": profile.get("industry_section") or industry[:1],
        "size_class": size_class,
        "segment": segment(size_class or None, region),
        # The product's terms when applied for: a decision is bounded by them (bounds.py).
        **{
            name: str(value)
            for name, value in (ceilings or {}).items()
            if name in ("amount_max", "term_max") and isinstance(value, int)
        },
    }
    request = {
        "profile": record["profile"],
        "product_id": product_id,
        "bank": bank,
        "amount": amount,
        "term_months": term_months,
        "consent": consent_record,
        "contact": contact_record,
    }
    fingerprint = hashlib.sha256(dumps(request).encode()).hexdigest()
    return Application(record, credit_code, region, fingerprint)


def _check_names(**names: Any) -> None:
    for name, pattern, rule in (
        ("product_id", PRODUCT_ID, "lower case letters, digits, '-' or '_'"),
        ("bank", BANK_ID, BANK_ID_RULE),
    ):
        if not isinstance(names[name], str) or not pattern.match(names[name]):
            raise InvalidInput(name, f"must be {rule}")
    for name in ("portal", "catalog_version"):
        if not isinstance(names[name], str) or not names[name]:
            raise InvalidInput(name, "must be non-empty text")
    key = names["idempotency_key"]
    if key is not None and (not isinstance(key, str) or not 0 < len(key) <= IDEMPOTENCY_KEY_MAX):
        raise InvalidInput("idempotency_key", f"must be 1-{IDEMPOTENCY_KEY_MAX} characters")


def _iso_datetime(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _check_consent(consent: Any, now: datetime) -> dict[str, Any]:
    """The consent the enterprise gave, which the bank will rely on to contact it."""
    problems = consent_problems(consent, now)
    if problems:
        raise InvalidInput(*problems[0])
    at = consent["at"]
    moment = at if isinstance(at, datetime) else datetime.fromisoformat(at)
    return {"granted": True, "at": moment.isoformat(), "version": consent["version"]}


def consent_problems(consent: Any, now: datetime) -> list[tuple[str, str]]:
    """Every reason ``consent`` cannot be relied on, as (field, message); none when it can.

    An API reports them all in one answer, so a portal fixes them in one round trip.
    """
    if not isinstance(consent, Mapping):
        return [("consent", "must be an object with granted, at and version")]
    problems = []
    if consent.get("granted") is not True:
        problems.append(
            ("consent.granted", "the enterprise must consent before its application goes to a bank")
        )
    at = consent.get("at")
    moment = at if isinstance(at, datetime) else _iso_datetime(at)
    if moment is None:
        problems.append(("consent.at", f"must be an ISO 8601 date-time; got {at!r}"))
    elif moment.tzinfo is None:
        problems.append(("consent.at", "must state its time zone, e.g. +08:00"))
    elif moment > now + CONSENT_CLOCK_SKEW:
        problems.append(("consent.at", f"{moment.isoformat()} is in the future"))
    elif moment.date() < CONSENT_FLOOR:
        problems.append(
            (
                "consent.at",
                f"{moment.isoformat()} is before {CONSENT_FLOOR.isoformat()}: not a real consent",
            )
        )
    version = consent.get("version")
    if not isinstance(version, str) or not version.strip():
        problems.append(("consent.version", "must name the version of the consent text"))
    return problems


def _check_contact(contact: Any) -> dict[str, str] | None:
    """The person the bank should call about the application: name and phone, email optional."""
    if contact is None:
        return None
    if not isinstance(contact, Mapping):
        raise InvalidInput("contact", "must be an object with name and phone (email optional)")
    for name in contact:
        if name not in CONTACT_FIELDS:
            raise InvalidInput(f"contact.{name}", "unknown; expected name, phone or email")
    record = {}
    for name, longest in CONTACT_FIELDS.items():
        value = contact.get(name)
        if value is None and name == "email":
            continue
        if not isinstance(value, str) or not value.strip() or len(value) > longest:
            raise InvalidInput(f"contact.{name}", f"must be text of 1-{longest} characters")
        record[name] = value.strip()
    return record
