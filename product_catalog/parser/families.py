"""Which profile field a number is about: the words that name a measure.

A sheet names a measure (纳税总额, 信贷余额, 征信查询) and then bounds it.  One
word can name several fields, told apart by the unit of the number and by the
look-back window: 纳税 with 万元 is ``tax_paid_12m``, with 个月 it is
``tax_filing_months``; 查询 over 近3个月 is ``credit_inquiries_3m``, over 近半年
``credit_inquiries_6m``.  When unit or window fits no field, the clause is
reported, not stretched to fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import AGE, COUNT, DURATION, MONEY, PLAIN, RATIO

BUSINESS_AGE = "business_age"  # years_in_business or months_in_business, by the unit


@dataclass(frozen=True)
class Reading:
    """How a family reads a number of one kind.

    ``field`` is a field name, a {window months: field} table when the window
    chooses the field, or None with ``note`` saying why no field fits.
    ``windows``: look-back windows (months) the field covers; None: any.
    """

    field: str | dict[int, str] | None
    windows: frozenset[int] | None = None
    note: str = ""


@dataclass(frozen=True)
class Family:
    name: str
    anchor: re.Pattern
    readings: dict[str, Reading]
    direction: str = "min"  # what a bare number is: a minimum ("min") or a maximum ("max")
    plain_kind: str | None = None  # the kind a number without a unit is read as
    negated_bare: tuple[str, str, object] | None = None  # 无<anchor> → (field, op, value)
    negated_bare_unwindowed: tuple[str, str, object] | None = None  # the same, no window stated
    implied: tuple[str, str, object] | None = None  # the anchor alone → (field, op, value)
    qualifiers: re.Pattern | None = None  # parenthetical remarks the field already covers
    caveat: tuple[re.Pattern, str] | None = None  # wording the field only approximates
    window_any_when: re.Pattern | None = None  # anchor wording that makes any window annual
    # A word just before the measure that makes it another one (连续逾期 is not 逾期次数).
    blocked_by: tuple[re.Pattern, str] | None = None

    def reading(self, kind: str) -> Reading | None:
        if kind == PLAIN and self.plain_kind:
            kind = self.plain_kind
        return self.readings.get(kind)


def _re(pattern: str) -> re.Pattern:
    return re.compile(pattern)


_TWELVE = frozenset({12})
_NO_COUNT = "no profile field counts these events"

FAMILIES: list[Family] = [
    Family(
        "business_age",
        _re(
            r"(?:营业执照(?:注册|登记)?|(?:实际|持续|正常|连续|企业)?(?:成立|经营|注册|开业|营业|存续)"
            r"(?:时间|年限|期限|记录|历史)?)"
        ),
        {DURATION: Reading(BUSINESS_AGE)},
        qualifiers=_re(r"营业执照|注册日期|成立日期|工商登记|为准"),
        blocked_by=(
            _re(r"从事(?:本|同|该|相关)?(?:行业|领域)$|行业(?:从业)?$"),
            "no profile field holds how long the owner has worked in the trade",
        ),
    ),
    Family(
        "age",
        _re(
            r"(?:(?:法定代表人|法人代表|法人|实际控制人|实控人|企业主|借款人|主要股东|申请人|经营者|"
            r"理事长|负责人)(?:\((?:法定代表人|法人代表|实际控制人)\))?)?(?:的)?年龄"
        ),
        {AGE: Reading("legal_rep_age")},
        plain_kind=AGE,
    ),
    Family(
        "tax",
        _re(
            r"(?:年均|年平均|平均每年|全年|年度|年|累计|实际)?(?:连续|正常|按时|依法)*(?:申报)?"
            r"(?:纳税|缴税|完税|缴纳税款|缴纳税费|税收贡献|纳税贡献|入库税款|入库税额)"
            r"(?:总额|金额|额|总计|合计|额度)?"
            r"(?:\+减税额|\+减免税额|加减免?税额|及减免?税额|\(含减免?税额\))?(?:年均|记录)?"
        ),
        {
            MONEY: Reading("tax_paid_12m", _TWELVE),
            DURATION: Reading("tax_filing_months"),
            COUNT: Reading(None, note="no profile field counts tax payments in a window"),
        },
        plain_kind=MONEY,
        qualifiers=_re(r"增值税|所得税|消费税|附加税|税种"),  # which taxes count: all of them do
        caveat=(
            _re(r"减免?税"),
            "read as tax paid alone: the profile has no field for tax "
            "reductions, so firms that reach the figure only with them are missed",
        ),
        window_any_when=_re(r"年均|年平均|平均每年"),
    ),
    Family(
        "revenue",
        _re(
            r"(?:上一?年度|年度|全年|年)?(?:(?:纳税申报|增值税申报|申报)(?:销售)?收入|"
            r"(?:纳税申报|增值税申报|申报|增值税)?(?:销售收入|营业收入|营收|销售额|主营业务收入|经营收入|"
            r"应税销售收入|应税收入|应税销售额|纳税收入|纳税销售收入|年销售|年营业额|营业额|年收入))"
        ),
        {MONEY: Reading("annual_revenue", _TWELVE)},
        plain_kind=MONEY,
    ),
    Family(
        "growth",
        _re(
            r"(?:(?:纳税申报|申报)?(?:销售收入|营业收入|营收|收入|销售额|营业额))?(?:年|年度|同比)?"
            r"(?:增长率|增速|增幅|增长)"
        ),
        {RATIO: Reading("revenue_growth")},
        plain_kind=RATIO,
    ),
    Family(
        "invoice",
        _re(
            r"(?:年|年度|全年|连续|正常)?(?:增值税)?(?:专用)?(?:发票)?(?:开票|开具发票)(?:销售)?"
            r"(?:收入|金额|额|销售额|总额)?(?:记录)?|发票(?:开具)?金额"
            r"|(?:连续|正常|按时)*开具(?:增值税)?(?:专用|普通)?发票(?:记录)?"
        ),
        {
            MONEY: Reading("invoice_revenue_12m", _TWELVE),
            DURATION: Reading("invoice_months"),
            COUNT: Reading(None, note="no profile field counts invoices"),
        },
        plain_kind=MONEY,
    ),
    Family(
        "credit_balance",
        _re(
            r"(?:当前|目前|现有)?(?:经营性)?(?:信贷|贷款|融资|借款|银行借款|银行贷款)(?:总)?余额"
            r"|(?:经营性)?(?:负债|债务)(?:总额|金额|合计)?"
            r"|融资总额"
        ),
        {MONEY: Reading("total_credit_balance")},
        direction="max",
        plain_kind=MONEY,
        qualifiers=_re(r"房贷|住房|按揭|信用卡|消费"),
        blocked_by=(_re(r"或有$"), "no profile field holds contingent liabilities (或有负债)"),
    ),
    Family(
        "debt_ratio",
        _re(r"(?:资产)?负债率"),
        {RATIO: Reading("debt_ratio")},
        direction="max",
        plain_kind=RATIO,
    ),
    Family(
        "net_profit",
        _re(r"(?:年度)?(?:净利润|利润总额|利润|净利)"),
        {MONEY: Reading("net_profit")},
        plain_kind=MONEY,
    ),
    Family("profitable", _re(r"(?:实现|经营)?盈利"), {}, implied=("net_profit", ">", 0)),
    Family("loss", _re(r"亏损"), {}, negated_bare=("net_profit", ">=", 0)),
    Family(
        "registered_capital",
        _re(r"(?:注册资本|注册资金)(?:实缴)?|实缴资本|实收资本"),
        {MONEY: Reading("registered_capital")},
        plain_kind=MONEY,
    ),
    Family(
        "total_assets",
        _re(r"资产总额|总资产|资产规模"),
        {MONEY: Reading("total_assets")},
        plain_kind=MONEY,
    ),
    Family(
        "employees",
        _re(r"(?:从业人员|在职员工|员工|职工|雇员|用工)(?:人数|数量|数)?"),
        {COUNT: Reading("employees")},
        plain_kind=COUNT,
    ),
    Family(
        "social_insurance",
        _re(
            r"(?:缴纳社保|社保缴纳|缴纳社会保险|社会保险缴纳|社保参保|参保|社保)(?:人数|员工|职工)?"
        ),
        {
            COUNT: Reading("social_insurance_headcount"),
            DURATION: Reading(
                None, note="no profile field holds how long social insurance was paid"
            ),
        },
        plain_kind=COUNT,
    ),
    Family(
        "zero_filings",
        _re(r"[\"“”'‘’]?(?:0|零)[\"“”'‘’]?申报(?:次数|记录)?"),
        {COUNT: Reading("zero_filings_12m", _TWELVE)},
        direction="max",
        plain_kind=COUNT,
        negated_bare=("zero_filings_12m", "==", 0),
    ),
    Family(
        "overdue",
        _re(r"(?:累计)?(?:贷款|信贷|信用卡|征信)?逾期(?:记录|次数|情况)?"),
        {COUNT: Reading("overdue_count_24m", frozenset({24}))},
        direction="max",
        plain_kind=COUNT,
        negated_bare=("overdue_count_24m", "==", 0),
        negated_bare_unwindowed=("overdue_current", "==", False),
        blocked_by=(_re(r"连续$"), "no profile field counts consecutive overdue instalments"),
    ),
    Family(
        "inquiries",
        _re(r"(?:征信|信用报告|贷款审批|审批|机构|硬)?查询(?:次数|记录)?"),
        {COUNT: Reading({3: "credit_inquiries_3m", 6: "credit_inquiries_6m"})},
        direction="max",
        plain_kind=COUNT,
        # which inquiries count (贷款审批、信用卡审批; 贷后管理查询除外): the field's own
        qualifiers=_re(r"贷款审批|信用卡审批|担保资格审查|贷后管理|本人查询"),
    ),
    Family(
        "enforcement",
        _re(r"(?:未结清|未结案|未结|未履行(?:完毕)?)?(?:的)?被执行(?:案件|记录|信息)?"),
        {COUNT: Reading("enforcement_cases")},
        direction="max",
        plain_kind=COUNT,
        negated_bare=("enforcement_cases", "==", 0),
    ),
    Family(
        "admin_penalties",
        _re(r"行政处罚(?:记录|次数)?"),
        {COUNT: Reading("admin_penalties_24m", frozenset({24}))},
        direction="max",
        plain_kind=COUNT,
        negated_bare=("admin_penalties_24m", "==", 0),
        blocked_by=(
            _re(r"(?:重大|严重)$"),
            "admin_penalties_24m counts every penalty, the sheet only serious ones",
        ),
    ),
    Family(
        "ip",
        _re(
            r"(?:其他|其它)?(?:有效)?(?:知识产权|发明专利|实用新型专利|专利|软件著作权|软著|商标)"
            r"(?:数量|数)?"
        ),
        {COUNT: Reading("ip_count")},
        plain_kind=COUNT,
        implied=("ip_count", ">=", 1),
        caveat=(
            _re(r"专利|商标|软件著作权|软著"),
            "ip_count counts patents, trademarks and "
            "software copyrights together; the sheet names one kind",
        ),
    ),
    Family(
        "procurement",
        _re(r"政府采购(?:平台|网)?(?:中标|成交)?(?:的)?(?:合同|订单|项目)?(?:金额|额)?"),
        {MONEY: Reading("government_procurement_12m", _TWELVE)},
        plain_kind=MONEY,
    ),
    Family(
        "trade",
        _re(r"(?:海关)?(?:进出口|报关)(?:报关)?(?:额|金额|总额|业绩)?"),
        {MONEY: Reading("import_export_12m", _TWELVE)},
        plain_kind=MONEY,
    ),
    Family(
        "utility",
        _re(
            r"(?:按时|正常|连续)*(?:缴纳|缴交|支付)?(?:水电气|水电|电费|水费)(?:费)?"
            r"(?:(?:按时|正常|连续)*(?:缴纳|缴费))?(?:记录)?"
        ),
        {DURATION: Reading("utility_months_paid")},
    ),
]

AGE_FAMILY = next(f for f in FAMILIES if f.name == "age")
