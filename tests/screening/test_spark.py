"""``--engine spark`` on a real local Spark (local[2]) writes the same summary.json, byte
for byte, and the same statuses.parquet rows as the embedded engine."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from loanmatch_cli.main import main
from screening.synth import write_firms
from tests.support.firms import import_firms
from tests.support.paths import RULES


def _screen(runner, firms, out, *extra):
    result = runner.invoke(
        main,
        [
            "screen",
            "--rules",
            str(RULES),
            "--firms",
            str(firms),
            "--out",
            str(out),
            "--as-of",
            "2026-12-01",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.slow
def test_spark_local_mode_equals_the_embedded_engine(tmp_path):
    if shutil.which("java") is None:
        pytest.fail("Spark needs Java 17: apt-get install openjdk-17-jre-headless")
    source = write_firms(4_000, tmp_path, seed=17)
    runner = CliRunner()
    imported = import_firms(source, tmp_path / "var")
    assert imported.exit_code == 0, imported.output
    imported_snapshot = next((tmp_path / "var" / "firm-bases").glob("*.parquet"))
    # small row groups: several Spark partitions, each naming its own segments
    snapshot = tmp_path / "snapshot.parquet"
    pq.write_table(pq.read_table(imported_snapshot), snapshot, row_group_size=700)
    _screen(runner, snapshot, tmp_path / "embedded")
    _screen(runner, snapshot, tmp_path / "spark", "--engine", "spark", "--master", "local[2]")
    embedded = (tmp_path / "embedded" / "summary.json").read_bytes()
    assert (tmp_path / "spark" / "summary.json").read_bytes() == embedded
    a = pq.read_table(tmp_path / "embedded" / "statuses.parquet")
    b = pq.read_table(tmp_path / "spark" / "statuses.parquet")
    assert a.num_rows > 10_000 and a.equals(b)


def test_spark_engine_reads_only_imported_snapshots(tmp_path):
    source = write_firms(10, tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "screen",
            "--rules",
            str(RULES),
            "--firms",
            str(source),
            "--out",
            str(tmp_path / "o"),
            "--engine",
            "spark",
        ],
    )
    assert result.exit_code == 2 and "loanmatch firms import" in result.stderr
