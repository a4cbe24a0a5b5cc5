"""The synthetic catalog: what a benchmark relies on when it reads DIR/rules and profiles.jsonl."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from loanmatch_cli.synth_command import synth
from matcher.authoring.lint import lint
from matcher.vocabulary.fields import (
    BOOLEAN,
    CODE,
    DATE,
    ENUM,
    FIELDS,
    INTEGER,
    LIST,
    MONEY,
    POSTED_FIELDS,
    RATIO,
    STRING,
)
from matcher.vocabulary.profile import load_profile
from product_catalog.banks import bank_name
from product_catalog.synth import CatalogDirError, synth_catalog, synth_profiles, write_catalog

REPO = Path(__file__).resolve().parents[2]
EVALUATION_DATE = date(2026, 12, 1)
# GB/T 2260: the 31 provinces of the mainland.
PROVINCE_CODES = {
    f"{p}0000"
    for p in (
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
    )
}
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.fixture(scope="module")
def catalog() -> list[dict]:
    return synth_catalog(1000, seed=0)


@pytest.fixture(scope="module")
def profiles() -> list[dict]:
    return synth_profiles(1000, seed=0)


def documented_operators() -> set[str]:
    """The operators in the `| op | value |` table of docs/rules.md."""
    lines = (REPO / "docs" / "rules.md").read_text(encoding="utf-8").splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.replace(" ", "").startswith("|op|value|")
    )
    ops = set()
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        ops.update(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return ops


def leaves(node: dict):
    if "all" in node or "any" in node:
        for child in node.get("all", node.get("any")):
            yield from leaves(child)
    elif "not" in node:
        yield from leaves(node["not"])
    else:
        yield node


def product_province(product: dict) -> str | None:
    for node in product["eligibility"]["all"]:
        if node.get("field") == "province_code":
            return node["value"]
        if node.get("field") == "city_code":
            return node["value"][0][:2] + "0000"
    return None


def fits(f, value) -> bool:
    """A single value of the field's own type (money and counts are whole numbers)."""
    if f.kind == BOOLEAN:
        return isinstance(value, bool)
    if f.kind in (MONEY, INTEGER):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif f.kind == RATIO:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif f.kind == ENUM:
        return value in f.choices
    else:
        return isinstance(value, str) and value != ""
    return (
        ok
        and (f.min_value is None or value >= f.min_value)
        and (f.max_value is None or value <= f.max_value)
    )


def criterion_problem(node: dict) -> str | None:
    f, op, value = FIELDS.get(node["field"]), node["op"], node["value"]
    if f is None:
        return "unknown field"
    if op in ("==", "!="):
        return None if f.kind != LIST and fits(f, value) else "bad equality value"
    if op in ("<", "<=", ">", ">="):
        return None if f.numeric and fits(f, value) else "bad comparison"
    if op == "between":
        ok = (
            f.numeric
            and isinstance(value, list)
            and len(value) == 2
            and all(fits(f, v) for v in value)
        )
        return None if ok and value[0] <= value[1] else "bad between"
    if op in ("in", "not_in"):
        ok = isinstance(value, list) and value and all(fits(f, v) for v in value)
        return None if ok and f.kind in (ENUM, CODE, STRING) else "bad list"
    if op == "prefix":
        codes = [value] if isinstance(value, str) else value
        return (
            None
            if f.kind == CODE and codes and all(map(fits, [f] * len(codes), codes))
            else "bad prefix"
        )
    if op == "contains":
        return None if f.kind == LIST and isinstance(value, str) and value else "bad contains"
    if op == "exists":
        return None if isinstance(value, bool) else "bad exists"
    return "unknown operator"


# ------------------------------------------------------------ a plain evaluator of our own


def derived(profile: dict) -> dict:
    facts = dict(profile)
    if "established_on" in profile:
        y, m, d = map(int, profile["established_on"].split("-"))
        months = (
            (EVALUATION_DATE.year - y) * 12 + EVALUATION_DATE.month - m - (EVALUATION_DATE.day < d)
        )
        facts["months_in_business"], facts["years_in_business"] = months, months // 12
    facts["province_code"] = profile["region_code"][:2] + "0000"
    facts["city_code"] = profile["region_code"][:4] + "00"
    facts["industry_section"] = profile["industry_code"][0]
    if "employees" in profile and "annual_revenue" in profile:  # a rough 工信部 2011-300 class
        people, revenue = profile["employees"], profile["annual_revenue"]
        facts["size_class"] = (
            "micro"
            if people < 10 or revenue < 10**6
            else "small"
            if people < 100 and revenue < 2 * 10**7
            else "medium"
            if people < 1000 and revenue < 4 * 10**8
            else "large"
        )
    return facts


