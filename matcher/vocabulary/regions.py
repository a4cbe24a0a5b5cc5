"""Place names → GB/T 2260 administrative division codes.

Regional products say where they lend in words (注册在四川省, 唐山市辖内, 上海市辖区);
rules test codes (``province_code``, ``city_code``, ``region_code``).  This table
holds all 31 provinces; every prefecture-level city of Hebei, Sichuan, Jiangsu,
Zhejiang, Fujian, Guangdong, Shandong, Henan, Hubei, Hunan, Anhui, Shaanxi, Yunnan
and Liaoning; the districts of Shanghai and the other large cities, each under its
full name and the short name people write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROVINCE = "province"
CITY = "city"
DISTRICT = "district"

# The profile field a criterion on a place of each level tests.
FIELD_FOR_LEVEL = {PROVINCE: "province_code", CITY: "city_code", DISTRICT: "region_code"}
REGION_FIELDS = ("province_code", "city_code", "region_code")


def significant(code: str) -> str:
    """A GB/T 2260 code without its zero padding: 510000 → 51, 510100 → 5101; the
    prefix every code inside that place starts with."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


@dataclass(frozen=True)
class Region:
    code: str
    name: str  # full name: 四川省, 唐山市, 浦东新区
    level: str

    @property
    def field(self) -> str:
        return FIELD_FOR_LEVEL[self.level]


_PROVINCES = """
110000 北京市 北京|120000 天津市 天津|130000 河北省 河北|140000 山西省 山西
150000 内蒙古自治区 内蒙古|210000 辽宁省 辽宁|220000 吉林省 吉林|230000 黑龙江省 黑龙江
310000 上海市 上海 上海市辖区|320000 江苏省 江苏|330000 浙江省 浙江|340000 安徽省 安徽
350000 福建省 福建|360000 江西省 江西|370000 山东省 山东|410000 河南省 河南
420000 湖北省 湖北|430000 湖南省 湖南|440000 广东省 广东|450000 广西壮族自治区 广西
460000 海南省 海南|500000 重庆市 重庆|510000 四川省 四川|520000 贵州省 贵州
530000 云南省 云南|540000 西藏自治区 西藏|610000 陕西省 陕西|620000 甘肃省 甘肃
630000 青海省 青海|640000 宁夏回族自治区 宁夏|650000 新疆维吾尔自治区 新疆
"""

_CITIES = """
130100 石家庄市|130200 唐山市|130300 秦皇岛市|130400 邯郸市|130500 邢台市|130600 保定市
130700 张家口市|130800 承德市|130900 沧州市|131000 廊坊市|131100 衡水市
510100 成都市|510300 自贡市|510400 攀枝花市|510500 泸州市|510600 德阳市|510700 绵阳市
510800 广元市|510900 遂宁市|511000 内江市|511100 乐山市|511300 南充市|511400 眉山市
511500 宜宾市|511600 广安市|511700 达州市|511800 雅安市|511900 巴中市|512000 资阳市
513200 阿坝藏族羌族自治州 阿坝州|513300 甘孜藏族自治州 甘孜州|513400 凉山彝族自治州 凉山州
320100 南京市|320200 无锡市|320300 徐州市|320400 常州市|320500 苏州市|320600 南通市
320700 连云港市|320800 淮安市|320900 盐城市|321000 扬州市|321100 镇江市|321200 泰州市
321300 宿迁市
210100 沈阳市|210200 大连市|220100 长春市|230100 哈尔滨市|140100 太原市|150100 呼和浩特市
330100 杭州市|330200 宁波市|330300 温州市|340100 合肥市|350100 福州市|350200 厦门市
360100 南昌市|370100 济南市|370200 青岛市|410100 郑州市|420100 武汉市|430100 长沙市
440100 广州市|440300 深圳市|440400 珠海市|440600 佛山市|441900 东莞市|450100 南宁市
460100 海口市|520100 贵阳市|530100 昆明市|540100 拉萨市|610100 西安市|620100 兰州市
630100 西宁市|640100 银川市|650100 乌鲁木齐市
330400 嘉兴市|330500 湖州市|330600 绍兴市|330700 金华市|330800 衢州市|330900 舟山市
331000 台州市|331100 丽水市
350300 莆田市|350400 三明市|350500 泉州市|350600 漳州市|350700 南平市|350800 龙岩市|350900 宁德市
440200 韶关市|440500 汕头市|440700 江门市|440800 湛江市|440900 茂名市|441200 肇庆市
441300 惠州市|441400 梅州市|441500 汕尾市|441600 河源市|441700 阳江市|441800 清远市
442000 中山市|445100 潮州市|445200 揭阳市|445300 云浮市
370300 淄博市|370400 枣庄市|370500 东营市|370600 烟台市|370700 潍坊市|370800 济宁市
370900 泰安市|371000 威海市|371100 日照市|371300 临沂市|371400 德州市|371500 聊城市
371600 滨州市|371700 菏泽市
410200 开封市|410300 洛阳市|410400 平顶山市|410500 安阳市|410600 鹤壁市|410700 新乡市
410800 焦作市|410900 濮阳市|411000 许昌市|411100 漯河市|411200 三门峡市|411300 南阳市
411400 商丘市|411500 信阳市|411600 周口市|411700 驻马店市
420200 黄石市|420300 十堰市|420500 宜昌市|420600 襄阳市|420700 鄂州市|420800 荆门市
420900 孝感市|421000 荆州市|421100 黄冈市|421200 咸宁市|421300 随州市
422800 恩施土家族苗族自治州 恩施州
430200 株洲市|430300 湘潭市|430400 衡阳市|430500 邵阳市|430600 岳阳市|430700 常德市
430800 张家界市|430900 益阳市|431000 郴州市|431100 永州市|431200 怀化市|431300 娄底市
433100 湘西土家族苗族自治州 湘西州
340200 芜湖市|340300 蚌埠市|340400 淮南市|340500 马鞍山市|340600 淮北市|340700 铜陵市
340800 安庆市|341000 黄山市|341100 滁州市|341200 阜阳市|341300 宿州市|341500 六安市
341600 亳州市|341700 池州市|341800 宣城市
610200 铜川市|610300 宝鸡市|610400 咸阳市|610500 渭南市|610600 延安市|610700 汉中市
610800 榆林市|610900 安康市|611000 商洛市
530300 曲靖市|530400 玉溪市|530500 保山市|530600 昭通市|530700 丽江市|530800 普洱市
530900 临沧市|532300 楚雄彝族自治州 楚雄州|532500 红河哈尼族彝族自治州 红河州
532600 文山壮族苗族自治州 文山州|532800 西双版纳傣族自治州 西双版纳州
532900 大理白族自治州 大理州|533100 德宏傣族景颇族自治州 德宏州
533300 怒江傈僳族自治州 怒江州|533400 迪庆藏族自治州 迪庆州
210300 鞍山市|210400 抚顺市|210500 本溪市|210600 丹东市|210700 锦州市|210800 营口市
210900 阜新市|211000 辽阳市|211100 盘锦市|211200 铁岭市|211300 朝阳市|211400 葫芦岛市
"""

