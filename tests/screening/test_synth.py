"""``loanmatch synth --firms``: a firm base in plausible proportions, patchy like real data."""

from __future__ import annotations

from collections import Counter

import pyarrow.compute as pc
import pyarrow.parquet as pq
from click.testing import CliRunner

from loanmatch_cli.main import main


def test_synth_firms_writes_a_realistic_patchy_base(tmp_path):
    result = CliRunner().invoke(main, ["synth", "--firms", "20000", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(tmp_path / "firms.parquet")
    assert table.num_rows == 20_000
    ids = table.column("firm_id").to_pylist()
    assert len(set(ids)) == len(ids) and not any(i.startswith("91") for i in ids)
    consent = pc.mean(table.column("contact_consent").cast("int8")).as_py()
    assert 0.25 < consent < 0.45
    assert table.column("region_code").null_count == 0  # identity is always known
    assert 500 < table.column("net_profit").null_count < 6_000  # finance often unreported
    ratings = Counter(table.column("tax_credit_rating").drop_null().to_pylist())
    assert ratings.most_common(1)[0][0] == "B" and ratings["D"] < ratings["C"] < ratings["M"]
    provinces = Counter(code[:2] for code in table.column("region_code").to_pylist())
    assert provinces["44"] > provinces["46"] * 5  # Guangdong is far bigger than Hainan
    again = tmp_path / "again"
    CliRunner().invoke(main, ["synth", "--firms", "20000", "--out", str(again)])
    assert pq.read_table(again / "firms.parquet").equals(table)  # one seed, one base


def test_synth_needs_something_to_write(tmp_path):
    result = CliRunner().invoke(main, ["synth", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--firms" in result.output
