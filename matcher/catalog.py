"""The loaded catalog: every product's rules, compiled once, matched many times.

Loading is all-or-nothing: a catalog with any error in any file is refused
with every problem located, so a typo never takes a product silently out of
(or into) the results.
"""
from __future__ import annotations

import gc
import hashlib
import logging
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from . import yamlsource
from .compiler import TooComplex, compile_product
from .condition import PASS, evaluate
from .engine import Engine
from .prefilter import RegionIndex
from .triage import Triage
from .ranking import order_key, score
from .result import ELIGIBLE, INCOMPLETE, INELIGIBLE, EligibilityResult, MatchResult
from .rule import Product, read_product
from .sanity import never_true
from .yamlsource import Location, Problem

log = logging.getLogger(__name__)
NEAR_MISS_LIMIT = 2  # an ineligible product failing at most this many conditions
LIST_LIMIT = 20  # near misses and incomplete products listed per result (all are counted)


class CatalogError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = sum(1 for p in problems if p.severity == "error")
        lines = "\n".join(str(p) for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{count} problem(s) in the rules; run `loanmatch lint` to see "
                         f"them all:\n{lines}{more}")


def rule_files(root: Path) -> list[Path]:
    """Product files: ``<root>/<bank>/*.yaml``, not ``_*.yaml`` (bank settings such as
    branches), ``*.test.yaml`` (scenarios) nor anything in a ``_folder`` (base profiles)."""
    if root.is_file():
        return [root]
    files = [p for p in root.glob("*/*.y*ml")
             if p.suffix in (".yaml", ".yml") and not p.name.startswith(("_", "."))
             and not p.parent.name.startswith(("_", "."))  # _profiles/ and the like
             and not p.name.endswith((".test.yaml", ".test.yml"))]
    return sorted(files)


def read_products(root: Path, progress: Callable[[Path], None] | None = None
                  ) -> tuple[list[Product], list[Problem], str]:
    """Products, every problem found, and the content hash of the files read."""
    root = Path(root)
    products: list[Product] = []
    problems: list[Problem] = []
    digest = hashlib.sha256()
    if not root.exists():
        problems.append(Problem(Location(str(root), 1, 1), "no such rules folder"))
        return products, problems, ""
    seen: dict[str, Location] = {}
    for path in rule_files(root):
        if progress:
            progress(path)
        shown = str(path)
        rel = path.relative_to(root).as_posix() if path != root else path.name
        try:
            text, _ = yamlsource.read(path)
            digest.update(rel.encode() + b"\0" + text.encode() + b"\0")
            data = yamlsource.load(text, shown)
        except yamlsource.YAMLSourceError as exc:
            problems.extend(exc.problems)
            continue
        whole = Location(shown, 1, 1)
        product, found = read_product(data, shown, whole)
        problems.extend(found)
        if product is None:
            continue
        found = _product_checks(product, data, path, root, whole, seen)
        problems.extend(found)
        if not any(p.severity == "error" for p in found):
            products.append(product)
    return products, problems, "sha256:" + digest.hexdigest()[:16]


def _product_checks(product: Product, data: Any, path: Path, root: Path, whole: Location,
                    seen: dict[str, Location]) -> list[Problem]:
    at = data.where if hasattr(data, "where") else (lambda _k: whole)
    problems = never_true(product.eligibility, str(path))
    if path != root and path.parent.name != product.bank:
        problems.append(Problem(at("bank"), f"bank '{product.bank}' differs from its folder "
                                            f"'{path.parent.name}'; move the file or fix bank"))
    if product.id in seen:
        problems.append(Problem(at("id"), f"duplicate product id '{product.id}' "
                                          f"(also in {seen[product.id]})"))
    else:
        seen[product.id] = at("id")
    try:
        compile_product(product.eligibility)
    except TooComplex as exc:
        problems.append(Problem(at("eligibility"), str(exc)))
    return problems


