"""``loanmatch lint`` over deliberately broken files: the right message at the right line."""

from __future__ import annotations

import shutil
import textwrap

import pytest
from click.testing import CliRunner

from loanmatch_cli.main import main
from matcher.authoring.lint import lint
from matcher.catalog import CatalogError, load_catalog, rule_files
from tests.support.paths import RULES

HEADER = "id: {id}\nbank: demo\nname: 示例贷\n"


def write(tmp_path, name, body, pid="demo-a"):
    folder = tmp_path / "demo"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(HEADER.format(id=pid) + textwrap.dedent(body), encoding="utf-8")
    return path


def problems(tmp_path):
    return [str(p) for p in lint(tmp_path).problems]


def only(tmp_path):
    found = problems(tmp_path)
    assert len(found) == 1, found
    return found[0]


def test_the_repository_rules_are_clean():
    report = lint(RULES)
    assert report.ok, [str(p) for p in report.problems]
    assert report.products >= 6


def test_yaml_syntax_error_is_located(tmp_path):
    path = write(
        tmp_path,
        "a.yaml",
        """\
        eligibility:
          all:
            - field: legal_rep_age
              op: between
              value: [18, 65
        """,
    )
    line = only(tmp_path)
    assert line.startswith(f"{path}:")
    assert "YAML syntax error" in line
    assert int(line.split(":")[1]) >= 8


@pytest.mark.parametrize(
    "body,line,token,words",
    [
        (
            "eligibility:\n  all:\n    - {field: years_in_busines, op: '>=', value: 2}\n",
            6,
            "years_in_busines",
            "unknown field 'years_in_busines'",
        ),
        (
            "eligibility:\n  all:\n    - {field: years_in_business, op: '=>', value: 2}\n",
            6,
            "'=>'",
            "unknown operator '=>'",
        ),
        (
            "eligibility:\n  all:\n    - {field: legal_rep_age, op: between, value: [65, 18]}\n",
            6,
            "[65",
            "min 65 > max 18",
        ),
        (
            "eligibility:\n  all:\n    - {field: tax_credit_rating, op: in, value: []}\n",
            6,
            "[]",
            "non-empty list",
        ),
        (
            "eligibility:\n  all:\n    - {field: tax_paid_12m, op: '>=', value: 一万}\n",
            6,
            "一万",
            "takes a number",
        ),
        (
            "eligibility:\n  all:\n    - {field: tax_credit_rating, op: '==', value: X}\n",
            6,
            "X}",
            "not a value of tax_credit_rating",
        ),
        (
            "eligibility:\n  all:\n    - {field: legal_rep_age, op: '>=', value: 200}\n",
            6,
            "{",
            "can never be true",
        ),
        (
            "eligibility:\n  all:\n    - {field: years_in_business, op: '>=', value: 3}\n"
            "    - {field: years_in_business, op: '<', value: 2}\n",
            7,
            "{",
            "contradicts",
        ),
        (
            "eligibility:\n  all:\n    - {field: overdue_current, op: '>=', value: 1}\n",
            6,
            "1}",
            "does not apply to overdue_current",
        ),
        (
            "eligibility:\n  all:\n    - {field: years_in_business, op: '>=', value: 2, lable: x}\n",
            6,
            "lable",
            "unknown key 'lable'",
        ),
        (
            "eligibility:\n  all:\n    - {field: years_in_business, op: '>='}\n",
            6,
            "{",
            "missing value",
        ),
        (
            "terms:\n  amount: {min: 500, max: 100}\neligibility:\n  all:\n"
            "    - {field: years_in_business, op: '>=', value: 2}\n",
            5,
            "{min",
            "min 500 > max 100",
        ),
        (
            "eligibility:\n  all:\n    - {field: years_in_business, op: '>=', value: 2}\n"
            "eligibility:\n  all: []\n",
            7,
            "eligibility",
            "duplicate key 'eligibility'",
        ),
    ],
)
def test_broken_criteria_are_reported_at_their_line_and_column(tmp_path, body, line, token, words):
    path = write(tmp_path, "a.yaml", body)
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    col = text.index(token) + 1  # where the offending value starts
    found = only(tmp_path)
    assert found.startswith(f"{path}:{line}:{col}: "), found
    assert words in found


def test_duplicate_ids_and_wrong_folder(tmp_path):
    body = "eligibility:\n  all:\n    - {field: years_in_business, op: '>=', value: 2}\n"
    write(tmp_path, "a.yaml", body)
    second = write(tmp_path, "b.yaml", body)
    found = problems(tmp_path)
    assert any(f.startswith(f"{second}:1:5: duplicate product id 'demo-a'") for f in found), found
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "c.yaml").write_text(HEADER.format(id="demo-c") + body, encoding="utf-8")
    assert any("differs from its folder 'elsewhere'" in f for f in problems(tmp_path))


def test_non_utf8_file_is_an_error_not_mojibake(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "gbk.yaml").write_bytes(("id: x\nname: 纳税贷\n").encode("gbk"))
    assert "not UTF-8" in only(tmp_path)


def test_scenario_and_settings_files_are_not_products(tmp_path):
    body = "eligibility:\n  all:\n    - {field: years_in_business, op: '>=', value: 2}\n"
    write(tmp_path, "a.yaml", body)
    (tmp_path / "demo" / "_branches.yaml").write_text("- {id: x}\n", encoding="utf-8")
    (tmp_path / "demo" / "a.test.yaml").write_text("scenarios: []\n", encoding="utf-8")
    assert lint(tmp_path).products == 1 and lint(tmp_path).ok


