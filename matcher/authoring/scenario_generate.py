"""Covering scenario files, written from a product and a base profile.

Bank staff should not have to invent the profile that sits one month short of
"成立满2年": for every criterion the generator writes a scenario at its bound
(eligible) and one just past it (ineligible, naming the criterion), plus one with
its field removed (incomplete). Edit a bound and one of them fails — that is the
point. Derived fields are set through what the portal posts (``established_on``,
``region_code``, ``industry_code``, the size indicators).

Criteria inside ``any`` / ``not`` groups are handled on the tree with negations
pushed to the leaves: a leaf is isolated by making its ``any`` siblings fail and
its ``all`` siblings hold. Every scenario is checked against the reference
evaluator before it is written; one that does not show what it claims is left
out with a comment saying why, so a generated file always passes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..catalog import CatalogError, read_products
from ..results.explain import walk
from ..results.result import ELIGIBLE, INCOMPLETE, INELIGIBLE, EligibilityResult
from ..rulefile.condition import FAIL, PASS, combine, evaluate
from ..rulefile.product import Product
from ..vocabulary.profile import ProfileError, load_profile
from .scenario import PROFILES_DIR, SUFFIXES
from .scenario_bounds import REMOVED, Leaf, leaf_pairs, nnf, posted_for, removal
from .scenario_verdict import show, verdict


class GenerateError(ValueError):
    """The product cannot be covered from this base (named, with what to do)."""


@dataclass
class Scenario:
    name: str
    expect: str
    given: dict = field(default_factory=dict)
    failing: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class Generated:
    product: Product
    base: str
    as_of: date
    scenarios: list[Scenario]
    notes: list[str]
    fit: dict

    @property
    def command(self) -> str:
        return (
            f"loanmatch test --generate {self.product.path} --base {self.base}"
            + (" --fit" if self.fit else "")
            + f" --as-of {self.as_of.isoformat()}"
        )

    def yaml(self) -> str:
        p = self.product
        head = [
            f"# Scenarios for {p.name} ({p.id}), generated from the base profile",
            f"# {PROFILES_DIR}/{self.base}.json. Each criterion is tried at its bound "
            "(eligible), just past it",
            "# (ineligible) and without its field (incomplete): edit a bound in the "
            "product and a scenario",
            "# here fails. After an intended change, regenerate:",
        ]
        head.append(f"#   {self.command}")
        if self.fit:
            head.append(
                f"# The base profile does not qualify as it is; every scenario "
                f"adjusts it with: {_flow(self.fit)}"
            )
        head += [f"# not covered: {note}" for note in self.notes]
        lines = head + [
            f"product: {p.id}",
            f"as_of: {self.as_of.isoformat()}",
            f"base: {self.base}",
            "scenarios:",
        ]
        for s in self.scenarios:
            lines.append(f"  - name: {json.dumps(s.name, ensure_ascii=False)}")
            if s.given:
                lines.append(f"    given: {_flow(s.given)}")
            lines.append(f"    expect: {s.expect}")
            if s.failing:
                lines.append(f"    failing: [{', '.join(s.failing)}]")
            if s.missing:
                lines.append(f"    missing: [{', '.join(s.missing)}]")
        return "\n".join(lines) + "\n"


def _yaml_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value) if repr(float(value)) == format(value.normalize(), "f") else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_yaml_value(v) for v in value]
    return value


def _flow(given: Mapping[str, Any]) -> str:
    data = {k: _yaml_value(v) for k, v in given.items()}
    return yaml.safe_dump(
        data, default_flow_style=True, allow_unicode=True, width=1 << 20, sort_keys=False
    ).strip()


def _judge(product: Product, profile: Mapping[str, Any], as_of: date) -> EligibilityResult:
    values = load_profile(dict(profile), as_of=as_of).values
    outcome = evaluate(product.eligibility, values)
    status = {PASS: ELIGIBLE, FAIL: INELIGIBLE}.get(outcome, INCOMPLETE)
    outcomes: list = []
    walk(product.eligibility, values, outcomes)
    return EligibilityResult(product, status, outcomes)


def _outcome(node, values: Mapping[str, Any]) -> str:
    if isinstance(node, Leaf):
        return node.outcome(values)
    return combine(node.kind, [_outcome(child, values) for child in node.children])


def _merge(*parts: Mapping[str, Any] | None) -> dict | None:
    """One ``given`` from several; None when two parts set a field differently."""
    out: dict = {}
    for part in parts:
        if part is None:
            return None
        for key, value in part.items():
            if key in out and out[key] != value:
                return None
            out[key] = value
    return out


class _Builder:
    def __init__(self, product: Product, base: Mapping[str, Any], as_of: date):
        self.product, self.base, self.as_of = product, dict(base), as_of
        self.tree = nnf(product.eligibility)

    def values(self, given: Mapping[str, Any]) -> Mapping[str, Any]:
        profile = {**self.base, **given}
        return load_profile(
            {k: v for k, v in profile.items() if v is not None}, as_of=self.as_of
        ).values

    def posted(self, leaf: Leaf, target: Any, values: Mapping[str, Any]) -> dict | None:
        return posted_for(leaf.field, target, values, self.as_of)

    # A node made to hold / fail with as few changes as possible; None if it cannot be.
    def make(self, node, want: str, values: Mapping[str, Any]) -> dict | None:
        if isinstance(node, Leaf):
            if node.outcome(values) == want:
                return {}
            targets = [
                hold if want == PASS else broken for hold, broken, _ in leaf_pairs(node, values)
            ]
            current = values.get(
                "months_in_business" if node.field.endswith("_in_business") else node.field
            )
            if isinstance(current, (int, Decimal)) and not isinstance(current, bool):
                # the nearest value that does it: 65 for an age of 70 outside [18, 65]
                def distance(target: object, current: int | Decimal = current) -> Decimal:
                    if isinstance(target, (int, Decimal)):
                        return abs(Decimal(target) - Decimal(current))
                    return Decimal(0)

                targets.sort(key=distance)
            for target in targets:
                given = self.posted(node, target, values) if target is not None else None
                if given is not None:
                    return given
            return None
        if _outcome(node, values) == want:
            return {}
        if (node.kind == "all") == (want == PASS):
            return _merge(*(self.make(child, want, values) for child in node.children))
        for child in node.children:
            found = self.make(child, want, values)
            if found is not None:
                return found
        return None

    def leaves(self, node=None, context=()) -> Iterator[tuple[Leaf, tuple]]:
        """Each leaf with its ancestors as (group, index of the branch taken)."""
        node = self.tree if node is None else node
        if isinstance(node, Leaf):
            yield node, context
            return
        for i, child in enumerate(node.children):
            yield from self.leaves(child, context + ((node, i),))

    def isolate(self, context: tuple, values: Mapping[str, Any]) -> dict | None:
        """Changes that make the answer turn on the leaf below ``context`` alone."""
        parts: list = []
        for group, index in context:
            want = FAIL if group.kind == "any" else PASS
            for i, sibling in enumerate(group.children):
                if i != index:
                    parts.append(self.make(sibling, want, values))
        return _merge(*parts)


def generate(
    product: Product, base: Mapping[str, Any], base_name: str, as_of: date, fit: bool = False
) -> Generated:
    """Scenarios covering every criterion of ``product`` from the posted profile ``base``."""
    b = _Builder(product, base, as_of)
    try:
        values = b.values({})
    except ProfileError as exc:
        raise GenerateError(f"base profile '{base_name}' is invalid at {as_of}: {exc}") from None
    adjust: dict = {}
    first = _judge(product, b.base, as_of)
    if first.status != ELIGIBLE:
        found = b.make(b.tree, PASS, values) if fit else None
        if not found:
            why = "; ".join(
                f"{o.criterion.field} {'fails' if o.outcome == FAIL else 'unknown'}"
                for o in first.outcomes
                if o.outcome != PASS and o.relevant
            )
            hint = "" if fit else " (use --fit to adjust it)"
            raise GenerateError(
                f"base profile '{base_name}' is {first.status} for {product.id}: {why}{hint}"
            )
        adjust = found
        b.base.update(adjust)
        values = b.values({})
    candidates = [Scenario(f"accepts its base profile ({base_name})", ELIGIBLE)]
    notes: list[str] = []
    for leaf, context in b.leaves():
        candidates += _leaf_scenarios(b, leaf, context, values, notes)
    scenarios, seen = [], set()
    for s in candidates:
        key = (json.dumps(_yaml_value(list(s.given.items())), ensure_ascii=False), s.expect)
        if key in seen:
            continue
        seen.add(key)
        try:
            message = verdict(
                _judge(product, {**b.base, **s.given}, as_of), s.expect, s.failing, s.missing
            )
        except ProfileError as exc:
            message = f"profile invalid: {'; '.join(exc.lines())}"
        if message is None:
            s.given = {**adjust, **s.given}
            scenarios.append(s)
        else:
            notes.append(f"{s.name}: {message}")
    return Generated(product, base_name, as_of, scenarios, notes, adjust)


def _leaf_scenarios(
    b: _Builder, leaf: Leaf, context: tuple, values: Mapping[str, Any], notes: list[str]
) -> list[Scenario]:
    label = leaf.text() + (f" ({leaf.source})" if leaf.source else "")
    iso = b.isolate(context, values)
    if iso is None:
        notes.append(f"{label}: its group's other criteria cannot be set to isolate it")
        return []
    try:
        here = b.values(iso) if iso else values
    except ProfileError as exc:
        notes.append(f"{label}: isolating it gives an invalid profile: {exc}")
        return []
    out: list[Scenario] = []
    pairs = list(leaf_pairs(leaf, here))
    if not pairs:
        notes.append(f"{label}: no value of {leaf.field} can be written for it")
    for hold, broken, what in pairs:
        if hold is not None:
            given = _merge(iso, b.posted(leaf, hold, here))
            if given is not None and (
                iso or any(b.base.get(k) != _yaml_value(v) for k, v in given.items())
            ):
                out.append(Scenario(f"{label} — {what[0]}: {_shown(leaf, hold)}", ELIGIBLE, given))
        if broken is not None:
            given = _merge(iso, b.posted(leaf, broken, here))
            if given is None:
                notes.append(f"{label}: cannot write {_shown(leaf, broken)}")
            else:
                out.append(
                    Scenario(
                        f"{label} — {what[1]}: {_shown(leaf, broken)}",
                        INELIGIBLE,
                        given,
                        failing=[leaf.original.field],
                    )
                )
    if leaf.op != "exists":
        gone = removal(leaf.field, here)
        given = _merge(iso, dict.fromkeys(gone)) if gone else None
        if given is not None and any(name in b.base for name in gone):
            out.append(
                Scenario(
                    f"{label} — not stated: {', '.join(gone)} removed",
                    INCOMPLETE,
                    given,
                    missing=list(gone),
                )
            )
    return out


def _shown(leaf: Leaf, target: Any) -> str:
    if target is REMOVED:
        return "not stated"
    if leaf.op == "exists":
        return show(target)
    if leaf.field == "months_in_business" or leaf.original.field == "years_in_business":
        years, months = divmod(int(target), 12)
        return f"{years} year{'s' * (years != 1)} {months} month{'s' * (months != 1)}"
    return show(target)


# --- files -----------------------------------------------------------------------


def scenario_path(product_path: Path) -> Path:
    return Path(product_path).with_name(Path(product_path).stem + SUFFIXES[0])


def read_base(rules_root: Path, name: str) -> dict:
    path = Path(rules_root) / PROFILES_DIR / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GenerateError(f"no base profile {path}") from None
    except ValueError as exc:
        raise GenerateError(f"{path}: not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise GenerateError(f"{path}: a base profile holds one JSON object")
    return data


def write(generated: Generated, path: Path) -> Path:
    """Write atomically: a half-written scenario file would fail the next reload."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(generated.yaml(), encoding="utf-8")
    tmp.replace(path)
    return path


