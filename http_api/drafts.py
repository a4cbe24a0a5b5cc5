"""A bank's draft rule file: read, made the bank's own and checked in the live catalog's context.

Publishing, previewing, screening a draft and the workbench's editor all take a draft
through the same steps, so that a draft one of them accepts the others accept too: it
must be UTF-8 YAML naming the bank and product of its address, keep what only the
platform sets (``ownership``), and pass lint of the whole folder with it in place (a
duplicate id may sit in another bank's file), then its own scenarios if asked. A
refusal is a 422 with every problem at ``path:line:column``; nothing here writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matcher.authoring.validation import Checked, Finding, check_scenarios, lint_content
from matcher.catalog import rule_files
from matcher.rulefile import source as yamlsource
from matcher.rulefile.layout import digest, read_folder, scenario_names

from .auth import Principal
from .ownership import bank_name_findings, keep_platform_terms
from .problems import Problem
from .state import state


def refused(findings: list[Finding], detail: str | None = None) -> Problem:
    shown = state().reloader.shown_root
    errors = [f.to_dict(shown) for f in findings]
    return Problem(
        422,
        "invalid-request",
        detail or (f"the rule file was not published: {len(errors)} problem(s); see errors"),
        errors=errors,
    )


def _refused_source(exc: yamlsource.YAMLSourceError) -> Problem:
    return refused(
        [
            Finding(p.location.path, p.location.line, p.location.column, p.message)
            for p in exc.problems
        ]
    )


def decode_draft(raw: bytes, rel: str) -> str:
    """The draft as text: UTF-8, a BOM dropped (422 naming the line otherwise)."""
    try:
        return yamlsource.decode(raw, rel)
    except yamlsource.YAMLSourceError as exc:
        raise _refused_source(exc) from None


def read_draft(text: str, rel: str, bank_id: str, product_id: str) -> Any:
    """The draft parsed, and naming this bank and product (422 otherwise)."""
    try:
        data = yamlsource.load(text, rel)
    except yamlsource.YAMLSourceError as exc:
        raise _refused_source(exc) from None
    if not isinstance(data, yamlsource.YDict):
        raise refused(
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
        raise refused(wrong)
    return data


def owned_draft(
    text: str, data: Any, rel: str, bank_id: str, product_id: str, principal: Principal
) -> str:
    """The draft as it may be written: bank_name as registered, the platform's settings
    kept (see ``ownership``)."""
    findings = bank_name_findings(data, rel, bank_id, principal)
    if findings:
        raise refused(findings)
    return keep_platform_terms(text, data, rel, principal, state().catalog.by_id.get(product_id))


def product_file(root: Path, bank_id: str, product_id: str) -> Path | None:
    """The file under ``root/bank_id`` that holds ``product_id`` (the folder decides)."""
    for path in (p for p in rule_files(root) if p.parent == root / bank_id):
        try:
            data = yamlsource.load(path.read_text(encoding="utf-8-sig"), str(path))
        except (yamlsource.YAMLSourceError, UnicodeDecodeError, OSError):
            continue
        if isinstance(data, dict) and data.get("id") == product_id:
            return path
    return None


def new_file(root: Path, bank_id: str, product_id: str) -> Path:
    """``icbc-jingying-kuaidai`` of icbc → ``icbc/jingying-kuaidai.yaml``, as the repo does."""
    slug = product_id[len(bank_id) + 1 :] if product_id.startswith(bank_id + "-") else product_id
    for name in (slug, product_id):
        path = root / bank_id / f"{name}.yaml"
        if name and not path.exists():
            return path
    raise refused(
        [
            Finding(
                f"{bank_id}/{slug}.yaml",
                1,
                1,
                f"both {slug}.yaml and {product_id}.yaml hold other products; rename one",
            )
        ]
    )


def check_in_context(rel: str, files: dict[str, str | bytes], product_id: str, scenarios: bool):
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


def check_scenarios_product(text: str, rel: str, product_id: str) -> None:
    """A bank publishes scenarios for its own product only: a scenario file naming
    another bank's product would let one bank block another's changes."""
    try:
        data = yamlsource.load(text, rel)
    except yamlsource.YAMLSourceError as exc:
        raise refused(
            [
                Finding(p.location.path, p.location.line, p.location.column, p.message)
                for p in exc.problems
            ]
        ) from None
    named = data.get("product") if isinstance(data, dict) else None
    if named != product_id:
        where = data.where("product") if hasattr(data, "where") else None
        raise refused(
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


def checked_draft(bank_id: str, product_id: str, text: str, principal: Principal):
    """(its file's path, the Product) of a draft checked as publishing checks it, written
    nowhere; 422 with ``path:line:column`` errors otherwise."""
    reloader = state().reloader
    target = product_file(reloader.root, bank_id, product_id) or new_file(
        reloader.root, bank_id, product_id
    )
    rel = target.relative_to(reloader.root).as_posix()
    text = owned_draft(
        text, read_draft(text, rel, bank_id, product_id), rel, bank_id, product_id, principal
    )
    findings, product, _ = check_in_context(rel, {rel: text}, product_id, scenarios=False)
    if findings or product is None:
        raise refused(
            findings or [Finding(rel, 1, 1, "the draft did not load")],
            "the draft has problems; see errors",
        )
    return rel, product
