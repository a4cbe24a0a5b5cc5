"""Industries a product is for, or not for: 不支持房地产、金融业 → not prefix [K, J].

Industry names map to GB/T 4754-2017 codes: a section letter, or a division
when the wording is that narrow (钢铁 → C31).  A name counts only where the
sentence is about industries (…业, 行业, 从事, 不支持…), so that 金融机构 or
房地产抵押 are not read as industries.
"""

from __future__ import annotations

import re

from .criteria import criterion
from .text import Found, Segment, claim_excluding_words, in_zones, longest_matches, negative_zones

_NAMES: list[tuple[str, tuple[str, ...]]] = [
    (r"房地产(?:开发)?", ("K",)),
    (r"类金融|互联网金融|P2P|小额贷款|小贷|典当|融资担保|担保公司|融资租赁|证券|期货", ("J",)),
    (r"金融(?!机构|资产)", ("J",)),
    (r"建筑(?:施工|安装)?", ("E",)),
    (r"钢铁", ("C31",)),
    (r"水泥", ("C3011",)),
    (r"煤炭", ("B06",)),
    (r"制造", ("C",)),
    (r"批发(?:和|与|、|及)?零售|批发|零售|商贸", ("F",)),
    (r"住宿(?:和|与|、|及)?餐饮|餐饮|住宿|酒店", ("H",)),
    (r"农(?:、)?林(?:、)?牧(?:、)?渔|农业|种植|养殖", ("A",)),
    (r"采矿|矿产开采", ("B",)),
    (r"电力|燃气|热力", ("D",)),
    (r"交通运输|物流|运输|仓储", ("G",)),
    (r"信息传输|软件(?:和信息技术服务)?|信息技术", ("I",)),
    (r"租赁(?:和|与)?商务服务|商务服务", ("L",)),
    (r"科学研究(?:和技术服务)?|科技服务|技术服务", ("M",)),
    (r"水利|环境治理|公共设施管理", ("N",)),
    (r"居民服务", ("O",)),
    (r"教育|培训", ("P",)),
    (r"卫生|医疗", ("Q",)),
    (r"文化(?:、|和)?体育(?:和|、)?娱乐|娱乐|体育", ("R",)),
    (r"公共管理", ("S",)),
]
_SUFFIX = r"(?:行业|产业|业|类企业|类|企业|公司|领域)?"
_PATTERNS = [(re.compile(rf"(?:{name}){_SUFFIX}"), codes) for name, codes in _NAMES]
_CONTEXT = re.compile(
    r"行业|产业|领域|从事|不支持|不含|不包括|不包含|禁止|除.*外|除外|限于|仅限|属于|"
    r"准入|不涉及"
)
_NAMED_AS_INDUSTRY = re.compile(r"(?:业|行业|产业|类|类企业|企业|公司|领域)$")
# Policy categories (两高一剩, 限制类, 新增产能项目) have no fixed code list: industries named
# in them are examples (钢铁、焦化等"两高"行业), so reading them as codes would be wrong.
_POLICY = re.compile(r"两高|一剩|产能|限制类|淘汰类|落后|高污染|高耗能")


def read_industries(seg: Segment) -> list[Found]:
    masked = seg.masked()
    if _POLICY.search(seg.text):
        return []
    context = bool(_CONTEXT.search(seg.text))
    hits = [
        h
        for h in longest_matches(masked, _PATTERNS)
        if (context or _NAMED_AS_INDUSTRY.search(masked[h[0] : h[1]]))
        and not seg.is_protected(h[0], h[1])  # 农业银行 is a bank, not farming
        and not re.match(r"抵押|押|贷款|按揭", masked[h[1] : h[1] + 2])
    ]
    if not hits:
        return []
    zones = negative_zones(seg.text)
    included: list[str] = []
    excluded: list[str] = []
    for start, end, codes in hits:
        seg.claim(start, end)
        target = excluded if in_zones(zones, start, end) else included
        target.extend(c for c in codes if c not in target)
    claim_excluding_words(seg, zones, [(s, e) for s, e, _ in hits])
    nodes = []
    if included:
        nodes.append(criterion("industry_code", "prefix", included))
    if excluded:
        nodes.append({"not": criterion("industry_code", "prefix", excluded)})
    return [Found(hits[0][0], hits[-1][1], nodes)]
