"""``loanmatch diff``: criterion-level changes between two folders or recorded versions."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from loanmatch_cli.main import main
from matcher.authoring.diff import diff_catalogs
from matcher.authoring.versions import VersionStore
from matcher.catalog import CatalogError, read_products

JYK = """\
id: icbc-jingying-kuaidai
bank: icbc
name: 经营快贷
terms:
  amount: {min: 10000, max: 3000000}
  channel: online
eligibility:
  all:
    - {field: years_in_business, op: ">=", value: 2, source: 企业成立满2年}
    - {field: tax_credit_rating, op: in, value: [A, B]}
    - {field: credit_inquiries_3m, op: "<=", value: 6}
    - {field: legal_rep_age, op: ">=", value: 18}
    - {field: legal_rep_age, op: "<=", value: 65}
    - any:
        - {field: high_tech, op: "==", value: true}
        - {field: specialized_sme, op: "==", value: true}
    - not: {field: industry_code, op: prefix, value: [K70, J]}
"""

EDITED = """\
id: icbc-jingying-kuaidai
bank: icbc
name: 经营快贷
terms:
  amount: {min: 10000, max: 5000000}
  channel: online
eligibility:
  all:
    - {field: years_in_business, op: ">=", value: 1, source: 企业成立满2年}
    - {field: tax_credit_rating, op: in, value: [A, B]}
    - {field: tax_arrears, op: "==", value: false}
    - {field: legal_rep_age, op: ">=", value: 18}
    - {field: legal_rep_age, op: "<=", value: 60}
    - any:
        - {field: high_tech, op: "==", value: true}
        - {field: specialized_sme, op: "==", value: true}
        - {field: ip_count, op: ">=", value: 5}
    - not: {field: industry_code, op: prefix, value: [K70, J, L]}
"""

OTHER = """\
id: icbc-e-diya
bank: icbc
name: e抵快贷
eligibility:
  all:
    - {field: collateral, op: "==", value: real_estate}
"""


def folder(tmp_path, name, files):
    root = tmp_path / name
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def pair(tmp_path):
    old = folder(tmp_path, "old", {"icbc/jingying-kuaidai.yaml": JYK, "icbc/e-diya.yaml": OTHER})
    new = folder(
        tmp_path,
        "new",
        {"icbc/jingying-kuaidai.yaml": EDITED, "ccb/new-loan.yaml": OTHER.replace("icbc", "ccb")},
    )
    return old, new


EXPECTED = [
    "+ ccb/new-loan: e抵快贷 (ccb-e-diya, 1 criteria)",
    "- icbc/e-diya: e抵快贷 (icbc-e-diya, 1 criteria)",
    "icbc/jingying-kuaidai: years_in_business >= 2 → >= 1",
    "icbc/jingying-kuaidai: - credit_inquiries_3m <= 6",
    "icbc/jingying-kuaidai: + tax_arrears == false",
    "icbc/jingying-kuaidai: legal_rep_age <= 65 → <= 60",
    "icbc/jingying-kuaidai: + any: ip_count >= 5",
    "icbc/jingying-kuaidai: not: industry_code prefix [K70, J] → prefix [K70, J, L]",
    "icbc/jingying-kuaidai: amount max 3000000 → 5000000",
]


def test_a_known_change_reads_criterion_by_criterion(pair):
    diffs = diff_catalogs(*pair)
    assert [line for d in diffs for line in d.lines()] == EXPECTED
    assert [(d.product_id, d.status) for d in diffs] == [
        ("ccb-e-diya", "added"),
        ("icbc-e-diya", "removed"),
        ("icbc-jingying-kuaidai", "changed"),
    ]


def test_a_field_on_both_sides_is_a_change_not_a_removal_and_an_addition(tmp_path):
    old = folder(tmp_path, "old", {"icbc/jingying-kuaidai.yaml": JYK})
    moved = JYK.replace(
        '    - {field: years_in_business, op: ">=", value: 2, source: 企业成立满2年}\n', ""
    )
    moved = moved.replace(
        "eligibility:\n  all:\n",
        'eligibility:\n  all:\n    - {field: credit_inquiries_3m, op: "<=", value: 4}\n',
        1,
    )
    moved = moved.replace('    - {field: credit_inquiries_3m, op: "<=", value: 6}\n', "")
    moved += '    - {field: years_in_business, op: ">=", value: 3, source: 企业成立满3年}\n'
    new = folder(tmp_path, "new", {"icbc/jingying-kuaidai.yaml": moved})
    assert diff_catalogs(old, new)[0].lines() == [
        "icbc/jingying-kuaidai: credit_inquiries_3m <= 6 → <= 4",
        "icbc/jingying-kuaidai: years_in_business >= 2 → >= 3",
        "icbc/jingying-kuaidai: years_in_business >= 3: source 企业成立满2年 → 企业成立满3年",
    ]


def test_identical_catalogs_have_no_differences(tmp_path, pair):
    old, _ = pair
    copy = tmp_path / "copy"
    shutil.copytree(old, copy)
    assert diff_catalogs(old, copy) == []
    result = CliRunner().invoke(main, ["diff", str(old), str(copy)])
    assert result.exit_code == 0 and "no differences" in result.output


def test_the_command_prints_the_lines_and_exits_0(pair):
    result = CliRunner().invoke(main, ["diff", str(pair[0]), str(pair[1])])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[: len(EXPECTED)] == EXPECTED
    assert "1 changed, 1 added, 1 removed" in result.output


def test_recorded_versions_are_diffed_by_name_or_prefix(tmp_path, pair):
    old, new = pair
    store = VersionStore(tmp_path / "versions")
    live = tmp_path / "live"
    shutil.copytree(old, live)
    v1 = store.record(live, read_products(live)[2]).version
    shutil.rmtree(live)
    shutil.copytree(new, live)
    v2 = store.record(live, read_products(live)[2]).version
    shutil.rmtree(live)  # only the store still has them
    result = CliRunner().invoke(
        main, ["diff", v1, v2[len("sha256:") :][:8], "--versions-dir", str(store.directory)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[: len(EXPECTED)] == EXPECTED


def test_an_argument_that_cannot_be_read_exits_2(tmp_path, pair):
    result = CliRunner().invoke(
        main,
        [
            "diff",
            str(pair[0]),
            "sha256:0123456789abcdef",
            "--versions-dir",
            str(tmp_path / "versions"),
        ],
    )
    assert result.exit_code == 2
    assert (
        "sha256:0123456789abcdef: no such folder, and no recorded version in "
        f"{tmp_path / 'versions'} matches it"
    ) in result.output

    broken = folder(
        tmp_path,
        "broken",
        {
            "icbc/x.yaml": "id: icbc-x\nbank: icbc\nname: x\n"
            "eligibility:\n  all:\n    - {field: nope, op: '==', value: 1}\n"
        },
    )
    result = CliRunner().invoke(main, ["diff", str(pair[0]), str(broken)])
    assert result.exit_code == 2
    assert f"{broken / 'icbc' / 'x.yaml'}:6:" in result.output
    with pytest.raises(CatalogError):
        diff_catalogs(pair[0], broken)
