"""The starter catalog in rules/: lint-clean, large enough, faithful to its sheets.

Most products in rules/ are parsed from product_catalog/sheets/<bank>/<slug>.txt
(their ``source:`` names the sheet) and reviewed.  Each sheet comes with a profile
the product must accept; the committed rule file must be exactly what the parser
writes from the sheet today, so a parser change that alters the catalog fails
here and is looked at, instead of drifting unnoticed.  To accept such a change:

    python -m loanmatch_cli parse product_catalog/sheets --out rules

The last part reads the wording of the catalog's sheets phrase by phrase: each
row is a clause met while reviewing the catalog, with the criterion it means.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from loanmatch_cli.main import main
from matcher import load_catalog
from matcher.authoring.lint import lint
from matcher.catalog import rule_files
from matcher.vocabulary.profile import load_profile
from tests.support.parser_shapes import leaves
from tests.support.paths import REPO, RULES, SAMPLE_PROFILE_NAMES

SHEETS = REPO / "product_catalog" / "sheets"
PROFILES = RULES / "_profiles"
AS_OF = date(2026, 12, 1)


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _from_sheet(path: Path) -> Path | None:
    """The sheet a rule file was parsed from, or None for a hand-written product."""
    source = _load(path).get("source")
    if source and source.startswith("product_catalog/sheets/"):
        return REPO / source
    return None


PRODUCT_FILES = rule_files(RULES)
SHEET_PRODUCTS = [p for p in PRODUCT_FILES if _from_sheet(p) is not None]
SHEET_FILES = sorted(SHEETS.glob("*/*.txt"))


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(RULES)


# --- the catalog as a whole ---------------------------------------------------------


def test_catalog_lints_clean_with_at_least_40_products_from_12_banks():
    report = lint(RULES)
    assert report.ok, "\n".join(str(p) for p in report.errors)
    banks = {_load(p)["bank"] for p in PRODUCT_FILES}
    assert report.products >= 40, f"only {report.products} products in rules/"
    assert len(banks) >= 12, f"only {len(banks)} banks in rules/: {sorted(banks)}"


def test_every_sheet_has_its_rule_file_and_every_parsed_file_its_sheet():
    parsed_from = {_from_sheet(p) for p in SHEET_PRODUCTS}
    missing = [_rel(s) for s in SHEET_FILES if s not in parsed_from]
    assert not missing, f"sheets with no rule file in rules/ (run `loanmatch parse`): {missing}"
    gone = [_rel(p) for p in SHEET_PRODUCTS if not _from_sheet(p).is_file()]
    assert not gone, f"rule files whose sheet no longer exists: {gone}"


@pytest.mark.parametrize("path", PRODUCT_FILES, ids=_rel)
def test_every_criterion_quotes_the_clause_it_came_from(path):
    unquoted = [
        f"{n['field']} {n['op']}"
        for n in leaves(_load(path)["eligibility"])
        if not str(n.get("source") or "").strip()
    ]
    assert not unquoted, f"{_rel(path)}: criteria without source: {unquoted}"


# --- each product accepts the profile written with its sheet ------------------------


@pytest.mark.parametrize("path", SHEET_PRODUCTS, ids=_rel)
def test_product_accepts_its_sheet_profile(path, catalog):
    sheet = _from_sheet(path)
    profile_path = sheet.with_name(sheet.stem + ".profile.json")
    profile = json.loads(profile_path.read_text(encoding="utf-8"))
    pid = _load(path)["id"]
    result = catalog.match(profile, as_of=AS_OF, product_ids=[pid], list_limit=None)
    if [m.product.id for m in result.matches] != [pid]:
        answer = next(
            (r for r in result.near_misses + result.incomplete if r.product.id == pid), None
        )
        why = (
            f"failed {[(o.criterion.field, o.op, o.criterion.value, o.actual) for o in answer.failed]}, "
            f"missing {answer.missing_fields}"
            if answer
            else ""
        )
        pytest.fail(f"{pid} does not accept {_rel(profile_path)}: {result.counts} {why}")


@pytest.mark.parametrize("path", SHEET_PRODUCTS, ids=_rel)
def test_scenario_base_profile_is_the_sheet_profile(path):
    """Scenario files start from rules/_profiles/<product-id>.json: it must stay the
    profile the sheet's author wrote, or the scenarios test something else."""
    sheet = _from_sheet(path)
    base = PROFILES / f"{_load(path)['id']}.json"
    assert base.is_file(), f"{_rel(base)} is missing: copy {sheet.stem}.profile.json there"
    own = json.loads(sheet.with_name(sheet.stem + ".profile.json").read_text(encoding="utf-8"))
    assert json.loads(base.read_text(encoding="utf-8")) == own


@pytest.mark.parametrize("name", SAMPLE_PROFILE_NAMES)
def test_the_sample_profiles_are_available_as_bases(name):
    base = PROFILES / f"{name}.json"
    assert base.is_file(), f"{_rel(base)} is missing"
    posted = json.loads(base.read_text(encoding="utf-8"))
    assert set(posted) <= set(load_profile(posted, as_of=AS_OF).values)


