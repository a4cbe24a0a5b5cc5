"""Scenario files: the runner's verdicts and messages, and generated files that catch edits."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from loanmatch_cli.main import main
from matcher.authoring.scenario import run_scenarios
from matcher.authoring.scenario_generate import GenerateError, generate_file, scenario_path, write
from matcher.catalog import load_catalog
from tests.support.paths import RULES

AS_OF = date(2026, 12, 1)

PRODUCT = """\
id: demo-jyk
bank: demo
name: 经营快贷
terms:
  amount: {min: 10000, max: 3000000}
eligibility:
  all:
    - {field: years_in_business, op: ">=", value: 2, source: 企业成立满2年}
    - {field: tax_credit_rating, op: in, value: [A, B]}
    - {field: tax_paid_12m, op: ">=", value: 20000}
    - {field: legal_rep_age, op: between, value: [18, 65]}
    - not: {field: industry_code, op: prefix, value: [K70, J]}
"""

BASE = {
    "entity_type": "enterprise",
    "established_on": "2016-05-20",
    "region_code": "130203",
    "industry_code": "C3311",
    "employees": 86,
    "annual_revenue": 28000000,
    "total_assets": 35000000,
    "tax_paid_12m": 920000,
    "tax_credit_rating": "B",
    "legal_rep_age": 51,
    "overdue_current": False,
    "high_tech": False,
    "specialized_sme": True,
    "ip_count": 7,
    "debt_ratio": 0.52,
}


def make_rules(
    tmp_path: Path, product: str = PRODUCT, slug: str = "jyk", base: dict | None = None
) -> Path:
    root = tmp_path / "rules"
    (root / "demo").mkdir(parents=True, exist_ok=True)
    (root / "_profiles").mkdir(exist_ok=True)
    (root / "demo" / f"{slug}.yaml").write_text(product, encoding="utf-8")
    (root / "_profiles" / "demo-base.json").write_text(
        json.dumps(base or BASE, ensure_ascii=False), encoding="utf-8"
    )
    return root


def scenarios(root: Path, body: str, slug: str = "jyk") -> Path:
    path = root / "demo" / f"{slug}.test.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def run(root: Path):
    return run_scenarios(root, load_catalog(root))


def test_a_passing_file_passes_every_scenario(tmp_path):
    root = make_rules(tmp_path)
    scenarios(
        root,
        """\
        product: demo-jyk
        as_of: 2026-12-01
        base: demo-base
        scenarios:
          - name: accepts the reference profile
            expect: eligible
          - name: one year in business is too short
            given: {established_on: "2025-06-01"}
            expect: ineligible
            failing: [years_in_business]
          - name: without tax data it cannot be decided
            given: {tax_paid_12m: null}
            expect: incomplete
            missing: [tax_paid_12m]
          - name: real estate developers are refused
            given: {industry_code: K7010}
            expect: ineligible
            failing: [industry_code]
        """,
    )
    report = run(root)
    assert report.failures == []
    assert (report.passed, report.failed, report.ok) == (4, 0, True)
    assert [r.name for r in report.results][1] == "one year in business is too short"


def test_a_wrong_expectation_names_the_criterion_with_actual_and_bound(tmp_path):
    root = make_rules(tmp_path)
    path = scenarios(
        root,
        """\
        product: demo-jyk
        as_of: 2026-12-01
        base: demo-base
        scenarios:
          - name: accepts the reference profile
            expect: eligible
          - name: a young firm
            given: {established_on: "2025-06-01", tax_paid_12m: 19999}
            expect: eligible
        """,
    )
    report = run(root)
    assert report.failures == [
        f"{path}:{line_of(path, 'a young firm')}: expected eligible, got ineligible: "
        "years_in_business 1 < 2; tax_paid_12m 19999 < 20000"
    ]
    assert (report.passed, report.failed) == (1, 1)


def test_the_failing_list_must_be_among_the_failed_criteria(tmp_path):
    root = make_rules(tmp_path)
    path = scenarios(
        root,
        """\
        product: demo-jyk
        as_of: 2026-12-01
        base: demo-base
        scenarios:
          - name: rating
            given: {established_on: "2025-06-01"}
            expect: ineligible
            failing: [tax_credit_rating]
          - name: without data
            given: {legal_rep_age: null}
            expect: incomplete
            missing: [tax_paid_12m]
        """,
    )
    report = run(root)
    assert report.failures == [
        f"{path}:{line_of(path, 'rating')}: expected tax_credit_rating among the failed "
        "criteria, but tax_credit_rating B in [A, B] (failed: years_in_business 1 < 2)",
        f"{path}:{line_of(path, 'without data')}: expected tax_paid_12m among the missing "
        "fields, missing: legal_rep_age",
    ]


def test_a_derived_criterion_answers_to_its_posted_source(tmp_path):
    root = make_rules(tmp_path)
    scenarios(
        root,
        """\
        product: demo-jyk
        as_of: 2026-12-01
        base: demo-base
        scenarios:
          - name: too young
            given: {established_on: "2025-06-01"}
            expect: ineligible
            failing: [established_on]
        """,
    )
    assert run(root).ok


def test_a_yaml_error_is_a_located_failure(tmp_path):
    root = make_rules(tmp_path)
    path = scenarios(
        root,
        """\
        product: demo-jyk
        base: demo-base
        scenarios:
          - name: broken
            given: {established_on: "2025-06-01"
            expect: eligible
        """,
    )
    report = run(root)
    assert report.failed == 1 and not report.ok
    failure = report.failures[0]
    assert failure.startswith(f"{path}:")
    line, column = failure[len(str(path)) + 1 :].split(":")[:2]
    assert int(line) in (5, 6) and int(column) >= 1
    assert "YAML syntax error" in failure


@pytest.mark.parametrize(
    "body,token,words",
    [
        (
            "product: demo-jyk\nbase: demo-base\nscenarios:\n  - name: x\n    expected: eligible\n",
            "expected:",
            "unknown key 'expected' in a scenario",
        ),
        (
            "product: demo-jyk\nbase: demo-base\nscenarios:\n  - name: x\n    expect: qualified\n",
            "qualified",
            "expect takes one of eligible, ineligible, incomplete, not 'qualified'",
        ),
        (
            "product: demo-jyk\nbase: demo-base\nscenarios:\n  - name: x\n    expect: eligible\n"
            "    failing: [years_in_business]\n",
            "failing:",
            "failing applies to expect: ineligible",
        ),
        (
            "product: demo-jyk\nbase: demo-base\nscenarios:\n  - name: x\n    expect: ineligible\n"
            "    failing: [years_in_busines]\n",
            "years_in_busines]",
            "failing: 'years_in_busines' is not a field of docs/profile.md",
        ),
        (
            "product: demo-jyk\nbase: no-such-base\nscenarios:\n  - name: x\n    expect: eligible\n",
            "no-such-base",
            "base profile 'no-such-base' not found",
        ),
    ],
)
def test_format_errors_point_at_the_token(tmp_path, body, token, words):
    root = make_rules(tmp_path)
    path = scenarios(root, body)
    report = run(root)
    assert len(report.failures) == 1, report.failures
    text = path.read_text(encoding="utf-8").splitlines()
    number = line_of(path, token)
    column = text[number - 1].index(token.split(":")[0].rstrip("]")) + 1
    assert report.failures[0].startswith(f"{path}:{number}:{column}: {words}")


def test_a_product_that_does_not_exist_is_a_failure(tmp_path):
    root = make_rules(tmp_path)
    path = scenarios(
        root,
        """\
        product: demo-jky
        base: demo-base
        scenarios:
          - name: accepts
            expect: eligible
        """,
    )
    report = run(root)
    assert report.failures == [
        f"{path}:1:10: no product 'demo-jky' in the catalog (the "
        "product beside this file is 'demo-jyk')"
    ]
    assert report.untested == ["demo-jyk"]


def test_a_derived_field_in_given_is_reported_not_raised(tmp_path):
    root = make_rules(tmp_path)
    path = scenarios(
        root,
        """\
        product: demo-jyk
        base: demo-base
        as_of: 2026-12-01
        scenarios:
          - name: posts a derived field
            given: {years_in_business: 1}
            expect: ineligible
        """,
    )
    number = line_of(path, "years_in_business: 1")
    column = path.read_text(encoding="utf-8").splitlines()[number - 1].index("years") + 1
    assert run(root).failures == [
        f"{path}:{number}:{column}: the scenario's profile is invalid: "
        "years_in_business: derived by the service, do not post"
    ]


def test_the_command_reports_like_a_test_runner(tmp_path):
    root = make_rules(tmp_path)
    path = scenarios(
        root,
        """\
        product: demo-jyk
        as_of: 2026-12-01
        base: demo-base
        scenarios:
          - name: accepts
            expect: eligible
          - name: too old a legal representative
            given: {legal_rep_age: 66}
            expect: eligible
        """,
    )
    result = CliRunner().invoke(main, ["test", str(root)])
    assert result.exit_code == 1, result.output
    assert (
        f"{path}:{line_of(path, 'too old')}: expected eligible, got ineligible: "
        "legal_rep_age 66 not between [18, 65]"
    ) in result.output
    assert "1 passed, 1 failed in 1 scenario file(s)" in result.output
    only = CliRunner().invoke(main, ["test", str(path)])
    assert only.exit_code == 1 and "1 passed, 1 failed" in only.output
    missing = CliRunner().invoke(main, ["test", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no such folder" in missing.output


def test_the_command_exits_0_when_all_pass_and_warns_of_untested_products(tmp_path):
    root = make_rules(tmp_path)
    (root / "demo" / "other.yaml").write_text(
        PRODUCT.replace("demo-jyk", "demo-other"), encoding="utf-8"
    )
    scenarios(
        root,
        "product: demo-jyk\nbase: demo-base\nas_of: 2026-12-01\n"
        "scenarios:\n  - {name: accepts, expect: eligible}\n",
    )
    result = CliRunner().invoke(main, ["test", str(root)])
    assert result.exit_code == 0, result.output
    assert "no scenarios for demo-other" in result.output
    assert "1 passed, 0 failed" in result.output


# --- generated files ----------------------------------------------------------------


def generated(root: Path, slug: str = "jyk", **options) -> Path:
    product_file = root / "demo" / f"{slug}.yaml"
    found = generate_file(product_file, "demo-base", AS_OF, **options)
    return write(found, scenario_path(product_file))


def given_for(path: Path, expect: str, fragment: str) -> bool:
    text = path.read_text(encoding="utf-8")
    return any(
        fragment in block and f"expect: {expect}" in block for block in text.split("  - name: ")[1:]
    )


def test_a_generated_file_covers_each_bound_and_passes(tmp_path):
    root = make_rules(tmp_path)
    path = generated(root)
    report = run(root)
    assert report.ok, report.failures
    assert report.uncovered == {}
    assert report.passed >= 12
    # 1 year 11 months before 2026-12-01 is refused; 2 years exactly is enough.
    assert given_for(path, "ineligible", "{established_on: '2025-01-01'}")
    assert given_for(path, "eligible", "{established_on: '2024-12-01'}")
    assert given_for(path, "ineligible", "{tax_paid_12m: 19999}")
    assert given_for(path, "ineligible", "{tax_credit_rating: M}")
    assert given_for(path, "eligible", "{legal_rep_age: 65}")
    assert given_for(path, "ineligible", "{legal_rep_age: 66}")
    assert given_for(path, "ineligible", "{industry_code: J6620}")
    assert given_for(path, "incomplete", "{established_on: null}")


@pytest.mark.parametrize(
    "old,new,words",
    [
        (
            "value: 2, source",
            "value: 1, source",
            "expected ineligible, got eligible: years_in_business 1 >= 1",
        ),
        (
            "value: 2, source",
            "value: 3, source",
            "expected eligible, got ineligible: years_in_business 2 < 3",
        ),
        ("value: 20000}", "value: 20001}", "tax_paid_12m 20000 < 20001"),
        (
            "value: [A, B]}",
            "value: [A, B, M]}",
            "expected ineligible, got eligible: tax_credit_rating M in [A, B, M]",
        ),
        ("value: [18, 65]}", "value: [18, 60]}", "legal_rep_age 65 not between [18, 60]"),
        (
            "value: [K70, J]}",
            "value: [K70]}",
            "expected ineligible, got eligible: industry_code J6620 not under [K70]",
        ),
    ],
)
def test_editing_a_bound_makes_a_generated_scenario_fail(tmp_path, old, new, words):
    root = make_rules(tmp_path)
    generated(root)
    product_file = root / "demo" / "jyk.yaml"
    assert old in PRODUCT
    product_file.write_text(PRODUCT.replace(old, new, 1), encoding="utf-8")
    report = run(root)
    assert not report.ok
    assert any(words in failure for failure in report.failures), report.failures


ANY_PRODUCT = """\
id: demo-keji
bank: demo
name: 科技贷
eligibility:
  all:
    - {field: province_code, op: "==", value: "130000"}
    - {field: size_class, op: in, value: [micro, small]}
    - {field: industry_section, op: in, value: [C, I]}
    - any:
        - {field: ip_count, op: ">=", value: 5}
        - {field: high_tech, op: "==", value: true}
    - {field: debt_ratio, op: "<=", value: 0.7}
"""


def test_derived_fields_and_any_groups_are_set_through_posted_fields(tmp_path):
    base = {**BASE, "employees": 15, "annual_revenue": 2500000}  # an industrial firm: micro
    root = make_rules(tmp_path, ANY_PRODUCT, "keji", base)
    path = generated(root, "keji")
    report = run(root)
    assert report.ok, report.failures
    text = path.read_text(encoding="utf-8")
    assert "years_in_business" not in text and "size_class:" not in text
    assert given_for(path, "ineligible", "{region_code: '110102'}")
    assert given_for(path, "ineligible", "{employees: 300, annual_revenue: 20000000}")
    # The any group: ip_count alone at its bound qualifies; both branches failing does not.
    assert given_for(path, "eligible", "{ip_count: 5}")
    assert given_for(path, "ineligible", "{ip_count: 4}")
    assert given_for(path, "eligible", "{ip_count: 4, high_tech: true}")
    assert given_for(path, "ineligible", "{debt_ratio: 0.71}")
    # Lowering the ip_count bound is caught by the "only ip_count holds" scenario.
    product = root / "demo" / "keji.yaml"
    product.write_text(ANY_PRODUCT.replace('">=", value: 5', '">=", value: 6'), encoding="utf-8")
    after = run(root)
    assert any(
        "expected eligible, got ineligible" in f and "ip_count 5 < 6" in f for f in after.failures
    ), after.failures


def test_a_base_the_product_refuses_needs_fit(tmp_path):
    root = make_rules(tmp_path, base={**BASE, "tax_credit_rating": "C", "legal_rep_age": 70})
    with pytest.raises(GenerateError, match="tax_credit_rating fails; legal_rep_age fails"):
        generate_file(root / "demo" / "jyk.yaml", "demo-base", AS_OF)
    path = generated(root, fit=True)
    text = path.read_text(encoding="utf-8")
    assert "adjusts it with: {tax_credit_rating: B, legal_rep_age: 65}" in text
    assert "given: {tax_credit_rating: B, legal_rep_age: 65}\n    expect: eligible" in text
    report = run(root)
    assert report.ok, report.failures


def test_generate_command_writes_beside_the_product_and_refuses_to_overwrite(tmp_path):
    root = make_rules(tmp_path)
    product = root / "demo" / "jyk.yaml"
    args = ["test", "--generate", str(product), "--base", "demo-base", "--as-of", "2026-12-01"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert (root / "demo" / "jyk.test.yaml").exists()
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 2 and "--force" in again.output
    assert CliRunner().invoke(main, ["test", str(root)]).exit_code == 0


def test_every_product_in_the_repository_has_passing_scenarios():
    report = run_scenarios(RULES)
    assert report.failures == []
    assert report.untested == []
    assert report.uncovered == {}
