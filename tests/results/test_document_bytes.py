"""The bytes a client receives are the result document, whichever way they are made.

``document.to_json`` assembles answers from pieces prepared at load;
``MatchResult.to_dict`` builds the document as a dict and is its definition. For
many profiles (synthetic ones, the sample ones, empty and partial ones) and every
option (explain none/failed/all, lang, top), with and without approval rates, the
two must be the same bytes.
"""

from __future__ import annotations

import json
from datetime import date

import orjson
import pytest

from matcher.catalog import Catalog, load_catalog
from matcher.results.document import dumps, to_json
from matcher.rulefile.product import read_product
from matcher.rulefile.source import Location
from product_catalog.synth import synth_catalog, synth_profiles
from tests.support.paths import RULES, SAMPLE_PROFILES
from tests.support.products import product

AS_OF = date(2026, 12, 1)
OPTIONS = [
    (explain, lang, top)
    for explain in ("none", "failed", "all")
    for lang in (None, "zh", "en")
    for top in (None, 0, 7)
]


def _profiles() -> list[dict]:
    profiles = list(synth_profiles(40, seed=11))
    common = ("region_code", "tax_credit_rating", "established_on", "industry_code")
    profiles += [{k: v for k, v in p.items() if k not in common} for p in profiles[:6]]
    profiles += [json.loads(path.read_text(encoding="utf-8")) for path in SAMPLE_PROFILES]
    return profiles + [{}]


@pytest.fixture(scope="module")
def synthetic():
    products = [
        read_product(d, d["id"], Location(d["id"], 1, 1))[0] for d in synth_catalog(400, seed=5)
    ]
    return Catalog(products, "v")


def _same_bytes(catalog, profiles, rates=None):
    shown = 0
    for number, profile in enumerate(profiles):
        rate = rates(number) if rates else None
        answered = catalog.match(profile, as_of=AS_OF, approval_rates=rate)
        for explain, lang, top in OPTIONS:
            # one result written every way; the reference made afresh each time
            fast = to_json(answered, explain, lang, top)
            slow = dumps(
                catalog.match(profile, as_of=AS_OF, approval_rates=rate).to_dict(explain, lang, top)
            )
            assert fast == slow, (number, explain, lang, top)
            shown += len(orjson.loads(fast)["matches"])
    return shown


def test_synthetic_catalog_every_option(synthetic):
    assert _same_bytes(synthetic, _profiles()) > 1000


def test_with_and_without_approval_rates(synthetic):
    ids = [p.id for p in synthetic.products]
    rates = [
        None,
        {ids[0]: 0.9, ids[5]: 0.123456789},
        dict.fromkeys(ids[:9], 1 / 3),
    ]
    assert _same_bytes(synthetic, _profiles()[:12], lambda n: rates[n % 3]) > 0


def test_the_shipped_catalog_and_its_sample_profiles():
    catalog = load_catalog(RULES)
    profiles = [json.loads(path.read_text(encoding="utf-8")) for path in SAMPLE_PROFILES]
    assert _same_bytes(catalog, profiles + [{}]) > 0


def test_after_the_results_were_handed_out():
    # ``matches`` made (and perhaps changed by a caller) first: the bytes follow them
    catalog = Catalog(
        [
            product({"all": [{"field": "legal_rep_age", "op": ">=", "value": 18}]}, pid=f"p{i}")
            for i in range(5)
        ],
        "v",
    )
    result = catalog.match({"legal_rep_age": 40}, as_of=AS_OF)
    result.matches[0].score = 1.5
    assert to_json(result) == dumps(result.to_dict())
    assert orjson.loads(to_json(result))["matches"][0]["score"] == 1.5


def test_text_that_looks_like_a_marker_is_written_as_it_is():
    odd = product(
        {"all": [{"field": "legal_rep_age", "op": ">=", "value": 18}]},
        pid="odd",
        name="\x00score\x00 贷",
    )
    plain = product({"all": [{"field": "legal_rep_age", "op": ">=", "value": 18}]}, pid="plain")
    missed = product(
        {"all": [{"field": "legal_rep_age", "op": ">=", "value": 50}]},
        pid="missed",
        name="\x00rows\x00",
    )
    result = Catalog([odd, plain, missed], "v").match({"legal_rep_age": 40}, as_of=AS_OF)
    assert [r.product.id for r in result.near_misses] == ["missed"]
    for explain in ("none", "failed"):
        assert to_json(result, explain) == dumps(result.to_dict(explain))
    names = {m["product_id"]: m["name"] for m in orjson.loads(to_json(result))["matches"]}
    assert names == {"odd": "\x00score\x00 贷", "plain": "plain"}


def test_a_failure_row_whose_label_looks_like_a_marker_is_written_as_it_is():
    marked = product(
        {
            "all": [
                {
                    "field": "legal_rep_age",
                    "op": ">=",
                    "value": 50,
                    "label": {"zh": "\x00said\x00 年龄", "en": "\x00actual\x00"},
                },
                {"field": "legal_rep_age", "op": "<=", "value": 30, "source": "\x00said\x00"},
            ]
        },
        pid="marked",
    )
    result = Catalog([marked], "v").match({"legal_rep_age": 40}, as_of=AS_OF)
    assert [r.product.id for r in result.near_misses] == ["marked"]
    for lang in (None, "zh", "en"):
        assert to_json(result, "failed", lang) == dumps(result.to_dict("failed", lang))
    (row, other) = orjson.loads(to_json(result))["near_misses"][0]["failed"]
    assert row["label"] == {"zh": "\x00said\x00 年龄", "en": "\x00actual\x00"}
    assert (row["actual"], other["actual"], other["source"]) == (40, 40, "\x00said\x00")


def test_an_unknown_explain_level_is_refused(synthetic):
    with pytest.raises(ValueError, match="explain must be one of"):
        to_json(synthetic.match({}, as_of=AS_OF), "most")