# --- the committed files are what the parser writes now -----------------------------


@pytest.fixture(scope="module")
def reparse(tmp_path_factory) -> tuple[Path, str]:
    """Every sheet parsed again with the command bank staff run (the sheets folder, whole),
    into a fresh folder; and what the command printed."""
    out = tmp_path_factory.mktemp("reparsed")
    with contextlib.chdir(REPO):  # sources are recorded as the relative paths given
        result = CliRunner().invoke(main, ["parse", _rel(SHEETS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture(scope="module")
def reparsed(reparse) -> Path:
    return reparse[0]


def test_parsing_the_sheets_folder_writes_one_rule_file_per_sheet(reparsed):
    written = sorted(
        p.relative_to(reparsed).with_suffix("").as_posix() for p in reparsed.glob("*/*.yaml")
    )
    assert written == sorted(s.relative_to(SHEETS).with_suffix("").as_posix() for s in SHEET_FILES)


@pytest.mark.parametrize(
    "doc,pattern",
    [
        ("README.md", r"(\d+) product sheets from (\d+) banks"),
        ("product_catalog/sheets/README.md", r"(\d+) sheets from (\d+) banks"),
    ],
)
def test_the_docs_state_how_many_sheets_and_banks_there_are(doc, pattern):
    stated = re.search(pattern, (REPO / doc).read_text(encoding="utf-8"))
    assert stated, f"{doc} no longer states how many sheets the catalog has"
    banks = {s.parent.name for s in SHEET_FILES}
    assert (int(stated.group(1)), int(stated.group(2))) == (len(SHEET_FILES), len(banks)), (
        f"{doc} says {stated.group()}; there are {len(SHEET_FILES)} sheets from {len(banks)} banks"
    )


@pytest.mark.parametrize("doc", ["product_catalog/sheets/README.md", "docs/rules.md"])
def test_the_docs_state_the_share_of_clauses_parsed_today(reparse, doc):
    share = re.search(
        r"\d+ of \d+ clauses parsed \(\d+\.\d%\)", reparse[1].splitlines()[-1]
    ).group()
    text = (REPO / doc).read_text(encoding="utf-8")
    stated = re.findall(r"\d+ of \d+ clauses parsed \(\d+\.\d%\)", text)
    assert stated == [share], (
        f"{doc} states {stated}; `loanmatch parse product_catalog/sheets` "
        f"now prints {share!r}: update the doc"
    )


@pytest.mark.parametrize("path", SHEET_PRODUCTS, ids=_rel)
def test_committed_rule_file_is_what_the_parser_writes_now(path, reparsed):
    fresh = reparsed / path.parent.name / path.name
    assert fresh.is_file(), f"parsing {_rel(_from_sheet(path))} no longer writes {path.name}"
    committed, now = path.read_text(encoding="utf-8"), fresh.read_text(encoding="utf-8")
    if committed != now:
        diff = "\n".join(
            difflib.unified_diff(
                committed.splitlines(),
                now.splitlines(),
                "committed",
                "parsed now",
                lineterm="",
                n=1,
            )
        )
        pytest.fail(
            f"{_rel(path)} differs from what the parser writes from its sheet; review "
            f"the change, then re-run `python -m loanmatch_cli parse "
            f"product_catalog/sheets --out rules`:\n{diff}"
        )


# --- the catalog's wording, phrase by phrase ----------------------------------------

from tests.support.parser_shapes import norm, read  # noqa: E402


def c(field, op, value):
    return (field, op, norm(value))


def either(*nodes):
    return {"any": list(nodes)}


SMALL = c("size_class", "in", ["micro", "small"])
SOLE_TRADER = c("entity_type", "in", ["individual_business"])

# Read whole: (clause, criteria) and nothing left for review.
READ = [
    # a month-count measure kept up over a window: the window is the count
    ("近24个月连续纳税", [c("tax_filing_months", ">=", 24)]),
    ("近两年连续正常纳税", [c("tax_filing_months", ">=", 24)]),
    ("近24个月连续开具增值税发票", [c("invoice_months", ">=", 24)]),
    ("近12个月按时缴纳水电费", [c("utility_months_paid", ">=", 12)]),
    ("近12个月水电气正常缴费", [c("utility_months_paid", ">=", 12)]),
    # negations of events
    ("无未结被执行案件", [c("enforcement_cases", "==", 0)]),
    ("近2年内未受到行政处罚", [c("admin_penalties_24m", "==", 0)]),
    # words that state no condition of their own
    ("企业属于国标小微企业", [SMALL]),
    ("借款人为依法登记注册的小微企业或个体工商户", [either(SMALL, SOLE_TRADER)]),
    (
        "行业不属于房地产业、金融业、采矿业",
        [{"not": c("industry_code", "prefix", ["K", "J", "B"])}],
    ),
    ("企业及企业主经营性信贷余额合计不超过500万元", [c("total_credit_balance", "<=", 5000000)]),
    ("近12个月海关进出口报关金额不低于500万元", [c("import_export_12m", ">=", 5000000)]),
    # other names for the legal representative
    ("经营者年龄18-65周岁", [c("legal_rep_age", "between", [18, 65])]),
    ("理事长(法定代表人)年龄18-65周岁", [c("legal_rep_age", "between", [18, 65])]),
    # qualifications
    ("为有效期内的高新技术企业", [c("high_tech", "==", True)]),
    (
        "具有高新技术企业或专精特新企业资质之一",
        [either(c("high_tech", "==", True), c("specialized_sme", "==", True))],
    ),
    # a second segment opening with 或 is another way to qualify
    (
        "上年度营业收入不低于300万元，或近一年营业收入增长率不低于20%",
        [either(c("annual_revenue", ">=", 3000000), c("revenue_growth", ">=", Decimal("0.2")))],
    ),
    (
        "拥有知识产权3项以上，或为高新技术企业",
        [either(c("ip_count", ">=", 3), c("high_tech", "==", True))],
    ),
    # two measures before one bound share it
    (
        "近12个月开票收入或上年度纳税申报收入不低于300万元",
        [either(c("invoice_revenue_12m", ">=", 3000000), c("annual_revenue", ">=", 3000000))],
    ),
    # an exclusive or an upper bound in years is exact only in months
    ("成立时间超过2年", [c("months_in_business", ">=", 25)]),
    ("成立不超过5年", [c("months_in_business", "<=", 60)]),
    # kinds of borrower
    ("借款人为企业主或个体工商户", [c("entity_type", "in", ["enterprise", "individual_business"])]),
    ("借款人为小微企业主或个体工商户经营者", [either(SMALL, SOLE_TRADER)]),
    ("合作社及理事长无当前逾期", [c("overdue_current", "==", False)]),  # whom, not which kind
]


@pytest.mark.parametrize("clause,expected", READ, ids=[r[0] for r in READ])
def test_catalog_wording_reads_as_criterion(clause, expected):
    criteria, unparsed = read(clause)
    assert criteria == expected
    assert unparsed == [], f"{clause!r} left for review: {unparsed}"


def test_own_cooperative_words_name_the_sheets_bank():
    criteria, unparsed = read("在本社开立结算账户", bank="河北省农村信用社")
    assert criteria == [c("bank_relationships", "contains", "hebnx")] and unparsed == []


# Read in part or not at all: (clause, criteria, words the note must name).
PARTLY = [
    # 农业银行 is a bank, not 农业 (farming)
    ("借款人为农业银行认定的核心企业上游供应商", [], "核心企业上游供应商"),
    # industries named as examples of a policy category are no industry list
    ('不属于钢铁、焦化等"两高"行业的新增产能项目', [], "两高"),
    # the owner's years in the trade are not the firm's age
    ("企业实际控制人从事本行业经营3年以上", [], "trade"),
    # a 或 inside a further requirement does not make the account an alternative
    (
        "企业及企业主在农业银行开立结算账户并有结算、代发或存款往来",
        [c("bank_relationships", "contains", "abc")],
        "往来",
    ),
    # 科技型中小企业 is a registration with its own limits, not the 国标 size class
    ("注册在上海市辖区的科技型中小企业", [c("province_code", "==", "310000")], "科技型中小企业"),
    # the certifying level has no field: read, but said
    ("获得省级及以上专精特新中小企业认定", [c("specialized_sme", "==", True)], "level"),
    (
        "企业为国家高新技术企业或省级以上专精特新中小企业",
        [either(c("high_tech", "==", True), c("specialized_sme", "==", True))],
        "level",
    ),
    # ip_count counts all kinds together
    ("拥有发明专利、实用新型专利或软件著作权合计3项以上", [c("ip_count", ">=", 3)], "ip_count"),
    # an alternative repeating the other is one criterion; the part without a field is said
    ("企业成立满1年，或个体工商户经营满1年", [c("years_in_business", ">=", 1)], "个体工商户"),
    # 或有负债 is a contingent liability, neither an alternative nor borrowing
    ("企业成立满2年，或有负债不超过100万元", [c("years_in_business", ">=", 2)], "contingent"),
    # an alternative with no field at all: neither is required
    ("属于国家高新技术企业或入库科技型中小企业", [], "alternative"),
    ("在本行开立结算账户，或代发工资", [], "代发工资"),
]


@pytest.mark.parametrize("clause,expected,named", PARTLY, ids=[p[0] for p in PARTLY])
def test_catalog_wording_read_in_part_reports_the_rest(clause, expected, named):
    criteria, unparsed = read(clause)
    assert criteria == expected
    assert unparsed and any(named in u["clause"] + u["note"] for u in unparsed), unparsed