def generate_file(
    product_path: Path, base: str | None = None, as_of: date | None = None, fit: bool = False
) -> Generated:
    """Scenarios for the product in ``product_path`` (``rules/<bank>/<slug>.yaml``).

    The base defaults to ``rules/_profiles/<product id>.json``.
    """
    product_path = Path(product_path)
    products, problems, _ = read_products(product_path)
    errors = [str(p) for p in problems if p.severity == "error"]
    if errors or not products:
        raise GenerateError(
            "the product does not load (run `loanmatch lint`):\n" + "\n".join(errors)
        )
    product = products[0]
    name = base or product.id
    data = read_base(product_path.parent.parent, name)
    return generate(product, data, name, as_of or date.today(), fit=fit)


def generate_all(
    rules_root: Path, as_of: date, force: bool = False, fallback_bases: tuple[str, ...] = ()
) -> list[tuple[str, Path | None, str]]:
    """A scenario file beside every product that has none (all with ``force``).

    The base is ``_profiles/<product id>.json``; a product without one gets the
    fallback base needing the fewest adjustments. Returns (product id, file or
    None, what happened) per product.
    """
    rules_root = Path(rules_root)
    products, problems, _ = read_products(rules_root)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CatalogError(errors)
    report: list[tuple[str, Path | None, str]] = []
    for product in products:
        target = scenario_path(Path(product.path or rules_root))
        if target.exists() and not force:
            report.append((product.id, None, f"kept {target}"))
            continue
        own = (rules_root / PROFILES_DIR / f"{product.id}.json").exists()
        names = (product.id,) if own else fallback_bases
        best, failures = None, []
        for name in names:
            try:
                found = generate(product, read_base(rules_root, name), name, as_of, fit=not own)
            except GenerateError as exc:
                failures.append(str(exc))
                continue
            if best is None or len(found.fit) < len(best.fit):
                best = found
        if best is None:
            report.append((product.id, None, "; ".join(failures) or "no base profile"))
            continue
        write(best, target)
        report.append(
            (
                product.id,
                target,
                f"{len(best.scenarios)} scenarios"
                + (f", {len(best.notes)} not covered" if best.notes else ""),
            )
        )
    return report


__all__ = [
    "generate",
    "generate_file",
    "generate_all",
    "Generated",
    "Scenario",
    "GenerateError",
    "read_base",
    "write",
    "scenario_path",
]
