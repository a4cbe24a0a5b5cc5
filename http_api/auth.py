"""API keys: who is calling, and may they.

Keys come from ``LOANMATCH_API_KEYS`` as ``role:key``. A presented key is compared
with every configured key in constant time (``hmac.compare_digest``, no early
exit), so response timing says nothing about how much of a key was right. A key is
never logged or stored anywhere but ``Settings``; rate limiting and logs use a
short hash of it and its role.

Roles: ``portal`` reads matches and products; ``admin`` also reaches ``/v1/admin``;
``bank:<bank_id>`` reads like a portal and reaches its own bank's endpoints (leads,
later: guard them with ``require_bank``). With ``LOANMATCH_AUTH=off`` every caller
is the local operator with every role.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass

from flask import Blueprint, g, request

from .logs import ENVIRON_ROLE
from .problems import Problem
from .state import state

LOCAL_ROLE = "admin"
_UNSET = object()


@dataclass(frozen=True)
class Principal:
    role: str
    key_id: str  # a hash prefix of the key, or "addr:<ip>" with auth off

    @property
    def bank(self) -> str | None:
        return self.role[5:] if self.role.startswith("bank:") else None


def key_id(secret: bytes) -> str:
    return "key:" + hashlib.sha256(secret).hexdigest()[:16]


def identify() -> Principal | None:
    """The caller's principal from ``Authorization: Bearer``; None without a valid key."""
    cached = g.get("_principal", _UNSET)
    if cached is not _UNSET:
        return cached
    settings = state().settings
    principal = None
    if not settings.auth:
        principal = Principal(LOCAL_ROLE, f"addr:{request.remote_addr}")
    else:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        presented = token.strip().encode("utf-8", "replace")
        if scheme.lower() == "bearer" and presented:
            found = None
            for key in settings.api_keys:  # no break: the time taken is the same for all
                if hmac.compare_digest(key.secret, presented):
                    found = key
            if found is not None:
                principal = Principal(found.role, key_id(found.secret))
    g._principal = principal
    return principal


def authenticate(role: str | None = None) -> Principal:
    """The caller, or 401 (no valid key) / 403 (a key without ``role``)."""
    principal = identify()
    if principal is None:
        presented = request.headers.get("Authorization")
        detail = (
            "send your API key as 'Authorization: Bearer <key>'"
            if not presented
            else "the API key is not valid (expected 'Authorization: Bearer <key>')"
        )
        raise Problem(
            401, "unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="loanmatch"'}
        )
    request.environ[ENVIRON_ROLE] = principal.role
    if role is not None and state().settings.auth and principal.role != role:
        raise Problem(
            403,
            "forbidden",
            f"this endpoint needs the {role} role; this key has the {principal.role} role",
        )
    g.principal = principal
    return principal


def protect(blueprint: Blueprint, role: str | None = None) -> None:
    """Every view of ``blueprint`` needs a key (with ``role``, when given).

    A CORS preflight (OPTIONS) carries no credentials by design, so it passes.
    """

    @blueprint.before_request
    def _authenticate():
        if request.method != "OPTIONS":
            authenticate(role)


def speaks_for(principal: Principal, bank_id: str) -> bool:
    """Whether a key may act for a bank: that bank's own key or an admin key (anyone with
    auth off). Publishing, versions and screenings share this rule; leads do not (a bank's
    leads are for the bank alone, see ``require_bank``)."""
    return not state().settings.auth or principal.role == "admin" or principal.bank == bank_id


def bank_or_admin(bank_id: str, doing: str) -> Principal:
    """The caller if it ``speaks_for`` the bank; 403 naming what it may not do otherwise."""
    principal = authenticate()
    if not speaks_for(principal, bank_id):
        raise Problem(
            403, "forbidden", f"only the key of bank '{bank_id}' or an admin key may {doing}"
        )
    return principal


def require_bank(view=None, *, argument: str = "bank_id"):
    """A view of one bank's data (``/v1/banks/<bank_id>/…``): only that bank's own key.

    Admin keys are refused too: a bank's leads are for the bank. With auth off the
    local operator passes.
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            principal = authenticate()
            if state().settings.auth and principal.bank != kwargs.get(argument):
                raise Problem(
                    403,
                    "forbidden",
                    f"only the key of bank '{kwargs.get(argument)}' may use this endpoint",
                )
            return func(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
