"""Sentences from ``wording``'s and ``field_wording``'s tables: which row a
criterion takes, with its values in.

Kept apart from the tables so that reviewing the words is reading data, and changing
how a row is chosen is reading code.
"""

from __future__ import annotations

from typing import Any

from ..vocabulary import fields as F
from . import field_wording as FC
from . import values as V
from . import wording as W
from .values import joined, value_text


def bound_text(name: str, op: str, value: Any, lang: str) -> dict[str, str]:
    """The rule's value as the templates' {bound}, or {low} and {high} for a range."""
    if op in ("between", "not_between"):
        low, high = (value_text(name, v, lang) for v in value)
        unit = F.FIELDS[name].unit_zh
        if lang == "zh" and unit and F.FIELDS[name].kind != F.MONEY and low.endswith(unit):
            low = low[: -len(unit)]  # 18至60周岁, not 18周岁至60周岁
        return {"low": low, "high": high}
    if isinstance(value, (tuple, list)):
        if name == "size_class" and frozenset(value) in W.SIZE_SETS:
            return {"bound": W.SIZE_SETS[frozenset(value)][lang == "en"]}
        # "需为A级或B级" but "不得为C级、D级"; English says "or" both ways.
        last = "or" if lang == "en" or op in ("in", "prefix") else "and"
        return {"bound": joined([value_text(name, v, lang) for v in value], lang, last)}
    return {"bound": value_text(name, value, lang)}


def _name(name: str, lang: str) -> str:
    fld = F.FIELDS[name]
    own = W.NAMES.get(name)
    return own[lang == "en"] if own else (fld.en if lang == "en" else fld.zh)


def _forms(name: str, op: str, value: Any) -> tuple[str, str, str, str]:
    if (name, op) in W.AT_ZERO and not isinstance(value, (bool, tuple, list)) and value == 0:
        return W.AT_ZERO[name, op]
    return W.FIELD_OPERATORS.get((name, op)) or W.OPERATORS[op]


def _none_asked(name: str, op: str, value: Any) -> bool:
    return name in FC.NONE and op in ("==", "<=") and not isinstance(value, bool) and value == 0


def _flag_wanted(name: str, op: str, value: Any) -> bool | None:
    """The yes/no a flag criterion asks for, or None when it is not a plain yes/no test."""
    if name in FC.FLAGS and op in ("==", "!=") and isinstance(value, bool):
        return value if op == "==" else not value
    return None


def _en_count(name: str, value: Any) -> str:
    one, many = FC.EN_COUNTS[name][2:]
    return f"{V.number(value)} {one if value == 1 else many}"


def _en_counted(name: str, op: str, value: Any) -> str | None:
    """A count's English bound with its comparison ("at most 1 time"), when it has one."""
    if name not in FC.EN_COUNTS or isinstance(value, bool):
        return None
    if op in ("between", "not_between"):
        low, high = value
        words = "between {} and {}" if op == "between" else "not between {} and {}"
        return words.format(V.number(low), _en_count(name, high))
    if op in FC.EN_COMPARED:
        return FC.EN_COMPARED[op].format(_en_count(name, value))
    return None


def _fixed(name: str, op: str, value: Any, met: bool) -> tuple[str, str] | None:
    """The sentence of a criterion whose words do not depend on a bound: whether a field is
    stated, a yes/no fact, a count that must be none; None for any other."""
    if op == "exists":
        fld, which = F.FIELDS[name], 0 if value else 1
        zh, en = (W.EXISTS[1], W.EXISTS[3]) if met else (W.EXISTS[0], W.EXISTS[2])
        return zh[which].format(name=fld.zh), en[which].format(name=fld.en)
    wanted = _flag_wanted(name, op, value)
    if wanted is not None:
        flag = FC.FLAGS[name]
        return flag.zh[not wanted], (flag.en if met else flag.en_need)[not wanted]
    if _none_asked(name, op, value):
        return FC.NONE[name][0], FC.NONE[name][3 if met else 2]
    return None


def requirement(name: str, op: str, value: Any) -> tuple[str, str]:
    """What a criterion asks for, standing alone (the product page's line): zh, en."""
    fixed = _fixed(name, op, value, met=False)
    if fixed is not None:
        return fixed
    forms = _forms(name, op, value)
    zh = forms[0].format(name=_name(name, "zh"), **bound_text(name, op, value, "zh"))
    counted = _en_counted(name, op, value)
    if counted is not None:
        return zh, FC.EN_COUNTS[name][0].format(n=counted)
    en = forms[2].format(name=_name(name, "en"), **bound_text(name, op, value, "en"))
    return zh, en


