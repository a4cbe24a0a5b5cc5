"""Importing a firm base: every bad row reported (row, field, the profile's own message)
and left out, derived fields equal to ``load_profile``'s, one version per content."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from loanmatch_cli.main import main
from matcher.vocabulary.profile import ProfileError, load_profile
from screening.firmbase import read_firms
from screening.synth import synth_firms
from screening.validate import FirmBaseError
from tests.support.firms import import_firms, profiles_of

AS_OF = date(2026, 12, 1)
HEADER = [
    "firm_id",
    "contact_consent",
    "region_code",
    "industry_code",
    "employees",
    "annual_revenue",
    "debt_ratio",
    "tax_credit_rating",
    "established_on",
    "overdue_current",
    "bank_relationships",
]
GOOD = [
    "f1",
    "true",
    "130203",
    "C3311",
    "86",
    "28000000",
    "0.52",
    "B",
    "2016-05-20",
    "false",
    "icbc|tsbank",
]


def _csv(tmp_path, rows, header=HEADER):
    path = tmp_path / "firms.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _with(**changes):
    row = dict(zip(HEADER, GOOD))
    row.update(changes)
    return [row[k] for k in HEADER]


def _message(field, value):
    """What load_profile says about this one value."""
    with pytest.raises(ProfileError) as caught:
        load_profile({field: value}, AS_OF)
    return [line.split(": ", 1)[1] for line in caught.value.lines() if line.startswith(field)][0]


def test_every_bad_row_is_reported_and_left_out(tmp_path):
    rows = [
        GOOD,
        _with(firm_id="f2", employees="abc"),
        _with(firm_id="f3", region_code="999999", tax_credit_rating="Z"),
        _with(firm_id="f4", annual_revenue="-5"),
        _with(firm_id="f5", established_on="2030-01-01"),
        _with(firm_id="f1"),
        _with(firm_id="f7", debt_ratio="0.35", bank_relationships="ICBC!"),
        _with(firm_id="f8", contact_consent="", employees="", debt_ratio=""),
    ]
    base = read_firms(_csv(tmp_path, rows), AS_OF)
    found = {(p.row, p.field): p.message for p in base.problems}
    assert sorted(found) == [
        (3, "employees"),
        (4, "region_code"),
        (4, "tax_credit_rating"),
        (5, "annual_revenue"),
        (6, "established_on"),
        (7, "firm_id"),
        (8, "bank_relationships"),
    ]
    assert found[(3, "employees")] == _message("employees", "abc")
    assert found[(4, "region_code")] == _message("region_code", "999999")
    assert found[(4, "tax_credit_rating")] == _message("tax_credit_rating", "Z")
    assert found[(5, "annual_revenue")] == _message("annual_revenue", -5)
    assert found[(6, "established_on")] == _message("established_on", "2030-01-01")
    assert "duplicate" in found[(7, "firm_id")] and "row 2" in found[(7, "firm_id")]
    assert "ICBC!" in found[(8, "bank_relationships")]
    assert sorted(base.firm_ids.tolist()) == ["f1", "f8"]
    consent = dict(zip(base.firm_ids.tolist(), base.consent.tolist()))
    assert consent == {"f1": True, "f8": False}  # unstated consent is no consent


def test_a_file_that_cannot_be_a_firm_base_is_refused_whole(tmp_path):
    with pytest.raises(FirmBaseError, match="'turnover' is not a field"):
        read_firms(_csv(tmp_path, [GOOD + ["1"]], HEADER + ["turnover"]), AS_OF)
    with pytest.raises(FirmBaseError, match="size_class.*derived"):
        read_firms(_csv(tmp_path, [GOOD + ["micro"]], HEADER + ["size_class"]), AS_OF)
    with pytest.raises(FirmBaseError, match="firm_id"):
        read_firms(_csv(tmp_path, [GOOD[1:]], HEADER[1:]), AS_OF)
    (tmp_path / "f.jsonl").write_text('{"firm_id": "a"}\n[1, 2]\n{oops\n', encoding="utf-8")
    with pytest.raises(FirmBaseError, match=r"f\.jsonl:2: .*object.*f\.jsonl:3: not JSON"):
        read_firms(tmp_path / "f.jsonl", AS_OF)
    (tmp_path / "f.xlsx").write_bytes(b"")
    with pytest.raises(FirmBaseError, match="unknown format"):
        read_firms(tmp_path / "f.xlsx", AS_OF)


def test_json_lines_of_mixed_types_report_the_odd_values(tmp_path):
    lines = [
        {"firm_id": "a", "employees": 5, "high_tech": True},
        {"firm_id": "b", "employees": "many", "high_tech": "yes"},
        {"firm_id": "c", "employees": 12.0, "high_tech": None},
    ]
    path = tmp_path / "f.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    base = read_firms(path, AS_OF)
    assert {(p.row, p.field) for p in base.problems} == {(2, "employees"), (2, "high_tech")}
    assert base.firm_ids.tolist() == ["a", "c"]
    assert base.columns["employees"].values.tolist() == [5, 12]


def test_a_ratio_finer_than_the_table_keeps_is_reported_not_rounded(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text(
        '{"firm_id": "a", "debt_ratio": 0.1234567}\n{"firm_id": "b", "debt_ratio": "0.123456"}\n',
        encoding="utf-8",
    )
    base = read_firms(path, AS_OF)
    assert [(p.row, p.field) for p in base.problems] == [(1, "debt_ratio")]
    assert "6 decimal places" in base.problems[0].message
    assert base.columns["debt_ratio"].values.tolist() == [123456]


def test_derived_fields_equal_load_profiles(tmp_path):
    pq.write_table(synth_firms(3_000, seed=8), tmp_path / "firms.parquet")
    base = read_firms(tmp_path / "firms.parquet", AS_OF)
    from screening.derive import dated_derived

    dated = dated_derived(base.columns["established_on"], AS_OF)
    for i, (firm, profile) in enumerate(profiles_of(base)):
        values = load_profile(profile, AS_OF).values
        for name in ("size_class", "province_code", "city_code", "industry_section"):
            column = base.columns[name]
            got = column.values[column.codes[i]] if column.codes[i] >= 0 else None
            assert got == values.get(name), (firm, name)
        for name, column in dated.items():
            got = int(column.values[i]) if column.known[i] else None
            assert got == values.get(name), (firm, name)
    sizes = base.columns["size_class"]
    assert (sizes.codes < 0).sum() > 30 and set(sizes.values) >= {"micro", "small", "medium"}


def test_one_version_whatever_the_format(tmp_path):
    table = synth_firms(400, seed=4)
    pq.write_table(table, tmp_path / "firms.parquet")
    rows = table.to_pylist()

    def plain(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "|".join(v)
        if isinstance(v, date):
            return v.isoformat()
        return "" if v is None else str(v)

    with open(tmp_path / "firms.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(table.column_names)
        writer.writerows([[plain(r[k]) for k in table.column_names] for r in rows])

    def as_json(v):
        return str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, date) else v

    with open(tmp_path / "firms.jsonl", "w", encoding="utf-8") as out:
        for r in reversed(rows):  # row order does not change the version
            out.write(json.dumps({k: as_json(v) for k, v in r.items() if v is not None}) + "\n")
    versions = {
        read_firms(tmp_path / f"firms.{ext}", AS_OF).version for ext in ("parquet", "csv", "jsonl")
    }
    assert len(versions) == 1
    edited = table.to_pylist()
    edited[7]["employees"] = (edited[7]["employees"] or 0) + 1
    import pyarrow as pa

    pq.write_table(pa.Table.from_pylist(edited, schema=table.schema), tmp_path / "edited.parquet")
    assert read_firms(tmp_path / "edited.parquet", AS_OF).version not in versions


def test_import_command_keeps_a_snapshot_and_reports_rows(tmp_path):
    source = _csv(tmp_path, [GOOD, _with(firm_id="f2", employees="-3")])
    runner = CliRunner()
    result = import_firms(source, tmp_path / "var")
    assert result.exit_code == 0, result.output
    version = result.stdout.strip()
    assert version.startswith("sha256:")
    assert "firms.csv:3: employees:" in result.stderr and "1 rows left out" in result.stderr
    snapshot = tmp_path / "var" / "firm-bases" / (version.removeprefix("sha256:") + ".parquet")
    again = read_firms(snapshot, AS_OF)
    assert again.version == version and again.firm_ids.tolist() == ["f1"]
    rejected = snapshot.with_suffix(".rejected.jsonl").read_text(encoding="utf-8")
    assert json.loads(rejected)["row"] == 3
    listed = runner.invoke(main, ["firms", "list", "--data-dir", str(tmp_path / "var")])
    assert version in listed.stdout
    # a screening can name the imported version instead of a file
    screened = runner.invoke(
        main,
        [
            "screen",
            "--firms",
            version[:15],
            "--data-dir",
            str(tmp_path / "var"),
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            "2026-12-01",
        ],
    )
    assert screened.exit_code == 0, screened.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["firm_base_version"] == version and summary["firms"] == 1


def test_import_of_nothing_valid_stores_nothing(tmp_path):
    source = _csv(tmp_path, [_with(employees="x")])
    result = CliRunner().invoke(
        main, ["firms", "import", str(source), "--data-dir", str(tmp_path / "var")]
    )
    assert result.exit_code == 2 and "no valid firm" in result.stderr
    assert not list((tmp_path / "var").glob("firm-bases/*.parquet"))
    missing = CliRunner().invoke(main, ["firms", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