def test_cli_exits_1_with_located_lines_on_a_broken_copy(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    victim = rule_files(copy)[0]
    victim.write_text(
        victim.read_text(encoding="utf-8").replace("op:", "op: [", 1), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["lint", str(copy)])
    assert result.exit_code == 1
    assert f"{victim}:" in result.output
    clean = CliRunner().invoke(main, ["lint", str(RULES)])
    assert clean.exit_code == 0, clean.output


def test_a_catalog_with_errors_is_refused_whole(tmp_path):
    write(tmp_path, "a.yaml", "eligibility:\n  all:\n    - {field: nope, op: '>=', value: 2}\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    assert "unknown field 'nope'" in str(caught.value)


@pytest.mark.parametrize(
    "body,words",
    [
        ("eligibility: &loop\n  all: [*loop]\n", "aliases"),
        (
            "x0: &x0 [1]\n"
            + "".join(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]\n" for i in range(1, 9))
            + "eligibility: {all: [{field: years_in_business, op: '>=', value: 1}]}\n",
            "aliases",
        ),
        ("eligibility: " + "[" * 200 + "]" * 200 + "\n", "levels deep"),
    ],
)
def test_hostile_yaml_is_a_located_error_not_a_hang(tmp_path, body, words):
    write(tmp_path, "a.yaml", body)
    found = problems(tmp_path)
    assert len(found) == 1 and words in found[0], found


def test_an_id_ending_in_a_newline_is_refused(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        'id: "demo-a\\n"\nbank: demo\nname: x\neligibility:\n'
        "  all: [{field: years_in_business, op: '>=', value: 1}]\n",
        encoding="utf-8",
    )
    assert "id must be lower-case letters" in only(tmp_path)


@pytest.mark.parametrize(
    "criterion,meant",
    [
        ("{field: years_in_busines, op: '>=', value: 2}", "did you mean years_in_business?"),
        ("{field: tax_paid_12, op: '>=', value: 10000}", "did you mean tax_paid_12m?"),
        ("{field: Legal_Rep_Age, op: '<=', value: 60}", "did you mean legal_rep_age?"),
        ("{field: years_in_business, op: '=>', value: 2}", "did you mean '>='?"),
        ("{field: years_in_business, op: '≥', value: 2}", "did you mean '>='?"),
        ("{field: legal_rep_age, op: betwen, value: [18, 65]}", "did you mean 'between'?"),
        ("{field: tax_credit_rating, op: notin, value: [C, D]}", "did you mean 'not_in'?"),
    ],
)
def test_a_misspelled_field_or_operator_gets_the_likely_one(tmp_path, criterion, meant):
    write(tmp_path, "a.yaml", f"eligibility:\n  all:\n    - {criterion}\n")
    assert meant in only(tmp_path)


def test_a_field_like_no_other_gets_no_guess(tmp_path):
    write(tmp_path, "a.yaml", "eligibility:\n  all:\n    - {field: zzz, op: '>=', value: 2}\n")
    assert "did you mean" not in only(tmp_path)


SOURCED = (
    'eligibility:\n  all:\n    - field: {field}\n      op: "{op}"\n      value: {value}\n'
    "      source: {source}\n"
)


@pytest.mark.parametrize(
    "field,op,value,source,named",
    [
        ("tax_paid_12m", ">=", 10000, "近12个月纳税总额不低于2万元", "2万元"),
        ("legal_rep_age", "between", "[18, 60]", "法定代表人年龄18-65周岁", "18-65周岁"),
        ("years_in_business", ">=", 3, "企业成立满两年", "两年"),
        ("debt_ratio", "<=", 0.8, "资产负债率不超过70%", "70%"),
        ("overdue_count_24m", "<=", 5, "近两年逾期不超过三次", "三次"),
    ],
)
def test_a_source_naming_another_figure_than_the_value_is_a_warning(
    tmp_path, field, op, value, source, named
):
    path = write(tmp_path, "a.yaml", SOURCED.format(field=field, op=op, value=value, source=source))
    report = lint(tmp_path)
    assert report.ok, "a warning does not fail lint"
    (warning,) = [str(p) for p in report.warnings]
    assert warning.startswith(f"{path}:6:7: warning: source names {named}"), warning
    assert str(value).strip("[]").split(",")[0] in warning


@pytest.mark.parametrize(
    "field,op,value,source",
    [
        ("tax_paid_12m", ">=", 20000, "近12个月纳税总额不低于2万元"),
        ("tax_paid_12m", ">=", 20000, "近十二个月纳税总额两万元以上"),
        ("months_in_business", ">=", 25, "成立时间超过2年"),  # exclusive, read in months
        ("overdue_count_24m", "<=", 2, "近两年逾期次数少于3次"),  # exclusive on a count
        ("legal_rep_age", "between", "[18, 65]", "年满18周岁；不超过65周岁"),
        ("years_in_business", ">=", 1, "成立满1年，近12个月纳税总额不低于1万元"),
        ("net_profit", ">", 0, "上一年度销售收入不低于500万元，净利润为正"),
        ("overdue_current", "==", "false", "当前无逾期"),
        ("overdue_count_24m", "==", 0, "近两年无逾期"),
    ],
)
def test_a_source_that_agrees_with_its_value_is_quiet(tmp_path, field, op, value, source):
    write(tmp_path, "a.yaml", SOURCED.format(field=field, op=op, value=value, source=source))
    assert problems(tmp_path) == []


def test_the_cli_prints_the_warning_and_still_exits_0(tmp_path):
    path = write(
        tmp_path,
        "a.yaml",
        SOURCED.format(
            field="tax_paid_12m", op=">=", value=10000, source="近12个月纳税总额不低于2万元"
        ),
    )
    result = CliRunner().invoke(main, ["lint", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (
        f"{path}:6:7: warning: source names 2万元 (tax_paid_12m 20000) but value is 10000"
        in result.output
    )
    assert "1 warning(s) to review" in result.output
