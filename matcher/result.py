"""What a match says: per product eligible / ineligible / incomplete, and why.

The same document is printed by ``loanmatch match`` and returned by
``POST /v1/match``; ``catalog_version`` and ``as_of`` make it replayable.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from .condition import FAIL
from .explain import CriterionOutcome, missing_fields, plain, walk
from .rule import Product

ELIGIBLE, INELIGIBLE, INCOMPLETE = "eligible", "ineligible", "incomplete"
EXPLAIN_LEVELS = ("none", "failed", "all")


@dataclass
class EligibilityResult:
    """One product's answer for one profile."""

    product: Product
    status: str
    outcomes_: list[CriterionOutcome] | None = None
    score: float | None = None
    score_breakdown: Mapping[str, float] | None = None
    values: Mapping[str, Any] | None = None  # to explain lazily: explain=none never walks

    @property
    def outcomes(self) -> list[CriterionOutcome]:
        if self.outcomes_ is None:
            self.outcomes_ = []
            walk(self.product.eligibility, self.values or {}, self.outcomes_)
        return self.outcomes_

    @property
    def failed(self) -> list[CriterionOutcome]:
        return [o for o in self.outcomes if o.outcome == FAIL and o.relevant]

    @property
    def missing_fields(self) -> list[str]:
        return missing_fields(self.outcomes)

    def to_dict(self, values: Mapping[str, Any], explain: str = "all",
                lang: str | None = None) -> dict:
        p = self.product
        out: dict[str, Any] = {"product_id": p.id, "bank": p.bank, "bank_name": p.bank_name,
                               "name": p.name, "status": self.status}
        if self.score is not None:
            out["score"] = float(self.score)
            out["score_breakdown"] = {k: float(v) for k, v in (self.score_breakdown or {}).items()}
        out["terms"] = p.terms.to_dict()
        if p.regions:
            out["regions"] = list(p.regions)
        if self.status == INELIGIBLE:
            out["failed"] = [o.to_dict(lang, values) for o in self.failed]
        if self.status == INCOMPLETE:
            out["missing_fields"] = self.missing_fields
        if explain == "all":
            out["criteria"] = [o.to_dict(lang, values) for o in self.outcomes]
        elif explain == "failed" and self.status == ELIGIBLE:
            out["criteria"] = []  # every criterion that decides an eligible product passed
        elif explain == "failed":
            out["criteria"] = [o.to_dict(lang, values) for o in self.outcomes
                               if o.outcome != "pass" and o.relevant]
        return out


@dataclass
class MatchResult:
    catalog_version: str
    as_of: date
    values: Mapping[str, Any]
    matches: list[EligibilityResult]
    near_misses: list[EligibilityResult]
    incomplete: list[EligibilityResult]
    counts: dict[str, int]

    def to_dict(self, explain: str = "failed", lang: str | None = None,
                top: int | None = None) -> dict:
        """The result document. ``explain`` is how much per-criterion detail:
        ``failed`` (default: what did not pass — a portal shows why not, and 200
        eligible products × their passed criteria is megabytes nobody reads),
        ``all`` (every criterion, pass included) or ``none``."""
        if explain not in EXPLAIN_LEVELS:
            raise ValueError(f"explain must be one of {', '.join(EXPLAIN_LEVELS)}")
        matches = self.matches if top is None else self.matches[:top]
        return {
            "catalog_version": self.catalog_version,
            "as_of": self.as_of.isoformat(),
            "profile": {k: plain(self.values[k]) for k in DERIVED_SHOWN if k in self.values},
            "matches": [r.to_dict(self.values, explain, lang) for r in matches],
            "near_misses": [r.to_dict(self.values, explain, lang) for r in self.near_misses],
            "incomplete": [r.to_dict(self.values, explain, lang) for r in self.incomplete],
            "summary": dict(self.counts),
        }


# Derived values echoed back so the portal can show what the decision used.
DERIVED_SHOWN = ("months_in_business", "years_in_business", "size_class", "province_code",
                 "city_code", "industry_section")
