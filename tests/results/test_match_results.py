"""The result document users read: explanations, near misses, ranking, replayability, CLI."""

from __future__ import annotations

import json
import shutil
from datetime import date

from click.testing import CliRunner

from loanmatch_cli.main import main
from matcher.catalog import Catalog, load_catalog
from tests.support.paths import RULES
from tests.support.products import product

AS_OF = date(2026, 12, 1)


def c(field, op, value, **extra):
    return {"field": field, "op": op, "value": value, **extra}


def test_failed_criterion_message_reads_like_a_loan_officer():
    catalog = Catalog([product({"all": [c("years_in_business", ">=", 2)]}, pid="jyk")], "v")
    result = catalog.match({"established_on": "2025-04-20"}, as_of=AS_OF)
    (near,) = result.near_misses
    (failed,) = near.failed
    doc = failed.to_dict(values=result.values)
    assert doc["message"]["zh"] == "成立年限需满2年，当前1年7个月"
    assert doc["message"]["en"] == (
        "must have been in business for at least 2 years; it has been 1 year 7 months"
    )
    assert (doc["expected"], doc["actual"], doc["outcome"]) == (2, 1, "fail")


def test_money_and_ratio_are_shown_in_their_units():
    catalog = Catalog(
        [product({"all": [c("tax_paid_12m", ">=", 10000), c("debt_ratio", "<=", 0.8)]})], "v"
    )
    result = catalog.match({"tax_paid_12m": 8600, "debt_ratio": "0.85"}, as_of=AS_OF)
    messages = [
        f.to_dict(values=result.values)["message"]["zh"] for f in result.near_misses[0].failed
    ]
    assert messages == [
        "近12个月纳税总额需不低于1万元，当前8600元",
        "资产负债率需不超过80%，当前85%",
    ]


def test_label_replaces_the_generated_wording():
    rule = c("overdue_current", "==", False, label={"zh": "无当前逾期", "en": "nothing overdue"})
    catalog = Catalog([product({"all": [rule]})], "v")
    doc = catalog.match({"overdue_current": True}, as_of=AS_OF).to_dict(lang="zh")
    assert doc["near_misses"][0]["failed"][0]["message"] == "无当前逾期，当前有逾期"


def test_incomplete_names_the_posted_fields_to_ask_for():
    catalog = Catalog(
        [
            product(
                {
                    "all": [
                        c("years_in_business", ">=", 2),
                        c("size_class", "in", ["micro", "small"]),
                    ]
                }
            )
        ],
        "v",
    )
    doc = catalog.match({}, as_of=AS_OF).to_dict()
    (entry,) = doc["incomplete"]
    assert entry["missing_fields"] == [
        "established_on",
        "industry_code",
        "employees",
        "annual_revenue",
        "total_assets",
    ]


def test_near_misses_exclude_region_and_three_failures():
    products = [
        product(
            {"all": [c("province_code", "==", "510000"), c("tax_paid_12m", ">=", 1)]}, pid="sichuan"
        ),
        product(
            {
                "all": [
                    c("tax_paid_12m", ">=", 100),
                    c("legal_rep_age", "<=", 30),
                    c("employees", ">=", 50),
                ]
            },
            pid="three",
        ),
        product({"all": [c("tax_paid_12m", ">=", 100), c("legal_rep_age", "<=", 30)]}, pid="two"),
    ]
    result = Catalog(products, "v").match(
        {"region_code": "130203", "tax_paid_12m": 10, "legal_rep_age": 40, "employees": 3},
        as_of=AS_OF,
    )
    assert [r.product.id for r in result.near_misses] == ["two"]
    assert result.counts == {
        "products": 3,
        "eligible": 0,
        "ineligible": 3,
        "incomplete": 0,
        "near_misses": 1,
    }


def test_ranking_is_by_documented_score_with_deterministic_ties():
    def offer(pid, rate, max_amount):
        return product(
            {"all": [c("legal_rep_age", ">=", 18)]},
            pid=pid,
            terms={"amount": {"min": 10000, "max": max_amount}, "rate_pct": {"min": rate}},
        )

    catalog = Catalog(
        [
            offer("b", 4.0, 1000000),
            offer("a", 4.0, 1000000),
            offer("cheap", 3.0, 1000000),
            offer("small", 3.0, 100000),
        ],
        "v",
    )
    result = catalog.match({"legal_rep_age": 40, "requested_amount": 500000}, as_of=AS_OF)
    assert [m.product.id for m in result.matches] == ["cheap", "a", "b", "small"]
    top = result.matches[0]
    assert top.score_breakdown["amount_fit"] == 1.0
    assert result.matches[3].score_breakdown["amount_fit"] == 0.2
    assert top.score > result.matches[2].score


