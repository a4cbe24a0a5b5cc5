"""Where a firm must be, and which bank it must already bank with.

Place names become ``province_code`` / ``city_code`` / ``region_code``
criteria (注册在四川省 → province_code == "510000"; several places → ``in``;
除成都市外 → ``not_in``).  在中行开立结算账户 becomes ``bank_relationships
contains boc``; 我行/本行 is the sheet's own bank.  Bank names are read first,
because many contain place names (河北银行, 上海农商银行).
"""

from __future__ import annotations

import re

from matcher.vocabulary import regions
from product_catalog import banks

from .criteria import criterion
from .text import Found, Segment, claim_excluding_words, in_zones, negative_zones

_BANK = rf"(?P<bank>{banks.ANY_NAME_PATTERN}|{'|'.join(banks.OWN_BANK_WORDS)})"
_ACCOUNT = r"(?:对公)?(?:基本|一般)?(?:存款|结算)?(?:账户|帐户|户)"
_ACCOUNT_RE = [
    re.compile(rf"(?:在|于){_BANK}(?:开立|开设|开有|开户|设立|办理)(?:了|有)?(?:{_ACCOUNT})?"),
    re.compile(rf"(?:在|于){_BANK}(?:有|持有|拥有)(?:{_ACCOUNT})"),
    re.compile(
        rf"{_BANK}的?(?:对公)?(?:基本户|基本账户|结算账户|结算户|结算客户|对公结算客户|存款客户)"
    ),
    re.compile(rf"(?:基本户|基本账户|结算账户|对公账户)(?:开立|开设)?(?:在|于){_BANK}"),
]
_NATIONWIDE = re.compile(r"全国(?:范围)?(?:内)?|不限地区|不限区域")


def read_accounts(seg: Segment, own_bank: str | None) -> list[Found]:
    found = []
    for pattern in _ACCOUNT_RE:
        for m in pattern.finditer(seg.masked()):
            name = m.group("bank")
            bank = own_bank if name in banks.OWN_BANK_WORDS else banks.id_for_mention(name)
            if bank is None:
                continue
            seg.claim(m.start(), m.end())
            found.append(
                Found(m.start(), m.end(), [criterion("bank_relationships", "contains", bank)])
            )
    return found


def protect_bank_names(seg: Segment) -> None:
    """Keep place names inside bank names (河北银行) from being read as places."""
    seg.protected.extend((s, e) for s, e, _ in banks.mentions(seg.text))


def read_places(seg: Segment) -> list[Found]:
    masked = seg.masked()
    for m in _NATIONWIDE.finditer(masked):
        seg.claim(m.start(), m.end())
    hits = [h for h in regions.find_regions(masked) if not seg.is_protected(h[0], h[1])]
    if not hits:
        return []
    zones = negative_zones(seg.text)
    claim_excluding_words(seg, zones, [(s, e) for s, e, _ in hits])
    for start, end, _ in hits:
        seg.claim(start, end)
    excluded = {(s, e): in_zones(zones, s, e) for s, e, _ in hits}
    groups: dict[tuple[str, bool], list[str]] = {}
    for i, (start, end, place) in enumerate(hits):
        following = hits[i + 1] if i + 1 < len(hits) else None
        if (
            place.level == regions.PROVINCE
            and following
            and following[0] == end
            and following[2].code[:2] == place.code[:2]
        ):
            continue  # 江苏省南京市: the city says where, the province only names its province
        codes = groups.setdefault((place.field, excluded[(start, end)]), [])
        if place.code not in codes:
            codes.append(place.code)
    nodes, positive = [], []
    for (field, is_excluded), codes in groups.items():
        if is_excluded:
            nodes.append(criterion(field, "not_in", codes))
        else:
            positive.append(
                criterion(field, "==", codes[0])
                if len(codes) == 1
                else criterion(field, "in", codes)
            )
    if len(positive) > 1:  # 四川省或唐山市: a province and a city, either will do
        nodes.insert(0, {"any": positive})
    else:
        nodes[:0] = positive
    return [Found(hits[0][0], hits[-1][1], nodes)]
