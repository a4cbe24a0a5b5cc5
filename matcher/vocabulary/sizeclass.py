"""Firm size class under 工信部联企业〔2011〕300号《中小企业划型标准规定》.

Banks write "国标小微企业" on half their product sheets, so ``size_class`` must follow the
regulation to the yuan, not a rule of thumb. The regulation (第四条) gives, per industry
group, up to two indicators out of 从业人员 (``employees``), 营业收入 (``annual_revenue``)
and 资产总额 (``total_assets``), and three levels of bounds. Its wording, e.g. for 工业:

    从业人员1000人以下或营业收入40000万元以下的为中小微型企业。其中，从业人员300人及以上，
    且营业收入2000万元及以上的为中型企业；从业人员20人及以上，且营业收入300万元及以上的
    为小型企业；从业人员20人以下或营业收入300万元以下的为微型企业。

So ("及以上" includes the bound, "以下" excludes it):

* 中型 / 小型 need EVERY indicator at or above that level's bound ("且");
* 微型 needs only ONE indicator below the 小型 bound ("或");
* a firm is 中小微 when ANY indicator is below the ceiling ("或"), hence 大型 only when
  every indicator is at or above the ceiling.

Equivalently: each indicator places the firm at a level, and the firm's class is the
lowest of them. That is why size is sometimes known with an indicator missing: a retailer
with 4 employees is 微型 whatever its revenue. Otherwise a missing indicator leaves the
size unknown (``None``); :func:`missing_size_inputs` names what would decide it, and
only the indicators that the firm's own industry uses are ever asked for.

Industries the regulation does not cover give ``None``: 金融业 (J, which has its own
standard, 银发〔2015〕309号), 铁路运输业 (G53, excluded by 第二条: "交通运输业（不含铁路
运输业）"), 公共管理 (S) and 国际组织 (T). Codes follow GB/T 4754-2017.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LEVELS = ("micro", "small", "medium", "large")
WAN = 10_000  # 万元 in yuan

EMPLOYEES = "employees"
REVENUE = "annual_revenue"
ASSETS = "total_assets"


@dataclass(frozen=True)
class SizeRule:
    """One industry group's bounds, aligned with ``inputs``."""

    group: str  # the regulation's name for the group
    wording: str  # the regulation's sentence, for explanations
    inputs: tuple[str, ...]  # profile fields it reads
    small: tuple[int, ...]  # 小型: every indicator at or above
    medium: tuple[int, ...]  # 中型: every indicator at or above
    large: tuple[int, ...]  # the 中小微 ceiling: every indicator at or above is 大型

    def level(self, index: int, value) -> int:
        """The level (0 micro … 3 large) that this one indicator allows."""
        bounds = (self.small[index], self.medium[index], self.large[index])
        return sum(1 for bound in bounds if value >= bound)


_PEOPLE_REVENUE = (EMPLOYEES, REVENUE)

