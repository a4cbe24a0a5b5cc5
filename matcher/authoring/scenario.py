"""Scenario tests: a bank's own proof that a rule says what they mean.

Beside ``rules/<bank>/<slug>.yaml`` lives ``<slug>.test.yaml`` (the format is
``docs/rules.md``'s contract with hot reload): a base profile, a few fields over it,
and the answer the product must give. Scenarios run through ``Catalog.match`` — the
production path, durable_rules included — so a passing file proves what customers
will see, not what a second implementation thinks. Why a product answered is then
read from the reference walker, which names *every* failed criterion (``scenario_verdict``).

A broken scenario file is a located failure like any other, never a traceback: the
person reading the report is editing YAML, not Python.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..catalog import Catalog, load_catalog, load_catalog_from_content
from ..results.result import ELIGIBLE, INCOMPLETE, INELIGIBLE
from ..rulefile import layout
from ..rulefile import source as yamlsource
from ..rulefile.condition import FAIL, criteria
from ..rulefile.source import Location, Problem, YDict, YList
from ..vocabulary import fields as F
from ..vocabulary.profile import ProfileError
from .scenario_verdict import explain, verdict

SUFFIXES = layout.SCENARIO_SUFFIXES
PROFILES_DIR = layout.PROFILES_DIR
FILE_KEYS = ("product", "as_of", "base", "scenarios")
SCENARIO_KEYS = ("name", "given", "expect", "failing", "missing", "as_of")
EXPECTS = (ELIGIBLE, INELIGIBLE, INCOMPLETE)
_BASE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\Z")


@dataclass(frozen=True)
class ScenarioResult:
    path: str
    line: int
    name: str
    ok: bool
    message: str = ""
    column: int | None = None  # set for a format error, which points at a token
    product_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" + (f":{self.column}" if self.column else "")
        return f"{where}: {self.message}" if self.message else f"{where}: ok"


@dataclass
class ScenarioReport:
    results: list[ScenarioResult] = field(default_factory=list)
    # Products that no scenario file names, and criteria that no scenario saw fail.
    untested: list[str] = field(default_factory=list)
    uncovered: dict[str, list[str]] = field(default_factory=dict)

    @property
    def failures(self) -> list[str]:
        return [str(r) for r in self.results if not r.ok]

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.ok)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        files = len({r.path for r in self.results})
        text = f"{self.passed} passed, {self.failed} failed in {files} scenario file(s)"
        if self.untested:
            text += f"; {len(self.untested)} product(s) without scenarios"
        return text


def scenario_files(rules_root: Path) -> list[Path]:
    """``<root>/<bank>/*.test.yaml`` (``layout.SCENARIO``), or ``rules_root`` if a file."""
    root = Path(rules_root)
    if root.is_file():
        return [root]
    return layout.files_of(root, [layout.SCENARIO])


class _FileError(Exception):
    def __init__(self, where: Location, message: str):
        super().__init__(message)
        self.where, self.message = where, message


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _as_date(raw: Any, where: Location, what: str) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise _FileError(where, f"{what} takes a date as YYYY-MM-DD, not {raw!r}")


def _names(raw: Any, where: Location, key: str, allowed: Mapping[str, Any]) -> list[str]:
    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise _FileError(where, f"{key} takes a list of field names")
    for i, name in enumerate(names):
        if name not in allowed:
            at = names.where(i) if isinstance(names, YList) else where
            kind = "a posted field" if allowed is F.POSTED_FIELDS else "a field"
            raise _FileError(at, f"{key}: '{name}' is not {kind} of docs/profile.md")
    return list(names)


class _Runner:
    def __init__(
        self,
        rules_root: Path,
        catalog: Catalog,
        content: Mapping[str, layout.Content] | None = None,
    ):
        self.root = Path(rules_root)
        self.catalog = catalog
        self.content = content  # the folder as relative path → text, instead of the disk
        self.bases: dict[str, dict | _FileError] = {}
        self.named: set[str] = set()
        self.failed_seen: dict[str, set[int]] = {}

    def base(self, name: Any, where: Location) -> dict:
        if not isinstance(name, str) or not _BASE_NAME.match(name) or ".." in name:
            raise _FileError(
                where, f"base takes the name of a file in {PROFILES_DIR}/, not {name!r}"
            )
        if name not in self.bases:
            path = self.root / layout.profile_path(name)
            try:
                data = json.loads(self._text(path, base=True))
                self.bases[name] = (
                    data
                    if isinstance(data, dict)
                    else _FileError(
                        Location(str(path), 1, 1), "a base profile holds one JSON object"
                    )
                )
            except FileNotFoundError:
                self.bases[name] = _FileError(where, f"base profile '{name}' not found: {path}")
            except (ValueError, UnicodeDecodeError) as exc:
                line = getattr(exc, "lineno", 1)
                col = getattr(exc, "colno", 1)
                self.bases[name] = _FileError(
                    Location(str(path), line, col), f"base profile is not JSON: {exc}"
                )
        found = self.bases[name]
        if isinstance(found, _FileError):
            raise found
        return found

    def product_id(self, raw: Any, where: Location, path: Path) -> str:
        if isinstance(raw, str) and raw in self.catalog.by_id:
            return raw
        hint = ""
        stem = str(path)[: -len(next(s for s in SUFFIXES if str(path).endswith(s)))]
        for p in self.catalog.products:
            if p.path and Path(p.path).with_suffix("") == Path(stem):
                hint = f" (the product beside this file is '{p.id}')"
        raise _FileError(where, f"no product '{raw}' in the catalog{hint}")

    def run_file(self, path: Path) -> list[ScenarioResult]:
        shown = str(path)
        try:
            text = self._text(path)
            data = _load_yaml(text, shown)
            return self._run_loaded(path, data)
        except yamlsource.YAMLSourceError as exc:
            return [_located_failure(p) for p in exc.problems]
        except _FileError as exc:
            return [ScenarioResult(shown, exc.where.line, "", False, exc.message, exc.where.column)]

    def _text(self, path: Path, base: bool = False) -> str:
        """A file's text, from the disk or from the content given."""
        if self.content is None:
            return path.read_text(encoding="utf-8") if base else yamlsource.read(path)[0]
        raw = self.content.get(path.relative_to(self.root).as_posix())
        if raw is None:
            raise FileNotFoundError(str(path))
        if base and isinstance(raw, bytes):
            return raw.decode("utf-8")
        return yamlsource.decode(raw, str(path))

    def _run_loaded(self, path: Path, data: Any) -> list[ScenarioResult]:
        shown = str(path)
        whole = Location(shown, 1, 1)
        if not isinstance(data, YDict):
            raise _FileError(
                whole, "a scenario file holds a mapping with product, base and scenarios"
            )
        for key in data:
            if key not in FILE_KEYS:
                raise _FileError(
                    data.where_key(key), f"unknown key '{key}' (expected {', '.join(FILE_KEYS)})"
                )
        for key in ("product", "scenarios"):
            if key not in data:
                raise _FileError(whole, f"missing '{key}'")
        pid = self.product_id(data["product"], data.where("product"), path)
        self.named.add(pid)
        base = self.base(data["base"], data.where("base")) if "base" in data else {}
        as_of = _as_date(data["as_of"], data.where("as_of"), "as_of") if "as_of" in data else None
        scenarios = data["scenarios"]
        if not isinstance(scenarios, YList) or not scenarios:
            raise _FileError(data.where("scenarios"), "scenarios takes a non-empty list")
        return [
            self.run_one(shown, pid, base, as_of, item, scenarios.where(i))
            for i, item in enumerate(scenarios)
        ]

    def run_one(
        self, path: str, pid: str, base: dict, as_of: date | None, item: Any, where: Location
    ) -> ScenarioResult:
        name = item.get("name", "") if isinstance(item, dict) else ""
        try:
            spec = _read_scenario(item, where)
        except _FileError as exc:
            return ScenarioResult(
                path, exc.where.line, str(name), False, exc.message, exc.where.column, pid
            )
        profile = dict(base)
        for key, value in spec["given"].items():
            if value is None:
                profile.pop(key, None)
            else:
                profile[key] = value
        try:
            answer = explain(self.catalog, pid, profile, spec["as_of"] or as_of or date.today())
        except ProfileError as exc:
            at, column = where.line, None
            given = item.get("given")
            bad = [k for k in exc.errors if isinstance(given, YDict) and k in given]
            if bad:  # point at the field written in this scenario
                at, column = given.where_key(bad[0]).line, given.where_key(bad[0]).column
            return ScenarioResult(
                path,
                at,
                spec["name"],
                False,
                "the scenario's profile is invalid: " + "; ".join(exc.lines()),
                column,
                pid,
            )
        seen = self.failed_seen.setdefault(pid, set())
        seen.update(i for i, o in enumerate(answer.outcomes) if o.outcome == FAIL)
        message = verdict(answer, spec["expect"], spec["failing"], spec["missing"])
        return ScenarioResult(
            path, where.line, spec["name"], message is None, message or "", None, pid
        )


def _load_yaml(text: str, shown: str) -> Any:
    """Hot reload runs every scenario before an edit goes live: ``yamlsource.load``
    composes with libyaml where PyYAML has it, much faster on the catalog's many files."""
    return yamlsource.load(text, shown)


def _located_failure(problem: Problem) -> ScenarioResult:
    loc = problem.location
    return ScenarioResult(loc.path, loc.line, "", False, problem.message, loc.column)


def _read_scenario(item: Any, where: Location) -> dict:
    if not isinstance(item, YDict):
        raise _FileError(where, "a scenario is a mapping with name, given and expect")
    for key in item:
        if key not in SCENARIO_KEYS:
            raise _FileError(
                item.where_key(key),
                f"unknown key '{key}' in a scenario (expected {', '.join(SCENARIO_KEYS)})",
            )
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _FileError(
            item.where("name") if "name" in item else where,
            "a scenario needs a name (what it shows, in a few words)",
        )
    expect = item.get("expect")
    if expect not in EXPECTS:
        raise _FileError(
            item.where("expect") if "expect" in item else where,
            f"expect takes one of {', '.join(EXPECTS)}, not {expect!r}",
        )
    given = item.get("given") or {}
    if not isinstance(given, dict):
        raise _FileError(
            item.where("given"), "given takes a mapping of profile fields (null removes a field)"
        )
    failing = missing = []
    if "failing" in item:
        if expect != INELIGIBLE:
            raise _FileError(item.where_key("failing"), "failing applies to expect: ineligible")
        failing = _names(item["failing"], item.where("failing"), "failing", F.FIELDS)
    if "missing" in item:
        if expect != INCOMPLETE:
            raise _FileError(item.where_key("missing"), "missing applies to expect: incomplete")
        missing = _names(item["missing"], item.where("missing"), "missing", F.POSTED_FIELDS)
    as_of = _as_date(item["as_of"], item.where("as_of"), "as_of") if "as_of" in item else None
    return {
        "name": name.strip(),
        "expect": expect,
        "given": _plain(given),
        "failing": failing,
        "missing": missing,
        "as_of": as_of,
    }


def run_scenarios(
    rules_root: Path,
    catalog: Catalog | None = None,
    progress: Callable[[Path], None] | None = None,
    *,
    files: Iterable[Path] | None = None,
    content: Mapping[str, layout.Content] | None = None,
) -> ScenarioReport:
    """Run every scenario file under ``rules_root`` (or just ``files``) against ``catalog``.

    Without a catalog the rules under ``rules_root`` are loaded (``CatalogError`` when
    they do not load: lint comes first). Base profiles are read from
    ``<rules_root>/_profiles/<name>.json``. With ``content`` (relative path → text) the
    folder is read from it, not from the disk; ``rules_root`` then only prefixes paths.
    """
    rules_root = Path(rules_root)
    if catalog is None:
        catalog = (
            load_catalog(rules_root)
            if content is None
            else load_catalog_from_content(
                content, "" if rules_root == Path("") else str(rules_root)
            )
        )
    if files is not None:
        todo = list(files)
    elif content is not None:
        todo = [rules_root / rel for rel in layout.of_kind(content, layout.SCENARIO)]
    else:
        todo = scenario_files(rules_root)
    runner = _Runner(rules_root, catalog, content)
    report = ScenarioReport()
    for path in todo:
        if progress:
            progress(path)
        report.results.extend(runner.run_file(Path(path)))
    if files is None:
        report.untested = sorted(p.id for p in catalog.products if p.id not in runner.named)
    for pid, seen in runner.failed_seen.items():
        product = catalog.by_id[pid]
        gaps = [c.describe() for i, c in enumerate(criteria(product.eligibility)) if i not in seen]
        if gaps:
            report.uncovered[pid] = gaps
    return report


__all__ = ["run_scenarios", "ScenarioReport", "ScenarioResult", "scenario_files"]