def holds(node: dict, facts: dict) -> bool | None:
    """True / False, or None when a missing field decides it (docs/rules.md semantics)."""
    if "all" in node or "any" in node:
        results = [holds(child, facts) for child in node.get("all", node.get("any"))]
        decisive = "any" in node  # any: one True decides; all: one False decides
        if decisive in results:
            return decisive
        return None if None in results else not decisive
    if "not" in node:
        result = holds(node["not"], facts)
        return None if result is None else not result
    if node["field"] not in facts:
        return None
    have, op, want = facts[node["field"]], node["op"], node["value"]
    if op == "prefix":
        return any(have.startswith(code) for code in ([want] if isinstance(want, str) else want))
    return {
        "==": lambda: have == want,
        "!=": lambda: have != want,
        "<": lambda: have < want,
        "<=": lambda: have <= want,
        ">": lambda: have > want,
        ">=": lambda: have >= want,
        "between": lambda: want[0] <= have <= want[1],
        "in": lambda: have in want,
        "not_in": lambda: have not in want,
        "contains": lambda: want in have,
    }[op]()


def credit_code_valid(code: str) -> bool:
    if len(code) != 18 or any(ch not in CODE_CHARS for ch in code):
        return False
    total = sum(CODE_CHARS.index(ch) * w for ch, w in zip(code, CODE_WEIGHTS))
    return code[17] == CODE_CHARS[(31 - total % 31) % 31]


# ------------------------------------------------------------ the catalog


def test_the_same_seed_gives_the_same_catalog_and_profiles():
    assert synth_catalog(200, seed=7) == synth_catalog(200, seed=7)
    assert synth_profiles(100, seed=7) == synth_profiles(100, seed=7)
    assert synth_catalog(200, seed=7) != synth_catalog(200, seed=8)
    assert synth_profiles(100, seed=7) != synth_profiles(100, seed=8)


@pytest.mark.parametrize("n, m", [(1, 0), (37, 23), (250, 1)])
def test_the_counts_asked_for_are_the_counts_made(n, m):
    products = synth_catalog(n)
    assert len(products) == n and len(synth_profiles(m)) == m
    assert len({p["id"] for p in products}) == n
    for product in products:
        assert re.fullmatch(rf"{product['bank']}-s\d+", product["id"])
        assert {"id", "bank", "name", "eligibility"} <= product.keys()


def test_every_criterion_uses_a_known_field_a_documented_operator_and_a_typed_value(catalog):
    operators = documented_operators()
    assert {"==", ">=", "between", "in", "prefix", "contains"} <= operators
    problems = Counter()
    for product in catalog:
        for node in leaves(product["eligibility"]):
            assert node["op"] in operators, node
            problem = criterion_problem(node)
            if problem:
                problems[f"{problem}: {node}"] += 1
    assert not problems, problems.most_common(5)


def test_a_product_has_5_to_15_criteria_and_no_field_twice(catalog):
    sizes = Counter(len(p["eligibility"]["all"]) for p in catalog)
    assert min(sizes) >= 5 and max(sizes) <= 15
    assert len(sizes) >= 8  # a spread, not one fixed size
    for product in catalog:
        fields = [node["field"] for node in leaves(product["eligibility"])]
        assert len(fields) == len(set(fields)), product["id"]


def test_about_30_percent_national_and_every_province_has_regional_products(catalog):
    provinces = [product_province(p) for p in catalog]
    national = provinces.count(None) / len(catalog)
    assert 0.25 <= national <= 0.35
    regional = {code for code in provinces if code}
    assert regional == PROVINCE_CODES
    small = synth_catalog(60, seed=5)  # 42 regional products still reach every province
    assert {product_province(p) for p in small} - {None} == PROVINCE_CODES
    for product in catalog:
        for node in product["eligibility"]["all"]:
            if node.get("field") == "city_code":
                assert all(
                    re.fullmatch(r"\d{4}00", c) and not c.endswith("0000") for c in node["value"]
                )
                assert len({c[:2] for c in node["value"]}) == 1


