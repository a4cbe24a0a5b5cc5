"""Invitations: a bank asks firms its screening found to apply, through the portal.

    POST /v1/banks/<bank>/screenings/<id>/invitations   that bank: invite listed firms
    GET  /v1/banks/<bank>/screenings/<id>/invitations   that bank: its invitations, status
    GET  /v1/firms/<firm_id>/invitations                portal: a firm's invitations

A bank names firms only by the pseudonyms its screening listed (consenting, eligible);
the platform resolves them to firm ids, which the bank never sees. The portal shows a
firm its invitations; when the firm applies with ``invitation_id`` the application is
an ordinary lead (``POST /v1/leads``: same intake, dedup and routing), and the bank sees
the invitation ``applied`` with the lead's id. One invitation per bank, product and firm.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import redis
from flask import Blueprint, jsonify

from leads import LeadError

from .auth import authenticate, protect
from .problems import Problem, field_errors
from .screening_jobs import DONE, now_text
from .screening_schemas import INVITE_MAX, InvitationRequestSchema
from .screenings import _unavailable, jobs, load_body, own_screening
from .state import state

bp = Blueprint("invitations", __name__)
protect(bp)
SENT, APPLIED = "sent", "applied"
BANK_FIELDS = (
    "id",
    "screening",
    "product_id",
    "firm",
    "message",
    "status",
    "lead_id",
    "created_at",
    "applied_at",
)
FIRM_FIELDS = ("id", "bank", "product_id", "message", "status", "lead_id", "created_at")


_request = InvitationRequestSchema()


class Invitations:
    """Invitation hashes, indexed by screening and by firm, deduplicated per bank/product/firm."""

    def __init__(self, client, prefix: str):
        self.client, self.prefix = client, prefix

    def key(self, invitation_id: str) -> str:
        return f"{self.prefix}invitation:{invitation_id}"

    def create(
        self, bank: str, screening: str, product_id: str, firm: str, firm_id: str, message: str
    ) -> tuple[dict, bool]:
        """The invitation, and whether it is new (else the one sent before)."""
        invitation_id = uuid.uuid4().hex
        once = f"{self.prefix}invited:{bank}:{product_id}:{firm_id}"
        if not self.client.set(once, invitation_id, nx=True):
            earlier = self.get(self.client.get(once) or "")
            if earlier is not None:
                return earlier, False
            self.client.set(once, invitation_id)
        record = {
            "id": invitation_id,
            "bank": bank,
            "screening": screening,
            "product_id": product_id,
            "firm": firm,
            "firm_id": firm_id,
            "message": message,
            "status": SENT,
            "created_at": now_text(),
        }
        pipe = self.client.pipeline()
        pipe.hset(self.key(invitation_id), mapping=record)
        pipe.zadd(f"{self.prefix}screening:{screening}:invitations", {invitation_id: time.time()})
        pipe.zadd(f"{self.prefix}firm:{firm_id}:invitations", {invitation_id: time.time()})
        pipe.execute()
        return record, True

    def get(self, invitation_id: str) -> dict | None:
        if not invitation_id.isalnum() or len(invitation_id) != 32:
            return None
        return self.client.hgetall(self.key(invitation_id)) or None

    def _listed(self, index: str) -> list[dict]:
        found = (self.get(i) for i in self.client.zrevrange(index, 0, INVITE_MAX - 1))
        return [i for i in found if i is not None]

    def of_screening(self, screening: str) -> list[dict]:
        return self._listed(f"{self.prefix}screening:{screening}:invitations")

    def of_firm(self, firm_id: str) -> list[dict]:
        return self._listed(f"{self.prefix}firm:{firm_id}:invitations")

    def applied(self, invitation_id: str, lead_id: str) -> None:
        """The firm applied: the first lead made from the invitation is the one shown."""
        if self.client.hsetnx(self.key(invitation_id), "lead_id", lead_id):
            self.client.hset(
                self.key(invitation_id), mapping={"status": APPLIED, "applied_at": now_text()}
            )


def invitations() -> Invitations:
    store = jobs()
    return Invitations(store.client, store.prefix)


def shown(record: dict, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: record.get(name) for name in names}


@bp.post("/v1/banks/<bank_id>/screenings/<screening_id>/invitations")
def invite(bank_id: str, screening_id: str):
    job = own_screening(bank_id, screening_id)
    body = load_body(_request, "the invitation")
    if job["status"] != DONE:
        raise Problem(409, "conflict", f"the screening is {job['status']}; invite when it is done")
    if body["product_id"] not in job["products"]:
        raise Problem(
            422,
            "invalid-request",
            f"product_id: '{body['product_id']}' was not screened by this screening",
        )
    wanted = list(dict.fromkeys(body["firms"]))
    listed = jobs().firm_ids(screening_id, wanted)
    unknown = {
        i: ["not a firm this screening listed for this product"]
        for i, firm in enumerate(body["firms"])
        if listed.get(firm, ("", ""))[1] != body["product_id"]
    }
    if unknown:
        raise Problem(
            422,
            "invalid-request",
            f"{len(unknown)} firm(s) were not listed by "
            f"this screening for {body['product_id']}; "
            f"nothing was sent",
            errors=field_errors({"firms": unknown}),
        )
    store = invitations()
    sent: list[dict] = []
    earlier: list[dict] = []
    for firm in wanted:
        record, new = store.create(
            bank_id, screening_id, body["product_id"], firm, listed[firm][0], body["message"]
        )
        (sent if new else earlier).append(shown(record, BANK_FIELDS))
    return jsonify(screening=screening_id, invitations=sent, already_invited=earlier), 201


@bp.get("/v1/banks/<bank_id>/screenings/<screening_id>/invitations")
def bank_invitations(bank_id: str, screening_id: str):
    own_screening(bank_id, screening_id)
    found = [r for r in invitations().of_screening(screening_id) if r.get("bank") == bank_id]
    return jsonify(screening=screening_id, invitations=[shown(r, BANK_FIELDS) for r in found])


@bp.get("/v1/firms/<firm_id>/invitations")
def firm_invitations(firm_id: str):
    """A firm's invitations, for the portal to show it (product names from the catalog)."""
    principal = authenticate()
    if state().settings.auth and principal.role not in ("portal", "admin"):
        raise Problem(403, "forbidden", "a firm's invitations are for portal keys")
    if not 0 < len(firm_id) <= 64:
        raise Problem(404, "not-found", "no such firm")
    catalog = state().catalog
    out = []
    for record in invitations().of_firm(firm_id):
        item = shown(record, FIRM_FIELDS)
        product = catalog.by_id.get(record["product_id"])
        item["product_name"] = product.name if product is not None else None
        out.append(item)
    return jsonify(firm_id=firm_id, invitations=out)


def check_invitation(invitation_id: str, product_id: str) -> dict:
    """The invitation a lead application names; 422 if none or for another product."""
    record = invitations().get(invitation_id)
    if record is None:
        raise Problem(
            422,
            "invalid-request",
            "invitation_id: no such invitation",
            errors=field_errors({"invitation_id": ["no such invitation"]}),
        )
    if record["product_id"] != product_id:
        message = f"the invitation is for {record['product_id']}, not {product_id}"
        raise Problem(
            422,
            "invalid-request",
            f"invitation_id: {message}",
            errors=field_errors({"invitation_id": [message]}),
        )
    return record


for _error in (redis.RedisError, LeadError):
    bp.register_error_handler(_error, _unavailable)