AGRICULTURE = SizeRule(
    "农、林、牧、渔业",
    "营业收入20000万元以下的为中小微型企业。其中，营业收入500万元及以上的为中型企业，"
    "营业收入50万元及以上的为小型企业，营业收入50万元以下的为微型企业。",
    (REVENUE,),
    (50 * WAN,),
    (500 * WAN,),
    (20000 * WAN,),
)
INDUSTRY = SizeRule(
    "工业",
    "从业人员1000人以下或营业收入40000万元以下的为中小微型企业。其中，从业人员300人及以上，"
    "且营业收入2000万元及以上的为中型企业；从业人员20人及以上，且营业收入300万元及以上的为"
    "小型企业；从业人员20人以下或营业收入300万元以下的为微型企业。",
    _PEOPLE_REVENUE,
    (20, 300 * WAN),
    (300, 2000 * WAN),
    (1000, 40000 * WAN),
)
CONSTRUCTION = SizeRule(
    "建筑业",
    "营业收入80000万元以下或资产总额80000万元以下的为中小微型企业。其中，营业收入6000万元"
    "及以上，且资产总额5000万元及以上的为中型企业；营业收入300万元及以上，且资产总额300万元"
    "及以上的为小型企业；营业收入300万元以下或资产总额300万元以下的为微型企业。",
    (REVENUE, ASSETS),
    (300 * WAN, 300 * WAN),
    (6000 * WAN, 5000 * WAN),
    (80000 * WAN, 80000 * WAN),
)
WHOLESALE = SizeRule(
    "批发业",
    "从业人员200人以下或营业收入40000万元以下的为中小微型企业。其中，从业人员20人及以上，"
    "且营业收入5000万元及以上的为中型企业；从业人员5人及以上，且营业收入1000万元及以上的为"
    "小型企业；从业人员5人以下或营业收入1000万元以下的为微型企业。",
    _PEOPLE_REVENUE,
    (5, 1000 * WAN),
    (20, 5000 * WAN),
    (200, 40000 * WAN),
)
RETAIL = SizeRule(
    "零售业",
    "从业人员300人以下或营业收入20000万元以下的为中小微型企业。其中，从业人员50人及以上，"
    "且营业收入500万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为"
    "小型企业；从业人员10人以下或营业收入100万元以下的为微型企业。",
    _PEOPLE_REVENUE,
    (10, 100 * WAN),
    (50, 500 * WAN),
    (300, 20000 * WAN),
)
TRANSPORT = SizeRule(
    "交通运输业",
    "从业人员1000人以下或营业收入30000万元以下的为中小微型企业。其中，从业人员300人及以上，"
    "且营业收入3000万元及以上的为中型企业；从业人员20人及以上，且营业收入200万元及以上的为"
    "小型企业；从业人员20人以下或营业收入200万元以下的为微型企业。",
    _PEOPLE_REVENUE,
    (20, 200 * WAN),
    (300, 3000 * WAN),
    (1000, 30000 * WAN),
)
WAREHOUSING = SizeRule(
    "仓储业",
    "从业人员200人以下或营业收入30000万元以下的为中小微型企业。其中，从业人员100人及以上，"
    "且营业收入1000万元及以上的为中型企业；从业人员20人及以上，且营业收入100万元及以上的为"
    "小型企业；从业人员20人以下或营业收入100万元以下的为微型企业。",
    _PEOPLE_REVENUE,
    (20, 100 * WAN),
    (100, 1000 * WAN),
    (200, 30000 * WAN),
)
POSTAL = SizeRule(
    "邮政业",
    "从业人员1000人以下或营业收入30000万元以下的为中小微型企业。其中，从业人员300人及以上，"
    "且营业收入2000万元及以上的为中型企业；从业人员20人及以上，且营业收入100万元及以上的为"
    "小型企业；从业人员20人以下或营业收入100万元以下的为微型企业。",
    _PEOPLE_REVENUE,
    (20, 100 * WAN),
    (300, 2000 * WAN),
    (1000, 30000 * WAN),
)
LODGING = SizeRule(
    "住宿业",
    "从业人员300人以下或营业收入10000万元以下的为中小微型企业。其中，从业人员100人及以上，"
    "且营业收入2000万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为"
    "小型企业；从业人员10人以下或营业收入100万元以下的为微型企业。",
    _PEOPLE_REVENUE,
    (10, 100 * WAN),
    (100, 2000 * WAN),
    (300, 10000 * WAN),
)
CATERING = SizeRule(
    "餐饮业",
    "从业人员300人以下或营业收入10000万元以下的为中小微型企业。其中，从业人员100人及以上，"
    "且营业收入2000万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为"
    "小型企业；从业人员10人以下或营业收入100万元以下的为微型企业。",
    _PEOPLE_REVENUE,
    (10, 100 * WAN),
    (100, 2000 * WAN),
    (300, 10000 * WAN),
)
INFORMATION_TRANSMISSION = SizeRule(
    "信息传输业",
    "从业人员2000人以下或营业收入100000万元以下的为中小微型企业。其中，从业人员100人及以上，"
    "且营业收入1000万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为"
    "小型企业；从业人员10人以下或营业收入100万元以下的为微型企业。",
    _PEOPLE_REVENUE,
    (10, 100 * WAN),
    (100, 1000 * WAN),
    (2000, 100000 * WAN),
)
SOFTWARE = SizeRule(
    "软件和信息技术服务业",
    "从业人员300人以下或营业收入10000万元以下的为中小微型企业。其中，从业人员100人及以上，"
    "且营业收入1000万元及以上的为中型企业；从业人员10人及以上，且营业收入50万元及以上的为"
    "小型企业；从业人员10人以下或营业收入50万元以下的为微型企业。",
    _PEOPLE_REVENUE,
    (10, 50 * WAN),
    (100, 1000 * WAN),
    (300, 10000 * WAN),
)
REAL_ESTATE_DEVELOPMENT = SizeRule(
    "房地产开发经营",
    "营业收入200000万元以下或资产总额10000万元以下的为中小微型企业。其中，营业收入1000万元"
    "及以上，且资产总额5000万元及以上的为中型企业；营业收入100万元及以上，且资产总额2000万元"
    "及以上的为小型企业；营业收入100万元以下或资产总额2000万元以下的为微型企业。",
    (REVENUE, ASSETS),
    (100 * WAN, 2000 * WAN),
    (1000 * WAN, 5000 * WAN),
    (200000 * WAN, 10000 * WAN),
)
PROPERTY_MANAGEMENT = SizeRule(
    "物业管理",
    "从业人员1000人以下或营业收入5000万元以下的为中小微型企业。其中，从业人员300人及以上，"
    "且营业收入1000万元及以上的为中型企业；从业人员100人及以上，且营业收入500万元及以上的为"
    "小型企业；从业人员100人以下或营业收入500万元以下的为微型企业。",
    _PEOPLE_REVENUE,
    (100, 500 * WAN),
    (300, 1000 * WAN),
    (1000, 5000 * WAN),
)
LEASING_AND_BUSINESS_SERVICES = SizeRule(
    "租赁和商务服务业",
    "从业人员300人以下或资产总额120000万元以下的为中小微型企业。其中，从业人员100人及以上，"
    "且资产总额8000万元及以上的为中型企业；从业人员10人及以上，且资产总额100万元及以上的为"
    "小型企业；从业人员10人以下或资产总额100万元以下的为微型企业。",
    (EMPLOYEES, ASSETS),
    (10, 100 * WAN),
    (100, 8000 * WAN),
    (300, 120000 * WAN),
)
OTHER = SizeRule(
    "其他未列明行业",
    "从业人员300人以下的为中小微型企业。其中，从业人员100人及以上的为中型企业；从业人员10人"
    "及以上的为小型企业；从业人员10人以下的为微型企业。",
    (EMPLOYEES,),
    (10,),
    (100,),
    (300,),
)

