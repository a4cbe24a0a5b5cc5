"""Reading a lead application: every problem of every part in one 422.

A portal once learned of a bad request field, then (after fixing it) of a bad profile
field, then of the consent: three round trips. Here the request's members, the profile,
the consent's meaning and the Idempotency-Key header are all checked before answering,
and each problem carries a message in Chinese and English (``error_messages``).
Eligibility is decided only for an application with no such problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError

from leads.intake import IDEMPOTENCY_KEY_MAX, consent_problems
from matcher.vocabulary.profile import Profile, ProfileError, load_profile

from .error_messages import with_messages
from .lead_schemas import LeadRequestSchema
from .problems import Problem, field_errors

_schema = LeadRequestSchema()
_REQUEST_NUMBERS = ("requested_amount", "requested_term_months")


def read_application(data: Any, catalog, idempotency_key: str | None) -> tuple[dict, Any, Profile]:
    """The loaded request, its product and its profile; a 422 listing every problem."""
    if not isinstance(data, Mapping):
        raise _problem(
            [
                {
                    "location": "body",
                    "pointer": "",
                    "field": "",
                    "detail": "the body must be a JSON object",
                }
            ]
        )
    errors: dict[str, Any] = {}
    try:
        body = _schema.load(data)
    except ValidationError as exc:
        errors = dict(exc.normalized_messages())
        body = dict(exc.valid_data or {})
    product = None
    if isinstance(body.get("product_id"), str):
        product = catalog.by_id.get(body["product_id"])
        if product is None:
            errors["product_id"] = [
                f"no product '{body['product_id']}' in the catalog (GET /v1/products lists them)"
            ]
    posted_consent = data.get("consent")
    if isinstance(posted_consent, Mapping) and not isinstance(errors.get("consent"), list):
        known = dict(errors.get("consent") or {})  # the schema's word on a member comes first
        for field, message in consent_problems(posted_consent, datetime.now(UTC)):
            name = field.partition(".")[2]
            if name and name not in known:
                known.setdefault(name, []).append(message)
        if known:
            errors["consent"] = known
    profile, profile_errors = _profile(data.get("profile"), body)
    if profile_errors:
        slot = errors.setdefault("profile", {})
        if isinstance(slot, dict):  # else the schema said the profile is no object
            for name, messages in profile_errors.items():
                before = slot.get(name, [])
                slot[name] = [*before, *messages] if isinstance(messages, list) else messages
    found = field_errors(errors)
    if idempotency_key is not None and not (
        0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX
        and idempotency_key.isascii()
        and idempotency_key.isprintable()
    ):
        found.append(
            {
                "location": "header",
                "pointer": "",
                "field": "Idempotency-Key",
                "detail": f"must be 1-{IDEMPOTENCY_KEY_MAX} printable ASCII characters",
            }
        )
    if found or product is None or profile is None:  # no problem found means both are read
        raise _problem(found)
    return body, product, profile


def _profile(posted: Any, body: Mapping[str, Any]) -> tuple[Profile | None, dict]:
    """The profile loaded with the request's amount and term, or its errors by field."""
    if not isinstance(posted, Mapping):
        return None, {}  # the request schema has said what the profile must be
    posted = dict(posted)
    errors: dict[str, list] = {}
    for name in _REQUEST_NUMBERS:
        if name not in body:
            continue
        if posted.get(name) is not None and posted[name] != body[name]:
            errors[name] = [f"differs from the request's {name} ({body[name]}); send one value"]
        posted[name] = body[name]
    try:
        profile = load_profile(posted)
    except ProfileError as exc:
        return None, {**dict(exc.errors), **errors}
    for name in ("credit_code", "region_code"):
        if name not in profile:
            errors[name] = ["required to make a lead"]
    return (None if errors else profile), errors


def _problem(errors: list[dict]) -> Problem:
    shown = with_messages(errors)
    only_profile = all(e["pointer"].startswith("/profile/") for e in shown)
    summary = "; ".join(f"{e['field'] or 'body'}: {e['detail']}" for e in shown[:5])
    more = f" (and {len(shown) - 5} more)" if len(shown) > 5 else ""
    return Problem(
        422,
        "invalid-profile" if only_profile else "invalid-request",
        f"{len(shown)} problem(s) in the application: {summary}{more}",
        errors=shown,
    )
