"""Bank staff edit their own products over the API: publish, retire, preview a draft.

A bank's key changes its own bank's products only; an admin key any bank's. A draft
is checked before anything is written: lint of the file in the context of the whole
catalog (duplicate ids, a bank that is not its folder's…), then the product's own
scenario file if it has one — in a child process, since scenarios compile rules that
could never be freed here. A draft that passes is written atomically (temp file +
``os.replace``) under the rules lock, and goes live through the reload path
(``http_api.reload``), which checks the whole folder like any edit made on disk. A
rejected draft changes nothing and is answered 422 with ``path:line:column`` errors.

Preview evaluates the draft with the reference evaluator (``matcher.rulefile.condition.evaluate``
and ``matcher.results.explain.walk``), not durable_rules: a draft lives for one call, and a
ruleset compiled for it would stay in the worker for good. The differential tests
hold the two evaluators to the same answers.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from flask import Blueprint, jsonify, request
from marshmallow import ValidationError

from matcher.authoring.rulefiles import rules_lock, write_atomically
from matcher.authoring.validation import Checked, Finding, check_scenarios, lint_content
from matcher.catalog import rule_files
from matcher.results.explain import walk
from matcher.results.result import ELIGIBLE, INCOMPLETE, INELIGIBLE, EligibilityResult
from matcher.rulefile import source as yamlsource
from matcher.rulefile.condition import FAIL, PASS, evaluate
from matcher.rulefile.layout import digest, read_folder, scenario_names
from matcher.vocabulary.ids import BANK_ID, BANK_ID_RULE, PRODUCT_ID
from matcher.vocabulary.profile import ProfileError, load_profile

from .admin import actor
from .auth import Principal, bank_or_admin, protect
from .inputs import read_body, read_json, read_options
from .ownership import bank_name_findings, keep_platform_terms, require_own_prefix
from .preview_impact import draft_impact
from .problems import Problem, field_errors
from .reload import now
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


def _refused(findings: list[Finding], detail: str | None = None) -> Problem:
    shown = state().reloader.shown_root
    errors = [f.to_dict(shown) for f in findings]
    return Problem(
        422,
        "invalid-request",
        detail or (f"the rule file was not published: {len(errors)} problem(s); see errors"),
        errors=errors,
    )


def _yaml_body() -> bytes:
    return read_body(request.mimetype in YAML_TYPES, "application/yaml")


def _decode(raw: bytes, rel: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _refused(
            [
                Finding(
                    rel,
                    line,
                    1,
                    "the file is not UTF-8 (save it as UTF-8; GBK/GB2312 is not accepted)",
                )
            ]
        ) from None


def _read_draft(text: str, rel: str, bank_id: str, product_id: str) -> Any:
    """The draft parsed, and naming this bank and product (422 otherwise)."""
    try:
        data = yamlsource.load(text, rel)
    except yamlsource.YAMLSourceError as exc:
        raise _refused(
            [Finding(rel, p.location.line, p.location.column, p.message) for p in exc.problems]
        ) from None
    if not isinstance(data, yamlsource.YDict):
        raise _refused(
            [
                Finding(
                    rel, 1, 1, "a product file holds a mapping with id, bank, name and eligibility"
                )
            ]
        )
    wrong = []
    for key, wanted in (("bank", bank_id), ("id", product_id)):
        if data.get(key) != wanted:
            where = data.where(key)
            said = f"'{data.get(key)}'" if key in data else "missing"
            wrong.append(
                Finding(
                    rel,
                    where.line,
                    where.column,
                    f"{key} is {said}, but this is the address of {key} '{wanted}'",
                )
            )
    if wrong:
        raise _refused(wrong)
    return data


def _owned(
    text: str, data: Any, rel: str, bank_id: str, product_id: str, principal: Principal
) -> str:
    """The draft as it may be written: bank_name as registered, the platform's settings
    kept (see ``ownership``)."""
    findings = bank_name_findings(data, rel, bank_id, principal)
    if findings:
        raise _refused(findings)
    return keep_platform_terms(text, data, rel, principal, state().catalog.by_id.get(product_id))


def _product_file(root: Path, bank_id: str, product_id: str) -> Path | None:
    """The file under ``root/bank_id`` that holds ``product_id`` (the folder decides)."""
    for path in (p for p in rule_files(root) if p.parent == root / bank_id):
        try:
            data = yamlsource.load(path.read_text(encoding="utf-8-sig"), str(path))
        except (yamlsource.YAMLSourceError, UnicodeDecodeError, OSError):
            continue
        if isinstance(data, dict) and data.get("id") == product_id:
            return path
    return None


def _new_file(root: Path, bank_id: str, product_id: str) -> Path:
    """``icbc-jingying-kuaidai`` of icbc → ``icbc/jingying-kuaidai.yaml``, as the repo does."""
    slug = product_id[len(bank_id) + 1 :] if product_id.startswith(bank_id + "-") else product_id
    for name in (slug, product_id):
        path = root / bank_id / f"{name}.yaml"
        if name and not path.exists():
            return path
    raise _refused(
        [
            Finding(
                f"{bank_id}/{slug}.yaml",
                1,
                1,
                f"both {slug}.yaml and {product_id}.yaml hold other products; rename one",
            )
        ]
    )


def _check_in_context(rel: str, files: dict[str, str | bytes], product_id: str, scenarios: bool):
    """The draft's own problems when ``files`` replace theirs in the live folder, the
    Product in ``rel``, and what was checked (for the reload, which then need not
    check it again).

    The live folder is read as content with the draft in place (nothing is copied);
    lint of the whole of it (a duplicate id may sit in another bank's file); then, if
    asked and lint passed, the draft's own scenario file, in a child process.
    """
    content: dict[str, str | bytes] = {**read_folder(state().reloader.root), **files}
    products, verdict = lint_content(content)
    mine = [f for f in verdict.findings if f.path == rel or f"{rel}:" in f.message]
    product = next((p for p in products if p.id == product_id and p.path == rel), None)
    tests: list[str] = []
    if scenarios and not mine:
        tests = [t for t in scenario_names(rel) if t in content]
        mine = check_scenarios(content, products, tests)
    return mine, product, Checked(digest(content), tuple(tests))


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


def _scenarios_name(text: str, rel: str, product_id: str) -> None:
    """A bank publishes scenarios for its own product only: a scenario file naming
    another bank's product would let one bank block another's changes."""
    try:
        data = yamlsource.load(text, rel)
    except yamlsource.YAMLSourceError as exc:
        raise _refused(
            [
                Finding(p.location.path, p.location.line, p.location.column, p.message)
                for p in exc.problems
            ]
        ) from None
    named = data.get("product") if isinstance(data, dict) else None
    if named != product_id:
        where = data.where("product") if hasattr(data, "where") else None
        raise _refused(
            [
                Finding(
                    rel,
                    where.line if where else 1,
                    where.column if where else 1,
                    f"the scenarios name product {named!r}; a scenario file "
                    f"published with '{product_id}' must test '{product_id}'",
                )
            ]
        )


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
        target = _product_file(reloader.root, bank_id, product_id) or _new_file(
            reloader.root, bank_id, product_id
        )
        rel = target.relative_to(reloader.root).as_posix()
        sent = _decode(raw, rel)
        body = _owned(
            sent, _read_draft(sent, rel, bank_id, product_id), rel, bank_id, product_id, principal
        )
        raw = raw if body == sent else body.encode("utf-8")
        files: dict[str, str | bytes] = {rel: raw}  # the bytes to be written
        tests = next(
            (t for t in scenario_names(rel) if (reloader.root / t).is_file()),
            scenario_names(rel)[0],
        )
        if scenarios is not None:
            _scenarios_name(scenarios, tests, product_id)
            files[tests] = scenarios
        findings, _, checked = _check_in_context(rel, files, product_id, scenarios=True)
        if findings:
            raise _refused(findings)
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
        target = _product_file(reloader.root, bank_id, product_id)
        if target is None:
            raise Problem(
                404, "not-found", f"bank '{bank_id}' has no rule file for product '{product_id}'"
            )
        _throttle(principal, bank_id)
        stamp = now().strftime("%Y%m%dT%H%M%S%fZ")
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


def checked_draft(bank_id: str, product_id: str, text: str, principal: Principal):
    """(its file's path, the Product) of a draft checked as publishing checks it, written
    nowhere; 422 with ``path:line:column`` errors otherwise."""
    reloader = state().reloader
    target = _product_file(reloader.root, bank_id, product_id) or _new_file(
        reloader.root, bank_id, product_id
    )
    rel = target.relative_to(reloader.root).as_posix()
    text = _owned(
        text, _read_draft(text, rel, bank_id, product_id), rel, bank_id, product_id, principal
    )
    findings, product, _ = _check_in_context(rel, {rel: text}, product_id, scenarios=False)
    if findings or product is None:
        raise _refused(
            findings or [Finding(rel, 1, 1, "the draft did not load")],
            "the draft has problems; see errors",
        )
    return rel, product


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
