"""``loanmatch sql``: each product's eligibility as one SQL expression that DuckDB, over the
firm table, evaluates to exactly the screening's answer (TRUE eligible, FALSE ineligible,
NULL incomplete) — and so to ``Catalog.match``'s, which the screening equals."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from click.testing import CliRunner

from loanmatch_cli.main import main
from matcher import load_catalog
from product_catalog.synth import synth_catalog, write_catalog
from screening.embedded import screen_embedded
from screening.firmbase import from_checked
from screening.sql import eligibility_sql
from screening.synth import synth_firms
from screening.validate import check_table
from tests.support.firms import screening_answers
from tests.support.paths import RULES

AS_OF = date(2026, 12, 1)
SQL_STATUS = {True: "eligible", False: "ineligible", None: "incomplete"}


def _duckdb_answers(base, products):
    table = base.to_arrow()
    con = duckdb.connect()
    con.register("firms", table)
    answers = {}
    for start in range(0, len(products), 40):
        chunk = products[start : start + 40]
        columns = ", ".join(
            f"{eligibility_sql(p.eligibility, AS_OF, 'duckdb')} AS p{i}"
            for i, p in enumerate(chunk)
        )
        for row in con.execute(f"SELECT firm_id, {columns} FROM firms").fetchall():
            for i, p in enumerate(chunk):
                answers[(row[0], p.id)] = SQL_STATUS[row[i + 1]]
    return answers


@pytest.mark.parametrize("catalog_kind", ["starter", "synthetic"])
def test_duckdb_evaluates_the_expression_to_the_screenings_answer(catalog_kind, tmp_path):
    if catalog_kind == "starter":
        catalog, firms = load_catalog(RULES), 10_000
    else:
        write_catalog(tmp_path, synth_catalog(120, seed=6), [])
        catalog, firms = load_catalog(tmp_path / "rules"), 2_000
    base = from_checked(check_table(synth_firms(firms, seed=31), AS_OF))
    result = screen_embedded(base, catalog.products, catalog.version, AS_OF)
    ids = [p.id for p in catalog.products]
    screened = {
        k: v[0] for k, v in screening_answers(result.statuses, base.firm_ids.tolist(), ids).items()
    }
    found = _duckdb_answers(base, catalog.products)
    wrong = [(k, screened[k], found[k]) for k in screened if screened[k] != found[k]]
    assert not wrong, f"{len(wrong)} pairs differ, e.g. {wrong[:5]}"
    assert set(found.values()) == {"eligible", "ineligible", "incomplete"}


def test_sql_command_prints_one_expression_per_dialect():
    rule = str(RULES / "icbc" / "jingying-kuaidai.yaml")
    runner = CliRunner()
    duck = runner.invoke(main, ["sql", rule, "--dialect", "duckdb", "--as-of", "2026-12-01"])
    spark = runner.invoke(main, ["sql", rule, "--dialect", "spark", "--as-of", "2026-12-01"])
    assert duck.exit_code == 0 and spark.exit_code == 0
    assert len(duck.stdout.strip().splitlines()) == 1
    assert "tax_paid_12m >= 20000" in duck.stdout and "DATE '2026-12-01'" in duck.stdout
    value = (
        duckdb.connect()
        .execute(
            "SELECT "
            + duck.stdout.strip()
            .replace("tax_paid_12m", "CAST(NULL AS DECIMAL(18,2))")
            .replace("legal_rep_age", "40")
            .replace("overdue_current", "FALSE")
            .replace("overdue_count_24m", "0")
            .replace("dishonest_debtor", "FALSE")
            .replace("tax_credit_rating", "'A'")
            .replace("size_class", "'micro'")
            .replace("entity_type", "'enterprise'")
            .replace("established_on", "DATE '2015-01-01'")
        )
        .fetchone()[0]
    )
    assert value is None  # one field unknown, the rest pass: incomplete


def test_sql_command_refuses_a_bad_rule_file(tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text(
        "id: x\nbank: b\nname: x\neligibility: {field: nope, op: '==', value: 1}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["sql", str(bad)])
    assert result.exit_code == 2 and "loanmatch lint" in result.stderr
