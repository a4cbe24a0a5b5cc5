"""Reading one segment of a clause: every recogniser in turn, then what is left.

Recognisers claim the characters they explain.  Left-over words that carry no
condition (企业, 须, 的, 注册地…) are ignored; anything else means the segment
says more than the profile can express, and it goes to ``unparsed`` with the
criteria read so far named in the note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field

from .families import FAMILIES
from .flags import read_flags
from .grades import read_grades
from .industries import read_industries
from .kinds import read_kinds
from .measures import read_measures, read_windows
from .places import protect_bank_names, read_accounts, read_places
from .text import INCLUSION_RE, MASK, PAREN_RE, Found, Segment
from .wording import describe

# Words that state no condition of their own once the rest is read.
_FILLER = sorted(
    [
        "企业及企业主",
        "企业和企业主",
        "企业及其法定代表人",
        "企业及法定代表人",
        "企业法定代表人",
        "借款人及其配偶",
        "及其配偶",
        "配偶",
        "企业主",
        "借款企业",
        "借款人",
        "申请企业",
        "申请人",
        "法定代表人",
        "法人代表",
        "实际控制人",
        "实控人",
        "主要股东",
        "股东",
        "借款主体",
        "申请主体",
        "主体",
        "客户",
        "本人",
        "企业",
        "公司",
        "其",
        "须",
        "需",
        "需要",
        "应",
        "应当",
        "必须",
        "要求",
        "原则上",
        "且",
        "并且",
        "并",
        "同时",
        "及",
        "以及",
        "和",
        "与",
        "或",
        "或者",
        "均",
        "都",
        "为",
        "是",
        "有",
        "具有",
        "具备",
        "拥有",
        "在",
        "于",
        "的",
        "之",
        "等",
        "内",
        "期间",
        "记录",
        "情况",
        "合计",
        "累计",
        "总计",
        "名单",
        "次数",
        "金额",
        "注册地址",
        "注册地",
        "经营地址",
        "经营场所",
        "生产经营地",
        "注册",
        "成立",
        "位于",
        "所在地",
        "辖内",
        "辖区内",
        "辖区",
        "地区",
        "区域",
        "范围",
        "境内",
        "仅限",
        "限",
        "符合",
        "满足",
        "正常",
        "标准",
        "申请日",
        "申请时",
        "上述",
        "以上",
        "现",
        "已",
        "达",
        "达到",
        "整体",
        "经营",
        "持续",
        "从事",
        "主营",
        "依法登记注册",
        "依法注册登记",
        "依法设立",
        "依法",
        "登记",
        "属于",
        "经营者",
        "理事长",
        "之一",
        "获得",
        "取得",
        "生产经营",
        "行业",
        "行政区域内",
        "行政区域",
        "行政区划内",
        "行政区划",
        "在人民银行征信系统中",
        "人民银行征信系统",
        "人民银行",
        "征信系统",
        "人行征信",
        "征信报告中",
        "征信报告",
        "征信记录",
        "征信",
        "系统中",
        "个人征信",
        "企业征信",
        "人民币",
        "主要成员",
        "入选",
        "获评",
    ],
    key=len,
    reverse=True,
)
_FILLER_RE = re.compile("|".join(map(re.escape, _FILLER)))
_PUNCT_RE = re.compile(r"[\s、/\\\"“”'‘’():：~\-+·.,;。，；" + MASK + "]")
_HARMLESS_PAREN = re.compile(r"^\((?:[^()]*为准|[^()]*计算|下同|含本数|以下简称[^()]*)\)$")


@dataclass
class Reading:
    nodes: list[dict] = dc_field(default_factory=list)
    unread: str = ""  # the words left over, empty when the segment was read whole
    notes: list[str] = dc_field(default_factory=list)
    topic: object = None  # the last measure named, for the next segment of the clause


def read_segment(seg: Segment, own_bank: str | None, topic=None) -> Reading:
    """Criteria from ``seg``; ``topic`` is the measure the clause was last about
    (近3个月查询不超过4次，近6个月不超过8次: the second part bounds 查询 too)."""
    protect_bank_names(seg)
    found: list[Found] = []
    for m in PAREN_RE.finditer(seg.masked()):
        if _HARMLESS_PAREN.match(m.group()):
            seg.claim(m.start(), m.end())  # (以营业执照注册日期为准): how, not whether
    found += read_accounts(seg, own_bank)
    read_windows(seg)
    found += read_flags(seg)
    found += read_grades(seg)
    found += read_kinds(seg)
    found += read_industries(seg)
    found += read_places(seg)
    measured, notes = read_measures(seg, topic)
    found += measured
    _claim_qualifiers(seg, measured)
    nodes = _combine(seg, found)
    unread = _unread(seg)
    if not nodes and not notes and not unread and re.search(r"[\u4e00-\u9fff]", seg.text):
        unread = seg.original.strip()  # all small words, yet it must say something
    if unread and nodes and any(_alternative(seg.text[s:e]) for s, e in seg.leftover()):
        # 开立结算账户或代发工资: requiring the part we can read would turn away
        # firms that meet the other alternative.
        notes.append("an alternative has no profile field, so the clause is not read at all")
        nodes = []
    return Reading(nodes, unread, notes + seg.notes, topic=seg.topic)


_CONJUNCT = re.compile(r"并且|并|且|同时|以及")


def _alternative(run: str) -> bool:
    """An unread run offering another way to qualify (或代发工资), as opposed to a further
    requirement whose own wording has a 或 (并有结算、代发或存款往来)."""
    if "或" not in run or not _says_something(run):
        return False
    return not _CONJUNCT.search(run[: run.index("或")])


def _says_something(text: str) -> bool:
    return bool(_PUNCT_RE.sub("", _FILLER_RE.sub("", text)))


def _claim_qualifiers(seg: Segment, measured: list[Found]) -> None:
    """Parentheses that only restate what a read field already means (房贷、信用卡除外)."""
    if not measured:
        return
    qualifiers = [f.qualifiers for f in FAMILIES if f.qualifiers is not None]
    for m in PAREN_RE.finditer(seg.text):
        if INCLUSION_RE.fullmatch(m.group()):
            continue
        if any(q.search(m.group()) for q in qualifiers):
            seg.claim(m.start(), m.end())


_CONNECTIVES = r"并且|同时|以及|或者|且|并|及|和|与|或|为|是|的|须|需|应|在"
_EDGE_FILLER = re.compile(
    rf"^(?:{_CONNECTIVES}|{_PUNCT_RE.pattern})+|"
    rf"(?:并且|或者|且|并|及|和|与|或|{_PUNCT_RE.pattern})+$"
)


def _unread(seg: Segment) -> str:
    """The left-over wording that states something, trimmed of filler at its ends."""
    pieces = []
    for start, end in seg.leftover():
        if _says_something(seg.text[start:end]):
            pieces.append(
                _EDGE_FILLER.sub("", seg.original[start:end].strip())
                or seg.original[start:end].strip()
            )
    return "…".join(pieces)


# What may stand between two items of one list: the linking word, then at most
# words of the next item that are reported unread anyway (或科技型中小企业).
_LINK = re.compile(r"^\s*(、|/|或者|或|及|以及|和|与)[^且并同]*$")


def _combine(seg: Segment, found: list[Found]) -> list[dict]:
    """Criteria in reading order; a list closed by 或 (A、B或C) becomes an ``any`` group."""
    found = sorted(found, key=lambda f: f.start)
    chains: list[tuple[list[Found], list[str]]] = []  # items and the words linking them
    for f in found:
        if chains:
            gap = _LINK.match(seg.text[chains[-1][0][-1].end : f.start])
            if gap:
                chains[-1][0].append(f)
                chains[-1][1].append(gap.group(1))
                continue
        chains.append(([f], []))
    nodes: list[dict] = []
    for items, links in chains:
        if any(link.startswith("或") for link in links):
            nodes.append(
                {"any": [f.nodes[0] if len(f.nodes) == 1 else {"all": f.nodes} for f in items]}
            )
        else:
            for f in items:
                nodes.extend(f.nodes)
    return nodes


def note_for(reading: Reading) -> str:
    """Why a segment is left for review, and what of it was read."""
    parts = list(dict.fromkeys(reading.notes))
    if reading.unread:
        parts.append(f"no profile field for: {reading.unread}")
    if reading.nodes:
        parts.append("read as " + "; ".join(describe(n) for n in reading.nodes))
    return "; ".join(parts)
