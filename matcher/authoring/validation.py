"""A rules folder checked in full — lint, then every scenario — before anything serves it.

Why in a separate process: scenarios run through ``Catalog.match``, so checking them
compiles the candidate rules into durable_rules, and durable_rules never frees a
ruleset (``docs/design.md``). A check that compiled inside a serving process would leak
on every edit, a rejected one included, and a definition that hangs the extension
(a 600-value list) would hang the server. A child process exits and takes it all
with it; ``python -m matcher.authoring.validation DIR`` prints the verdict as JSON.

Lint reads every product (pure Python: it runs in the serving process); scenarios
are many (1,429 for 57 products), so a change runs the scenario
files it touches — ``check_scenarios`` hands just those, the products they name and
the base profiles to the child as content on its stdin, nothing copied to disk — and
``loanmatch test`` in CI runs them all.

Findings carry paths relative to the checked folder, so a check of content read from
it reads as the live folder does (``rules/icbc/jingying-kuaidai.yaml:12:7``).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from ..catalog import Catalog, read_content, read_products
from ..rulefile import layout
from ..rulefile.layout import Content
from ..rulefile.product import Product
from ..rulefile.source import Problem
from .scenario import run_scenarios

VALIDATION_TIMEOUT = 120  # seconds; a check that takes longer is a rejected change


@dataclass(frozen=True)
class Finding:
    """One reason a change cannot go live, at ``path:line:column`` (path relative)."""

    path: str
    line: int
    column: int | None
    message: str
    kind: str = "lint"  # "lint" or "scenario"

    def where(self, shown_root: str) -> str:
        path = shown_root if self.path in ("", ".") else f"{shown_root}/{self.path}"
        return f"{path}:{self.line}" + (f":{self.column}" if self.column else "")

    def to_dict(self, shown_root: str, pointer: str = "") -> dict:
        """Located, and shaped like the API's other errors (location, pointer, field, detail)."""
        text = f"{self.where(shown_root)}: {self.message}"
        return {
            "location": "body",
            "pointer": pointer,
            "field": pointer.strip("/"),
            "detail": text,
            "path": self.where(shown_root).split(":")[0],
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "kind": self.kind,
            "text": text,
        }


@dataclass
class Validation:
    """The verdict on one folder: ``ok`` means it may go live as ``version``."""

    ok: bool
    version: str | None = None
    products: int = 0
    findings: list[Finding] = field(default_factory=list)
    scenarios_passed: int = 0
    scenarios_failed: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Validation:
        data = json.loads(text)
        data["findings"] = [Finding(**f) for f in data["findings"]]
        return cls(**data)


@dataclass(frozen=True)
class Checked:
    """What a check already ran on a folder's exact content (``layout.digest``): the
    reload that follows an edit runs only what this does not cover."""

    digest: str
    tests: tuple[str, ...] = ()

    def covers(self, found_digest: str) -> frozenset[str]:
        """The scenario files already run, if the folder is still what was checked."""
        return frozenset(self.tests) if found_digest == self.digest else frozenset()


def relative(path: str, root: Path) -> str:
    """``path`` as written under ``root`` (posix), or as given when it lies elsewhere."""
    if root == Path(""):  # content read without a root: paths are relative already
        return path
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


def _unrooted(message: str, root: Path) -> str:
    """A message naming another file ("also in …") names it relative to the root too."""
    if root == Path(""):
        return message
    for prefix in {str(root), str(root.resolve())}:
        message = message.replace(prefix + os.sep, "")
    return message


def lint_products(root: Path) -> tuple[list[Product], Validation]:
    """Lint only (no durable_rules): the products read, and the verdict."""
    return _verdict(*read_products(root), root)


def lint_content(files: Mapping[str, Content], root: str = "") -> tuple[list[Product], Validation]:
    """``lint_products`` for a folder given as content (relative path → text or bytes):
    nothing is copied; locations read ``<root>/<path>``, findings are relative."""
    return _verdict(*read_content(files, root), Path(root))


def _verdict(
    products: list[Product], problems: list[Problem], version: str, root: Path
) -> tuple[list[Product], Validation]:
    findings = [
        Finding(
            relative(p.location.path, root),
            p.location.line,
            p.location.column,
            _unrooted(p.message, root),
        )
        for p in problems
        if p.severity == "error"
    ]
    findings.sort(key=lambda f: (f.path, f.line, f.column or 0))
    return products, Validation(not findings, version or None, len(products), findings)


