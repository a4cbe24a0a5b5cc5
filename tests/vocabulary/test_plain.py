"""Facts, rulesets and result documents write a Decimal the same way (one helper)."""

from datetime import date
from decimal import Decimal

from matcher.engine.compiler import compile_criterion
from matcher.engine.fact import field_key, to_fact
from matcher.results.explain import CriterionOutcome
from matcher.rulefile.condition import PASS, Criterion
from matcher.vocabulary.plain import plain


def test_whole_decimals_are_ints_and_others_floats_everywhere():
    assert plain(Decimal("5.00")) == 5 and isinstance(plain(Decimal("5.00")), int)
    assert plain(Decimal("0.35")) == 0.35
    assert plain((Decimal("1"), date(2026, 1, 2))) == [1, "2026-01-02"]
    bound = Decimal("5.00")
    ruleset = compile_criterion(Criterion("annual_revenue", ">=", bound))
    fact = to_fact({"annual_revenue": Decimal("5.00")})
    shown = CriterionOutcome(
        Criterion("annual_revenue", ">=", bound), ">=", PASS, Decimal("5.00")
    ).to_dict()
    assert ruleset == {"$gte": {field_key("annual_revenue"): 5}}
    assert type(fact[field_key("annual_revenue")]) is int
    assert (shown["expected"], shown["actual"]) == (5, 5)