class Catalog:
    """Products compiled into durable_rules; ``match`` answers for one profile."""

    def __init__(self, products: list[Product], version: str, root: str | None = None):
        products = sorted(products, key=lambda p: (RegionIndex.order_key(p), p.id))
        self.products = products
        self._regions = RegionIndex(products)
        self.version = version
        self.root = root
        self.by_id = {p.id: p for p in products}
        self._rules = [compile_product(p.eligibility) for p in products]
        self._engine = Engine(self._rules)
        # The catalog lives as long as the process: keep the collector from
        # re-scanning its million objects on every full collection (p99 spikes),
        # and from touching their pages after a fork (copy-on-write sharing).
        self._triage = Triage(products)
        gc.collect()
        gc.freeze()

    def __len__(self) -> int:
        return len(self.products)

    @property
    def ruleset_count(self) -> int:
        return self._engine.ruleset_count

    def match(self, profile: Any, as_of: date | None = None,
              approval_rates: Mapping[str, Any] | Callable[[list[str]], Mapping] | None = None,
              product_ids: Iterable[str] | None = None,
              list_limit: int | None = LIST_LIMIT) -> MatchResult:
        """Every product's answer for ``profile`` (a dict as posted, or a loaded Profile).

        All eligible products are ranked and returned; near misses and
        incomplete products are counted in full but listed up to
        ``list_limit`` each (fewest failures / missing fields first), since
        explaining hundreds of products nobody reads is most of the cost.
        """
        from .profile import Profile, load_profile
        if not isinstance(profile, Profile):
            profile = load_profile(profile, as_of=as_of)
        values = dict(profile.values)  # a plain dict: read ~10,000 times per match
        candidates = self._regions.candidates(values)
        if product_ids is not None:
            wanted = set(product_ids)
            candidates = [i for i in candidates if self.products[i].id in wanted]
            total = sum(1 for p in self.products if p.id in wanted)
        else:
            total = len(self.products)
        cand = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
        failing, fixed_failing = self._triage.failures(values)
        failing, fixed_failing = failing[cand], fixed_failing[cand]
        # A product with a failing top-level condition cannot be eligible; durable_rules
        # decides among the others, and skips every ruleset that holds none of them.
        possible = set(cand[failing == 0].tolist())
        fired = self._engine.eligible(values, possible)
        fired_mask = np.isin(cand, np.fromiter(fired, dtype=np.int64, count=len(fired)))
        rest = ~fired_mask
        ruled_out = rest & ((fixed_failing > 0) | (failing > NEAR_MISS_LIMIT))
        undecided = rest & ~ruled_out & (failing == 0)
        near_mask = rest & ~ruled_out & (failing > 0)
        eligible = cand[fired_mask].tolist()
        incomplete = []
        for index in cand[undecided].tolist():
            if evaluate(self.products[index].eligibility, values) == PASS:
                # durable_rules and the reference disagree: never expected (the
                # differential tests guard it); trust neither silently.
                log.error("engine/reference disagreement on %s", self.products[index].id)
            else:
                incomplete.append(index)
        near = list(zip(failing[near_mask].tolist(), cand[near_mask].tolist()))
        # Products outside the enterprise's region are ineligible, and no near miss.
        counts = {"products": total, ELIGIBLE: len(eligible), INCOMPLETE: len(incomplete),
                  INELIGIBLE: total - len(eligible) - len(incomplete), "near_misses": len(near)}

        def explained(index: int, status: str) -> EligibilityResult:
            return EligibilityResult(self.products[index], status, values=values)

        if callable(approval_rates):  # e.g. one pipelined Redis read for just these products
            approval_rates = approval_rates([self.products[i].id for i in eligible])
        matches = []
        for index in eligible:
            result = explained(index, ELIGIBLE)
            rate = (approval_rates or {}).get(result.product.id)
            result.score, result.score_breakdown = score(result.product, values, rate)
            matches.append(result)
        matches.sort(key=lambda r: order_key(r.product, r.score))
        near.sort(key=lambda pair: (pair[0], self.products[pair[1]].id))
        near_results = [explained(i, INELIGIBLE) for _, i in near[:list_limit]]
        incomplete_results = sorted((explained(i, INCOMPLETE) for i in incomplete),
                                    key=lambda r: (len(r.missing_fields), r.product.id))
        return MatchResult(self.version, profile.as_of, values, matches, near_results,
                           incomplete_results[:list_limit], counts)


def load_catalog(path: str | Path, progress: Callable[[Path], None] | None = None) -> Catalog:
    """Read, validate and compile every rule file under ``path``; CatalogError on any error."""
    products, problems, version = read_products(Path(path), progress)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CatalogError(errors)
    return Catalog(products, version, str(path))
