"""``loanmatch match --format table`` into a file or a pager: every reason whole, on one line."""

import json

from click.testing import CliRunner

from loanmatch_cli.main import main
from tests.support.paths import RULES

PROFILE = RULES / "_profiles" / "tangshan-manufacturer.json"


def _run(fmt: str) -> str:
    result = CliRunner().invoke(
        main,
        [
            "match",
            "--profile",
            str(PROFILE),
            "--rules",
            str(RULES),
            "--as-of",
            "2026-12-01",
            "--format",
            fmt,
        ],
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_a_table_written_to_a_file_is_not_cut_at_80_columns():
    doc = json.loads(_run("json"))
    assert doc["near_misses"], "the sample profile should have near misses to show"
    table = _run("table")
    lines = table.splitlines()
    for miss in doc["near_misses"]:
        reasons = "; ".join(f["message"]["zh"] for f in miss["failed"])
        assert any(reasons in line and miss["product_id"] in line for line in lines), (
            f"{miss['product_id']}: {reasons!r} is not on one line of the table"
        )
    assert max(map(len, lines)) > 80