def test_about_25_banks_and_a_regional_bank_stays_in_its_province():
    products = synth_catalog(3000)
    by_bank: dict[str, set] = {}
    for product in products:
        by_bank.setdefault(product["bank"], set()).add(product_province(product))
    assert 20 <= len(by_bank) <= 30
    regional_banks = [bank for bank, where in by_bank.items() if None not in where]
    assert len(regional_banks) >= 10
    for bank in regional_banks:
        assert len(by_bank[bank]) == 1, (bank, by_bank[bank])
    for product in products:  # the ids lead routing and bank_relationships know
        assert product["bank_name"] == bank_name(product["bank"])


def test_product_terms_are_well_formed(catalog):
    for product in catalog:
        terms = product["terms"]
        amount, term, rate = terms["amount"], terms["term_months"], terms["rate_pct"]
        assert all(
            type(v) is int for v in (*amount.values(), *term.values(), terms["approval_days"])
        )
        assert 0 < amount["min"] <= amount["max"] and 1 <= term["min"] <= term["max"]
        assert 0 < rate["min"] <= rate["max"] < 24
        assert all(round(v, 2) == v for v in rate.values())
        assert terms["collateral"] and set(terms["collateral"]) <= set(FIELDS["collateral"].choices)
        assert terms["channel"] in ("online", "offline", "both")
        assert terms["approval_days"] >= 1 and -100 <= terms["priority"] <= 100


# ------------------------------------------------------------ the profiles


def test_profiles_hold_posted_fields_of_their_own_type(profiles):
    for profile in profiles:
        assert profile.keys() <= POSTED_FIELDS.keys()
        for name, value in profile.items():
            f = FIELDS[name]
            if f.kind == LIST:
                assert isinstance(value, list) and all(isinstance(v, str) for v in value), name
            elif f.kind == DATE:
                date.fromisoformat(value)
            else:
                assert fits(f, value), (name, value)
        assert re.fullmatch(r"\d{6}", profile["region_code"])
        assert profile["region_code"][:2] + "0000" in PROVINCE_CODES
        assert re.fullmatch(r"[A-T](\d{4})?", profile["industry_code"])


def test_the_profile_schema_accepts_every_profile(profiles):
    for profile in profiles:
        loaded = load_profile(profile, as_of=EVALUATION_DATE)
        assert loaded.get("province_code") in PROVINCE_CODES


def test_profiles_carry_valid_credit_codes_of_their_region(profiles):
    for profile in profiles:
        code = profile["credit_code"]
        assert credit_code_valid(code), code
        assert code[2:8] == profile["region_code"]
    assert len({p["credit_code"] for p in profiles}) == len(profiles)
    tampered = profiles[0]["credit_code"][:17] + (
        "0" if profiles[0]["credit_code"][17] != "0" else "1"
    )
    assert not credit_code_valid(tampered)


def test_profiles_follow_realistic_mixes(profiles):
    established = [date.fromisoformat(p["established_on"]) for p in profiles]
    assert all(0 <= (EVALUATION_DATE - d).days <= 25 * 366 for d in established)
    assert len({d.year for d in established}) >= 20
    ratings = Counter(p.get("tax_credit_rating") for p in profiles)
    assert ratings["B"] + ratings["M"] > len(profiles) / 2
    assert ratings["A"] > ratings["C"] > 0 and ratings["D"] > 0
    provinces = Counter(p["region_code"][:2] for p in profiles)
    assert provinces["44"] > provinces["54"] and provinces["37"] > provinces["63"]
    assert len(provinces) >= 25
    sections = Counter(p["industry_code"][0] for p in profiles)
    assert {s for s, _ in sections.most_common(2)} == {"C", "F"}
    for flag in ("overdue_current", "dishonest_debtor", "tax_arrears", "high_tech"):
        values = [p[flag] for p in profiles if flag in p]
        assert 0 < sum(values) < len(values) / 4, flag
    incomplete = sum(len(p) < len(POSTED_FIELDS) for p in profiles) / len(profiles)
    assert 0.05 <= incomplete <= 0.2


