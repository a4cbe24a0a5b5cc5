"""Branch files: the repository's own load, and a broken one is reported by file and line."""

from pathlib import Path

import pytest

from leads import BranchFileError, load_branch_file, load_branches
from leads.routing import candidate_tiers

RULES = Path(__file__).resolve().parents[2] / "rules"
REQUIRED_BANKS = ("tsbank", "icbc", "ccb", "abc", "boc", "psbc")


def test_the_repository_branch_files_load_for_every_required_bank():
    banks = load_branches(RULES)
    for bank in REQUIRED_BANKS:
        assert banks.get(bank), f"rules/{bank}/_branches.yaml is missing or empty"


def test_every_bank_with_products_has_a_branch_file():
    """A product of a bank without branches would accept leads that cannot be routed."""
    with_products = {
        path.parent.name for path in RULES.glob("*/*.yaml") if not path.name.startswith("_")
    }
    assert with_products <= set(load_branches(RULES))


def test_a_tangshan_enterprise_goes_to_its_district_then_city_then_province():
    tsbank = load_branches(RULES)["tsbank"]
    tiers = [[b.id for b in tier] for tier in candidate_tiers(tsbank, "130203")]
    assert tiers == [["lubei"], ["yingyebu", "kaiping"], ["puhui"]]
    assert candidate_tiers(tsbank, "510104") == []


def test_a_national_bank_serves_any_region_through_its_fallback():
    icbc = load_branches(RULES)["icbc"]
    tiers = candidate_tiers(icbc, "650102")  # 乌鲁木齐: no regional branch listed
    assert [[b.id for b in tier] for tier in tiers] == [["puhui-online"]]


def write(tmp_path, bank, text):
    folder = tmp_path / bank
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "_branches.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_problem_is_reported_with_file_line_and_column(tmp_path):
    path = write(
        tmp_path,
        "bank1",
        """\
- id: tangshan
  name: 唐山分行
  regions: ["1302"]
  daily_cap: 10
- id: tangshan
  name: 唐山二支行
  regions: ["1302"]
  daily_cap: 5
- id: Bad Id
  name: x
  regions: ["13"]
  daily_cap: 5
- id: hebei
  name: 河北
  regions: ["130", "*", 51]
  daily_cap: -1
  weight: 0
  colour: red
- id: nocap
  name: 无上限
  regions: ["13"]
""",
    )
    with pytest.raises(BranchFileError) as caught:
        load_branch_file(path)
    problems = caught.value.problems
    expected = [
        (5, "duplicate branch id 'tangshan' (first on line 1)"),
        (9, "id must be lower case"),
        (15, "region '130' must be 2, 4 or 6 digits"),
        (16, "daily_cap must be a whole number >= 0; got -1"),
        (17, "weight must be a whole number >= 1; got 0"),
        (18, "unknown key 'colour'"),
        (19, "missing 'daily_cap'"),
    ]
    assert len(problems) == len(expected), problems
    for (line, message), problem in zip(expected, sorted(problems, key=_line)):
        assert problem.startswith(f"{path}:{line}:"), problem
        assert message in problem


def _line(problem: str) -> int:
    return int(problem.split(":")[1])


def test_yaml_syntax_errors_name_the_line(tmp_path):
    path = write(tmp_path, "bank1", "- id: a\n  name: [unclosed\n  daily_cap: 1\n")
    with pytest.raises(BranchFileError) as caught:
        load_branch_file(path)
    assert caught.value.problems[0].startswith(f"{path}:")
    assert "YAML syntax" in caught.value.problems[0]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        ("id: a\nname: b\n", "expected a list of branches"),
        ("- just-a-string\n", "a branch must be a mapping"),
    ],
)
def test_a_file_of_the_wrong_shape_says_what_was_expected(tmp_path, text, message):
    path = write(tmp_path, "bank1", text)
    with pytest.raises(BranchFileError) as caught:
        load_branch_file(path)
    assert message in str(caught.value)


def test_problems_of_all_files_are_reported_together(tmp_path):
    write(tmp_path, "bank1", "- id: a\n  name: A\n  regions: ['13']\n  daily_cap: x\n")
    write(tmp_path, "bank2", "- id: b\n  name: B\n  regions: []\n  daily_cap: 1\n")
    write(tmp_path, "bank3", "- id: c\n  name: C\n  regions: ['51']\n  daily_cap: 1\n")
    with pytest.raises(BranchFileError) as caught:
        load_branches(tmp_path)
    text = str(caught.value)
    assert "bank1/_branches.yaml:4:" in text and "daily_cap" in text
    assert "bank2/_branches.yaml:3:" in text and "regions must be a non-empty list" in text
    assert "bank3" not in text


def test_unquoted_region_codes_are_read_as_codes(tmp_path):
    path = write(tmp_path, "bank1", "- id: a\n  name: A\n  regions: [1302, 51]\n  daily_cap: 3\n")
    (branch,) = load_branch_file(path)
    assert branch.regions == ("1302", "51")
    assert branch.weight == 1
