"""Issue 4's round trip: sheet → parse → lint clean → a profile built to meet every
criterion is eligible → one field moved across its bound makes it ineligible, with
that criterion named among the failed ones.

The profile is derived from the parsed criteria alone (``satisfying_profile``), each
value sitting on its bound where the bound is inclusive, so the trip checks that the
parser, the rule reader and the matcher agree on what a bound includes.  Derived
fields are set through what the service derives them from: years_in_business through
established_on, province/city through region_code, size_class through employees,
revenue and assets.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from loanmatch_cli.main import main
from matcher import load_catalog
from matcher.authoring.lint import lint
from matcher.results.result import INELIGIBLE, EligibilityResult
from matcher.vocabulary.fields import FIELDS, RATIO
from matcher.vocabulary.profile import load_profile
from matcher.vocabulary.sizeclass import size_class
from tests.support.paths import REPO, SAMPLE_SHEETS

AS_OF = date(2026, 12, 1)
SAMPLES = SAMPLE_SHEETS
OURS = REPO / "product_catalog" / "sheets"

# One ordinary 4-digit code per section, for a criterion that names only the section.
SECTION_SAMPLE = {
    "A": "A0111",
    "B": "B0610",
    "C": "C3311",
    "D": "D4411",
    "E": "E4710",
    "F": "F5124",
    "G": "G5430",
    "H": "H6110",
    "I": "I6513",
    "J": "J6622",
    "K": "K7010",
    "L": "L7212",
    "M": "M7320",
    "N": "N7721",
    "O": "O8011",
    "P": "P8331",
    "Q": "Q8411",
    "R": "R8610",
}
REGION_POOL = ("130202", "510104", "320102", "310101", "110101", "440305")
_INVERSE = {
    "==": "!=",
    "!=": "==",
    "in": "not_in",
    "not_in": "in",
    ">=": "<",
    ">": "<=",
    "<=": ">",
    "<": ">=",
    "prefix": "not_prefix",
    "not_prefix": "prefix",
    "between": "outside",
    "outside": "between",
    "contains": "not_contains",
    "not_contains": "contains",
}
AGE_FIELDS = ("years_in_business", "months_in_business")
PLACE_FIELDS = ("province_code", "city_code", "region_code")
SIZE_INPUTS = ("employees", "annual_revenue", "total_assets")


# --- from criteria to the values that meet them ------------------------------------


def leaves(node: dict, negated: bool = False) -> list[tuple[str, str, object]]:
    """The (field, op, value) tests a profile must pass to meet ``node``: negations
    pushed into the operator, and the first alternative of an ``any`` taken."""
    if "field" in node:
        op = _INVERSE[node["op"]] if negated else node["op"]
        return [(node["field"], op, node["value"])]
    if "not" in node:
        return leaves(node["not"], not negated)
    if ("any" in node) != negated:  # not(all) is any of the negations, and the reverse
        first = (node["any"] if "any" in node else node["all"])[0]
        return leaves(first, negated)
    return [t for child in node.get("all", node.get("any")) for t in leaves(child, negated)]


def _step(field: str) -> Decimal:
    return Decimal("0.01") if FIELDS[field].kind == RATIO else Decimal(1)


def _number(field: str, tests: list[tuple[str, str, object]]) -> Decimal:
    """A number passing every test: the tightest inclusive bound, else just inside."""
    low = high = None
    step = _step(field)
    for _, op, value in tests:
        if op == "between":
            lo, hi = (Decimal(str(v)) for v in value)
        elif op == "!=":
            lo, hi = Decimal(str(value)) + step, None
        elif op in (">=", ">", "==", "<=", "<", "outside"):
            v = Decimal(str(value[0] if op == "outside" else value))
            lo = v if op in (">=", "==") else v + step if op == ">" else None
            hi = v if op in ("<=", "==") else v - step if op == "<" else None
            if op == "outside":
                lo, hi = None, v - step
        else:
            raise AssertionError(f"no number passes {field} {op} {value}")
        low = lo if low is None or (lo is not None and lo > low) else low
        high = hi if high is None or (hi is not None and hi < high) else high
    assert low is None or high is None or low <= high, f"{field}: {tests} cannot all hold"
    return low if low is not None else high


def _months_tests(tests):
    """years_in_business tests as months_in_business ones (a year is 12 whole months)."""
    out = []
    for field, op, value in tests:
        if field == "months_in_business":
            out.append((field, op, value))
            continue
        lo, hi = value if op in ("between", "outside") else (value, value)
        ranges = {
            ">=": [(">=", 12 * lo)],
            ">": [(">=", 12 * lo + 12)],
            "<=": [("<=", 12 * hi + 11)],
            "<": [("<=", 12 * hi - 1)],
            "==": [(">=", 12 * lo), ("<=", 12 * hi + 11)],
            "between": [(">=", 12 * lo), ("<=", 12 * hi + 11)],
            "outside": [("<=", 12 * lo - 1)],
        }[op]
        out += [("months_in_business", o, v) for o, v in ranges]
    return out


def _established(months: int) -> str:
    total = AS_OF.year * 12 + AS_OF.month - 1 - months
    return date(total // 12, total % 12 + 1, AS_OF.day).isoformat()


def _place_ok(code: str, field: str, op: str, value) -> bool:
    own = {"province_code": code[:2] + "0000", "city_code": code[:4] + "00", "region_code": code}[
        field
    ]
    values = value if isinstance(value, list) else [value]
    holds = {
        "==": own == value,
        "!=": own != value,
        "in": own in values,
        "not_in": own not in values,
        "prefix": code.startswith(tuple(values)),
        "not_prefix": not code.startswith(tuple(values)),
    }
    return holds[op]


def _sample_places(tests) -> list[str]:
    named = []
    for _, op, value in tests:
        if op in ("==", "in", "prefix"):
            for code in value if isinstance(value, list) else [value]:
                code = code.rstrip("0") if len(code) == 6 else code
                named.append(code.ljust(4, "0")[:4] + "02" if len(code) <= 4 else code)
    return named + list(REGION_POOL)


def _industry_ok(code: str, op: str, value) -> bool:
    values = tuple(value if isinstance(value, list) else [value])
    return {
        "prefix": code.startswith(values),
        "not_prefix": not code.startswith(values),
        "==": code[0] == value,
        "!=": code[0] != value,
        "in": code[0] in values,
        "not_in": code[0] not in values,
    }[op]


def _industry(tests) -> str:
    named = [
        SECTION_SAMPLE.get(v, v.ljust(5, "1"))
        for _, op, value in tests
        if op in ("prefix", "==", "in")
        for v in (value if isinstance(value, list) else [value])
    ]
    for code in named + ["C3311", "F5124", "I6513", "E4710", "A0111"]:
        if all(_industry_ok(code, op, value) for _, op, value in tests):
            return code
    raise AssertionError(f"no industry code passes {tests}")


def _choice(field: str, tests) -> object:
    choices = list(FIELDS[field].choices) or [False, True]
    for choice in choices:
        if all(_enum_ok(choice, op, value) for _, op, value in tests):
            return choice
    raise AssertionError(f"no value of {field} passes {tests}")


def _enum_ok(choice, op: str, value) -> bool:
    if op in ("in", "not_in"):
        return (choice in value) == (op == "in")
    return (choice == value) == (op == "==")


def _size(profile: dict, tests, fixed: set[str]) -> dict:
    """employees / revenue / assets (those no criterion fixed) giving a wanted size class."""
    grid = {
        "employees": (5, 30, 150, 400, 1500),
        "annual_revenue": (1_000_000, 10_000_000, 50_000_000, 300_000_000, 2_000_000_000),
        "total_assets": (1_000_000, 30_000_000, 100_000_000, 500_000_000, 2_000_000_000),
    }
    for level in range(5):
        trial = dict(profile)
        for name in SIZE_INPUTS:
            if name not in fixed:
                trial[name] = grid[name][level]
        found = size_class(
            trial["industry_code"],
            trial.get("employees"),
            trial.get("annual_revenue"),
            trial.get("total_assets"),
        )
        if found and all(_enum_ok(found, op, value) for _, op, value in tests):
            return trial
    raise AssertionError(f"no size inputs give size_class {tests} for {profile['industry_code']}")


def satisfying_profile(tests: list[tuple[str, str, object]], base: dict | None = None) -> dict:
    """A posted profile passing every test in ``tests`` (over ``base``, if given)."""
    by_field: dict[str, list] = {}
    for t in tests:
        by_field.setdefault(t[0], []).append(t)
    profile = dict(base or {})
    for field, group in by_field.items():
        kind = FIELDS[field].kind
        if field in AGE_FIELDS + PLACE_FIELDS + ("size_class", "industry_section"):
            continue
        if field == "industry_code":
            continue
        if field == "bank_relationships":
            profile[field] = [v for _, op, v in group if op == "contains"] or ["otherbank"]
        elif FIELDS[field].numeric:
            value = _number(field, group)
            profile[field] = value if kind == RATIO else int(value)
        else:
            profile[field] = _choice(field, group)
    ages = [t for f in AGE_FIELDS for t in by_field.get(f, [])]
    if ages:
        profile["established_on"] = _established(
            int(_number("months_in_business", _months_tests(ages)))
        )
    places = [t for f in PLACE_FIELDS for t in by_field.get(f, [])]
    if places:
        profile["region_code"] = next(
            code for code in _sample_places(places) if all(_place_ok(code, *t) for t in places)
        )
    trades = by_field.get("industry_code", []) + [
        ("industry_code", op, v) for _, op, v in by_field.get("industry_section", [])
    ]
    if trades or "size_class" in by_field:
        profile["industry_code"] = (
            _industry(trades) if trades else profile.get("industry_code", "C3311")
        )
    if "size_class" in by_field:
        profile = _size(profile, by_field["size_class"], fixed=set(by_field) & set(SIZE_INPUTS))
    return profile


def crossing(test: tuple[str, str, object], profile: dict) -> dict:
    """``profile`` with the one field ``test`` reads moved so that ``test`` fails."""
    field, op, value = test
    return satisfying_profile([(field, _INVERSE[op], value)], base=profile)


# --- the trip -----------------------------------------------------------------------


def _sheets() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt")) + sorted(OURS.glob("*/*.txt"))


def _id(sheet: Path) -> str:
    return f"{sheet.parent.name}/{sheet.name}"


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    """Each set of sheets parsed by the command into its own folder, which lints clean."""
    folders = {}
    for name, sheets in (
        ("samples", sorted(SAMPLES.glob("*.txt"))),
        ("ours", sorted(OURS.glob("*/*.txt"))),
    ):
        assert sheets, f"no sheets found for {name}"
        out = tmp_path_factory.mktemp(name)
        result = CliRunner().invoke(main, ["parse", *map(str, sheets), "--out", str(out)])
        assert result.exit_code == 0, result.output
        report = lint(out)
        assert report.ok, "\n".join(str(p) for p in report.errors)
        folders[name] = (out, load_catalog(out))
    return folders


def _product_file(folders, sheet: Path) -> tuple[Path, object]:
    out, catalog = folders["samples" if sheet.parent == SAMPLES else "ours"]
    for path in out.glob("*/*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["source"] == str(sheet):
            return data, catalog
    raise AssertionError(f"no rule file was written for {sheet}")


def _status(catalog, pid: str, profile: dict) -> EligibilityResult:
    values = dict(load_profile(profile, as_of=AS_OF).values)
    result = catalog.match(profile, as_of=AS_OF, product_ids=[pid], list_limit=None)
    status = (
        "eligible"
        if result.counts["eligible"]
        else ("incomplete" if result.counts["incomplete"] else INELIGIBLE)
    )
    return EligibilityResult(catalog.by_id[pid], status, values=values)


@pytest.mark.parametrize("sheet", _sheets(), ids=_id)
def test_round_trip_eligible_then_ineligible_across_each_bound(sheet, parsed):
    data, catalog = _product_file(parsed, sheet)
    pid, top = data["id"], data["eligibility"]["all"]
    profile = satisfying_profile(leaves(data["eligibility"]))
    answer = _status(catalog, pid, profile)
    assert answer.status == "eligible", (
        f"{pid} refuses a profile built to meet it: {profile}; failed "
        f"{[(o.criterion.field, o.op, o.criterion.value) for o in answer.failed]}, "
        f"missing {answer.missing_fields}"
    )
    single = [n for n in top if "field" in n or ("not" in n and "field" in n["not"])]
    assert single, f"{pid}: no criterion to cross"
    for node in single:
        test = leaves(node)[0]
        moved = crossing(test, profile)
        answer = _status(catalog, pid, moved)
        failed = {o.criterion.field for o in answer.failed}
        assert answer.status == INELIGIBLE and test[0] in failed, (
            f"{pid}: moving {test[0]} across {test} gave {answer.status}, failed {failed}; "
            f"profile changed to { ({k: v for k, v in moved.items() if profile.get(k) != v}) }"
        )


def test_cli_parses_the_samples_into_a_folder_that_lints_clean(tmp_path):
    sheets = sorted(SAMPLES.glob("*.txt"))
    assert sheets, f"no sample sheets in {SAMPLES}"
    runner = CliRunner()
    parsed = runner.invoke(main, ["parse", *map(str, sheets), "--out", str(tmp_path)])
    assert parsed.exit_code == 0, parsed.output
    assert parsed.output.strip().splitlines()[-1].startswith(f"parsed {len(sheets)} sheets:")
    linted = runner.invoke(main, ["lint", str(tmp_path)])
    assert linted.exit_code == 0, linted.output
    assert f"{len(sheets)} products: no problems" in linted.output


def test_helper_sits_on_inclusive_bounds_and_steps_over_exclusive_ones():
    """The trip is only as good as its profiles: check the helper on known criteria."""
    profile = satisfying_profile(
        [
            ("years_in_business", ">=", 2),
            ("legal_rep_age", "between", [18, 65]),
            ("tax_paid_12m", ">", 10000),
            ("debt_ratio", "<=", 0.7),
            ("tax_credit_rating", "in", ["A", "B"]),
            ("city_code", "==", "130200"),
            ("industry_code", "not_prefix", ["K", "J"]),
            ("size_class", "in", ["small"]),
        ]
    )
    values = load_profile(profile, as_of=AS_OF).values
    assert values["years_in_business"] == 2 and values["months_in_business"] == 24
    assert values["legal_rep_age"] == 18 and values["tax_paid_12m"] == 10001
    assert values["debt_ratio"] == Decimal("0.7") and values["tax_credit_rating"] == "A"
    assert values["city_code"] == "130200" and values["size_class"] == "small"
    assert not values["industry_code"].startswith(("K", "J"))
    moved = crossing(("years_in_business", ">=", 2), profile)
    assert load_profile(moved, as_of=AS_OF).values["months_in_business"] == 23
