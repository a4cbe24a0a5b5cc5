"""Screening answers exactly what ``Catalog.match`` answers, for every (firm, product) pair.

The status (eligible / ineligible / incomplete, missing fields unknown) and the near-miss
flag of each pair, on 10,000 synthetic firms against the whole starter catalog, on the
starter catalog's base profiles, on firms with many more fields missing, and on a
synthetic catalog that uses every operator; and summary.json's counts are those pairs
counted.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import numpy as np
import pyarrow as pa
import pytest

from matcher import load_catalog
from matcher.catalog import Catalog
from product_catalog.synth import synth_catalog, write_catalog
from screening.embedded import screen_embedded
from screening.firmbase import from_checked, read_firms
from screening.synth import synth_firms
from screening.validate import check_table
from tests.support.firms import match_answers, screening_answers
from tests.support.paths import RULES

AS_OF = date(2026, 12, 1)


@pytest.fixture(scope="module")
def starter() -> Catalog:
    return load_catalog(RULES)


def _compare(catalog: Catalog, base, products=None):
    products = catalog.products if products is None else products
    result = screen_embedded(base, products, catalog.version, AS_OF)
    ids = [p.id for p in products]
    expected = match_answers(catalog, base, AS_OF, ids)
    found = screening_answers(result.statuses, base.firm_ids.tolist(), ids)
    wrong = [(k, expected[k], found[k]) for k in expected if expected[k] != found[k]]
    assert not wrong, f"{len(wrong)} pairs differ, e.g. {wrong[:5]}"
    return result, expected


@pytest.mark.slow
def test_ten_thousand_firms_against_the_starter_catalog(starter):
    base = from_checked(check_table(synth_firms(10_000, seed=14), AS_OF))
    assert len(base) == 10_000
    result, expected = _compare(starter, base)
    kinds = Counter(expected.values())
    # the comparison means something only if every answer occurs often
    assert min(kinds.values()) > 1_000, kinds
    by_product = {p["product_id"]: p for p in result.summary["products"]}
    for product in starter.products:
        answers = [expected[(f, product.id)] for f in base.firm_ids]
        entry = by_product[product.id]
        assert entry["eligible"] == sum(1 for s, _ in answers if s == "eligible")
        assert entry["incomplete"] == sum(1 for s, _ in answers if s == "incomplete")
        assert entry["ineligible"] == sum(1 for s, _ in answers if s == "ineligible")
        assert entry["near_miss"] == sum(1 for _, near in answers if near)


def test_the_starter_catalogs_base_profiles(starter, tmp_path):
    lines = []
    for path in sorted((RULES / "_profiles").glob("*.json")):
        profile = json.loads(path.read_text(encoding="utf-8"))
        lines.append(json.dumps({"firm_id": path.stem, **profile}, ensure_ascii=False))
    source = tmp_path / "profiles.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    base = read_firms(source, AS_OF)
    assert not base.problems and len(base) == len(lines)
    _, expected = _compare(starter, base)
    # each base profile is written to be eligible for its own product
    for firm in base.firm_ids:
        if (firm, firm) in expected:
            assert expected[(firm, firm)][0] == "eligible", firm


def test_firms_missing_many_fields(starter):
    table = synth_firms(2_000, seed=5)
    rng = np.random.default_rng(5)
    columns = {}
    for name in table.column_names:
        column = table.column(name).combine_chunks()
        if name not in ("firm_id", "contact_consent", "established_on"):
            drop = pa.array(rng.random(len(column)) < 0.3)
            column = pa.compute.if_else(drop, pa.nulls(len(column), column.type), column)
        columns[name] = column
    base = from_checked(check_table(pa.table(columns), AS_OF))
    _, expected = _compare(starter, base)
    assert Counter(s for s, _ in expected.values())["incomplete"] > 5_000


def test_a_synthetic_catalog_with_every_operator(tmp_path):
    write_catalog(tmp_path, synth_catalog(150, seed=2), [])
    catalog = load_catalog(tmp_path / "rules")
    base = from_checked(check_table(synth_firms(1_500, seed=2), AS_OF))
    _compare(catalog, base)


def test_values_at_and_around_the_bounds(tmp_path):
    """Exactness: ratios and money a hair on either side of a bound, fen included."""
    rule = tmp_path / "rules" / "edge"
    rule.mkdir(parents=True)
    (rule / "edge-bounds.yaml").write_text(
        "id: edge-bounds\nbank: edge\nname: edge\neligibility:\n  all:\n"
        "    - {field: debt_ratio, op: '<=', value: 0.7}\n"
        "    - {field: revenue_growth, op: '>', value: -0.1}\n"
        "    - {field: tax_paid_12m, op: '>=', value: 20000}\n"
        "    - {field: annual_revenue, op: between, value: [1000000.5, 3000000]}\n"
        "    - {field: employees, op: not_in, value: [7, 8]}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(tmp_path / "rules")
    rows = []
    for i, (ratio, growth, tax, revenue, employees) in enumerate(
        [
            (0.7, -0.1, 20000, 1000000.5, 7),
            (0.700001, -0.099999, 19999.99, 1000000.49, 9),
            ("0.699999", "-0.100001", "20000.01", 3000000, 8),
            (None, None, None, None, None),
            (0, 5, 0, "3000000.01", 0),
            (0.7, 0, 20000, 1000001, 6),
        ]
    ):
        rows.append(
            {
                "firm_id": f"e{i}",
                "debt_ratio": ratio,
                "revenue_growth": growth,
                "tax_paid_12m": tax,
                "annual_revenue": revenue,
                "employees": employees,
            }
        )
    source = tmp_path / "edge.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    base = read_firms(source, AS_OF)
    assert not base.problems
    _, expected = _compare(catalog, base)
    assert expected[("e5", "edge-bounds")] == ("eligible", False)
    assert expected[("e0", "edge-bounds")][0] == "ineligible"


def test_one_product_at_a_time_gives_the_same_rows(starter):
    base = from_checked(check_table(synth_firms(800, seed=9), AS_OF))
    whole = screen_embedded(base, starter.products, starter.version, AS_OF)
    product = starter.products[3]
    alone = screen_embedded(base, [product], starter.version, AS_OF)
    rows = whole.statuses.filter(
        pa.compute.equal(whole.statuses.column("product_id").cast(pa.string()), product.id)
    )
    assert alone.statuses.to_pylist() == rows.to_pylist()
    assert alone.summary["products"][0] == next(
        p for p in whole.summary["products"] if p["product_id"] == product.id
    )
