"""summary.json's segments and binding constraints, against the reference evaluator
(``matcher.rulefile.condition.evaluate`` on each firm loaded by ``load_profile``)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from matcher import load_catalog
from matcher.rulefile.condition import FAIL, PASS, UNKNOWN, evaluate, top_level
from matcher.vocabulary.profile import load_profile
from screening.embedded import screen_embedded
from screening.firmbase import from_checked
from screening.summary import write_summary
from screening.synth import synth_firms
from screening.validate import check_table
from tests.support.firms import profiles_of
from tests.support.paths import RULES

AS_OF = date(2026, 12, 1)


@pytest.fixture(scope="module")
def screened():
    catalog = load_catalog(RULES)
    base = from_checked(check_table(synth_firms(1_500, seed=21), AS_OF))
    result = screen_embedded(base, catalog.products, catalog.version, AS_OF)
    loaded = {firm: load_profile(p, AS_OF).values for firm, p in profiles_of(base)}
    return catalog, base, result, loaded


def test_binding_constraints_count_firms_failing_that_condition_alone(screened):
    catalog, _, result, loaded = screened
    checked = 0
    for product, entry in zip(catalog.products, result.summary["products"]):
        alone, qualify = Counter(), Counter()
        for values in loaded.values():
            outcomes = [evaluate(c, values) for c in top_level(product.eligibility)]
            failing = [i for i, o in enumerate(outcomes) if o == FAIL]
            if len(failing) == 1:
                alone[failing[0]] += 1
                if all(o == PASS for i, o in enumerate(outcomes) if i != failing[0]):
                    qualify[failing[0]] += 1
        by_position = {b["position"]: b for b in entry["binding_constraints"]}
        for i in range(len(top_level(product.eligibility))):
            assert by_position[i]["fail_alone"] == alone[i], (product.id, i)
            assert by_position[i]["would_qualify"] == qualify[i], (product.id, i)
            checked += alone[i]
    assert checked > 1_000


def test_segments_count_the_firms_of_each_city_section_and_size(screened):
    catalog, _, result, loaded = screened
    summary = result.summary
    firms_by = {
        name: Counter(str(v.get(name, "unknown")) for v in loaded.values())
        for name in ("city_code", "industry_section", "size_class")
    }
    for name, counts in firms_by.items():
        assert summary["segment_firms"][name] == dict(counts)
    product = catalog.products[0]
    eligible = Counter()
    for values in loaded.values():
        if evaluate(product.eligibility, values) == PASS:
            eligible[str(values.get("size_class", "unknown"))] += 1
    entry = summary["products"][0]
    got = {k: v["eligible"] for k, v in entry["segments"]["size_class"].items() if v["eligible"]}
    assert got == dict(eligible)
    assert (
        sum(v["incomplete"] for v in entry["segments"]["city_code"].values())
        == entry["incomplete"]
        == sum(1 for v in loaded.values() if evaluate(product.eligibility, v) == UNKNOWN)
    )


def test_summary_file_is_deterministic_utf8_json(screened, tmp_path):
    _, base, result, _ = screened
    write_summary(result.summary, tmp_path / "a.json")
    again = screen_embedded(
        base, load_catalog(RULES).products, result.summary["catalog_version"], AS_OF
    )
    write_summary(again.summary, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert doc["firm_base_version"] == base.version and doc["as_of"] == "2026-12-01"
    assert "中" in (tmp_path / "a.json").read_text(encoding="utf-8")  # names as they are
