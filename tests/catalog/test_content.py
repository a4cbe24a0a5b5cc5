"""A catalog from content (relative path → text), as zen's create_decision(content): a
draft is checked without copying the rules folder, and gives what the folder would."""

from __future__ import annotations

import json
from datetime import date

import pytest

import matcher
from matcher.authoring.scenario import run_scenarios
from matcher.catalog import CatalogError, load_catalog, read_content, read_products
from matcher.rulefile import layout
from tests.support.paths import RULES, SAMPLE_PROFILES

AS_OF = date(2026, 12, 1)


def folder_content(root=RULES) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def content():
    return folder_content()


def test_content_reads_as_the_folder_does(content):
    from_disk, disk_problems, disk_version = read_products(RULES)
    from_content, problems, version = read_content(content, str(RULES))
    assert version == disk_version and not problems and not disk_problems
    assert [p.id for p in from_content] == [p.id for p in from_disk]
    assert [p.path for p in from_content] == [p.path for p in from_disk]
    assert from_content == from_disk


def test_load_catalog_from_content_is_exported_and_matches_alike(content):
    small = {
        rel: text
        for rel, text in content.items()
        if rel.startswith(("icbc/", "ccb/", "_profiles/"))
    }
    catalog = matcher.load_catalog_from_content(small)
    assert len(catalog) == sum(1 for rel in small if layout.kind(rel) == layout.PRODUCT)
    on_disk = load_catalog(RULES)
    wanted = [p.id for p in catalog.products]
    for data in (json.loads(path.read_text(encoding="utf-8")) for path in SAMPLE_PROFILES):
        got = catalog.match(data, as_of=AS_OF).to_dict(explain="all")
        want = on_disk.match(data, as_of=AS_OF, product_ids=wanted).to_dict(explain="all")
        got.pop("catalog_version"), want.pop("catalog_version")
        assert got == want and got["summary"]["products"] == len(wanted)


def test_a_draft_with_an_error_is_located_at_its_relative_path():
    draft = {
        "demo/jyk.yaml": "id: demo-jyk\nbank: demo\nname: x\neligibility:\n"
        "  all:\n    - {field: nonsense, op: '>=', value: 2}\n",
        "notes.txt": "ignored",
        "demo/_branches.yaml": "not a product",
    }
    with pytest.raises(CatalogError) as caught:
        matcher.load_catalog_from_content(draft)
    (problem,) = caught.value.problems
    assert str(problem.location).startswith("demo/jyk.yaml:6:")
    assert "nonsense" in problem.message


def test_bytes_that_are_not_utf8_are_reported_not_raised():
    _, problems, _ = read_content({"demo/jyk.yaml": "名称".encode("gbk")}, "rules")
    assert [str(p.location) for p in problems] == ["rules/demo/jyk.yaml:1:1"]
    assert "not UTF-8" in problems[0].message


def test_scenarios_run_from_content_as_from_the_folder(content):
    bank = {rel: text for rel, text in content.items() if rel.startswith(("icbc/", "_profiles/"))}
    from_content = run_scenarios("rules", content=bank)
    assert from_content.passed > 0 and from_content.failed == 0
    broken = dict(bank)
    rel = next(rel for rel in bank if layout.kind(rel) == layout.SCENARIO)
    broken[rel] = broken[rel].replace("expect: eligible", "expect: ineligible", 1)
    report = run_scenarios("rules", content=broken)
    assert report.failed >= 1
    assert all(r.path == f"rules/{rel}" for r in report.results if not r.ok)
