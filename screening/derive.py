"""The derived fields of ``matcher.vocabulary.profile.derive``, computed for a whole column at once.

Why not call ``derive`` per firm: a million calls. Why not restate its rules: they would
drift. So every rule here goes through the profile's own code for each *distinct* value
it reads — ``derive`` itself on each distinct region and industry code, the size
regulation's table (``matcher.vocabulary.sizeclass``) for each distinct industry — and only the
per-firm part (comparing indicators with the regulation's bounds, counting months) is
array arithmetic. ``tests/screening`` holds the result equal to ``load_profile``'s.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from matcher.vocabulary import sizeclass
from matcher.vocabulary.profile import derive

from .columns import CodedColumn, Column, NumberColumn, coded, coded_of, number_of

_LEVELS = sizeclass.LEVELS
_INPUTS = (sizeclass.EMPLOYEES, sizeclass.REVENUE, sizeclass.ASSETS)


def static_derived(columns: dict[str, Column]) -> dict[str, Column]:
    """size_class, province_code, city_code and industry_section: they do not depend
    on the evaluation date, so a snapshot stores them."""
    region, industry = coded_of(columns, "region_code"), coded_of(columns, "industry_code")
    out: dict[str, Column] = {}
    for name in ("province_code", "city_code"):
        out[name] = _through_derive(region, "region_code", name)
    out["industry_section"] = _through_derive(industry, "industry_code", "industry_section")
    out["size_class"] = size_classes(industry, *(number_of(columns, name) for name in _INPUTS))
    return out


def _through_derive(source: CodedColumn, source_name: str, name: str) -> CodedColumn:
    """``derive`` of each distinct source value, spread over the rows."""
    results = [derive({source_name: value}, date.min).get(name) for value in source.values]
    mapped = np.array(results + [None], dtype=object)[source.codes]
    return coded(mapped)


def size_classes(
    industry: CodedColumn, employees: NumberColumn, revenue: NumberColumn, assets: NumberColumn
) -> CodedColumn:
    """``sizeclass.size_class`` per firm: per distinct industry, its candidate rules from
    the regulation's table; per rule, each indicator's level against the bounds."""
    indicators = {
        sizeclass.EMPLOYEES: employees,
        sizeclass.REVENUE: revenue,
        sizeclass.ASSETS: assets,
    }
    n = len(industry.codes)
    result = np.full(n, -1, dtype=np.int8)  # index into LEVELS, -1 unknown
    rules_of = [tuple(sizeclass._candidate_rules(code)) if code else () for code in industry.values]
    by_rules: dict[tuple, list[int]] = {}
    for code, rules in enumerate(rules_of):
        by_rules.setdefault(rules, []).append(code)
    for rules, codes in by_rules.items():
        if not rules or None in rules:
            continue
        rows = np.flatnonzero(np.isin(industry.codes, codes))
        classes = [_classify(rule, indicators, rows) for rule in rules if rule is not None]
        agreed = classes[0].copy()
        for other in classes[1:]:
            agreed[other != agreed] = -1
        result[rows] = agreed
    values = np.array([None, *_LEVELS], dtype=object)[result + 1]
    return coded(values)


def _classify(
    rule: sizeclass.SizeRule, indicators: dict[str, NumberColumn], rows: np.ndarray
) -> np.ndarray:
    """``sizeclass._classify`` for the given rows: the lowest level any indicator
    allows; micro as soon as one known indicator is below the small bound."""
    levels, all_known = [], np.ones(len(rows), dtype=bool)
    for index, name in enumerate(rule.inputs):
        column = indicators[name]
        value, known = column.values[rows], column.known[rows]
        unit = 10**column.scale
        level = sum(
            (value >= bound * unit).astype(np.int8)
            for bound in (rule.small[index], rule.medium[index], rule.large[index])
        )
        levels.append(np.where(known, level, 99))
        all_known &= known
    lowest = np.minimum.reduce(levels)
    return np.where(lowest == 0, 0, np.where(all_known, lowest, -1)).astype(np.int8)


def dated_derived(established: CodedColumn, as_of: date) -> dict[str, NumberColumn]:
    """months_in_business and years_in_business at ``as_of`` (``profile.months_between``
    per distinct registration date, since they are few)."""
    months = np.array(
        [derive({"established_on": d}, as_of)["months_in_business"] for d in established.values]
        + [0],
        dtype=np.int64,
    )
    per_row = months[established.codes]
    known = established.known
    return {
        "months_in_business": NumberColumn(0, np.where(known, per_row, 0), known),
        "years_in_business": NumberColumn(0, np.where(known, per_row // 12, 0), known),
    }


def established_after(established: CodedColumn, as_of: date) -> np.ndarray:
    """Rows registered after ``as_of``: no profile at that date (load_profile refuses)."""
    late = np.array([d > as_of for d in established.values] + [False], dtype=bool)
    return late[established.codes]