# Cities whose name without 市 is also an everyday word (安康 "well-being", 日照
# "sunshine", 普洱 tea, 中山路, 黄山 the mountain, 朝阳产业): only the full name is read.
_FULL_NAME_ONLY = frozenset({"安康市", "日照市", "普洱市", "中山市", "黄山市", "朝阳市"})

_SHANGHAI_DISTRICTS = """
310101 黄浦区|310104 徐汇区|310105 长宁区|310106 静安区|310107 普陀区|310109 虹口区
310110 杨浦区|310112 闵行区|310113 宝山区|310114 嘉定区|310115 浦东新区 浦东
310116 金山区|310117 松江区|310118 青浦区|310120 奉贤区|310151 崇明区
"""


def _rows(table: str):
    for row in re.split(r"[|\n]", table):
        if row.strip():
            code, name, *aliases = row.split()
            yield code, name, aliases


def _build() -> tuple[dict[str, Region], dict[str, Region]]:
    by_code: dict[str, Region] = {}
    by_name: dict[str, Region] = {}
    for table, level in ((_PROVINCES, PROVINCE), (_CITIES, CITY), (_SHANGHAI_DISTRICTS, DISTRICT)):
        for code, name, aliases in _rows(table):
            region = Region(code, name, level)
            by_code[code] = region
            names = [name, *aliases]
            if level == CITY and name.endswith("市") and name not in _FULL_NAME_ONLY:
                names.append(name[:-1])  # 唐山市 → 唐山
            for n in names:
                by_name.setdefault(n, region)  # a province keeps its short name (吉林)
    return by_code, by_name


REGIONS_BY_CODE, REGIONS_BY_NAME = _build()
_NAME_RE = re.compile("|".join(map(re.escape, sorted(REGIONS_BY_NAME, key=len, reverse=True))))


def region(name: str) -> Region | None:
    """The region called ``name`` (四川省, 四川, 唐山市, 唐山), or None."""
    return REGIONS_BY_NAME.get(name.strip())


def region_code(name: str) -> str | None:
    """The GB/T 2260 code of the place called ``name``: 唐山 → 130200, 四川省 → 510000."""
    found = region(name)
    return found.code if found else None


def find_regions(text: str) -> list[tuple[int, int, Region]]:
    """Place names in running text, as (start, end, region), longest name first."""
    return [(m.start(), m.end(), REGIONS_BY_NAME[m.group()]) for m in _NAME_RE.finditer(text)]


# Codes → names, for explanations ("四川省(510000)") and the profile's region check.
PROVINCES = {code: r.name for code, r in REGIONS_BY_CODE.items() if r.level == PROVINCE}
CITIES = {code: r.name for code, r in REGIONS_BY_CODE.items() if r.level == CITY}


