"""Bank ids and the Chinese names banks are called by.

Sheets, staff and customers name a bank several ways (中国工商银行, 工商银行, 工行);
the catalog needs one id per bank so that rule folders, lead routing and
``bank_relationships`` agree.  Add a bank here when ``loanmatch parse`` reports
an unknown bank name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    id: str
    name: str  # the registered name, used as bank_name in rule files
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


BANKS: dict[str, Bank] = {
    b.id: b
    for b in [
        Bank("icbc", "中国工商银行", ("工商银行", "工行")),
        Bank("ccb", "中国建设银行", ("建设银行", "建行")),
        Bank("abc", "中国农业银行", ("农业银行", "农行")),
        Bank("boc", "中国银行", ("中行",)),
        Bank("bocom", "交通银行", ("交行",)),
        Bank("psbc", "中国邮政储蓄银行", ("邮政储蓄银行", "邮储银行", "邮政银行", "邮储")),
        Bank("cmb", "招商银行", ("招行",)),
        Bank("cib", "兴业银行", ()),
        Bank("spdb", "上海浦东发展银行", ("浦发银行", "浦发")),
        Bank("citic", "中信银行", ()),
        Bank("cmbc", "中国民生银行", ("民生银行",)),
        Bank("ceb", "中国光大银行", ("光大银行",)),
        Bank("pab", "平安银行", ()),
        Bank("hxb", "华夏银行", ()),
        Bank("cgb", "广发银行", ("广东发展银行",)),
        Bank("czb", "浙商银行", ()),
        Bank("cbhb", "渤海银行", ()),
        Bank("egb", "恒丰银行", ()),
        Bank("bob", "北京银行", ()),
        Bank("nbcb", "宁波银行", ()),
        Bank("hzbank", "杭州银行", ()),
        Bank("hsbank", "徽商银行", ()),
        Bank("cqcb", "重庆银行", ()),
        Bank("mybank", "浙江网商银行", ("网商银行",)),
        Bank("webank", "深圳前海微众银行", ("微众银行",)),
        Bank("tsbank", "唐山银行", ()),
        Bank("hebbank", "河北银行", ()),
        Bank("cdcb", "成都银行", ()),
        Bank("jsbc", "江苏银行", ()),
        Bank("njcb", "南京银行", ()),
        Bank("bosc", "上海银行", ()),
        Bank("srcb", "上海农商银行", ("上海农村商业银行",)),
        Bank("cdrcb", "成都农商银行", ("成都农村商业银行",)),
        Bank("bjrcb", "北京农商银行", ("北京农村商业银行",)),
        Bank("cqrcb", "重庆农村商业银行", ("重庆农商银行",)),
        Bank(
            "hebnx",
            "河北省农村信用社",
            ("河北省农村信用社联合社", "河北农信", "河北省农信社", "河北农村信用社"),
        ),
        Bank("jsnx", "江苏农商行", ("江苏农商银行", "江苏省农村信用社联合社", "江苏农信")),
        # City and rural banks of further provinces (浙江, 福建, 广东, 山东, 河南, 湖北, 湖南,
        # 安徽, 陕西, 重庆, 云南, 辽宁).
        Bank("tzbank", "台州银行", ()),
        Bank(
            "zjrcu",
            "浙江农商联合银行",
            ("浙江农村商业联合银行", "浙江省农村信用社联合社", "浙江农信"),
        ),
        Bank("xmbank", "厦门银行", ()),
        Bank("fjnx", "福建省农村信用社", ("福建省农村信用社联合社", "福建农信")),
        Bank("grcb", "广州农村商业银行", ("广州农商银行", "广州农商行")),
        Bank("dgcb", "东莞银行", ()),
        Bank("qlbank", "齐鲁银行", ()),
        Bank("qdbank", "青岛银行", ()),
        Bank("sdnx", "山东省农村信用社", ("山东省农村信用社联合社", "山东农信")),
        Bank("zzbank", "郑州银行", ()),
        Bank("zybank", "中原银行", ()),
        Bank("hankou", "汉口银行", ()),
        Bank("hubeinx", "湖北省农村信用社", ("湖北省农村信用社联合社", "湖北农信")),
        Bank("cscb", "长沙银行", ()),
        Bank("hunannx", "湖南省农村信用社", ("湖南省农村信用社联合社", "湖南农信")),
        Bank("ahnx", "安徽省农村信用社", ("安徽省农村信用社联合社", "安徽农金", "安徽农信")),
        Bank("xacb", "西安银行", ()),
        Bank("shaanxinx", "陕西省农村信用社", ("陕西省农村信用社联合社", "陕西信合", "陕西农信")),
        Bank("fudian", "富滇银行", ()),
        Bank("shengjing", "盛京银行", ()),
    ]
}

_BY_NAME: dict[str, str] = {n: b.id for b in BANKS.values() for n in b.names}

# Full names are searched for anywhere in running text.  Two-character
# abbreviations (中行, 工行) also occur inside ordinary words (其中行业, 施工行业),
# so callers search for them only where the wording names a bank (在中行开立…).
_FULL_NAMES = sorted((n for n in _BY_NAME if len(n) > 2), key=len, reverse=True)
_ALL_NAMES = sorted(_BY_NAME, key=len, reverse=True)
FULL_NAME_RE = re.compile("|".join(map(re.escape, _FULL_NAMES)))
ANY_NAME_PATTERN = "|".join(map(re.escape, _ALL_NAMES))

# Words for "this bank" in a sheet's own conditions (在我行开立结算账户; a rural credit
# cooperative says 本社 / 本联社).
OWN_BANK_WORDS = ("我行", "本行", "本联社", "我联社", "本社", "我社")

_SUFFIX_RE = re.compile(r"(股份有限公司|有限责任公司|有限公司)$")


def bank_id(name: str) -> str | None:
    """The id of the bank called ``name``, or None when no table entry fits.

    A branch or a registered company name (中国农业银行四川省分行, 唐山银行股份有限公司)
    belongs to the bank whose name it starts with.
    """
    name = _SUFFIX_RE.sub("", name.strip())
    if name in _BY_NAME:
        return _BY_NAME[name]
    for known in _ALL_NAMES:
        if name.startswith(known):
            return _BY_NAME[known]
    return None


def bank_name(bank: str) -> str:
    """The registered Chinese name of bank id ``bank``; KeyError when unknown."""
    return BANKS[bank].name


def id_for_mention(name: str) -> str:
    """The id for a name matched by ``ANY_NAME_PATTERN`` or ``FULL_NAME_RE``."""
    return _BY_NAME[name]


def mentions(text: str) -> list[tuple[int, int, str]]:
    """Full bank names in running text, as (start, end, bank id)."""
    return [(m.start(), m.end(), _BY_NAME[m.group()]) for m in FULL_NAME_RE.finditer(text)]
