"""``loanmatch parse``: files written where the catalog expects them, warnings
as path:line, one summary line, and a bad file that stops only itself."""

import shutil
from pathlib import Path

import click
import yaml
from click.testing import CliRunner

from product_catalog.parse_command import parse
from tests.support.paths import SAMPLE_SHEETS

SAMPLES = SAMPLE_SHEETS

GOOD = "银行: 中国农业银行\n产品: 纳税e贷\n产品额度: 最高300万元\n申请条件:\n1. 企业成立满2年;\n2. 征信记录良好。\n"
OTHER = "银行: 唐山银行\n产品: 冀税贷\n申请条件:\n无欠税；纳税信用等级为A级\n"


def _cli():
    group = click.Group("loanmatch")
    group.add_command(parse)
    return group


def _write(folder: Path, name: str, text: str | bytes) -> str:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_writes_rule_files_by_bank_and_reports_unparsed(tmp_path):
    good = _write(tmp_path, "abc-nashui-edai.txt", GOOD)
    other = _write(tmp_path, "jishui.txt", OTHER)
    out = tmp_path / "rules"
    result = CliRunner().invoke(_cli(), ["parse", good, other, "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = yaml.safe_load((out / "abc" / "nashui-edai.yaml").read_text(encoding="utf-8"))
    assert written["id"] == "abc-nashui-edai" and written["source"] == good
    assert (out / "tsbank" / "jishui.yaml").is_file()
    assert f"{good}:6: unparsed: 征信记录良好" in result.output
    assert result.output.strip().splitlines()[-1] == (
        "parsed 2 sheets: 3 criteria, 1 clause left for review; 3 of 4 clauses parsed (75.0%)"
    )


def test_a_bad_file_is_named_and_the_others_still_written(tmp_path):
    good = _write(tmp_path, "abc-nashui-edai.txt", GOOD)
    not_a_sheet = _write(tmp_path, "notes.txt", "今天开会讨论额度\n")
    not_utf8 = _write(tmp_path, "gbk.txt", "银行: 中国银行\n".encode("gbk"))
    missing = str(tmp_path / "missing.txt")
    out = tmp_path / "rules"
    result = CliRunner().invoke(
        _cli(), ["parse", not_a_sheet, good, not_utf8, missing, "--out", str(out)]
    )
    assert result.exit_code == 1
    assert (out / "abc" / "nashui-edai.yaml").is_file()
    assert f"error: {not_a_sheet}:1: no '银行:' line" in result.output
    assert f"error: {not_utf8}:1: not UTF-8 text" in result.output
    assert f"error: {missing}: cannot read" in result.output
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1] == (
        "parsed 1 sheet: 1 criterion, 1 clause left for review; 1 of 2 clauses parsed (50.0%); "
        "3 sheets could not be read"
    )


def test_unknown_bank_is_written_under_a_fallback_id_with_advice(tmp_path):
    sheet = _write(
        tmp_path, "changan-shuidai.txt", "银行: 长安银行\n产品: 税贷\n申请条件:\n无欠税\n"
    )
    out = tmp_path / "rules"
    result = CliRunner().invoke(_cli(), ["parse", sheet, "--out", str(out)])
    assert result.exit_code == 0
    (folder,) = list(out.iterdir())
    assert folder.name.startswith("bank-")
    assert (folder / "changan-shuidai.yaml").is_file()
    assert "product_catalog/banks.py" in result.output


def test_the_published_samples(tmp_path):
    sheets = sorted(SAMPLES.glob("*.txt"))
    assert sheets, f"no sample sheets in {SAMPLES}"
    copies = [shutil.copy(s, tmp_path / s.name) for s in sheets]
    out = tmp_path / "rules"
    result = CliRunner().invoke(_cli(), ["parse", *map(str, copies), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*/*.yaml"))) == len(sheets)
    assert result.output.strip().splitlines()[-1].startswith(f"parsed {len(sheets)} sheets: ")


def test_no_sheet_given_is_a_usage_error():
    result = CliRunner().invoke(_cli(), ["parse"])
    assert result.exit_code == 2
    assert "SHEETS" in result.output


def test_written_rule_files_pass_the_linter(tmp_path):
    """What the parser writes is a valid rule file for ``loanmatch lint``."""
    from matcher.authoring.lint import lint

    sheets = [shutil.copy(s, tmp_path / s.name) for s in sorted(SAMPLES.glob("*.txt"))]
    sheets.append(_write(tmp_path, "abc-nashui-edai-2.txt", GOOD))
    sheets.append(
        _write(
            tmp_path,
            "zy.txt",
            "银行: 中原银行\n产品: 税贷\n适用地区: 唐山市、四川省\n"
            "申请条件:\n1. 不支持房地产、金融业;\n2. 小微企业或个体工商户。\n",
        )
    )
    out = tmp_path / "rules"
    result = CliRunner().invoke(_cli(), ["parse", *map(str, sheets), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = lint(out)
    assert report.ok, "\n".join(str(p) for p in report.problems)
    assert report.products == len(sheets)


def _sheet_folder(root: Path) -> Path:
    """A sheet folder as the catalog keeps one: sheets, their profiles, a README."""
    for bank, name, text in (("abc", "nashui-edai", GOOD), ("tsbank", "jishui", OTHER)):
        (root / bank).mkdir(parents=True)
        _write(root / bank, f"{name}.txt", text)
        _write(root / bank, f"{name}.profile.json", "{}")
    _write(root, "README.md", "# sheets\n")
    _write(root, "expected_criteria.json", "{}")
    return root


def test_a_folder_is_parsed_sheet_by_sheet_and_the_rest_skipped_aloud(tmp_path):
    folder = _sheet_folder(tmp_path / "sheets")
    out = tmp_path / "rules"
    result = CliRunner().invoke(_cli(), ["parse", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("*/*.yaml")) == [
        "abc/nashui-edai.yaml",
        "tsbank/jishui.yaml",
    ]
    written = yaml.safe_load((out / "abc" / "nashui-edai.yaml").read_text(encoding="utf-8"))
    assert written["source"] == str(folder / "abc" / "nashui-edai.txt")
    assert (
        "skipped 4 files that are not sheets (2 *.profile.json, README.md, expected_criteria.json)"
    ) in result.output
    assert result.output.strip().splitlines()[-1].startswith("parsed 2 sheets: ")


def test_a_glob_over_sheet_folders_skips_the_profiles_beside_the_sheets(tmp_path):
    folder = _sheet_folder(tmp_path / "sheets")
    out = tmp_path / "rules"
    everything = sorted(str(p) for p in folder.glob("*/*"))  # what the shell makes of sheets/*/*
    result = CliRunner().invoke(_cli(), ["parse", *everything, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "skipped 2 files that are not sheets (2 *.profile.json)" in result.output
    assert "error" not in result.output
    assert len(list(out.glob("*/*.yaml"))) == 2


def test_a_folder_without_sheets_is_an_error_that_says_what_a_sheet_is(tmp_path):
    (tmp_path / "empty").mkdir()
    _write(tmp_path / "empty", "notes.md", "# nothing\n")
    result = CliRunner().invoke(
        _cli(), ["parse", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert "skipped 1 file that is not a sheet (notes.md)" in result.output
    assert "*.txt" in result.output and "Traceback" not in result.output


def test_the_summary_gives_the_share_of_clauses_parsed(tmp_path):
    sheet = _write(
        tmp_path,
        "a.txt",
        "银行: 中国银行\n产品: 测试贷\n适用地区: 全国\n申请条件:\n"
        "1. 企业成立满2年;\n2. 征信良好;\n3. 白名单客户且无欠税;\n"
        "4. 法定代表人年龄在25至60周岁之间。\n",
    )
    result = CliRunner().invoke(_cli(), ["parse", sheet, "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    # 征信良好 is left whole, 白名单客户 in part: two of four clauses are read whole
    assert result.output.strip().splitlines()[-1].endswith("; 2 of 4 clauses parsed (50.0%)")
