"""A scenario's answer, and what differs from what it expects, in a line a bank reads.

``explain`` answers through ``Catalog.match``, with every criterion's outcome from the
reference walker; ``verdict`` holds an answer to what a scenario expects and names the
values that decided. Running scenario files (``scenario``) and checking generated ones
before they are written (``scenario_generate``) share ``verdict``, so a generated
scenario is held to exactly what a written one is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from ..catalog import Catalog
from ..results.explain import CriterionOutcome, walk
from ..results.result import ELIGIBLE, INCOMPLETE, INELIGIBLE, EligibilityResult
from ..rulefile.condition import FAIL, UNKNOWN
from ..rulefile.operators import OPS
from ..vocabulary.fields import SOURCES_OF


def describe_outcome(o: CriterionOutcome) -> str:
    """``years_in_business 1 < 2``: the actual value against the bound it broke (or met)."""
    c = o.criterion
    if o.op == "exists":
        stated = o.actual is not None
        return f"{c.field} {'stated (' + show(o.actual) + ')' if stated else 'not stated'}"
    if o.outcome == UNKNOWN:
        return f"{c.field} not stated"
    relation = OPS[o.op].broken if o.outcome == FAIL else OPS[o.op].held
    return f"{c.field} {show(o.actual)} {relation} {show(c.value)}"


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if hasattr(value, "normalize"):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return "not stated" if value is None else str(value)


def explain(
    catalog: Catalog, product_id: str, profile: Mapping[str, Any], as_of: date | None
) -> EligibilityResult:
    """The product's answer through ``Catalog.match`` with every criterion's outcome.

    ``match`` lists only near misses; the status comes from its counts and the
    explanation from the reference walker, so every failed criterion is named.
    Raises ``ProfileError`` for a profile that does not load.
    """
    result = catalog.match(profile, as_of=as_of, product_ids=[product_id], list_limit=0)
    counts = result.counts
    status = ELIGIBLE if counts[ELIGIBLE] else INCOMPLETE if counts[INCOMPLETE] else INELIGIBLE
    product = catalog.by_id[product_id]
    outcomes: list[CriterionOutcome] = []
    walk(product.eligibility, result.values, outcomes)
    return EligibilityResult(product, status, outcomes)


def verdict(
    answer: EligibilityResult, expect: str, failing: Iterable[str], missing: Iterable[str]
) -> str | None:
    """None when the answer is what the scenario expects, else what went differently."""
    failed = answer.failed
    if answer.status != expect:
        text = f"expected {expect}, got {answer.status}"
        if answer.status == INELIGIBLE:
            text += ": " + "; ".join(describe_outcome(o) for o in failed)
        elif answer.status == INCOMPLETE:
            text += ": missing " + ", ".join(answer.missing_fields)
        elif failing:  # eligible: show what the criteria expected to fail made of it
            held = [describe_outcome(o) for o in answer.outcomes if o.criterion.field in failing]
            text += ": " + (
                "; ".join(held) if held else f"the product has no criterion on {', '.join(failing)}"
            )
        return text
    # A derived criterion also answers to its posted sources: failing [established_on]
    # is met by years_in_business failing.
    failed_fields = {
        name for o in failed for name in (o.criterion.field, *SOURCES_OF.get(o.criterion.field, ()))
    }
    absent = [name for name in failing if name not in failed_fields]
    if absent:
        others = [describe_outcome(o) for o in answer.outcomes if o.criterion.field in absent]
        shown = "; ".join(others) if others else "the product has no criterion on it"
        return (
            f"expected {', '.join(absent)} among the failed criteria, but {shown}"
            f" (failed: {'; '.join(describe_outcome(o) for o in failed)})"
        )
    lacking = [name for name in missing if name not in answer.missing_fields]
    if lacking:
        return (
            f"expected {', '.join(lacking)} among the missing fields, missing: "
            f"{', '.join(answer.missing_fields)}"
        )
    return None


__all__ = ["explain", "describe_outcome", "show", "verdict"]