# GB/T 4754-2017 code prefix → rule; the longest matching prefix wins. ``None`` marks an
# industry outside the regulation. Sections F, H and I have no entry of their own: all of
# them is split between the groups below, so a bare "F" is either 批发 or 零售.
RULES_BY_CODE: dict[str, SizeRule | None] = {
    "A": AGRICULTURE,
    "B": INDUSTRY,
    "C": INDUSTRY,
    "D": INDUSTRY,  # 采矿业, 制造业, 电力热力燃气及水
    "E": CONSTRUCTION,
    "F51": WHOLESALE,
    "F52": RETAIL,
    "G": TRANSPORT,
    "G53": None,  # 不含铁路运输业
    "G59": WAREHOUSING,
    "G60": POSTAL,  # 装卸搬运和仓储业, 邮政业
    "H61": LODGING,
    "H62": CATERING,
    "I63": INFORMATION_TRANSMISSION,
    "I64": INFORMATION_TRANSMISSION,  # 电信, 互联网
    "I65": SOFTWARE,
    "J": None,  # 金融业: 银发〔2015〕309号
    "K": OTHER,  # 房地产中介、租赁经营 …
    "K7010": REAL_ESTATE_DEVELOPMENT,
    "K7020": PROPERTY_MANAGEMENT,
    "L": LEASING_AND_BUSINESS_SERVICES,
    "M": OTHER,
    "N": OTHER,
    "O": OTHER,
    "P": OTHER,
    "Q": OTHER,
    "R": OTHER,
    "S": None,
    "T": None,  # 公共管理, 国际组织: not firms
}


def _candidate_rules(industry_code: str) -> list[SizeRule | None]:
    """Every rule that may govern a firm whose code is ``industry_code``.

    A full code has one; a coarse one ("G", "K70") may cover several groups.
    """
    own = [key for key in RULES_BY_CODE if industry_code.startswith(key)]
    candidates = [RULES_BY_CODE[max(own, key=len)]] if own else []
    candidates += [
        rule
        for key, rule in RULES_BY_CODE.items()
        if key.startswith(industry_code) and len(key) > len(industry_code)
    ]
    return candidates


def _classify(rule: SizeRule, indicators: Mapping[str, object]) -> str | None:
    levels = []
    for index, name in enumerate(rule.inputs):
        value = indicators.get(name)
        if value is not None:
            levels.append(rule.level(index, value))
    if 0 in levels:
        return LEVELS[0]  # one indicator below the 小型 bound is enough for 微型
    if len(levels) < len(rule.inputs):
        return None
    return LEVELS[min(levels)]


def size_class(
    industry_code: str | None,
    employees: object = None,
    annual_revenue: object = None,
    total_assets: object = None,
) -> str | None:
    """``micro``, ``small``, ``medium`` or ``large``; ``None`` when it cannot be known.

    The indicators are as a loaded profile holds them: money in yuan (int or Decimal), a
    head count an int, an unknown one ``None``. An indicator the industry does not use is
    ignored.
    """
    if not industry_code:
        return None
    indicators = {EMPLOYEES: employees, REVENUE: annual_revenue, ASSETS: total_assets}
    rules = _candidate_rules(industry_code)
    if not rules or None in rules:
        return None
    classes = {_classify(rule, indicators) for rule in rules if rule is not None}
    return classes.pop() if len(classes) == 1 else None


def size_inputs(industry_code: str) -> tuple[str, ...]:
    """The profile fields the regulation reads for this industry, in its order."""
    names: list[str] = []
    for rule in _candidate_rules(industry_code):
        for name in rule.inputs if rule else ():
            if name not in names:
                names.append(name)
    return tuple(names)


def missing_size_inputs(values: Mapping[str, object]) -> list[str]:
    """Absent fields that could decide an unknown size class; empty when it is known.

    Also empty when no posted field could decide it (an industry outside the regulation).
    """
    code = values.get("industry_code")
    if not isinstance(code, str) or not code:
        return ["industry_code"]
    known = size_class(
        code,
        employees=values.get(EMPLOYEES),
        annual_revenue=values.get(REVENUE),
        total_assets=values.get(ASSETS),
    )
    if known:
        return []
    return [name for name in size_inputs(code) if values.get(name) is None]
