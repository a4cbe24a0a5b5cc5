"""What a match says: per product eligible / ineligible / incomplete, and why.

The same document is printed by ``loanmatch match`` and returned by
``POST /v1/match``; ``catalog_version`` and ``as_of`` make it replayable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import repeat
from typing import Any

from ..rulefile.condition import FAIL, PASS
from ..rulefile.product import Product
from ..vocabulary.plain import plain
from .explain import CriterionOutcome, missing_fields, trace, unpassed_of, unpassed_rows
from .ranking import Ranked

ELIGIBLE, INELIGIBLE, INCOMPLETE = "eligible", "ineligible", "incomplete"
EXPLAIN_LEVELS = ("none", "failed", "all")


def entry_template(product: Product) -> tuple:
    """What a product's entry says whatever the profile: (with a score, without, the
    terms, the regions). Built once per product and kept on it (frozen: past
    setattr); the catalog also hands them to its ranking (``Ranking.shown``)."""
    found = product.__dict__.get("_entry_template")
    if found is None:
        head = {
            "product_id": product.id,
            "bank": product.bank,
            "bank_name": product.bank_name,
            "name": product.name,
            "status": None,
        }
        found = product.__dict__["_entry_template"] = (
            {**head, "score": None, "score_breakdown": None, "terms": None},
            {**head, "terms": None},
            product.terms.to_dict(),
            product.regions,
        )
    return found


def entries(
    items: Iterable[tuple],
    values: Mapping[str, Any],
    explain: str,
    lang: str | None,
    rows: Callable[[list[CriterionOutcome]], Any] | None = None,
) -> list[dict]:
    """Entries of the document, one per item ``(template, status, score,
    score_breakdown, result)``; ``result`` is walked for the explanation, and is
    needed for an eligible product only with ``explain="all"``.

    The entry, its terms and regions are new containers, so a caller that adds or
    replaces keys never edits the template. The terms' ranges and collateral list
    are shared, as ``Terms.to_dict`` has always shared them: copying them too
    costs about as much as the rest of the entry, and they are read-only. ``rows``
    writes a list of outcomes (by default, a list of their dicts)."""
    if rows is None:

        def rows(outcomes: list[CriterionOutcome]) -> list[dict]:
            return [o.to_dict(lang, values) for o in outcomes]

    out = []
    for (scored, unscored, terms, regions, *_), status, score, score_breakdown, result in items:
        if score is None:
            entry = unscored.copy()
        else:
            entry = scored.copy()
            entry["score"] = score
            entry["score_breakdown"] = score_breakdown
        entry["status"] = status
        entry["terms"] = terms.copy()
        if regions:
            entry["regions"] = list(regions)
        if status == INELIGIBLE:
            entry["failed"] = rows(result.failed)
        elif status == INCOMPLETE:
            entry["missing_fields"] = result.missing_fields
        if explain == "all":
            entry["criteria"] = rows(result.outcomes)
        elif explain == "failed" and status == ELIGIBLE:
            entry["criteria"] = []  # every criterion that decides an eligible product passed
        elif explain == "failed":
            entry["criteria"] = rows(result.unpassed)
        out.append(entry)
    return out


@dataclass
class EligibilityResult:
    """One product's answer for one profile."""

    product: Product
    status: str
    outcomes_: list[CriterionOutcome] | None = None
    score: float | None = None
    score_breakdown: Mapping[str, float] | None = None
    values: Mapping[str, Any] | None = None  # to explain lazily: explain=none never walks
    top_outcomes: list[str] | None = field(  # of the top-level conditions, when known already
        default=None, repr=False, compare=False
    )

    _rows: list[list] | None = field(default=None, init=False, repr=False, compare=False)
    _unpassed: list[CriterionOutcome] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _unpassed_rows: list[list] | None = field(default=None, init=False, repr=False, compare=False)

    def _traced(self) -> list[list]:
        if self._rows is None:
            self._rows = []
            trace(self.product.eligibility, self.values or {}, self._rows)
        return self._rows

    @property
    def outcomes(self) -> list[CriterionOutcome]:
        if self.outcomes_ is None:
            self.outcomes_ = [CriterionOutcome(*row) for row in self._traced()]
        return self.outcomes_

    @property
    def unpassed(self) -> list[CriterionOutcome]:
        """The relevant outcomes that did not pass, in order: what ``explain="failed"``
        lists, the failed ones and the missing fields among them. Made without the
        outcomes that passed: most of a near miss's criteria pass."""
        if self.outcomes_ is not None:
            return [o for o in self.outcomes_ if o.outcome != PASS and o.relevant]
        if self._unpassed is None:
            self._unpassed = [CriterionOutcome(*row) for row in self.unpassed_rows]
        return self._unpassed

    @property
    def unpassed_rows(self) -> list[list]:
        """``unpassed`` as the walk's rows (criterion, operator as shown, outcome, actual
        value, relevant), for a caller that writes them without making outcomes."""
        if self.outcomes_ is not None:
            return [[o.criterion, o.op, o.outcome, o.actual, o.relevant] for o in self.unpassed]
        if self._unpassed_rows is None:
            self._unpassed_rows = (
                unpassed_rows(self.product.eligibility, self.values or {}, self.top_outcomes)
                if self._rows is None
                else unpassed_of(self._rows)
            )
        return self._unpassed_rows

    @property
    def failed(self) -> list[CriterionOutcome]:
        return [o for o in self.unpassed if o.outcome == FAIL]

    @property
    def missing_fields(self) -> list[str]:
        return missing_fields(self.unpassed)

    def to_dict(
        self,
        values: Mapping[str, Any],
        explain: str = "all",
        lang: str | None = None,
        rows: Callable[[list[CriterionOutcome]], Any] | None = None,
    ) -> dict:
        score = breakdown_ = None
        if self.score is not None:
            score = float(self.score)
            breakdown_ = {k: float(v) for k, v in (self.score_breakdown or {}).items()}
        item = (entry_template(self.product), self.status, score, breakdown_, self)
        return entries((item,), values, explain, lang, rows)[0]


