"""A bank must not learn who applied before it accepts: no rule on identity fields, and a
masked lead never echoes a value of one."""

from __future__ import annotations

import textwrap

import pytest

from leads.masking import masked_view
from matcher.authoring.lint import lint


@pytest.mark.parametrize("field", ["name", "credit_code"])
def test_lint_refuses_a_criterion_on_a_personal_field_at_its_line_and_column(tmp_path, field):
    folder = tmp_path / "demo"
    folder.mkdir()
    path = folder / "a.yaml"
    path.write_text(
        textwrap.dedent(f"""\
        id: demo-a
        bank: demo
        name: 示例贷
        eligibility:
          any:
            - field: {field}
              op: ==
              value: 甲公司
            - {{field: employees, op: '>=', value: 1}}
        """),
        encoding="utf-8",
    )
    report = lint(tmp_path)
    assert not report.ok
    (problem,) = [str(p) for p in report.errors]
    assert problem.startswith(f"{path}:6:")
    assert field in problem and "identifies the enterprise" in problem


def _lead(criteria):
    return {
        "id": "01M8P2E29YK79Q32J2BD1S19QY",
        "status": "routed",
        "bank": "b",
        "product_id": "b-p",
        "requested_amount": 1,
        "requested_term_months": 1,
        "matched_criteria": criteria,
        "created_at": "2024-05-06T10:00:00.000+08:00",
        "updated_at": "2024-05-06T10:00:00.000+08:00",
        "profile": {"name": "甲公司"},
    }


def test_a_masked_lead_never_shows_the_value_of_a_personal_criterion():
    # A lead stored before lint refused such rules still carries the criterion.
    criteria = [
        {
            "field": "name",
            "op": "in",
            "expected": ["甲公司", "乙公司"],
            "label": {"zh": "企业名称为甲公司", "en": "name"},
            "source": "限甲公司",
        },
        {"field": "employees", "op": ">=", "expected": 1, "source": "从业人员1人以上"},
    ]
    view = masked_view(_lead(criteria))
    text = repr(view)
    assert "甲公司" not in text and "乙公司" not in text
    assert view["matched_criteria"][0] == {"field": "name", "op": "in", "expected": None}
    assert view["matched_criteria"][1] == criteria[1]
