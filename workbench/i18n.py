"""Chinese first, English on request: the page's language and its words.

The language is ``?lang=zh|en`` (remembered in a cookie), else the cookie, else
Chinese. Words live in ``WORDS`` as (zh, en); a missing English falls back to the
Chinese, a missing key shows the key (a test sees it).
"""

from __future__ import annotations

from flask import g, request

LANGS = ("zh", "en")
LANG_COOKIE = "loanmatch_ui_lang"

WORDS: dict[str, tuple[str, str]] = {
    "app": ("贷款匹配工作台", "Loan matching workbench"),
    "skip": ("跳到正文", "Skip to content"),
    "signin": ("登录", "Sign in"),
    "signout": ("退出登录", "Sign out"),
    "signin_title": ("用 API 密钥登录", "Sign in with your API key"),
    "signin_help": (
        "密钥只在服务器端保存，浏览器只持有一个有时效的会话标识。",
        "The key stays on the server; your browser holds only an expiring session id.",
    ),
    "api_key": ("API 密钥", "API key"),
    "bad_key": ("密钥无效，请检查后重试。", "That key is not valid; check it and try again."),
    "local_operator": (
        "以本机操作员身份进入（未启用认证）",
        "Continue as the local operator (authentication is off)",
    ),
    "signed_in_as": ("当前身份", "Signed in as"),
    "role_portal": ("平台（门户）", "portal"),
    "role_admin": ("平台运营", "operator"),
    "role_bank": ("银行", "bank"),
    "home": ("首页", "Home"),
    "playground": ("匹配试算", "Playground"),
    "report": ("企业报告", "Report"),
    "my_products": ("我的产品", "My products"),
    "history": ("版本历史", "History"),
    "leads": ("线索", "Leads"),
    "dashboard": ("运营看板", "Dashboard"),
    "screening": ("筛查与邀约", "Screenings and invitations"),
    "screening_banks_only": (
        "筛查与邀约供银行使用：请用银行的密钥登录。",
        "Screenings and invitations are for banks: sign in with a bank's key.",
    ),
    "screening_help": (
        "用平台企业库筛查本行产品（不选则筛查全部产品）。",
        "Screen your products against the platform's firm base (none ticked: all of them).",
    ),
    "screening_start": ("开始筛查", "Start a screening"),
    "screening_none": ("还没有筛查。", "No screening yet."),
    "screening_suppressed": (
        "少于5家企业的分组数字不显示（<5）。",
        "Segment cells under 5 firms are not shown (<5).",
    ),
    "screening_listed": (
        "家同意被联系的可申请企业（化名）",
        "eligible firms that agreed to be contacted (pseudonymous)",
    ),
    "screening_message": ("邀约内容", "Message"),
    "screening_firms": ("企业（化名）", "Firms (pseudonymous)"),
    "screening_invite": ("发送邀约", "Send invitations"),
    "screening_invitations": ("已发邀约", "Invitations sent"),
    "firm_base_impact": ("全平台企业库", "Platform firm base"),
    "language": ("语言", "Language"),
    "what_here": ("您可以在这里做什么", "What you can do here"),
    "home_portal": (
        "为企业画像试算匹配结果，并生成可打印的企业报告。",
        "Try a firm's profile against the catalog, and print its report.",
    ),
    "home_bank": (
        "维护本行产品规则（校验、场景测试、预览、发布），查看版本历史，处理线索。",
        "Keep your products' rules (lint, scenarios, preview, publish), see their "
        "history, and work your leads.",
    ),
    "home_admin": (
        "查看平台运营数据与目录健康状况。",
        "See the platform's figures and the catalog's health.",
    ),
    # playground and report
    "profile": ("企业画像", "Company profile"),
    "match": ("匹配", "Match"),
    "example": ("例", "e.g."),
    "unknown": ("未知", "unknown"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "fix_fields": ("请修正标出的字段。", "Please correct the fields marked."),
    "eligible": ("可申请", "Eligible"),
    "near_misses": ("差一点", "Near misses"),
    "incomplete": ("信息不足", "Need more information"),
    "ask_for": ("还需提供", "Ask for"),
    "would_change": ("改变以下条件即可", "What would change the answer"),
    "score": ("得分", "Score"),
    "reasons": ("原因", "Reasons"),
    "products_checked": ("共检查产品", "Products checked"),
    "make_report": ("生成企业报告", "Make the report"),
    "load_example": ("填入示例", "Fill in an example"),
    "catalog_version": ("目录版本", "Catalog version"),
    "as_of": ("评估日期", "Evaluation date"),
    "report_title": ("企业画像与融资匹配报告", "Company profile and financing match report"),
    "portrait": ("企业画像", "Portrait"),
    "size_class": ("企业规模", "Size class"),
    "years_in_business": ("成立年限", "Years in business"),
    "region": ("注册地", "Region"),
    "industry": ("行业", "Industry"),
    "indicators": ("关键指标与门槛", "Indicators and the thresholds that matter"),
    "indicator": ("指标", "Indicator"),
    "value": ("数值", "Value"),
    "thresholds": ("产品门槛", "Product thresholds"),
    "matched_products": ("匹配产品", "Matched products"),
    "advice": ("建议", "Advice"),
    "print": ("打印 / 另存为 PDF", "Print / save as PDF"),
    "none": ("无", "none"),
    "years": ("年", "years"),
    # bank
    "name": ("名称", "Name"),
    "status": ("状态", "Status"),
    "live": ("在售", "live"),
    "retired": ("已下架", "retired"),
    "live_version": ("当前版本", "Live version"),
    "last_change": ("最近修改", "Last change"),
    "leads_month": ("本月线索", "Leads this month"),
    "rules_in_words": ("规则说明", "Rules in words"),
    "editor": ("规则文件 (YAML)", "Rule file (YAML)"),
    "editor_keys": (
        "Tab 键缩进两格；先按 Esc 再按 Tab 可离开编辑框。每次输入后自动校验。",
        "Tab indents two spaces; press Esc, then Tab, to leave the editor. The "
        "draft is checked as you type.",
    ),
    "lint_ok": ("校验通过", "No problems found"),
    "problems": ("问题", "Problems"),
    "scenarios": ("场景测试", "Scenarios"),
    "run_scenarios": ("运行场景测试", "Run the scenarios"),
    "passed": ("通过", "passed"),
    "failed": ("未通过", "failed"),
    "ineligible": ("不符合", "ineligible"),
    "preview": ("预览", "Preview"),
    "preview_base": ("以基准画像预览", "Preview against the base profiles"),
    "gained": ("比现行规则新增可申请", "newly eligible against the live rules"),
    "lost": ("不再可申请", "no longer eligible"),
    "each_profile": ("逐个画像", "Each profile"),
    "preview_own": ("以输入的画像预览 (JSON)", "Preview against a profile you enter (JSON)"),
    "publish": ("发布", "Publish"),
    "review_publish": ("检查差异并发布", "Review the changes and publish"),
    "confirm_publish": ("确认发布", "Confirm and publish"),
    "retire": ("下架", "Retire"),
    "confirm_retire": ("确认下架该产品", "Confirm: retire this product"),
    "changes": ("条件级差异", "Criterion-level changes"),
    "no_changes": ("规则没有变化", "The rules do not change"),
    "published": ("已发布", "Published"),
    "unchanged_publish": (
        "未改动：线上版本已是这份规则",
        "Nothing changed: the live version has these rules",
    ),
    "who": ("发布人", "Who"),
    "when": ("时间", "When"),
    "version": ("版本", "Version"),
    "cancel": ("取消", "Cancel"),
    "back": ("返回", "Back"),
    # leads
    "claim": ("领取新线索", "Claim new leads"),
    "accept": ("受理", "Accept"),
    "decline": ("拒绝", "Decline"),
    "approve": ("批准", "Approve"),
    "disburse": ("放款", "Disburse"),
    "masked": ("受理前隐藏企业身份", "Identity hidden until accepted"),
    "hidden": ("已隐藏", "hidden"),
    "why_eligible": ("符合的条件", "Criteria met"),
    "months": ("个月", "months"),
    "audit": ("操作记录", "Audit trail"),
    "amount_wan": ("金额（万元）", "Amount (10k yuan)"),
    "rate_pct": ("年利率 (%)", "Rate (% a year)"),
    "term": ("期限（月）", "Term (months)"),
    "reason": ("原因", "Reason"),
    "date": ("日期", "Date"),
    "requested": ("申请金额", "Requested"),
    "product": ("产品", "Product"),
    "created": ("创建时间", "Created"),
    "no_leads": ("暂无线索", "No leads yet"),
    # dashboard
    "enterprises": ("服务企业数", "Enterprises served"),
    "demand": ("融资需求", "Financing demand"),
    "approved_amount": ("批准金额", "Amount approved"),
    "disbursed_amount": ("放款金额", "Amount disbursed"),
    "approval_rate": ("批准率", "Approval rate"),
    "to_claim": ("到首次领取（中位，小时）", "To first claim (median hours)"),
    "to_decision": ("到审批结果（中位，小时）", "To decision (median hours)"),
    "by_month": ("按月", "By month"),
    "by_bank": ("按银行", "By bank"),
    "by_city": ("按城市", "By city"),
    "catalog_health": ("目录健康", "Catalog health"),
    "products_per_bank": ("各行产品数", "Products per bank"),
    "pending_errors": ("待处理的规则错误", "Pending rule errors"),
    "versions": ("版本记录", "Versions"),
    "wan_yuan": ("万元", "10k yuan"),
    "leads_count": ("线索数", "Leads"),
    # errors
    "forbidden": ("无权访问", "Not allowed"),
    "not_found": ("未找到", "Not found"),
    "error": ("出错了", "Something went wrong"),
    "csrf": ("表单已过期，请返回重试。", "The form expired; go back and try again."),
    "store_down": (
        "会话存储暂时不可用，请稍后重试。",
        "The session store is unavailable; try again shortly.",
    ),
}


def choose_language() -> None:
    asked = request.args.get("lang")
    if asked in LANGS:
        g.lang = asked
        g.lang_changed = request.cookies.get(LANG_COOKIE) != asked
    else:
        cookie = request.cookies.get(LANG_COOKIE)
        g.lang = cookie if cookie in LANGS else "zh"


def lang() -> str:
    return g.get("lang", "zh")


def t(key: str, language: str | None = None) -> str:
    words = WORDS.get(key)
    if words is None:
        return key
    zh, en = words
    return en if (language or lang()) == "en" and en else zh


def pick(text, language: str | None = None):
    """A ``{zh, en}`` message in the page's language (anything else as it is)."""
    if isinstance(text, dict):
        return text.get(language or lang()) or text.get("zh") or text.get("en") or ""
    return text
