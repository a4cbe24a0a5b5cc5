"""Which undecided products an answer lists, and in which order.

An answer lists at most 20 of its incomplete products, fewest missing fields first,
then by id; a profile with fields left out can leave thousands undecided. The catalog
picks the 20 from counts read off the triage's codes instead of explaining every
product. Held here against the definition: the whole list (``list_limit=None``, every
product explained and sorted) cut to 20 — over synthetic products (with ``any`` and
``not`` groups, whose counts depend on the profile) and profiles missing many fields.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from matcher.catalog import Catalog
from matcher.rulefile.condition import UNKNOWN, Criterion, top_level
from matcher.rulefile.product import read_product
from matcher.rulefile.source import Location
from product_catalog.synth import synth_catalog, synth_profiles
from tests.support.products import product

AS_OF = date(2026, 12, 1)


def _partial_profiles(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for profile in synth_profiles(count, seed=seed):
        keys = sorted(profile)
        kept = rng.sample(keys, rng.randint(0, len(keys)))
        out.append({k: profile[k] for k in kept})
    return out


def _listed(result) -> list[tuple[str, list[str]]]:
    return [(r.product.id, r.missing_fields) for r in result.incomplete]


@pytest.fixture(scope="module")
def synthetic():
    products = [
        read_product(d, d["id"], Location(d["id"], 1, 1))[0] for d in synth_catalog(600, seed=9)
    ]
    return Catalog(products, "v")


def test_the_twenty_listed_are_the_first_twenty_of_the_whole_list(synthetic):
    crowded = grouped = 0
    for profile in _partial_profiles(120, seed=3):
        answer = synthetic.match(profile, as_of=AS_OF)
        whole = synthetic.match(profile, as_of=AS_OF, list_limit=None)
        assert _listed(answer) == _listed(whole)[:20]
        assert answer.counts == whole.counts
        if len(whole.incomplete) > 20:
            crowded += 1
            grouped += any(
                not isinstance(node, Criterion) and node.outcome(answer.values) == UNKNOWN
                for r in whole.incomplete
                for node in top_level(r.product.eligibility)
            )
    # the check means something only if many profiles leave more than 20 undecided,
    # some of them through a group whose count depends on the profile
    assert crowded >= 30 and grouped >= 10


def test_a_group_that_is_undecided_counts_only_its_relevant_fields():
    # Inside an `any` that is undecided, a branch that failed makes its own missing
    # fields irrelevant: the group below misses one field (total_assets), not two.
    group = {
        "any": [
            {
                "all": [
                    {"field": "employees", "op": ">=", "value": 500},
                    {"field": "annual_revenue", "op": ">=", "value": 1},
                ]
            },
            {"field": "total_assets", "op": ">=", "value": 1},
        ]
    }

    def needing(*fields):
        return {"all": [{"field": f, "op": ">=", "value": 1} for f in fields]}

    products = [
        product(needing("tax_paid_12m", "import_export_12m"), pid=f"a{n:02d}") for n in range(15)
    ]
    products += [
        product(needing("tax_paid_12m", "import_export_12m", "total_assets"), pid=f"b{n:02d}")
        for n in range(15)
    ]
    products += [
        product(
            {"all": [group, {"field": "tax_paid_12m", "op": ">=", "value": 1}]}, pid=f"p{n:02d}"
        )
        for n in range(15)
    ]
    catalog = Catalog(products, "v")
    answer = catalog.match({"employees": 10}, as_of=AS_OF)
    # two fields each for a and p (a first by id), three for b
    assert [r.product.id for r in answer.incomplete] == [f"a{n:02d}" for n in range(15)] + [
        f"p{n:02d}" for n in range(5)
    ]
    assert answer.incomplete[-1].missing_fields == ["total_assets", "tax_paid_12m"]
    assert answer.counts["incomplete"] == 45