def test_catalog_version_changes_with_the_rules_and_results_carry_it(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    first = load_catalog(rules).version
    victim = sorted(rules.glob("tsbank/shuiyi-dai.yaml"))[0]
    victim.write_text(
        victim.read_text(encoding="utf-8").replace("value: 30000", "value: 20000"), encoding="utf-8"
    )
    second = load_catalog(rules)
    assert first != second.version and second.version.startswith("sha256:")
    doc = second.match({"legal_rep_age": 40}, as_of=AS_OF).to_dict()
    assert doc["catalog_version"] == second.version and doc["as_of"] == "2026-12-01"


def test_cli_match_json_lines_keeps_order_and_reports_bad_lines(tmp_path):
    lines = [
        json.dumps({"legal_rep_age": 40, "region_code": "130203"}),
        "{not json",
        json.dumps({"legal_rep_age": "forty"}),
        json.dumps({"region_code": "510104"}),
    ]
    runner = CliRunner()
    result = runner.invoke(
        main, ["match", "--profile", "-", "--as-of", "2026-12-01"], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert "catalog_version" in out[0] and "catalog_version" in out[3]
    assert out[1]["line"] == 2 and out[2]["line"] == 3
    assert "legal_rep_age" in out[2]["errors"]


def test_cli_match_sample_profile_prints_the_result_document():
    profile = RULES / "_profiles" / "tangshan-manufacturer.json"
    result = CliRunner().invoke(main, ["match", "--profile", str(profile), "--as-of", "2026-12-01"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) >= {
        "catalog_version",
        "as_of",
        "matches",
        "near_misses",
        "incomplete",
        "summary",
    }
    assert doc["matches"], "the Tangshan manufacturer qualifies for some product"
    first = doc["matches"][0]
    assert set(first) >= {"product_id", "bank", "name", "score", "score_breakdown", "criteria"}
    assert doc["summary"]["products"] == (
        doc["summary"]["eligible"] + doc["summary"]["ineligible"] + doc["summary"]["incomplete"]
    )


def test_failed_detail_of_an_eligible_product_is_empty_even_with_a_failing_alternative():
    either = {"any": [c("high_tech", "==", True), c("specialized_sme", "==", True)]}
    result = Catalog([product({"all": [either, c("legal_rep_age", ">=", 18)]})], "v").match(
        {"high_tech": False, "specialized_sme": True, "legal_rep_age": 40}, as_of=AS_OF
    )
    (match,) = result.matches
    assert match.to_dict(result.values, explain="failed")["criteria"] == []
    full = match.to_dict(result.values, explain="all")["criteria"]
    assert [x["outcome"] for x in full] == ["fail", "pass", "pass"]  # the unused alternative
    assert [o.relevant for o in match.outcomes] == [False, True, True]


def test_absurd_amounts_are_field_errors_not_overflows():
    from matcher.vocabulary.profile import ProfileError

    catalog = Catalog([product({"all": [c("legal_rep_age", ">=", 18)]})], "v")
    for field, value in (
        ("requested_amount", 10**400),
        ("tax_paid_12m", 10**16),
        ("requested_term_months", 601),
    ):
        try:
            catalog.match({"legal_rep_age": 40, field: value}, as_of=AS_OF)
        except ProfileError as exc:
            assert field in exc.errors
        else:
            raise AssertionError(f"{field}={value} was accepted")


def test_a_batch_gives_each_profile_the_answer_it_gets_alone():
    # match_many runs durable_rules ruleset by ruleset over the whole batch; every
    # document must be the one match() gives, rates and product limits included.
    from matcher.rulefile.product import read_product
    from matcher.rulefile.source import Location
    from product_catalog.synth import synth_catalog, synth_profiles

    products = [
        read_product(d, d["id"], Location(d["id"], 1, 1))[0] for d in synth_catalog(400, seed=3)
    ]
    catalog = Catalog(products, "v")
    assert catalog.ruleset_count > 3
    profiles = list(synth_profiles(25, seed=4)) + [{}]
    rates = [None, {products[0].id: 0.9}, {p.id: 0.1 for p in products[:50]}] * 9
    batch = catalog.match_many(profiles, as_of=AS_OF, approval_rates=rates[: len(profiles)])
    alone = [catalog.match(p, as_of=AS_OF, approval_rates=r) for p, r in zip(profiles, rates)]
    assert [b.to_dict(explain="all") for b in batch] == [a.to_dict(explain="all") for a in alone]
    assert sum(b.counts["eligible"] for b in batch) > 0
    some = [p.id for p in products[::7]]
    limited = catalog.match_many(profiles[:5], as_of=AS_OF, product_ids=some)
    assert [r.to_dict() for r in limited] == [
        catalog.match(p, as_of=AS_OF, product_ids=some).to_dict() for p in profiles[:5]
    ]
    assert all(m["product_id"] in some for r in limited for m in r.to_dict()["matches"])


def test_a_batch_needs_one_approval_rate_source_per_profile():
    import pytest

    catalog = Catalog([product({"all": [c("legal_rep_age", ">=", 18)]})], "v")
    with pytest.raises(ValueError, match="2 approval rates for 1 profiles"):
        catalog.match_many([{"legal_rep_age": 40}], as_of=AS_OF, approval_rates=[None, None])
