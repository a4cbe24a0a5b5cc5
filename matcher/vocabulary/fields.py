"""The profile field vocabulary as data; ``docs/profile.md`` is generated from it.

One table serves the marshmallow schema, the rule linter, the reverse parser,
the synthetic generator, the explanation messages and the vocabulary's documentation,
so that a field's type, unit, bounds and wording are stated once. The vocabulary is a
contract: fields may be added here, never renamed or re-united.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

# Field kinds.  "money" is yuan (integer or Decimal, never float), "ratio" is a
# decimal fraction (0.8 == 80%), "months"/"count"/"years" are integers.
MONEY = "money"
RATIO = "ratio"
INTEGER = "integer"
BOOLEAN = "boolean"
ENUM = "enum"
STRING = "string"
CODE = "code"  # hierarchical code: prefix matching is meaningful
DATE = "date"
LIST = "list"

NUMERIC_KINDS = frozenset({MONEY, RATIO, INTEGER})

# Ceilings no real enterprise reaches; above them a value is a typo or an attack
# (10**400 yuan would overflow every float comparison downstream).
MONEY_MAX = 10**15  # yuan: a thousand trillion
COUNT_MAX = 10**9
RATIO_MAX = 1000  # 100,000 %: revenue can grow a lot, not that much
_CEILINGS = {MONEY: MONEY_MAX, INTEGER: COUNT_MAX, RATIO: RATIO_MAX}
TEXT_KINDS = frozenset({ENUM, STRING, CODE})
NAME_MAX = 100  # characters: the longest registered names are about half of that
BANK_ID_MAX = 32
LIST_MAX_ITEMS = 50


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    zh: str
    en: str
    unit_zh: str = ""
    unit_en: str = ""
    choices: tuple[str, ...] = ()
    derived: bool = False
    # Only identity fields: never shown to a bank before it accepts a lead.
    personal: bool = False
    min_value: int | None = None
    max_value: int | None = None
    # What the documentation adds to ``en``: the shape of a text, what a value means.
    note: str = ""
    # A value a real firm could have; together the examples are one valid profile.
    example: object = None
    # The posted fields a derived field is computed from.
    derived_from: tuple[str, ...] = ()
    group: str = ""
    # Text fields: the longest value accepted (for a list: of each item), so that a
    # profile cannot carry megabytes into Redis and every log line.
    max_length: int | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def bounds(self) -> tuple[int | None, int | None]:
        """The smallest and largest value a profile may state (``None``: unbounded).

        A number without a stated bound is still held under a ceiling no real firm
        reaches, and a signed one (net profit, growth) as far below zero as above.
        """
        ceiling = _CEILINGS.get(self.kind)
        high = self.max_value if self.max_value is not None else ceiling
        if self.min_value is not None or ceiling is None:
            return self.min_value, high
        return -ceiling, high

    @property
    def longest(self) -> int | None:
        """The documented maximum length of a text value (enums: the longest choice)."""
        if self.choices:
            return max(len(c) for c in self.choices)
        return self.max_length


ENTITY_TYPES = ("enterprise", "individual_business", "cooperative")
TAX_RATINGS = ("A", "B", "M", "C", "D")
PURPOSES = ("working_capital", "equipment", "expansion", "refinance", "other")
COLLATERALS = ("none", "real_estate", "equipment", "receivables", "guarantee")
SIZE_CLASSES = ("micro", "small", "medium", "large")
INDUSTRY_SECTIONS = tuple("ABCDEFGHIJKLMNOPQRST")

# How enum values read in Chinese explanations.
CHOICE_ZH = {
    "enterprise": "企业",
    "individual_business": "个体工商户",
    "cooperative": "农民专业合作社",
    "working_capital": "流动资金",
    "equipment": "设备",
    "expansion": "扩大经营",
    "refinance": "借新还旧",
    "other": "其他",
    "none": "信用(无担保)",
    "real_estate": "房产抵押",
    "receivables": "应收账款",
    "guarantee": "保证担保",
    "micro": "微型",
    "small": "小型",
    "medium": "中型",
    "large": "大型",
}

_F = Field


def _group(title: str, *rows: Field) -> list[Field]:
    return [replace(row, group=title) for row in rows]


FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        *_group(
            "Identity and registration",
            _F(
                "credit_code",
                STRING,
                "统一社会信用代码",
                "unified social credit code",
                personal=True,
                max_length=18,
                note="18 characters (GB 32100-2015); the check character is verified",
                example="91130203MA07LQ8K34",
            ),
            _F(
                "name",
                STRING,
                "企业名称",
                "registered name",
                personal=True,
                max_length=NAME_MAX,
                example="唐山市示例冶金装备有限公司",
            ),
            _F(
                "entity_type",
                ENUM,
                "主体类型",
                "entity type",
                choices=ENTITY_TYPES,
                note="企业 / 个体工商户 / 农民专业合作社",
                example="enterprise",
            ),
            _F("established_on", DATE, "成立日期", "date of registration", example="2016-05-20"),
            _F(
                "region_code",
                CODE,
                "注册地行政区划",
                "region code",
                max_length=6,
                note="6 digits (GB/T 2260) of the registered address, starting with a province; "
                "`130200` is Tangshan",
                example="130203",
            ),
            _F(
                "industry_code",
                CODE,
                "国民经济行业分类",
                "industry code (GB/T 4754)",
                max_length=5,
                note="2017 edition: a section letter A-T, optionally with 2-4 digits of one of "
                "its divisions",
                example="C3311",
            ),
            _F(
                "registered_capital",
                MONEY,
                "注册资本",
                "registered capital",
                "元",
                "yuan",
                min_value=0,
                example=10000000,
            ),
            _F(
                "employees",
                INTEGER,
                "从业人员",
                "employees",
                "人",
                "people",
                min_value=0,
                example=86,
            ),
            _F(
                "social_insurance_headcount",
                INTEGER,
                "社保缴纳人数",
                "social-insurance headcount",
                "人",
                "people",
                min_value=0,
                note="people with social insurance paid by the firm",
                example=80,
            ),
            _F(
                "bank_relationships",
                LIST,
                "结算账户开户行",
                "banks holding a settlement account",
                max_length=BANK_ID_MAX,
                note="bank ids (lower-case letters, digits, `_`), each once",
                example=["tsbank", "icbc"],
            ),
        ),
        *_group(
            "Finance and tax",
            _F(
                "annual_revenue",
                MONEY,
                "上一年度销售收入",
                "last year's sales revenue",
                "元",
                "yuan",
                min_value=0,
                example=28000000,
            ),
            _F(
                "revenue_growth",
                RATIO,
                "销售收入增长率",
                "revenue growth",
                min_value=-1,
                note="year on year; may be negative",
                example=Decimal("0.12"),
            ),
            _F(
                "total_assets",
                MONEY,
                "资产总额",
                "total assets",
                "元",
                "yuan",
                min_value=0,
                example=35000000,
            ),
            _F(
                "debt_ratio",
                RATIO,
                "资产负债率",
                "debt ratio",
                min_value=0,
                example=Decimal("0.52"),
            ),
            _F(
                "net_profit",
                MONEY,
                "净利润",
                "net profit",
                "元",
                "yuan",
                note="last full year; may be negative",
                example=1600000,
            ),
            _F(
                "tax_paid_12m",
                MONEY,
                "近12个月纳税总额",
                "tax paid in the last 12 months",
                "元",
                "yuan",
                min_value=0,
                example=920000,
            ),
            _F(
                "tax_credit_rating",
                ENUM,
                "纳税信用等级",
                "tax credit rating",
                choices=TAX_RATINGS,
                note="best first",
                example="B",
            ),
            _F(
                "tax_filing_months",
                INTEGER,
                "连续纳税月数",
                "months of continuous tax filing",
                "个月",
                "months",
                min_value=0,
                example=110,
            ),
            _F(
                "zero_filings_12m",
                INTEGER,
                "近12个月零申报次数",
                "zero tax filings in 12 months",
                "次",
                "times",
                min_value=0,
                example=0,
            ),
            _F("tax_arrears", BOOLEAN, "欠税", "tax arrears", example=False),
            _F(
                "invoice_revenue_12m",
                MONEY,
                "近12个月开票收入",
                "invoiced sales in 12 months",
                "元",
                "yuan",
                min_value=0,
                note="VAT invoices",
                example=26500000,
            ),
            _F(
                "invoice_months",
                INTEGER,
                "连续开票月数",
                "months of continuous invoicing",
                "个月",
                "months",
                min_value=0,
                example=110,
            ),
            _F(
                "total_credit_balance",
                MONEY,
                "信贷余额",
                "outstanding business borrowing",
                "元",
                "yuan",
                min_value=0,
                note="across all lenders",
                example=4000000,
            ),
            _F(
                "utility_months_paid",
                INTEGER,
                "水电气缴费月数",
                "months of utility payments",
                "个月",
                "months",
                min_value=0,
                example=110,
            ),
            _F(
                "import_export_12m",
                MONEY,
                "近12个月进出口额",
                "customs-declared trade in 12 months",
                "元",
                "yuan",
                min_value=0,
                example=1500000,
            ),
        ),
        *_group(
            "Credit and legal standing",
            _F(
                "legal_rep_age",
                INTEGER,
                "法定代表人年龄",
                "legal representative's age",
                "周岁",
                "years",
                min_value=0,
                max_value=130,
                example=51,
            ),
            _F(
                "overdue_current",
                BOOLEAN,
                "当前逾期",
                "currently overdue",
                note="the firm or its legal representative",
                example=False,
            ),
            _F(
                "overdue_count_24m",
                INTEGER,
                "近24个月逾期次数",
                "overdue episodes in 24 months",
                "次",
                "times",
                min_value=0,
                example=0,
            ),
            _F(
                "credit_inquiries_3m",
                INTEGER,
                "近3个月征信查询次数",
                "credit inquiries in 3 months",
                "次",
                "times",
                min_value=0,
                note="hard inquiries on the credit report",
                example=2,
            ),
            _F(
                "credit_inquiries_6m",
                INTEGER,
                "近6个月征信查询次数",
                "credit inquiries in 6 months",
                "次",
                "times",
                min_value=0,
                example=4,
            ),
            _F(
                "dishonest_debtor",
                BOOLEAN,
                "失信被执行人",
                "listed as a dishonest judgment debtor",
                example=False,
            ),
            _F(
                "enforcement_cases",
                INTEGER,
                "被执行案件数",
                "open enforcement cases",
                "件",
                "cases",
                min_value=0,
                example=0,
            ),
            _F(
                "admin_penalties_24m",
                INTEGER,
                "近24个月行政处罚次数",
                "administrative penalties in 24 months",
                "次",
                "times",
                min_value=0,
                example=0,
            ),
        ),
        *_group(
            "Qualifications",
            _F(
                "high_tech",
                BOOLEAN,
                "高新技术企业",
                "certified high-tech enterprise",
                example=False,
            ),
            _F(
                "specialized_sme",
                BOOLEAN,
                "专精特新企业",
                "specialized and innovative SME",
                example=True,
            ),
            _F(
                "ip_count",
                INTEGER,
                "知识产权数量",
                "patents, trademarks and software copyrights",
                "项",
                "items",
                min_value=0,
                example=7,
            ),
            _F(
                "government_procurement_12m",
                MONEY,
                "近12个月政府采购合同额",
                "government procurement in 12 months",
                "元",
                "yuan",
                min_value=0,
                example=0,
            ),
        ),
        *_group(
            "The request",
            _F(
                "requested_amount",
                MONEY,
                "申请金额",
                "requested amount",
                "元",
                "yuan",
                min_value=0,
                example=3000000,
            ),
            _F(
                "requested_term_months",
                INTEGER,
                "申请期限",
                "requested term",
                "个月",
                "months",
                min_value=1,
                max_value=600,
                example=12,
            ),
            _F(
                "purpose",
                ENUM,
                "资金用途",
                "use of funds",
                choices=PURPOSES,
                example="working_capital",
            ),
            _F(
                "collateral",
                ENUM,
                "担保方式",
                "collateral offered",
                choices=COLLATERALS,
                example="none",
            ),
        ),
        *_group(
            "Derived (computed at the evaluation date, never posted)",
            _F(
                "months_in_business",
                INTEGER,
                "成立月数",
                "months in business",
                "个月",
                "months",
                derived=True,
                min_value=0,
                derived_from=("established_on",),
                note="whole months from registration to the evaluation date",
                example=126,
            ),
            _F(
                "years_in_business",
                INTEGER,
                "成立年限",
                "years in business",
                "年",
                "years",
                derived=True,
                min_value=0,
                derived_from=("established_on",),
                note="whole years from registration to the evaluation date",
                example=10,
            ),
            _F(
                "size_class",
                ENUM,
                "企业规模",
                "firm size class",
                choices=SIZE_CLASSES,
                derived=True,
                derived_from=("industry_code", "employees", "annual_revenue", "total_assets"),
                note="工信部联企业〔2011〕300号; known with an indicator missing only when the "
                "others decide it",
                example="small",
            ),
            _F(
                "province_code",
                CODE,
                "所在省份",
                "province",
                derived=True,
                derived_from=("region_code",),
                note="the first 2 digits and `0000`",
                example="130000",
            ),
            _F(
                "city_code",
                CODE,
                "所在城市",
                "city",
                derived=True,
                derived_from=("region_code",),
                note="the first 4 digits and `00`",
                example="130200",
            ),
            _F(
                "industry_section",
                ENUM,
                "行业门类",
                "industry section",
                choices=INDUSTRY_SECTIONS,
                derived=True,
                derived_from=("industry_code",),
                note="the section letter",
                example="C",
            ),
        ),
    ]
}

POSTED_FIELDS = {name: f for name, f in FIELDS.items() if not f.derived}
DERIVED_FIELDS = {name: f for name, f in FIELDS.items() if f.derived}
# Derived field → the posted fields it is computed from (an incomplete answer names those).
SOURCES_OF = {name: f.derived_from for name, f in DERIVED_FIELDS.items()}


def field(name: str) -> Field:
    """The field called ``name``; ``KeyError`` for a name outside the vocabulary."""
    return FIELDS[name]


# The vocabulary's groups, in the table's order; each runs from its first field to the
# next group's. Forms (the workbench's profile form) show posted fields in these groups.
GROUPS = (
    ("registration", "身份与登记", "Identity and registration", "credit_code"),
    ("finance", "财务与纳税", "Finance and tax", "annual_revenue"),
    ("credit", "信用与涉诉", "Credit and legal standing", "legal_rep_age"),
    ("qualifications", "资质", "Qualifications", "high_tech"),
    ("request", "融资需求", "The request", "requested_amount"),
)


def grouped() -> list[tuple[tuple[str, str, str, str], list[Field]]]:
    """Each group with its posted fields, in the table's order."""
    starts = {group[3]: group for group in GROUPS}
    out: list = []
    for f in POSTED_FIELDS.values():
        if f.name in starts:
            out.append((starts[f.name], []))
        out[-1][1].append(f)
    return out
