"""``loanmatch report``: the enterprise report as a standalone HTML file."""

from __future__ import annotations

import json

from click.testing import CliRunner

from loanmatch_cli.main import main

from .support import EXAMPLE, RULES


def test_report_command_writes_the_report(tmp_path):
    profile = tmp_path / "firm.json"
    profile.write_text(json.dumps(EXAMPLE, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "report.html"
    done = CliRunner().invoke(
        main,
        [
            "report",
            "--profile",
            str(profile),
            "--out",
            str(out),
            "--rules",
            str(RULES),
            "--as-of",
            "2026-12-01",
        ],
    )
    assert done.exit_code == 0, done.output
    html = out.read_text(encoding="utf-8")
    assert EXAMPLE["name"] in html and "企业画像与融资匹配报告" in html
    assert 'id="size-class">小型企业<' in html
    assert "2026-12-01" in html and "sha256:" in html
    assert "<style>" in html and "@page" in html  # prints alone, offline
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert '"PingFang SC"' in style and "&#34;" not in style  # <style> is not HTML-escaped
    assert "<script" not in html and "http://" not in html and "https://" not in html
    top = html.split('id="matched"', 1)[1].split("<td>", 3)[2]
    assert top.split("</td>")[0].strip() in done.output  # "top: <name>" names the same


def test_report_command_names_the_problem(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"employees": -1}', encoding="utf-8")
    done = CliRunner().invoke(
        main,
        ["report", "--profile", str(bad), "--out", str(tmp_path / "r.html"), "--rules", str(RULES)],
    )
    assert done.exit_code == 1 and "employees" in done.output
    assert not (tmp_path / "r.html").exists()
    done = CliRunner().invoke(
        main,
        [
            "report",
            "--profile",
            str(tmp_path / "none.json"),
            "--out",
            str(tmp_path / "r.html"),
            "--rules",
            str(RULES),
        ],
    )
    assert done.exit_code == 2 and "none.json" in done.output
