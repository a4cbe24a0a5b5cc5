"""One notion of where a product lends: the pre-filter, the product list's region filter
and the documents all read Product's region criteria."""

from __future__ import annotations

import pytest

from matcher.engine.prefilter import RegionIndex
from matcher.vocabulary.regions import significant
from tests.support.products import product


def regional(*criteria):
    return product(
        {
            "all": [
                {"field": "legal_rep_age", "op": ">=", "value": 18},
                *({"field": f, "op": op, "value": v} for f, op, v in criteria),
            ]
        }
    )


@pytest.mark.parametrize(
    "code, expected",
    [("510000", "51"), ("510100", "5101"), ("510104", "510104"), ("500000", "50"), ("13", "13")],
)
def test_significant_drops_the_zero_padding(code, expected):
    assert significant(code) == expected


def test_the_filter_and_the_index_agree_on_every_place():
    products = [
        regional(),
        regional(("province_code", "==", "510000")),
        regional(("city_code", "in", ["130200", "320100"])),
        regional(("region_code", "prefix", ["3101"])),
        # both must hold: the tighter (fewer places) limits it
        regional(("province_code", "in", ["130000", "510000"]), ("city_code", "==", "130200")),
    ]
    index = RegionIndex(products)
    for place in ("510104", "130203", "130300", "320102", "310115", "440100"):
        listed = {i for i, p in enumerate(products) if p.available_in(place)}
        assert set(index.candidates({"region_code": place})) == listed, place
    assert products[0].region_prefixes is None and products[0].regions == ()
    assert products[4].region_prefixes == frozenset({"1302"})
    assert products[4].regions == ("130000", "510000", "130200")
    assert not products[4].available_in("510104")