def test_a_random_profile_matches_a_few_percent_of_the_catalog(catalog, profiles):
    facts = [derived(p) for p in profiles[:200]]
    products = catalog[:400]
    matched = sum(holds(p["eligibility"], f) is True for f in facts for p in products)
    rate = matched / (len(facts) * len(products))
    assert 0.03 <= rate <= 0.15, rate


# ------------------------------------------------------------ writing and the command


def test_written_files_read_back_as_the_catalog(tmp_path):
    products, profiles = synth_catalog(60, seed=4), synth_profiles(9, seed=4)
    written = write_catalog(tmp_path, products, profiles)
    assert (written.products, written.profiles) == (60, 9)
    assert written.banks == len({p["bank"] for p in products})
    for product in products:
        path = tmp_path / "rules" / product["bank"] / f"{product['id']}.yaml"
        text = path.read_text(encoding="utf-8")
        assert product["bank_name"] in text  # Chinese as-is, not \u escapes
        assert yaml.safe_load(text) == product
    assert len(list((tmp_path / "rules").rglob("*.yaml"))) == 60
    lines = (tmp_path / "profiles.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == profiles
    assert profiles[0]["name"] in lines[0]


def test_the_project_linter_accepts_the_written_catalog(tmp_path):
    write_catalog(tmp_path, synth_catalog(500, seed=2), [])
    report = lint(tmp_path / "rules")
    assert report.products == 500
    assert not report.problems, [str(p) for p in report.problems[:5]]


def test_writing_over_a_catalog_needs_replace_and_spares_real_rules(tmp_path):
    write_catalog(tmp_path, synth_catalog(5), [])
    with pytest.raises(CatalogDirError, match="already holds a catalog"):
        write_catalog(tmp_path, synth_catalog(3), [])
    write_catalog(tmp_path, synth_catalog(3), [], replace=True)
    assert len(list((tmp_path / "rules").rglob("*.yaml"))) == 3
    real = tmp_path / "rules" / "abc" / "abc-nashui-edai.yaml"
    real.parent.mkdir(parents=True, exist_ok=True)
    real.write_text("id: abc-nashui-edai\n", encoding="utf-8")
    with pytest.raises(CatalogDirError, match="abc-nashui-edai.yaml: not written by synth"):
        write_catalog(tmp_path, synth_catalog(3), [], replace=True)
    assert real.exists()


def test_ten_thousand_products_are_written_whole(tmp_path):
    # How long it takes is bench/match.py's to print; here: nothing lost at scale.
    written = write_catalog(tmp_path, synth_catalog(10_000), synth_profiles(500))
    assert written.products == 10_000
    assert sum(1 for _ in (tmp_path / "rules").rglob("*.yaml")) == 10_000


def cli() -> click.Group:
    group = click.Group("loanmatch")
    group.add_command(synth)
    return group


def test_the_command_writes_the_seeded_catalog_and_summarises(tmp_path):
    out = tmp_path / "bench"
    result = CliRunner().invoke(
        cli(), ["synth", "--products", "40", "--profiles", "7", "--seed", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    expected = synth_catalog(40, seed=3)
    banks = len({p["bank"] for p in expected})
    assert result.stdout.strip().splitlines()[-1] == (
        f"wrote 40 products from {banks} banks and 7 profiles to {out}"
    )
    written = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in (out / "rules").rglob("*.yaml")
    }
    assert written == {p["id"]: p for p in expected}
    lines = (out / "profiles.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == synth_profiles(7, seed=3)


def test_the_command_explains_bad_input_without_a_traceback(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli(), ["synth", "--products", "0", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--products" in result.output
    args = ["synth", "--products", "3", "--profiles", "0", "--out", str(tmp_path)]
    assert runner.invoke(cli(), args).exit_code == 0
    again = runner.invoke(cli(), args)
    assert again.exit_code == 1 and "already holds a catalog" in again.output
    assert "--force" in again.output
    assert "Traceback" not in again.output
    assert runner.invoke(cli(), [*args, "--force"]).exit_code == 0
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    clash = runner.invoke(cli(), ["synth", "--products", "3", "--out", str(blocker)])
    assert clash.exit_code in (1, 2) and str(blocker) in clash.output
