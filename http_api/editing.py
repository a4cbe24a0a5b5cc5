"""Bank staff edit their own products over the API: publish, retire, preview a draft.

A bank's key changes its own bank's products only; an admin key any bank's. A draft
is checked before anything is written (``drafts``, shared with screening and the
workbench): lint of the file in the context of the whole catalog (duplicate ids, a
bank that is not its folder's…), then the product's own scenario file if it has one —
in a child process, since scenarios compile rules that could never be freed here. A
draft that passes is written atomically (temp file + ``os.replace``) under the rules
lock, and goes live through the reload path (``http_api.reload``), which checks the
whole folder like any edit made on disk. A rejected draft changes nothing and is
answered 422 with ``path:line:column`` errors.

Preview evaluates the draft with the reference evaluator (``matcher.rulefile.condition.evaluate``
and ``matcher.results.explain.walk``), not durable_rules: a draft lives for one call, and a
ruleset compiled for it would stay in the worker for good. The differential tests
hold the two evaluators to the same answers.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, jsonify, request
from marshmallow import ValidationError

from matcher.authoring.rulefiles import rules_lock, write_atomically
from matcher.results.explain import walk
from matcher.results.result import ELIGIBLE, INCOMPLETE, INELIGIBLE, EligibilityResult
from matcher.rulefile.condition import FAIL, PASS, evaluate
from matcher.rulefile.layout import scenario_names
from matcher.vocabulary.ids import BANK_ID, BANK_ID_RULE, PRODUCT_ID
from matcher.vocabulary.profile import ProfileError, load_profile

from .admin import actor
from .auth import Principal, bank_or_admin, protect
from .drafts import (
    check_in_context,
    check_scenarios_product,
    checked_draft,
    decode_draft,
    new_file,
    owned_draft,
    product_file,
    read_draft,
    refused,
)
from .inputs import read_body, read_json, read_options
from .ownership import require_own_prefix
from .preview_impact import draft_impact
from .problems import Problem, field_errors
from .rules_schemas import PreviewOptionsSchema, PreviewRequestSchema, PublishRequestSchema
from .state import state
from .throttle import claim

bp = Blueprint("editing", __name__, url_prefix="/v1/banks/<bank_id>/products")
protect(bp)

YAML_TYPES = ("application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml")
_preview_options = PreviewOptionsSchema()
_preview_request = PreviewRequestSchema()
_publish_request = PublishRequestSchema()


def _scope(bank_id: str, product_id: str, missing: int = 422) -> Principal:
    """The caller, if its key may change this bank's products (403 otherwise).

    An address that cannot name a product is a 422 (or ``missing``: 404 for a delete).
    """
    principal = bank_or_admin(bank_id, f"change the products of bank '{bank_id}'")
    if not BANK_ID.match(bank_id) or not PRODUCT_ID.match(product_id):
        detail = (
            f"a bank id is {BANK_ID_RULE}; a product id lower-case letters, digits, "
            f"'_' and '-', at most 64 characters"
        )
        if missing == 404:
            raise Problem(404, "not-found", f"no such product: {detail}")
        raise Problem(422, "invalid-request", f"the address names no product: {detail}")
    return principal


def _yaml_body() -> bytes:
    return read_body(request.mimetype in YAML_TYPES, "application/yaml")


def _publish_body() -> tuple[bytes, str | None]:
    """The rule file (a YAML body); or, as JSON, the rule file and its scenario file,
    which must change together when a bound moves."""
    if request.mimetype in YAML_TYPES:
        return _yaml_body(), None
    if request.mimetype != "application/json":
        raise Problem(
            415,
            "unsupported-media-type",
            f"send the rule file as 'Content-Type: application/yaml', or "
            f"{{rule_file, scenarios}} as application/json "
            f"(got {request.mimetype or 'no Content-Type'})",
        )
    try:
        body = _publish_request.load(read_json())
    except ValidationError as exc:
        raise Problem(
            422,
            "invalid-request",
            "the publish request cannot be read; see errors",
            errors=field_errors(exc.normalized_messages()),
        ) from None
    return body["rule_file"].encode("utf-8"), body.get("scenarios")


def _throttle(principal: Principal, bank_id: str) -> None:
    """One bank's changes at most every LOANMATCH_PUBLISH_INTERVAL seconds (429); a
    refused draft or one that changes nothing is not a change and is not counted."""
    service = state()
    claim(
        service.reloader.state_dir,
        bank_id,
        service.settings.publish_interval,
        admin=principal.role == "admin" or not service.settings.auth,
    )


def _decided(answer: dict | None) -> tuple[bool, dict]:
    live = answer is not None and answer["outcome"] in ("reloaded", "unchanged")
    return live, {
        "live": live,
        "catalog_version": (answer or {}).get("version", state().catalog.version),
        "reload": answer,
    }


@bp.put("/<product_id>")
def publish(bank_id: str, product_id: str):
    """Create or replace one product's rule file; it goes live if the whole folder passes."""
    principal = _scope(bank_id, product_id)
    require_own_prefix(bank_id, product_id)
    who = actor(principal)
    raw, scenarios = _publish_body()
    reloader = state().reloader
    if reloader.owns():
        reloader.record_current()  # so the version this edit replaces can be replayed
    with rules_lock(reloader.state_dir):
        target = product_file(reloader.root, bank_id, product_id) or new_file(
            reloader.root, bank_id, product_id
        )
        rel = target.relative_to(reloader.root).as_posix()
        sent = decode_draft(raw, rel)
        body = owned_draft(
            sent, read_draft(sent, rel, bank_id, product_id), rel, bank_id, product_id, principal
        )
        raw = raw if body == sent else body.encode("utf-8")
        files: dict[str, str | bytes] = {rel: raw}  # the bytes to be written
        tests = next(
            (t for t in scenario_names(rel) if (reloader.root / t).is_file()),
            scenario_names(rel)[0],
        )
        if scenarios is not None:
            check_scenarios_product(scenarios, tests, product_id)
            files[tests] = scenarios
        findings, _, checked = check_in_context(rel, files, product_id, scenarios=True)
        if findings:
            raise refused(findings)
        created = not target.exists()
        writes = {target: raw}
        if scenarios is not None:
            writes[reloader.root / tests] = scenarios.encode("utf-8")
        writes = {
            path: data
            for path, data in writes.items()
            if not path.is_file() or path.read_bytes() != data
        }
        changed = bool(writes)
        request_id = None
        if changed:
            _throttle(principal, bank_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            for path, data in writes.items():
                write_atomically(path, data)
            request_id = reloader.ask(who, checked)
    answer = (
        reloader.wait(request_id)
        if request_id
        else {"outcome": "unchanged", "version": state().catalog.version, "errors": []}
    )
    live, doc = _decided(answer)
    status = (201 if created else 200) if live else 202
    return jsonify(
        product_id=product_id,
        bank=bank_id,
        file=f"{reloader.shown_root}/{rel}",
        created=created,
        changed=changed,
        **doc,
    ), status


@bp.delete("/<product_id>")
def retire(bank_id: str, product_id: str):
    """Take a product out of the catalog; its files move to the retired area, time-stamped."""
    principal = _scope(bank_id, product_id, missing=404)
    who = actor(principal)
    reloader = state().reloader
    if reloader.owns():
        reloader.record_current()
    with rules_lock(reloader.state_dir):
        target = product_file(reloader.root, bank_id, product_id)
        if target is None:
            raise Problem(
                404, "not-found", f"bank '{bank_id}' has no rule file for product '{product_id}'"
            )
        _throttle(principal, bank_id)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        shelf = reloader.state_dir / "retired" / bank_id
        shelf.mkdir(parents=True, exist_ok=True)
        stem = target.name[: -len(target.suffix)]
        moved: list[tuple[Path, Path]] = []
        for path in (
            target,
            *(
                reloader.root / t
                for t in scenario_names(target.relative_to(reloader.root).as_posix())
            ),
        ):
            if path.is_file():
                rest = path.name[len(stem) :]
                destination = shelf / f"{stem}.{stamp}{rest}"
                shutil.move(str(path), destination)
                moved.append((path, destination))
        request_id = reloader.ask(who)
    answer = reloader.wait(request_id)
    if answer is not None and answer.get("outcome") == "rejected":
        # The folder without this product does not pass (e.g. another product's
        # scenarios name it): put the files back, so disk and service agree again.
        with rules_lock(reloader.state_dir):
            for original, destination in moved:
                shutil.move(str(destination), original)
            again = reloader.ask(who)
        reloader.wait(again)  # the folder is as it was: its pending errors clear
        raise Problem(
            409,
            "conflict",
            f"'{product_id}' was not retired: the catalog without it does not "
            f"pass its checks; nothing changed",
            errors=answer.get("errors", []),
        )
    live, doc = _decided(answer)
    retired = [d.relative_to(reloader.state_dir).as_posix() for _, d in moved]
    return jsonify(
        product_id=product_id, bank=bank_id, retired=retired, **doc
    ), 200 if live else 202


@bp.post("/<product_id>/preview")
def preview(bank_id: str, product_id: str):
    """Each profile's answer from a draft, which is neither written nor compiled."""
    principal = _scope(bank_id, product_id)
    require_own_prefix(bank_id, product_id)
    options = read_options(_preview_options)
    try:
        body = _preview_request.load(read_json())
    except ValidationError as exc:
        raise Problem(
            422,
            "invalid-request",
            "the preview request cannot be read; see errors",
            errors=field_errors(exc.normalized_messages()),
        ) from None
    rel, product = checked_draft(bank_id, product_id, body["rule_file"], principal)
    results, summary = [], {ELIGIBLE: 0, INELIGIBLE: 0, INCOMPLETE: 0, "invalid": 0}
    for index, data in enumerate(body["profiles"]):
        try:
            profile = load_profile(data, as_of=options.get("as_of"))
        except ProfileError as exc:
            summary["invalid"] += 1
            results.append(
                {"index": index, "errors": field_errors(exc.errors, base=("profiles", index))}
            )
            continue
        values = dict(profile.values)
        verdict = evaluate(product.eligibility, values)
        status = {PASS: ELIGIBLE, FAIL: INELIGIBLE}.get(verdict, INCOMPLETE)
        outcomes: list = []
        walk(product.eligibility, values, outcomes)
        summary[status] += 1
        answer = EligibilityResult(product, status, outcomes)
        results.append(
            {
                "index": index,
                "as_of": profile.as_of.isoformat(),
                "result": answer.to_dict(values, options["explain"], options.get("lang")),
            }
        )
    live = state().catalog.by_id.get(product_id)
    return jsonify(
        product_id=product_id,
        bank=bank_id,
        file=f"{state().reloader.shown_root}/{rel}",
        evaluator="reference",
        live_version=state().catalog.version,
        results=results,
        summary=summary,
        impact=draft_impact(live, product, options.get("as_of")),
    )
