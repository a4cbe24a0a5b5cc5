"""The data behind ``synth``: regions, banks, industries and the mixes of real sheets.

Kept apart from the generator so that the generator reads as logic; every figure here is a
share or a weight chosen to resemble the real catalog (see ``synth``'s docstring).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from product_catalog.banks import bank_name

# GB/T 2260: province, short name, population (millions, 2020 census), then prefecture
# cities (code, name, a few districts). A municipality lists its own xx0100 "city". An indented
# line continues the one above.
_REGIONS = """
11 北京 21.9 | 110100 北京 110101 110102 110105 110106 110108
12 天津 13.9 | 120100 天津 120101 120104 120116
13 河北 74.6 | 130100 石家庄 130102 130104; 130200 唐山 130202 130203; 130600 保定 130602 130606;
    131000 廊坊 131002 131003
14 山西 34.9 | 140100 太原 140105 140106; 140200 大同 140213
15 内蒙古 24.0 | 150100 呼和浩特 150102 150105; 150200 包头 150203
21 辽宁 42.6 | 210100 沈阳 210102 210103; 210200 大连 210202 210203
22 吉林 24.1 | 220100 长春 220102 220104; 220200 吉林 220202
23 黑龙江 31.9 | 230100 哈尔滨 230102 230103; 230200 齐齐哈尔 230202
31 上海 24.9 | 310100 上海 310101 310104 310115
32 江苏 84.7 | 320100 南京 320102 320115; 320200 无锡 320213; 320500 苏州 320505 320506; 321000 扬州 321002
33 浙江 64.6 | 330100 杭州 330102 330106; 330200 宁波 330203 330212; 330300 温州 330302
34 安徽 61.0 | 340100 合肥 340102 340104; 340200 芜湖 340202
35 福建 41.5 | 350100 福州 350102 350104; 350200 厦门 350203 350206; 350500 泉州 350502
36 江西 45.2 | 360100 南昌 360102 360111; 360700 赣州 360702
37 山东 101.5 | 370100 济南 370102 370103; 370200 青岛 370202 370212; 370600 烟台 370602; 370700 潍坊 370702
41 河南 99.4 | 410100 郑州 410102 410105; 410300 洛阳 410302 410311
42 湖北 57.8 | 420100 武汉 420102 420106 420111; 420500 宜昌 420502; 420600 襄阳 420602
43 湖南 66.4 | 430100 长沙 430102 430104; 430200 株洲 430202
44 广东 126.0 | 440100 广州 440103 440104 440106; 440300 深圳 440303 440304 440305;
    440600 佛山 440604 440606; 441900 东莞 441900
