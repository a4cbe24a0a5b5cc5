"""GB/T 4754-2017 industries by name: the 20 sections (门类 A–T) and their 97 divisions (大类).

Rules test ``industry_code`` by prefix (``K``, ``C33``) and profiles carry a class code
(``C3311``); people read neither. Explanations, the report and the product pages name the
industry instead ("行业不属于房地产业、金融业", "金属制品业").
"""

from __future__ import annotations

import re

# section letter, zh | en, then its divisions as "NN zh | en" rows.
_TABLE = """
A 农、林、牧、渔业 | agriculture, forestry, animal husbandry and fishery
  01 农业 | farming
  02 林业 | forestry
  03 畜牧业 | animal husbandry
  04 渔业 | fishery
  05 农、林、牧、渔专业及辅助性活动 | support services to agriculture
B 采矿业 | mining
  06 煤炭开采和洗选业 | coal mining and washing
  07 石油和天然气开采业 | oil and natural gas extraction
  08 黑色金属矿采选业 | ferrous metal ore mining
  09 有色金属矿采选业 | non-ferrous metal ore mining
  10 非金属矿采选业 | non-metallic mineral mining
  11 开采专业及辅助性活动 | mining support services
  12 其他采矿业 | other mining
C 制造业 | manufacturing
  13 农副食品加工业 | agricultural and sideline food processing
  14 食品制造业 | food manufacturing
  15 酒、饮料和精制茶制造业 | liquor, beverages and refined tea
  16 烟草制品业 | tobacco products
  17 纺织业 | textiles
  18 纺织服装、服饰业 | textile garments and apparel
  19 皮革、毛皮、羽毛及其制品和制鞋业 | leather, fur, feathers and footwear
  20 木材加工和木、竹、藤、棕、草制品业 | wood, bamboo, rattan, palm and straw products
  21 家具制造业 | furniture
  22 造纸和纸制品业 | paper and paper products
  23 印刷和记录媒介复制业 | printing and reproduction of recorded media
  24 文教、工美、体育和娱乐用品制造业 | stationery, crafts, sports and toy products
  25 石油、煤炭及其他燃料加工业 | petroleum, coal and other fuel processing
  26 化学原料和化学制品制造业 | chemical raw materials and chemical products
  27 医药制造业 | pharmaceuticals
  28 化学纤维制造业 | chemical fibres
  29 橡胶和塑料制品业 | rubber and plastic products
  30 非金属矿物制品业 | non-metallic mineral products
  31 黑色金属冶炼和压延加工业 | ferrous metal smelting and rolling
  32 有色金属冶炼和压延加工业 | non-ferrous metal smelting and rolling
  33 金属制品业 | fabricated metal products
  34 通用设备制造业 | general-purpose machinery
  35 专用设备制造业 | special-purpose machinery
  36 汽车制造业 | motor vehicles
  37 铁路、船舶、航空航天和其他运输设备制造业 | rail, ships, aircraft, other transport equipment
  38 电气机械和器材制造业 | electrical machinery and equipment
  39 计算机、通信和其他电子设备制造业 | computers, communication and other electronic equipment
  40 仪器仪表制造业 | instruments and meters
  41 其他制造业 | other manufacturing
  42 废弃资源综合利用业 | recycling of waste resources
  43 金属制品、机械和设备修理业 | repair of metal products, machinery and equipment
D 电力、热力、燃气及水生产和供应业 | electricity, heat, gas and water supply
  44 电力、热力生产和供应业 | electricity and heat supply
  45 燃气生产和供应业 | gas supply
  46 水的生产和供应业 | water supply
E 建筑业 | construction
  47 房屋建筑业 | building construction
  48 土木工程建筑业 | civil engineering
  49 建筑安装业 | building installation
  50 建筑装饰、装修和其他建筑业 | building decoration and other construction
F 批发和零售业 | wholesale and retail trade
  51 批发业 | wholesale trade
  52 零售业 | retail trade
G 交通运输、仓储和邮政业 | transport, storage and post
  53 铁路运输业 | rail transport
  54 道路运输业 | road transport
  55 水上运输业 | water transport
  56 航空运输业 | air transport
  57 管道运输业 | pipeline transport
  58 多式联运和运输代理业 | multimodal transport and freight forwarding
  59 装卸搬运和仓储业 | handling and warehousing
  60 邮政业 | postal services
H 住宿和餐饮业 | accommodation and catering
  61 住宿业 | accommodation
  62 餐饮业 | catering
I 信息传输、软件和信息技术服务业 | information transmission, software and IT services
  63 电信、广播电视和卫星传输服务 | telecommunications, broadcasting and satellite transmission
  64 互联网和相关服务 | internet and related services
  65 软件和信息技术服务业 | software and IT services
J 金融业 | finance
  66 货币金融服务 | monetary and financial services
  67 资本市场服务 | capital market services
  68 保险业 | insurance
  69 其他金融业 | other financial activities
K 房地产业 | real estate
  70 房地产业 | real estate
L 租赁和商务服务业 | leasing and business services
  71 租赁业 | leasing
  72 商务服务业 | business services
M 科学研究和技术服务业 | scientific research and technical services
  73 研究和试验发展 | research and experimental development
  74 专业技术服务业 | professional technical services
  75 科技推广和应用服务业 | technology promotion and application services
N 水利、环境和公共设施管理业 | water, environment and public facilities management
  76 水利管理业 | water management
  77 生态保护和环境治理业 | ecological protection and environmental management
  78 公共设施管理业 | public facilities management
  79 土地管理业 | land management
O 居民服务、修理和其他服务业 | household, repair and other services
  80 居民服务业 | household services
  81 机动车、电子产品和日用产品修理业 | repair of vehicles, electronics and household goods
  82 其他服务业 | other services
P 教育 | education
  83 教育 | education
Q 卫生和社会工作 | health and social work
  84 卫生 | health
  85 社会工作 | social work
R 文化、体育和娱乐业 | culture, sports and entertainment
  86 新闻和出版业 | news and publishing
  87 广播、电视、电影和录音制作业 | radio, television, film and sound recording
  88 文化艺术业 | culture and arts
  89 体育 | sports
  90 娱乐业 | entertainment
S 公共管理、社会保障和社会组织 | public administration, social security and social organisations
  91 中国共产党机关 | organs of the Communist Party of China
  92 国家机构 | state organs
  93 人民政协、民主党派 | CPPCC and democratic parties
  94 社会保障 | social security
  95 群众团体、社会团体和其他成员组织 | mass organisations, societies and other membership bodies
  96 基层群众自治组织及其他组织 | grassroots self-governing and other organisations
T 国际组织 | international organisations
  97 国际组织 | international organisations
"""


def _read() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    sections: dict[str, tuple[str, str]] = {}
    divisions: dict[str, tuple[str, str]] = {}
    letter = ""
    for line in _TABLE.strip().splitlines():
        head, en = line.split(" | ")
        code, zh = head.split()
        if line.startswith(" "):
            divisions[letter + code] = (zh, en)
        else:
            letter = code
            sections[code] = (zh, en)
    return sections, divisions


# "K" → ("房地产业", "real estate"); "C33" → ("金属制品业", "fabricated metal products")
SECTIONS, DIVISIONS = _read()
_CODE = re.compile(r"[A-T](\d{2}(\d{1,2})?)?")


def industry_name(code: str, lang: str = "zh") -> str | None:
    """The name of an industry code's section or division, the most specific known:
    ``K`` → 房地产业, ``C3311`` → 金属制品业; None when the code is not GB/T 4754's."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        return None
    names = DIVISIONS.get(code[:3]) if len(code) >= 3 else SECTIONS.get(code)
    if names is None:
        return None
    return names[1] if lang == "en" else names[0]


def names_exactly(code: str) -> bool:
    """Whether ``industry_name`` names the code itself (a section or division), not a
    class within it, so that showing the code too adds nothing."""
    return len(code) in (1, 3)
