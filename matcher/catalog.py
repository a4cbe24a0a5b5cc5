"""The loaded catalog: every product's rules, compiled once, matched many times.

Loading is all-or-nothing: a catalog with any error in any file is refused
with every problem located, so a typo never takes a product silently out of
(or into) the results.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .engine.compiler import TooComplex, compiled
from .engine.durable import Engine
from .engine.prefilter import RegionIndex
from .engine.triage import Triage
from .results.document import EntryPieces
from .results.ranking import Ranking
from .results.result import (
    ELIGIBLE,
    INCOMPLETE,
    INELIGIBLE,
    EligibilityResult,
    MatchResult,
    entry_template,
)
from .rulefile import layout
from .rulefile import source as yamlsource
from .rulefile.checks import never_true
from .rulefile.product import Product, read_product
from .rulefile.source import Location, Problem
from .vocabulary.profile import Profile, load_profile

log = logging.getLogger(__name__)
NEAR_MISS_LIMIT = 2  # an ineligible product failing at most this many conditions
LIST_LIMIT = 20  # near misses and incomplete products listed per result (all are counted)


class CatalogError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = sum(1 for p in problems if p.severity == "error")
        lines = "\n".join(str(p) for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(
            f"{count} problem(s) in the rules; run `loanmatch lint` to see them all:\n{lines}{more}"
        )


def rule_files(root: Path) -> list[Path]:
    """Product files (``layout.PRODUCT``): ``<root>/<bank>/*.yaml``, or ``root`` itself
    when it is one file."""
    root = Path(root)
    if root.is_file():
        return [root]
    return layout.files_of(root, [layout.PRODUCT])


def read_products(
    root: Path, progress: Callable[[Path], None] | None = None
) -> tuple[list[Product], list[Problem], str]:
    """Products, every problem found, and the content hash of the files read."""
    root = Path(root)
    if not root.exists():
        return [], [Problem(Location(str(root), 1, 1), "no such rules folder")], ""
    single = root.is_file()

    def entries():
        for path in rule_files(root):
            if progress:
                progress(path)
            rel = path.name if single else path.relative_to(root).as_posix()
            yield rel, str(path), lambda path=path: yamlsource.read(path)[0]

    return _read(entries(), None if single else root.name)


def read_content(
    files: Mapping[str, layout.Content], root: str = ""
) -> tuple[list[Product], list[Problem], str]:
    """``read_products`` for a folder given as content: relative path → text (or bytes),
    laid out as on disk (``matcher.rulefile.layout``); files of other kinds are ignored.
    Locations read ``<root>/<path>`` (just ``<path>`` by default)."""

    def entries():
        for rel, raw in layout.of_kind(files, layout.PRODUCT).items():
            shown = f"{root}/{rel}" if root else rel
            yield rel, shown, lambda raw=raw, shown=shown: yamlsource.decode(raw, shown)

    return _read(entries(), root)


def _read(entries, folder_root) -> tuple[list[Product], list[Problem], str]:
    """Products from ``(rel, shown path, text getter)``; ``folder_root`` is None for a
    single file (no folder to check the bank against)."""
    products: list[Product] = []
    problems: list[Problem] = []
    texts: list[tuple[str, str]] = []
    seen: dict[str, Location] = {}
    for rel, shown, text_of in entries:
        try:
            text = text_of()
            texts.append((rel, text))
            data = yamlsource.load(text, shown)
        except yamlsource.YAMLSourceError as exc:
            problems.extend(exc.problems)
            continue
        whole = Location(shown, 1, 1)
        product, found = read_product(data, shown, whole)
        problems.extend(found)
        if product is None:
            continue
        folder = None if folder_root is None else rel.split("/")[0]
        found = _product_checks(product, data, shown, folder, whole, seen)
        problems.extend(found)
        if not any(p.severity == "error" for p in found):
            products.append(product)
    return products, problems, layout.content_version(texts)


def _product_checks(
    product: Product,
    data: Any,
    shown: str,
    folder: str | None,
    whole: Location,
    seen: dict[str, Location],
) -> list[Problem]:
    at = data.where if hasattr(data, "where") else (lambda _k: whole)
    problems = never_true(product.eligibility, shown)
    if folder is not None and folder != product.bank:
        problems.append(
            Problem(
                at("bank"),
                f"bank '{product.bank}' differs from its folder "
                f"'{folder}'; move the file or fix bank",
            )
        )
    if product.id in seen:
        problems.append(
            Problem(at("id"), f"duplicate product id '{product.id}' (also in {seen[product.id]})")
        )
    else:
        seen[product.id] = at("id")
    try:
        compiled(product)
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
        self.product_ids = tuple(self.by_id)  # one object: a rates snapshot keyed to it
        self._rules = [compiled(p) for p in products]
        self._engine = Engine(self._rules)
        # The catalog lives as long as the process: keep the collector from
        # re-scanning its million objects on every full collection (p99 spikes),
        # and from touching their pages after a fork (copy-on-write sharing).
        self._triage = Triage(products)
        templates = [entry_template(p) for p in products]
        self._ranking = Ranking(products, templates, EntryPieces(products, templates))
        gc.collect()
        gc.freeze()

    def __len__(self) -> int:
        return len(self.products)

    @property
    def ruleset_count(self) -> int:
        return self._engine.ruleset_count

    def match(
        self,
        profile: Any,
        as_of: date | None = None,
        approval_rates: Mapping[str, Any] | None = None,
        product_ids: Iterable[str] | None = None,
        list_limit: int | None = LIST_LIMIT,
    ) -> MatchResult:
        """Every product's answer for ``profile`` (a dict as posted, or a loaded Profile).

        ``approval_rates`` maps product ids to approval rates in the enterprise's
        segment (a snapshot read before matching; missing ones score neutrally).
        All eligible products are ranked and returned; near misses and
        incomplete products are counted in full but listed up to
        ``list_limit`` each (fewest failures / missing fields first), since
        explaining hundreds of products nobody reads is most of the cost.
        """
        return self.match_many([profile], as_of, [approval_rates], product_ids, list_limit)[0]

    def match_many(
        self,
        profiles: Sequence[Any],
        as_of: date | None = None,
        approval_rates: Sequence[Mapping[str, Any] | None] | None = None,
        product_ids: Iterable[str] | None = None,
        list_limit: int | None = LIST_LIMIT,
    ) -> list[MatchResult]:
        """``match`` for each profile (``approval_rates``: one per profile), with
        durable_rules run ruleset by ruleset over the whole batch, which keeps each
        ruleset's memory warm (``Engine.eligible_many``). One invalid profile raises
        its ProfileError for the batch: load them first to answer the others."""
        if approval_rates is not None and len(approval_rates) != len(profiles):
            raise ValueError(f"{len(approval_rates)} approval rates for {len(profiles)} profiles")
        loaded = [p if isinstance(p, Profile) else load_profile(p, as_of=as_of) for p in profiles]
        wanted = None if product_ids is None else set(product_ids)
        total = (
            len(self.products)
            if wanted is None
            else sum(1 for p in self.products if p.id in wanted)
        )
        screens = [self._screen(dict(p.values), wanted, total) for p in loaded]
        fired = self._engine.eligible_many(
            [s.values for s in screens], [s.possible for s in screens]
        )
        rates = approval_rates if approval_rates is not None else [None] * len(loaded)
        return [
            self._result(p, s, f, r, list_limit)
            for p, s, f, r in zip(loaded, screens, fired, rates)
        ]

    def _screen(self, values: dict, wanted: set[str] | None, total: int) -> _Screen:
        """What is known before any rule runs: the candidates (region pre-filter) and
        their failing top-level conditions (triage)."""
        cand = self._regions.candidate_array(values)
        if wanted is not None:
            cand = cand[[self.products[i].id in wanted for i in cand.tolist()]]
        failing, fixed_failing, undecided, codes = self._triage.screen(values)
        failing, fixed_failing, undecided = failing[cand], fixed_failing[cand], undecided[cand]
        # A product with a failing or undecided top-level condition cannot be eligible;
        # durable_rules decides among the others, and skips every ruleset that holds none
        # of them (a profile missing fields leaves thousands undecided at 10,000 products).
        possible = cand[(failing == 0) & ~undecided]
        return _Screen(values, total, cand, failing, fixed_failing, undecided, possible, codes)

    def _result(
        self,
        profile: Any,
        screen: _Screen,
        fired: set[int],
        approval_rates: Mapping[str, Any] | None,
        list_limit: int | None,
    ) -> MatchResult:
        values, cand, failing = screen.values, screen.cand, screen.failing
        hit = np.zeros(len(self.products), dtype=bool)
        hit[np.fromiter(fired, dtype=np.intp, count=len(fired))] = True
        fired_mask = hit[cand]
        rest = ~fired_mask
        ruled_out = rest & ((screen.fixed_failing > 0) | (failing > NEAR_MISS_LIMIT))
        open_ = rest & ~ruled_out & (failing == 0)
        near_mask = rest & ~ruled_out & (failing > 0)
        eligible = cand[fired_mask]
        incomplete = cand[open_ & screen.undecided]
        for index in cand[open_ & ~screen.undecided].tolist():
            # every top-level condition holds, yet durable_rules did not fire: never
            # expected (the differential tests guard it); trust neither silently.
            log.error("engine/reference disagreement on %s", self.products[index].id)
        near_count = int(np.count_nonzero(near_mask))
        # Products outside the enterprise's region are ineligible, and no near miss.
        total = screen.total
        counts = {
            "products": total,
            ELIGIBLE: len(eligible),
            INCOMPLETE: len(incomplete),
            INELIGIBLE: total - len(eligible) - len(incomplete),
            "near_misses": near_count,
        }

        def explained(indexes: list[int], status: str) -> list[EligibilityResult]:
            outcomes = self._triage.top_outcomes(screen.codes, indexes)
            return [
                EligibilityResult(self.products[i], status, values=values, top_outcomes=known)
                for i, known in zip(indexes, outcomes)
            ]

        ranked = self._ranking.rank(eligible, values, approval_rates)
        listed = self._ranking.fewest_first(failing[near_mask], cand[near_mask], list_limit)
        near_results = explained(listed, INELIGIBLE)
        incomplete_results = sorted(
            self._fewest_missing(screen.codes, incomplete, list_limit, explained),
            key=lambda r: (len(r.missing_fields), r.product.id),
        )
        return MatchResult(
            self.version,
            profile.as_of,
            values,
            ranked,
            near_results,
            incomplete_results[:list_limit],
            counts,
        )

    def _fewest_missing(
        self,
        codes: np.ndarray,
        incomplete: np.ndarray,
        list_limit: int | None,
        explained: Callable[[list[int], str], list[EligibilityResult]],
    ) -> list[EligibilityResult]:
        """The undecided products an answer lists, explained: the first ``list_limit`` by
        how many fields they miss, then by id, counted from the triage's codes (a product
        whose count depends on a group is explained to count it, once)."""
        if list_limit is None or len(incomplete) <= list_limit:
            return explained(incomplete.tolist(), INCOMPLETE)
        missing, exact = self._triage.missing_counts(codes, incomplete)
        places = np.flatnonzero(~exact)
        inexact = incomplete[places].tolist()
        made = dict(zip(inexact, explained(inexact, INCOMPLETE)))
        for place, index in zip(places.tolist(), inexact):
            missing[place] = len(made[index].missing_fields)
        chosen = self._ranking.fewest_first(missing, incomplete, list_limit)
        rest = [i for i in chosen if i not in made]
        made.update(zip(rest, explained(rest, INCOMPLETE)))
        return [made[i] for i in chosen]


class _Screen(NamedTuple):
    values: dict
    total: int
    cand: np.ndarray
    failing: np.ndarray
    fixed_failing: np.ndarray
    undecided: np.ndarray  # a top-level condition is unknown: cannot fire, may be incomplete
    possible: np.ndarray  # the candidates durable_rules decides among
    codes: np.ndarray  # every top-level condition's outcome (Triage.top_outcomes)


def load_catalog(path: str | Path, progress: Callable[[Path], None] | None = None) -> Catalog:
    """Read, validate and compile every rule file under ``path``; CatalogError on any error."""
    return _loaded(read_products(Path(path), progress), str(path))


def load_catalog_from_content(files: Mapping[str, layout.Content], root: str = "") -> Catalog:
    """``load_catalog`` for a rules folder given as content (relative path → text), like
    zen's ``create_decision(content)``: a draft is checked without writing it anywhere.

        load_catalog_from_content({"icbc/jyk.yaml": text, ...})

    The version is the one ``load_catalog`` gives the same files on disk. Compiling is
    for good in this process (durable_rules never frees a ruleset): check drafts in a
    process that exits (``matcher.authoring.validation``)."""
    return _loaded(read_content(files, root), root or None)


def _loaded(read: tuple[list[Product], list[Problem], str], root: str | None) -> Catalog:
    products, problems, version = read
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CatalogError(errors)
    return Catalog(products, version, root)
