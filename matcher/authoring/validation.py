"""A rules folder checked in full — lint, then every scenario — before anything serves it.

Why in a separate process: scenarios run through ``Catalog.match``, so checking them
compiles the candidate rules into durable_rules, and durable_rules never frees a
ruleset (``docs/design.md``). A check that compiled inside a serving process would leak
on every edit, a rejected one included, and a definition that hangs the extension
(a 600-value list) would hang the server. A child process exits and takes it all
with it; ``python -m matcher.authoring.validation DIR`` prints the verdict as JSON.

Lint reads every product (pure Python: it runs in the serving process); scenarios
are many (1,429 for 57 products, ~2 s), so a change runs the scenario
files it touches — ``check_scenarios`` copies just those and the products they name
into a small folder for the child — and ``loanmatch test`` in CI runs them all.

Findings carry paths relative to the checked folder, so a check of a staged copy
reads as if it were the live folder (``rules/icbc/jingying-kuaidai.yaml:12:7``).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from ..engine.catalog import Catalog, read_products
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
        return {"location": "body", "pointer": pointer, "field": pointer.strip("/"),
                "detail": text, "path": self.where(shown_root).split(":")[0],
                "line": self.line, "column": self.column, "message": self.message,
                "kind": self.kind, "text": text}


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
    def from_json(cls, text: str) -> "Validation":
        data = json.loads(text)
        data["findings"] = [Finding(**f) for f in data["findings"]]
        return cls(**data)


def relative(path: str, root: Path) -> str:
    """``path`` as written under ``root`` (posix), or as given when it lies elsewhere."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


def _unrooted(message: str, root: Path) -> str:
    """A message naming another file ("also in …") names it relative to the root too."""
    for prefix in {str(root), str(root.resolve())}:
        message = message.replace(prefix + os.sep, "")
    return message


def lint_products(root: Path):
    """Lint only (no durable_rules): the products read, and the verdict."""
    products, problems, version = read_products(root)
    findings = [Finding(relative(p.location.path, root), p.location.line, p.location.column,
                        _unrooted(p.message, root)) for p in problems if p.severity == "error"]
    findings.sort(key=lambda f: (f.path, f.line, f.column or 0))
    return products, Validation(not findings, version or None, len(products), findings)


def validate_folder(root: Path) -> Validation:
    """Lint, then the scenarios against the compiled catalog. Compiles: run it in a child."""
    products, verdict = lint_products(root)
    if not verdict.ok:
        return verdict
    report = run_scenarios(root, Catalog(products, verdict.version, str(root)))
    for result in report.results:
        if not result.ok:
            verdict.findings.append(Finding(relative(result.path, root), result.line,
                                            result.column, _unrooted(result.message, root),
                                            "scenario"))
    verdict.scenarios_passed, verdict.scenarios_failed = report.passed, report.failed
    verdict.ok = not verdict.findings
    return verdict


def scenario_product(path: Path) -> str | None:
    """The product a scenario file names (None when it cannot be read: the run says why)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return data.get("product") if isinstance(data, dict) else None


def check_scenarios(root: Path, products, tests: Iterable[str],
                    timeout: float = VALIDATION_TIMEOUT) -> list[Finding]:
    """Run the scenario files ``tests`` (paths relative to ``root``) in a child process.

    The child gets a small folder: those files, the products they name (from
    ``products``, as linted) and the base profiles; the findings read as ``root``'s.
    """
    tests = sorted(set(tests))
    if not tests:
        return []
    named = {scenario_product(root / rel) for rel in tests}
    wanted = tests + [relative(p.path, root) for p in products if p.id in named]
    with tempfile.TemporaryDirectory(prefix="scenarios-") as tmp:
        mini = Path(tmp) / root.name
        for rel in wanted:
            (mini / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, mini / rel)
        if (root / "_profiles").is_dir():
            shutil.copytree(root / "_profiles", mini / "_profiles")
        return validate_in_child(mini, timeout).findings


def validate_in_child(root: Path, timeout: float = VALIDATION_TIMEOUT) -> Validation:
    """``validate_folder(root)`` in a fresh Python process; never raises for bad rules."""
    here = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    try:
        done = subprocess.run([sys.executable, "-m", "matcher.authoring.validation", str(root)],
                              capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return Validation(False, findings=[Finding(".", 1, None, f"the check did not finish in "
                                                               f"{timeout:g} s; nothing changed")])
    if done.returncode != 0 or not done.stdout.strip():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Validation(False, findings=[Finding(".", 1, None, f"the check failed: {last}")])
    return Validation.from_json(done.stdout.strip().splitlines()[-1])


def texts(findings: Iterable[Finding], shown_root: str) -> list[str]:
    return [f"{f.where(shown_root)}: {f.message}" for f in findings]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m matcher.authoring.validation RULES_DIR", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)  # stdout carries the verdict only
    print(validate_folder(Path(args[0])).to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