def met(
    name: str, op: str, value: Any, actual: Any, actual_zh: str, actual_en: str
) -> tuple[str, str]:
    """A criterion the firm meets, saying what it has: 无欠税, 资产负债率为45%，未超过70%."""
    fixed = _fixed(name, op, value, met=True)
    if fixed is not None:
        return fixed
    if name in FC.NONE and actual == 0 and op in ("<=", "<"):
        return FC.NONE[name][0], FC.NONE[name][3]  # 近24个月无逾期, whatever the bound allowed
    forms = _forms(name, op, value)
    zh = forms[1].format(
        name=_name(name, "zh"), actual=actual_zh, **bound_text(name, op, value, "zh")
    )
    counted = _en_counted(name, op, value)
    if counted is not None:
        has = FC.EN_COUNTS[name][1].format(n=_en_count(name, actual))
        if op in FC.EN_COMPARED:  # the noun once: "(at most 2)"
            counted = FC.EN_COMPARED[op].format(V.number(value))
        return zh, FC.EN_COUNT_MET.format(has=has, bound=counted)
    en = forms[3].format(
        name=_name(name, "en"), actual=actual_en, **bound_text(name, op, value, "en")
    )
    return zh, en


def unmet(
    name: str,
    op: str,
    value: Any,
    required: tuple[str, str],
    actual: Any,
    actual_zh: str,
    actual_en: str,
    labelled: bool,
) -> tuple[str, str]:
    """A criterion the firm fails: the requirement, then what the firm has."""
    if _flag_wanted(name, op, value) is not None and isinstance(actual, bool):
        flag = FC.FLAGS[name]
        now_zh, now_en = flag.zh_now[not actual], flag.en_now[not actual]
        zh_form = FC.LABEL_FAILED if labelled else FC.FLAG_FAILED[0]
        return (
            zh_form.format(requirement=required[0], actual=now_zh),
            FC.FLAG_FAILED[1].format(requirement=required[1], actual=now_en),
        )
    zh_required = required[0]
    if _none_asked(name, op, value) and not labelled:
        zh_required = FC.NONE[name][1]
    if op == "exists" and actual is None:
        actual_zh, actual_en = W.NOT_STATED
    zh_form, en_form = W.FIELD_FAILED.get(name, W.FAILED)
    if isinstance(actual, (tuple, list)) and not actual:
        zh_form, en_form = W.FIELD_EMPTY.get(name, W.FAILED_EMPTY)
    if (
        name not in W.FIELD_FAILED
        and F.FIELDS[name].kind in (F.ENUM, F.CODE)
        and actual is not None
    ):
        zh_form = W.FAILED_NAMED
    if not labelled and _en_counted(name, op, value) is not None:
        en_form, actual_en = FC.EN_COUNT_FAILED, _en_count(name, actual)
    if _none_asked(name, op, value) and not labelled:
        zh_form = FC.NONE_FAILED.format(requirement="{requirement}", tail=FC.NONE[name][4])
    return (
        zh_form.format(requirement=zh_required, actual=actual_zh),
        en_form.format(requirement=required[1], actual=actual_en),
    )


def undecided(
    name: str,
    op: str,
    value: Any,
    required: tuple[str, str],
    needed: tuple[str, ...],
    labelled: bool,
) -> tuple[str, str]:
    """A criterion on a field the profile does not state: the requirement, then what to ask for."""
    zh_required = required[0]
    if not labelled and _flag_wanted(name, op, value) is not None:
        zh_required = FC.FLAG_UNKNOWN.format(requirement=zh_required)
    elif not labelled and _none_asked(name, op, value):
        zh_required = FC.NONE[name][1]
    zh_missing = "、".join(f"{_asked(n)}({n})" for n in needed)
    return (
        W.UNKNOWN[0].format(requirement=zh_required, missing=zh_missing),
        W.UNKNOWN[1].format(requirement=required[1], missing=", ".join(needed)),
    )


def _asked(name: str) -> str:
    return FC.FLAGS[name].ask_zh if name in FC.FLAGS else F.FIELDS[name].zh


def labelled_met(
    required: tuple[str, str], name: str, op: str, value: Any, actual_zh: str, actual_en: str
) -> tuple[str, str]:
    """A met criterion the bank worded itself: its words, and what the firm has."""
    if _flag_wanted(name, op, value) is not None or op == "exists":
        return required
    return (
        W.LABEL_MET[0].format(requirement=required[0], actual=actual_zh),
        W.LABEL_MET[1].format(requirement=required[1], actual=actual_en),
    )
