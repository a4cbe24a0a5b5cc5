"""Bank and place names as sheets and staff write them."""

import pytest

from matcher.vocabulary import regions
from product_catalog import banks


@pytest.mark.parametrize(
    "name,bank",
    [
        ("中国工商银行", "icbc"),
        ("工商银行", "icbc"),
        ("工行", "icbc"),
        ("中国银行", "boc"),
        ("中行", "boc"),
        ("中国农业银行", "abc"),
        ("农行", "abc"),
        ("建行", "ccb"),
        ("交通银行", "bocom"),
        ("邮储银行", "psbc"),
        ("中国邮政储蓄银行", "psbc"),
        ("招商银行", "cmb"),
        ("浦发银行", "spdb"),
        ("唐山银行", "tsbank"),
        ("唐山银行股份有限公司", "tsbank"),
        ("中国农业银行四川省分行", "abc"),
        ("河北省农村信用社", "hebnx"),
        ("上海农商银行", "srcb"),
        ("上海银行", "bosc"),
        ("成都农商银行", "cdrcb"),
        ("成都银行", "cdcb"),
        ("江苏农商行", "jsnx"),
    ],
)
def test_bank_ids(name, bank):
    assert banks.bank_id(name) == bank


def test_unknown_bank_has_no_id():
    assert banks.bank_id("长安银行") is None


def test_every_bank_has_a_distinct_id_and_name():
    names = [b.name for b in banks.BANKS.values()]
    assert len(set(names)) == len(names)
    assert all(banks.bank_name(i) for i in banks.BANKS)


def test_bank_names_containing_places_are_found_whole():
    assert [bank for _, _, bank in banks.mentions("在河北银行或上海农商银行开户")] == [
        "hebbank",
        "srcb",
    ]


@pytest.mark.parametrize(
    "name,code",
    [
        ("唐山", "130200"),
        ("唐山市", "130200"),
        ("四川省", "510000"),
        ("四川", "510000"),
        ("上海市", "310000"),
        ("上海市辖区", "310000"),
        ("河北省", "130000"),
        ("成都市", "510100"),
        ("南京", "320100"),
        ("苏州市", "320500"),
        ("浦东新区", "310115"),
        ("广西", "450000"),
        ("新疆维吾尔自治区", "650000"),
        ("凉山州", "513400"),
        ("深圳", "440300"),
        ("吉林", "220000"),
    ],
)
def test_region_codes(name, code):
    assert regions.region_code(name) == code


def test_all_provinces_and_listed_cities():
    provinces = [r for r in regions.REGIONS_BY_CODE.values() if r.level == regions.PROVINCE]
    assert len(provinces) == 31
    for prefix, count in (("13", 11), ("51", 21), ("32", 13)):
        cities = [
            r
            for r in regions.REGIONS_BY_CODE.values()
            if r.level == regions.CITY and r.code.startswith(prefix)
        ]
        assert len(cities) == count, prefix
    districts = [r for r in regions.REGIONS_BY_CODE.values() if r.level == regions.DISTRICT]
    assert len(districts) == 16 and all(r.code.startswith("3101") for r in districts)


def test_codes_are_gb_t_2260_shaped():
    for region in regions.REGIONS_BY_CODE.values():
        assert len(region.code) == 6 and region.code.isdigit()
        if region.level == regions.PROVINCE:
            assert region.code.endswith("0000")
        if region.level == regions.CITY:
            assert region.code.endswith("00") and not region.code.endswith("0000")


def test_find_regions_prefers_the_longest_name():
    assert [r.code for _, _, r in regions.find_regions("注册在四川省成都市或唐山")] == [
        "510000",
        "510100",
        "130200",
    ]