# Named in explanations only, never read in running text: a district's name recurs across
# cities (朝阳区, 鼓楼区, 城关区), and these cities' names are everyday words (大同, 海东).
# The districts are those of the sample profiles, the scenarios and the synthetic catalog.
_NAMED_ONLY = """
140200 大同市|150200 包头市|220200 吉林市|230200 齐齐哈尔市|360700 赣州市|450200 柳州市
460200 三亚市|520300 遵义市|540200 日喀则市|620500 天水市|630200 海东市|640200 石嘴山市
650200 克拉玛依市
110101 东城区|110102 西城区|110105 朝阳区|110106 丰台区|110108 海淀区
120101 和平区|120104 南开区|120116 滨海新区
130102 长安区|130104 桥西区|130105 新华区|130108 裕华区|130202 路南区|130203 路北区
130207 丰南区|130281 遵化市|130303 山海关区|130402 邯山区|130602 竞秀区|130606 莲池区
131002 安次区|131003 广阳区|140105 小店区|140106 迎泽区|140213 平城区|150102 新城区
150105 赛罕区|150203 昆都仑区|210102 和平区|210103 沈河区|210106 铁西区|210202 中山区
210203 西岗区|210204 沙河口区|220102 南关区|220104 朝阳区|220202 昌邑区|230102 道里区
230103 南岗区|230202 龙沙区|320102 玄武区|320106 鼓楼区|320113 栖霞区|320115 江宁区
320213 梁溪区|320214 新吴区|320411 新北区|320505 虎丘区|320506 吴中区|321002 广陵区
330102 上城区|330106 西湖区|330108 滨江区|330203 海曙区|330212 鄞州区|330302 鹿城区
330782 义乌市|331004 路桥区|340102 瑶海区|340104 蜀山区|340202 镜湖区|350102 鼓楼区
350104 仓山区|350203 思明区|350206 湖里区|350502 鲤城区|350582 晋江市|360102 东湖区
360111 青山湖区|360702 章贡区|370102 历下区|370103 市中区|370202 市南区|370211 黄岛区
370212 崂山区|370602 芝罘区|370702 潍城区|370783 寿光市|410102 中原区|410105 金水区
410302 老城区|410305 涧西区|410311 洛龙区|420102 江岸区|420106 武昌区|420111 洪山区
420502 西陵区|420602 襄城区|430102 芙蓉区|430104 岳麓区|430202 荷塘区|430211 天元区
430602 岳阳楼区|440103 荔湾区|440104 越秀区|440106 天河区|440303 罗湖区|440304 福田区
440305 南山区|440604 禅城区|440606 顺德区|450102 兴宁区|450103 青秀区|450202 城中区
460105 秀英区|460106 龙华区|460202 海棠区|500101 万州区|500103 渝中区|500106 沙坪坝区
500107 九龙坡区|500112 渝北区|510104 锦江区|510105 青羊区|510107 武侯区|510116 双流区
510117 郫都区|510703 涪城区|511302 顺庆区|520102 南明区|520103 云岩区|520302 红花岗区
530102 五华区|530103 盘龙区|530111 官渡区|530112 西山区|530302 麒麟区|540102 城关区
540202 桑珠孜区|610102 新城区|610113 雁塔区|610302 渭滨区|620102 城关区|620103 七里河区
620502 秦州区|630102 城东区|630104 城西区|630202 乐都区|640104 兴庆区|640105 西夏区
640202 大武口区|650102 天山区|650103 沙依巴克区|650203 克拉玛依区
"""
_NAMES = {code: name for code, name, _ in _rows(_NAMED_ONLY)}
_NAMES.update({code: r.name for code, r in REGIONS_BY_CODE.items()})


def place_name(code: str) -> tuple[str, bool] | None:
    """A region code as people write the place — 河北省, 唐山市, 唐山市路北区, 上海市浦东新区 —
    and whether that names the code exactly (False: only its city or province is known);
    None for a code of no known province."""
    if not isinstance(code, str) or not code.isdigit() or len(code) not in (2, 4, 6):
        return None
    code = code.ljust(6, "0")
    province = _NAMES.get(code[:2] + "0000")
    if province is None:
        return None
    if code.endswith("0000"):
        return province, True
    city = _NAMES.get(code[:4] + "00")
    if city is None and code[2:4] == "01" and province.endswith("市"):
        city = province  # a municipality's own "city" (3101: 上海市辖区) is the municipality
    if code.endswith("00"):
        return (city, True) if city else (province, False)
    district = _NAMES.get(code)
    town = city or province  # a municipality's districts sit under the province itself
    if district is None:
        return town, False
    return (district if district == town else town + district), True


def region_name(code: str) -> str | None:
    """The name of a 2-, 4- or 6-digit region code, when it is a province or a known city;
    a district is named by its city."""
    code = (code + "0000")[:6]
    if code.endswith("0000"):
        return PROVINCES.get(code)
    return CITIES.get(code[:4] + "00") or PROVINCES.get(code[:2] + "0000")
