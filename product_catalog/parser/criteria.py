"""From a bound on a measure to criteria in the profile's units and operators.

The profile counts history in months or whole years, money in yuan, ratios as
fractions; integer fields turn exclusive bounds into inclusive ones (超过60 →
≥ 61, 无2次 → ≤ 1) so that a lower and an upper bound can meet in one
``between``.  Anything that does not fit a field comes back as a note for the
``unparsed`` list.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal

from matcher.vocabulary.fields import FIELDS, INTEGER
from matcher.vocabulary.fields import MONEY as MONEY_FIELD
from matcher.vocabulary.fields import RATIO as RATIO_FIELD

from .comparisons import Bound, Edge
from .families import BUSINESS_AGE, Family
from .numerals import DURATION, PLAIN, Quantity, as_number
from .windows import Window

# Integer fields whose unit is the month: a duration is given to them in months.
MONTH_FIELDS = frozenset(
    {
        "months_in_business",
        "tax_filing_months",
        "invoice_months",
        "utility_months_paid",
        "requested_term_months",
    }
)


@dataclass
class Outcome:
    """The criteria one bound yields, or why it yields none (``note``)."""

    criteria: list[dict] = dc_field(default_factory=list)
    note: str = ""
    caveat: str = ""


def criterion(field: str, op: str, value) -> dict:
    return {"field": field, "op": op, "value": value}


def _field_for(
    family: Family, reading, bound: Bound, window: Window | None, anchor_text: str
) -> tuple[str | None, str]:
    target = reading.field
    if isinstance(target, dict):
        if window is None:
            months = " or ".join(str(m) for m in sorted(target))
            return None, f"no window stated: the profile counts these over {months} months"
        if window.months not in target:
            return None, f"no profile field counts these over {window}"
        return target[window.months], ""
    if target == BUSINESS_AGE:
        # years_in_business counts whole years, so only an inclusive floor (满2年) is
        # exact in it; 超过2年 and 不超过5年 are read in months (2年3个月 is over 2 years).
        years = all(q.in_years for q in bound.quantities if q.kind == DURATION)
        floor_only = (
            bound.upper is None
            and not bound.negated
            and (bound.lower is None or bound.lower.inclusive)
        )
        return ("years_in_business" if years and floor_only else "months_in_business"), ""
    if (
        reading.windows
        and window is not None
        and window.months not in reading.windows
        and not (family.window_any_when and family.window_any_when.search(anchor_text))
    ):
        covers = " or ".join(str(m) for m in sorted(reading.windows))
        return None, f"{target} covers {covers} months, the sheet's window is {window}"
    return target, ""


def _value(field: str, q: Quantity) -> Decimal | None:
    """``q`` in ``field``'s unit, or None when it cannot be (a 1.5-year count)."""
    kind = FIELDS[field].kind
    if kind == RATIO_FIELD:
        if q.kind == PLAIN and q.number > 1:
            return q.number / 100  # 负债率不超过70: a percentage without its sign
        return q.value
    if field == "years_in_business":
        return q.number if q.kind == DURATION else None
    if field in MONTH_FIELDS and q.kind != DURATION:
        return None
    if kind == MONEY_FIELD and q.kind == PLAIN and q.number != 0:
        return None  # 纳税不低于5: yuan or 万元? the sheet does not say
    return q.value if q.kind != PLAIN or kind == MONEY_FIELD else q.number


def _edge(field: str, edge: Edge, lower: bool) -> tuple[str, object] | None:
    value = _value(field, edge.quantity)
    if value is None:
        return None
    op = (">=" if edge.inclusive else ">") if lower else ("<=" if edge.inclusive else "<")
    if FIELDS[field].kind == INTEGER:
        if value != value.to_integral_value():
            return None
        if op == ">":
            op, value = ">=", value + 1
        elif op == "<":
            op, value = "<=", value - 1
    if FIELDS[field].kind == RATIO_FIELD:
        return op, value.normalize()
    return op, as_number(value)


def read_bound(family: Family, bound: Bound, window: Window | None, anchor_text: str) -> Outcome:
    """The criteria ``bound`` sets on the measure ``family`` names."""
    reading = family.reading(bound.kind)
    if reading is None:
        units = "/".join(sorted({q.unit or "no unit" for q in bound.quantities}))
        return Outcome(note=f"a figure in {units} fits no profile field for {anchor_text}")
    if reading.field is None:
        return Outcome(note=reading.note)
    field, why = _field_for(family, reading, bound, window, anchor_text)
    if field is None:
        return Outcome(note=why)
    lower, upper, negated = bound.lower, bound.upper, bound.negated
    if bound.bare is not None:
        if bound.negated and family.direction == "max":
            upper, negated = Edge(bound.bare, False), False  # 无2次逾期: fewer than 2
        elif bound.negated:
            return Outcome(note="a negated minimum has no clear bound")
        elif family.direction == "min":
            lower = Edge(bound.bare, True)
        else:
            upper = Edge(bound.bare, True)
    edges = ([_edge(field, lower, True)] if lower else []) + (
        [_edge(field, upper, False)] if upper else []
    )
    sides = [side for side in edges if side is not None]
    if len(sides) < len(edges) or not sides:
        if any(q.kind == PLAIN for q in bound.quantities):
            return Outcome(note=f"the figure for {field} has no unit (元? 万元?)")
        return Outcome(note=f"the figure cannot be given in the unit of {field}")
    caveat = ""
    if family.caveat and family.caveat[0].search(anchor_text):
        caveat = family.caveat[1]
    if len(sides) == 2 and sides[0][0] == ">=" and sides[1][0] == "<=":
        node = criterion(field, "between", [sides[0][1], sides[1][1]])
        return Outcome([{"not": node} if negated else node], caveat=caveat)
    nodes = [criterion(field, op, value) for op, value in sides]
    if negated:
        nodes = [{"not": nodes[0] if len(nodes) == 1 else {"all": nodes}}]
    return Outcome(nodes, caveat=caveat)


def implied(spec: tuple[str, str, object]) -> dict:
    field, op, value = spec
    return criterion(field, op, value)
