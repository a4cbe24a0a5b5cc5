"""``loanmatch impact``: per changed product, the firms that gain and lose eligibility,
equal to matching every firm under both catalogs."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from click.testing import CliRunner

from loanmatch_cli.main import main
from matcher import load_catalog
from screening.firmbase import from_checked
from screening.impact import changed_products, impact
from screening.synth import synth_firms
from screening.validate import check_table
from tests.support.firms import profiles_of
from tests.support.paths import RULES

AS_OF = date(2026, 12, 1)


@pytest.fixture
def edited(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(RULES, old)
    shutil.copytree(RULES, new)
    rule = new / "icbc" / "jingying-kuaidai.yaml"
    rule.write_text(
        rule.read_text(encoding="utf-8").replace("value: 20000", "value: 10000"), encoding="utf-8"
    )
    tight = new / "boc" / "diyadai.yaml"
    text = tight.read_text(encoding="utf-8")
    assert "value: [18, 65]" in text
    tight.write_text(text.replace("value: [18, 65]", "value: [18, 55]", 1), encoding="utf-8")
    (new / "abc" / "weijie-dai.yaml").unlink()
    rate = new / "icbc" / "jingying-kuaidai.yaml"  # terms only: no eligibility change
    rate.write_text(
        rate.read_text(encoding="utf-8").replace("rate_pct: {min: 3.45}", "rate_pct: {min: 3.35}"),
        encoding="utf-8",
    )
    return old, new


def _eligible(catalog, profiles, ids):
    out = {}
    for firm, profile in profiles:
        result = catalog.match(profile, as_of=AS_OF, product_ids=ids, list_limit=0)
        out[firm] = {r.product.id for r in result.matches}
    return out


def test_gained_and_lost_equal_matching_under_both_catalogs(edited):
    old, new = load_catalog(edited[0]), load_catalog(edited[1])
    changes = changed_products(old.products, new.products)
    assert {(c.product_id, c.change) for c in changes} == {
        ("icbc-jingying-kuaidai", "changed"),
        ("boc-diyadai", "changed"),
        ("abc-weijie-dai", "removed"),
    }
    base = from_checked(check_table(synth_firms(3_000, seed=12), AS_OF))
    changes = impact(base, changes, AS_OF)
    ids = [c.product_id for c in changes]
    profiles = profiles_of(base)
    before = _eligible(old, profiles, ids)
    after = _eligible(new, profiles, [i for i in ids if i in new.by_id])
    for change in changes:
        gained = sum(1 for f in before if change.product_id in after[f] - before[f])
        lost = sum(1 for f in before if change.product_id in before[f] - after[f])
        assert change.counts == {"gained": gained, "lost": lost}, change.product_id
        by_city = change.segments["city_code"]
        assert sum(v["gained"] for v in by_city.values()) == gained
    counts = {c.product_id: c.counts for c in changes}
    assert counts["icbc-jingying-kuaidai"]["gained"] > 0 == counts["icbc-jingying-kuaidai"]["lost"]
    assert counts["boc-diyadai"]["lost"] > 0 == counts["boc-diyadai"]["gained"]
    assert counts["abc-weijie-dai"]["gained"] == 0


def test_impact_command_prints_a_line_per_changed_product(edited, tmp_path):
    firms = tmp_path / "firms.parquet"
    import pyarrow.parquet as pq

    pq.write_table(synth_firms(1_000, seed=1), firms)
    out = tmp_path / "impact.json"
    result = CliRunner().invoke(
        main,
        [
            "impact",
            str(edited[0]),
            str(edited[1]),
            "--firms",
            str(firms),
            "--as-of",
            "2026-12-01",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3 and any(
        line.startswith("icbc-jingying-kuaidai (changed): +") for line in lines
    )
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {p["product_id"] for p in doc["products"]} == {
        "icbc-jingying-kuaidai",
        "boc-diyadai",
        "abc-weijie-dai",
    }
    missing = CliRunner().invoke(
        main,
        [
            "impact",
            str(edited[0]),
            "sha256:ffff",
            "--firms",
            str(firms),
            "--versions-dir",
            str(tmp_path / "none"),
        ],
    )
    assert missing.exit_code == 2 and "sha256:ffff" in missing.stderr