def validate_folder(root: Path) -> Validation:
    """Lint, then the scenarios against the compiled catalog. Compiles: run it in a child."""
    products, verdict = lint_products(root)
    return _validated(products, verdict, root)


def validate_content(files: Mapping[str, Content]) -> Validation:
    """``validate_folder`` for content. Compiles: run it in a child (``validate_in_child``)."""
    products, verdict = lint_content(files)
    return _validated(products, verdict, Path(""), files)


def _validated(
    products: list[Product],
    verdict: Validation,
    root: Path,
    content: Mapping[str, Content] | None = None,
) -> Validation:
    if not verdict.ok:
        return verdict
    catalog = Catalog(products, verdict.version or "", None if content is not None else str(root))
    report = run_scenarios(root, catalog, content=content)
    for result in report.results:
        if not result.ok:
            verdict.findings.append(
                Finding(
                    relative(result.path, root),
                    result.line,
                    result.column,
                    _unrooted(result.message, root),
                    "scenario",
                )
            )
    verdict.scenarios_passed, verdict.scenarios_failed = report.passed, report.failed
    verdict.ok = not verdict.findings
    return verdict


def scenario_product(text: Content) -> str | None:
    """The product a scenario file names (None when it cannot be read: the run says why)."""
    try:
        data = yaml.safe_load(text.decode("utf-8-sig") if isinstance(text, bytes) else text)
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    return data.get("product") if isinstance(data, dict) else None


def check_scenarios(
    files: Mapping[str, Content],
    products,
    tests: Iterable[str],
    timeout: float = VALIDATION_TIMEOUT,
    root: str = "",
) -> list[Finding]:
    """Run the scenario files ``tests`` (paths relative to the folder ``files`` holds) in
    a child process, which gets just those files, the products they name (from
    ``products``, as linted; their paths under ``root``) and the base profiles, as
    content: nothing is copied to disk. Findings read as the folder's."""
    tests = sorted(set(tests))
    if not tests:
        return []
    named = {scenario_product(files[rel]) for rel in tests}
    wanted = tests + [relative(p.path, Path(root)) for p in products if p.id in named]
    wanted += list(layout.of_kind(files, layout.PROFILE))
    return validate_in_child(
        content={rel: files[rel] for rel in wanted if rel in files}, timeout=timeout
    ).findings


def validate_in_child(
    root: Path | None = None,
    timeout: float = VALIDATION_TIMEOUT,
    *,
    content: Mapping[str, Content] | None = None,
) -> Validation:
    """``validate_folder(root)``, or ``validate_content(content)`` (sent on stdin), in a
    fresh Python process; never raises for bad rules."""
    here = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    given = (
        None
        if content is None
        else json.dumps(
            {
                rel: base64.b64encode(raw.encode("utf-8") if isinstance(raw, str) else raw).decode(
                    "ascii"
                )
                for rel, raw in content.items()
            }
        )
    )
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "matcher.authoring.validation",
                "-" if content is not None else str(root),
            ],
            input=given,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return Validation(
            False,
            findings=[
                Finding(".", 1, None, f"the check did not finish in {timeout:g} s; nothing changed")
            ],
        )
    if done.returncode != 0 or not done.stdout.strip():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Validation(False, findings=[Finding(".", 1, None, f"the check failed: {last}")])
    return Validation.from_json(done.stdout.strip().splitlines()[-1])


def texts(findings: Iterable[Finding], shown_root: str) -> list[str]:
    return [f"{f.where(shown_root)}: {f.message}" for f in findings]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(
            "usage: python -m matcher.authoring.validation RULES_DIR  (or - to read "
            "{path: base64 content} as JSON on stdin)",
            file=sys.stderr,
        )
        return 2
    logging.disable(logging.WARNING)  # stdout carries the verdict only
    if args[0] == "-":
        files = {rel: base64.b64decode(raw) for rel, raw in json.load(sys.stdin).items()}
        print(validate_content(files).to_json())
    else:
        print(validate_folder(Path(args[0])).to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