@dataclass
class MatchResult:
    catalog_version: str
    as_of: date
    values: Mapping[str, Any]
    ranked: Ranked  # the eligible products, best first
    near_misses: list[EligibilityResult]
    incomplete: list[EligibilityResult]
    counts: dict[str, int]

    @cached_property
    def matches(self) -> list[EligibilityResult]:
        """The eligible products' results, best first (made on first use: the
        document is built from ``ranked`` directly)."""
        r = self.ranked
        return [
            EligibilityResult(p, ELIGIBLE, None, s, b, self.values)
            for p, s, b in zip(r.products, r.scores, r.breakdowns())
        ]

    def to_dict(
        self, explain: str = "failed", lang: str | None = None, top: int | None = None
    ) -> dict:
        """The result document. ``explain`` is how much per-criterion detail:
        ``failed`` (default: what did not pass — a portal shows why not, and 200
        eligible products × their passed criteria is megabytes nobody reads),
        ``all`` (every criterion, pass included) or ``none``."""
        if explain not in EXPLAIN_LEVELS:
            raise ValueError(f"explain must be one of {', '.join(EXPLAIN_LEVELS)}")
        values = self.values
        return self.document(
            self.match_entries(explain, lang, top),
            [r.to_dict(values, explain, lang) for r in self.near_misses],
            [r.to_dict(values, explain, lang) for r in self.incomplete],
        )

    def document(self, matches: Any, near_misses: Any, incomplete: Any) -> dict:
        """The document around its three lists of entries (``to_dict``, and
        ``document.to_json`` with entries it wrote itself)."""
        values = self.values
        return {
            "catalog_version": self.catalog_version,
            "as_of": self.as_of.isoformat(),
            "profile": {k: plain(values[k]) for k in DERIVED_SHOWN if k in values},
            "matches": matches,
            "near_misses": near_misses,
            "incomplete": incomplete,
            "summary": dict(self.counts),
        }

    def match_entries(self, explain: str, lang: str | None, top: int | None) -> list[dict]:
        if explain == "all" or "matches" in self.__dict__:
            # walked for every criterion, or handed out (and perhaps changed): from the results
            matches = self.matches if top is None else self.matches[:top]
            return [r.to_dict(self.values, explain, lang) for r in matches]
        r = self.ranked
        shown = r.shown(top)
        if shown is None:  # a ranking made without the catalog's templates
            shown = [entry_template(p) for p in r.products[:top]]
        items = zip(shown, repeat(ELIGIBLE), r.scores, r.breakdowns(top), repeat(None))
        return entries(items, self.values, explain, lang)


# Derived values echoed back so the portal can show what the decision used.
DERIVED_SHOWN = (
    "months_in_business",
    "years_in_business",
    "size_class",
    "province_code",
    "city_code",
    "industry_section",
)
