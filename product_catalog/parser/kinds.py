"""Who may borrow: firm size (国标小微企业) and kind of entity (个体工商户).

Size words map to ``size_class`` under 工信部联企业〔2011〕300号 (中小企业 there
includes micro firms); entity words map to ``entity_type``.  "小微企业或个体工商户"
admits either, so both together become an ``any`` group.
"""

from __future__ import annotations

import re

from matcher.vocabulary.fields import SIZE_CLASSES

from .criteria import criterion
from .text import Found, Segment, claim_excluding_words, in_zones, longest_matches, negative_zones

_STANDARD = r"(?:国标|国家标准|符合国家标准的?|工信部标准|按国家标准划分的?|国家统计局标准)?"
_SIZES = [
    (
        re.compile(
            _STANDARD + r"(?:小微型?|小型微型|小型、微型|小型或微型|小型和微型)(?:企业)?(?:主)?"
        ),
        ("micro", "small"),
    ),
    (re.compile(_STANDARD + r"中小微型?(?:企业)?(?:主)?"), ("micro", "small", "medium")),
    (re.compile(_STANDARD + r"中小型?企业(?:主)?"), ("micro", "small", "medium")),
    (re.compile(_STANDARD + r"大中型企业"), ("medium", "large")),
    (re.compile(_STANDARD + r"小型企业"), ("small",)),
    (re.compile(_STANDARD + r"微型企业"), ("micro",)),
    (re.compile(_STANDARD + r"中型企业"), ("medium",)),
    (re.compile(_STANDARD + r"大型企业"), ("large",)),
]
_ENTITIES = [
    (re.compile(r"个体工商户|个体户"), ("individual_business",)),
    (re.compile(r"农民专业合作社|专业合作社|合作社"), ("cooperative",)),
    (re.compile(r"企业法人|法人企业"), ("enterprise",)),
    # 企业主或个体工商户: the owner of an enterprise, beside the other kind of borrower
    (
        re.compile(
            r"(?<![小微中大型])企业主(?=\s*(?:或者|或|、|/)\s*(?:个体工商户|个体户|农民专业合作社))"
            r"|(?<=个体工商户或)企业主|(?<=个体户或)企业主"
        ),
        ("enterprise",),
    ),
]
_ENTITY_ORDER = ("enterprise", "individual_business", "cooperative")


# An entity word followed by a measure names whom a threshold applies to
# (个体工商户经营满1年…, 企业成立满2年): a condition on a condition, left for review.
_SUBJECT_OF = re.compile(r"^(?:须|需|应|的)?(?:经营(?!者|户)|成立|注册|纳税|年龄|开票|销售|营业)")
# An entity word joined to a person names who a condition is about (合作社及理事长无当前逾期):
# it states no kind of borrower.
_NAMED_WITH = re.compile(
    r"^(?:及其?|和|与|或其?)(?:理事长|法定代表人|法人代表|经营者|实际控制人|实控人|负责人|"
    r"企业主|配偶|股东)"
)
# 科技型中小企业 is a registration (科技型中小企业评价入库) with its own size limits,
# not the 国标 size class: left for review rather than read as one.
_DESIGNATION_BEFORE = re.compile(r"(?:科技型|科创型|创新型|入库)$")


def read_kinds(seg: Segment) -> list[Found]:
    masked = seg.masked()
    zones = negative_zones(seg.text)
    hits = longest_matches(
        masked,
        [(p, ("size_class", v)) for p, v in _SIZES]
        + [(p, ("entity_type", v)) for p, v in _ENTITIES],
    )
    hits = [h for h in hits if not (h[2][0] == "entity_type" and _SUBJECT_OF.match(masked[h[1] :]))]
    hits = [
        h
        for h in hits
        if not (h[2][0] == "size_class" and _DESIGNATION_BEFORE.search(masked[: h[0]]))
    ]
    for start, end, (field, _values) in hits:
        if field == "entity_type" and _NAMED_WITH.match(masked[end:]):
            seg.claim(start, end)
    hits = [h for h in hits if not (h[2][0] == "entity_type" and _NAMED_WITH.match(masked[h[1] :]))]
    if not hits:
        return []
    wanted: dict[tuple[str, bool], set[str]] = {}
    for start, end, (field, values) in hits:
        seg.claim(start, end)
        wanted.setdefault((field, in_zones(zones, start, end)), set()).update(values)
    claim_excluding_words(seg, zones, [(s, e) for s, e, _ in hits])
    nodes = []
    for (field, excluded), chosen in wanted.items():
        order = SIZE_CLASSES if field == "size_class" else _ENTITY_ORDER
        nodes.append(
            criterion(field, "not_in" if excluded else "in", [v for v in order if v in chosen])
        )
    positive = [n for n in nodes if n["op"] == "in"]
    if len(positive) > 1:  # 小微企业或个体工商户: either kind of borrower
        nodes = [{"any": positive}] + [n for n in nodes if n["op"] != "in"]
    return [Found(hits[0][0], hits[-1][1], nodes)]