45 广西 50.1 | 450100 南宁 450102 450103; 450200 柳州 450202
46 海南 10.1 | 460100 海口 460105 460106; 460200 三亚 460202
50 重庆 32.1 | 500100 重庆 500101 500103 500106 500112
51 四川 83.7 | 510100 成都 510104 510105 510107; 510700 绵阳 510703; 511300 南充 511302
52 贵州 38.6 | 520100 贵阳 520102 520103; 520300 遵义 520302
53 云南 47.2 | 530100 昆明 530102 530103; 530300 曲靖 530302
54 西藏 3.6 | 540100 拉萨 540102; 540200 日喀则 540202
61 陕西 39.5 | 610100 西安 610102 610113; 610300 宝鸡 610302
62 甘肃 25.0 | 620100 兰州 620102 620103; 620500 天水 620502
63 青海 5.9 | 630100 西宁 630102 630104; 630200 海东 630202
64 宁夏 7.2 | 640100 银川 640104 640105; 640200 石嘴山 640202
65 新疆 25.9 | 650100 乌鲁木齐 650102 650103; 650200 克拉玛依 650203
"""
_MUNICIPALITIES = {"11", "12", "31", "50"}

# Bank id (as in product_catalog/banks.py), home province ("-" for a national bank), weight.
# Provinces without a bank of their own here get regional products from national banks'
# provincial branches, as Sichuan gets 建设银行's 减税云贷.
_BANKS = """
icbc - 10; ccb - 9; abc - 9; boc - 8; bocom - 5; psbc - 6; cmb - 5; cib - 3; citic - 3; spdb - 3
bob 11 1; bjrcb 11 1; bosc 31 1; srcb 31 1; jsbc 32 1; njcb 32 1; hzbank 33 1; nbcb 33 1
hsbank 34 1; tsbank 13 1; hebbank 13 1; cqcb 50 1; cqrcb 50 1; cdcb 51 1; cdrcb 51 1
"""

# GB/T 4754-2017 section, share of SMEs (percent), name word, sample classes.
_INDUSTRIES = """
C 24 机械制造 C1311 C1810 C2110 C2231 C2614 C2922 C3011 C3311 C3484 C3670
F 22 商贸 F5123 F5137 F5174 F5212 F5221 F5261 F5292
I 8 信息技术 I6511 I6513 I6531
E 8 建筑工程 E4710 E4813 E4910 E5011
G 7 物流 G5431 G5920
H 7 餐饮管理 H6110 H6210 H6220
L 7 商务咨询 L7111 L7211 L7241
M 4 技术服务 M7320 M7520
A 4 农业开发 A0111 A0141 A0311
O 3 家政服务 O8010 O8111
K 2 房地产开发 K7010 K7020 K7030
J 1 融资租赁 J6631 J6633
N 1 环境工程 N7721 N7820
R 1 文化传媒 R8930
D 0.5 能源 D4420 D4610
P 0.5 职业培训 P8391
"""
_BRANDS = [
    "鑫源",
    "恒通",
    "华盛",
    "宏达",
    "金鼎",
    "瑞丰",
    "德信",
    "永兴",
    "嘉禾",
    "博远",
    "天成",
    "众诚",
    "盛世",
    "新元",
    "海川",
    "远航",
    "锦程",
    "弘毅",
    "同创",
    "福润",
    "安泰",
    "中联",
    "启明",
    "长青",
    "和悦",
    "聚丰",
    "昌隆",
    "优品",
    "蓝海",
    "星辰",
]
_PRODUCT_HEADS = [
    "税",
    "银税",
    "纳税",
    "经营",
    "小微",
    "普惠",
    "发票",
    "流水",
    "科创",
    "商户",
    "诚信",
    "快",
]
_PRODUCT_TAILS = ["e贷", "易贷", "快贷", "云贷", "信用贷", "贷", "通", "融"]
_TAX_FLOORS = [5000, 10000, 10000, 20000, 30000, 50000, 100000, 200000]
_EXCLUDABLE = ["B", "C25", "C26", "C30", "C31", "C32", "N", "R"]
_COLLATERAL_SETS = [
    (["none"], 60),
    (["real_estate"], 15),
    (["guarantee"], 10),
    (["real_estate", "guarantee"], 6),
    (["receivables"], 5),
    (["equipment"], 4),
]
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class City(NamedTuple):
    code: str
    name: str
    districts: tuple


class Province(NamedTuple):
    code: str
    name: str
    population: float
    cities: tuple


class Bank(NamedTuple):
    id: str
    name: str
    home: str | None
    weight: float


def _read_regions() -> dict[str, Province]:
    provinces = {}
    for line in re.sub(r";\n\s+", "; ", _REGIONS).strip().splitlines():
        head, rest = line.split(" | ")
        code, name, population = head.split()
        cities = tuple(City(c[0], c[1], tuple(c[2:])) for c in map(str.split, rest.split("; ")))
        provinces[code + "0000"] = Province(code + "0000", name, float(population), cities)
    return provinces


def _read_bank(entry: str) -> Bank:
    bank_id, home, weight = entry.split()
    return Bank(bank_id, bank_name(bank_id), None if home == "-" else home + "0000", float(weight))


PROVINCES = _read_regions()
BANKS = [_read_bank(entry) for entry in re.split(r";|\n", _BANKS.strip())]
NATIONAL_BANKS = [b for b in BANKS if b.home is None]
_INDUSTRY_ROWS = [line.split() for line in _INDUSTRIES.strip().splitlines()]
_INDUSTRY_SHARES = [float(row[1]) for row in _INDUSTRY_ROWS]
