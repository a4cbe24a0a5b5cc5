"""The values on either side of a criterion's bound, written as posted fields.

``years_in_business >= 2`` is met at 24 months and broken at 23; ``tax_credit_rating
in [A, B]`` is met at B and broken at M (the scale is ordered); ``province_code ==
"510000"`` is met by a Sichuan ``region_code`` and broken by a Beijing one. The
scenario generator asks this module for those pairs; it knows the vocabulary, the
size-class regulation and how derived fields come from posted ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..rulefile.condition import Criterion, Group, Node
from ..rulefile.operators import OPS
from ..vocabulary import fields as F
from ..vocabulary.posted import DIVISIONS, PROVINCES
from ..vocabulary.profile import months_between
from ..vocabulary.regions import CITIES
from ..vocabulary.sizeclass import LEVELS, _candidate_rules

REMOVED = object()  # a target meaning "the field is not stated"
_POSITIVE = {"not_between": "between", "not_prefix": "prefix", "not_contains": "contains"}
_ORDINAL = {"tax_credit_rating", "size_class"}
_REGION_FIELDS = ("region_code", "province_code", "city_code")
# One real GB/T 4754-2017 class per section, for "an industry outside the list".
_SECTION_SAMPLE = {
    "A": "A0111",
    "B": "B0610",
    "C": "C3311",
    "D": "D4411",
    "E": "E4710",
    "F": "F5212",
    "G": "G5430",
    "H": "H6110",
    "I": "I6510",
    "J": "J6620",
    "K": "K7040",
    "L": "L7212",
    "M": "M7320",
    "N": "N7610",
    "O": "O8010",
    "P": "P8310",
    "Q": "Q8411",
    "R": "R8610",
    "S": "S9110",
    "T": "T9800",
}
AT, PAST = "at the bound", "just past the bound"


@dataclass(frozen=True)
class Leaf:
    """A criterion with the negations above it applied (``not prefix`` → ``not_prefix``)."""

    field: str
    op: str
    value: Any
    original: Criterion

    @property
    def source(self) -> str | None:
        return self.original.source

    def outcome(self, values: Mapping[str, Any]) -> str:
        if self.op in _POSITIVE:
            found = Criterion(self.field, _POSITIVE[self.op], self.value).outcome(values)
            return {"pass": "fail", "fail": "pass"}.get(found, found)
        return Criterion(self.field, self.op, self.value).outcome(values)

    def text(self) -> str:
        return Criterion(self.field, self.op, self.value).describe()


@dataclass(frozen=True)
class Branches:
    kind: str  # "all" or "any"
    children: tuple


def nnf(node: Node, negated: bool = False):
    """The tree with every ``not`` pushed down to its criteria (De Morgan)."""
    if isinstance(node, Criterion):
        if not negated:
            return Leaf(node.field, node.op, node.value, node)
        if node.op == "exists":
            return Leaf(node.field, "exists", not node.value, node)
        return Leaf(node.field, OPS[node.op].shown_negated, node.value, node)
    assert isinstance(node, Group)
    if node.kind == "not":
        return nnf(node.children[0], not negated)
    kind = node.kind if not negated else ("any" if node.kind == "all" else "all")
    return Branches(kind, tuple(nnf(child, negated) for child in node.children))


# --- pairs: (a value that holds or None, a value that breaks or None, (words, words)) ---


def leaf_pairs(leaf: Leaf, values: Mapping[str, Any]) -> Iterator[tuple[Any, Any, tuple]]:
    fld = F.FIELDS[leaf.field]
    if leaf.op == "exists":
        stated = _stated_value(leaf.field, values)
        if leaf.value:
            yield stated, REMOVED, ("stated", "not stated")
        else:
            yield REMOVED, stated, ("not stated", "stated")
    elif leaf.field in _REGION_FIELDS or leaf.field in ("industry_code", "industry_section"):
        yield from _code_pairs(leaf, values)
    elif leaf.op in ("contains", "not_contains"):
        held = list(values.get(leaf.field) or [])
        with_it = held if leaf.value in held else held + [leaf.value]
        without = [b for b in held if b != leaf.value]
        pair = (with_it, without) if leaf.op == "contains" else (without, with_it)
        yield pair[0], pair[1], (AT, PAST)
    elif leaf.field in ("years_in_business", "months_in_business") or fld.numeric:
        yield from _numeric_pairs(leaf, fld)
    elif fld.kind in (F.BOOLEAN, F.ENUM):
        yield from _choice_pairs(leaf, fld)


def _years_as_months(op: str, n: Any) -> tuple[str, Any] | None:
    if isinstance(n, tuple):
        low, high = 12 * int(n[0]), 12 * int(n[1]) + 11
        return {
            "between": ("between", (low, high)),
            "not_between": ("not_between", (low, high)),
        }.get(op)
    n = int(n)
    table: dict[str, tuple[str, Any]] = {
        ">=": (">=", 12 * n),
        ">": (">=", 12 * n + 12),
        "<=": ("<=", 12 * n + 11),
        "<": ("<=", 12 * n - 1),
        "==": ("between", (12 * n, 12 * n + 11)),
        "!=": ("not_between", (12 * n, 12 * n + 11)),
    }
    return table.get(op)


def _step(fld: F.Field, bound: Any) -> Decimal | int:
    if fld.kind == F.INTEGER or fld.name.endswith("_in_business"):
        return 1
    exponent = Decimal(str(bound)).normalize().as_tuple().exponent
    if not isinstance(exponent, int):  # NaN or infinity: the rule reader refuses both
        raise ValueError(f"{fld.name}: {bound!r} is not a finite number")
    if fld.kind == F.RATIO:
        return Decimal(1).scaleb(min(exponent, -2))
    return 1 if exponent >= 0 and not isinstance(bound, Decimal) else Decimal("0.01")


def _numeric_pairs(leaf: Leaf, fld: F.Field):
    op, v = leaf.op, leaf.value
    if leaf.field == "years_in_business":
        converted = _years_as_months(op, v)
        if converted is None:
            return
        op, v = converted
    s = _step(fld, v[0] if isinstance(v, tuple) else v)
    if op in ("between", "not_between"):
        lo, hi = v
        pairs = [(lo, lo - s), (hi, hi + s)] if op == "between" else [(lo - s, lo), (hi + s, hi)]
    elif op in ("in", "not_in"):
        pairs = [(v[0], max(v) + s)] if op == "in" else [(max(v) + s, v[0])]
    else:
        pairs = {
            ">=": [(v, v - s)],
            ">": [(v + s, v)],
            "<=": [(v, v + s)],
            "<": [(v - s, v)],
            "==": [(v, v + s), (v, v - s)],
            "!=": [(v + s, v)],
        }[op]
    low = 0 if fld.name.endswith("_in_business") else fld.min_value
    for hold, broken in pairs:
        ok = [
            None
            if x is None
            or (low is not None and x < low)
            or (fld.max_value is not None and x > fld.max_value)
            else x
            for x in (hold, broken)
        ]
        if ok != [None, None]:
            yield ok[0], ok[1], (AT, PAST)


def _choice_pairs(leaf: Leaf, fld: F.Field):
    choices = (True, False) if fld.kind == F.BOOLEAN else fld.choices
    listed = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    allowed = [c for c in choices if (c in listed) == (leaf.op in ("==", "in"))]
    denied = [c for c in choices if c not in allowed]
    if leaf.field in _ORDINAL:
        for a, b in zip(choices, choices[1:]):
            if (a in allowed) != (b in allowed):
                yield (a, b, (AT, PAST)) if a in allowed else (b, a, (AT, PAST))
    elif len(allowed) <= len(denied):
        for i, a in enumerate(allowed):
            yield a, denied[0] if i == 0 and denied else None, ("allowed", "not allowed")
    else:
        for i, d in enumerate(denied[:3]):
            yield allowed[0] if i == 0 and allowed else None, d, ("allowed", "not allowed")


# --- codes -------------------------------------------------------------------------


def _code_rule(leaf: Leaf) -> tuple[list[str], bool, bool]:
    """(prefixes of the posted code, whether they are allowed, whether matching is exact)."""
    values = list(leaf.value) if isinstance(leaf.value, tuple) else [leaf.value]
    if leaf.field in ("province_code", "city_code"):
        values = [v[:2] if v.endswith("0000") else v[:4] if v.endswith("00") else v for v in values]
    allowed = leaf.op in ("==", "in", "prefix")
    exact = leaf.field in ("region_code", "industry_code") and leaf.op in (
        "==",
        "!=",
        "in",
        "not_in",
    )
    return values, allowed, exact


def _full(posted: str, prefix: str) -> str:
    if posted == "region_code":
        if len(prefix) == 6:
            return prefix
        if len(prefix) == 2:
            city = next((c for c in sorted(CITIES) if c.startswith(prefix)), prefix + "0100")
            return city[:4] + "02"
        return prefix + "02"
    if len(prefix) == 1:
        return _SECTION_SAMPLE[prefix]
    return (prefix + "1111")[:5]


def _industry_ok(code: str) -> bool:
    low, high = DIVISIONS[code[0]]
    return len(code) == 1 or low <= int(code[1:3]) <= high


def _region_ok(code: str) -> bool:
    return code[:2] in PROVINCES


def _outside(posted: str, prefixes: list[str], exact: bool) -> str | None:
    """The nearest valid code that none of ``prefixes`` covers (siblings first)."""
    candidates: list[str] = []
    if posted == "region_code":
        for p in prefixes:
            if len(p) == 6:
                candidates += [p[:4] + d for d in ("01", "02", "03")]
            if len(p) >= 4:
                candidates += [c[:4] + "02" for c in sorted(CITIES) if c[:2] == p[:2]]
        candidates += [code[:2] + "0102" for code in sorted(PROVINCES)]
        valid = _region_ok
    else:
        for p in prefixes:
            if len(p) >= 4:
                candidates += [p[:-1] + str(d) for d in range(10)]
            if len(p) >= 3:
                low, high = DIVISIONS[p[0]]
                candidates += [f"{p[0]}{d:02d}11" for d in range(low, high + 1)]
        candidates += list(_SECTION_SAMPLE.values())
        valid = _industry_ok
    for code in candidates:
        covered = any(code == p if exact else code.startswith(p) for p in prefixes)
        if not covered and valid(code):
            return code
    return None


def _code_pairs(leaf: Leaf, values: Mapping[str, Any]):
    posted = "region_code" if leaf.field in _REGION_FIELDS else "industry_code"
    prefixes, allowed, exact = _code_rule(leaf)
    own = values.get(posted)
    # The firm's own code, when a listed entry already covers it, needs no example.
    examples = [
        own
        if own and (own == p if exact else own.startswith(p))
        else p
        if exact
        else _full(posted, p)
        for p in prefixes[:3]
    ]
    other = _outside(posted, prefixes, exact)
    if not allowed and own and not any(own == p if exact else own.startswith(p) for p in prefixes):
        other = own  # the firm's own code already stands outside the list: keep it
    for i, code in enumerate(examples):
        first = other if i == 0 else None
        yield (
            (code, first, ("listed", "not listed"))
            if allowed
            else (first, code, ("not listed", "listed"))
        )


# --- from a target to posted fields ---------------------------------------------------


def shift_months(day: date, months: int) -> date:
    """``day`` moved by whole months, kept on the same day of the month where it exists."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in range(day.day, 0, -1):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def posted_for(name: str, target: Any, values: Mapping[str, Any], as_of: date) -> dict | None:
    """Posted fields that give the (possibly derived) field ``name`` the value ``target``."""
    if target is REMOVED:
        return dict.fromkeys(removal(name, values))
    if name in ("years_in_business", "months_in_business"):
        months = int(target)
        if months < 0:
            return None
        start = shift_months(as_of, -months)
        return (
            {"established_on": start.isoformat()}
            if months_between(start, as_of) == months
            else None
        )
    if name in _REGION_FIELDS:
        return {"region_code": target}
    if name in ("industry_code", "industry_section"):
        return {"industry_code": target}
    if name == "size_class":
        return _size_given(target, values)
    if F.FIELDS[name].derived:
        return None
    return {name: target}


def _size_given(wanted: str, values: Mapping[str, Any]) -> dict | None:
    """Size indicators moved as little as possible to put the firm in class ``wanted``."""
    code = values.get("industry_code")
    rules = _candidate_rules(code) if code else []
    if len(rules) != 1 or rules[0] is None:
        return None
    rule, level = rules[0], LEVELS.index(wanted)
    out: dict = {}
    for i, name in enumerate(rule.inputs):
        lows = (0, rule.small[i], rule.medium[i], rule.large[i])
        current = values.get(name)
        if level == 0:
            if current is not None and current < rule.small[i]:
                return out
            continue
        high = lows[level + 1] if level < 3 else None
        if current is None or current < lows[level]:
            out[name] = lows[level]
        elif high is not None and current >= high:
            out[name] = high - 1
    if level == 0:
        out[rule.inputs[0]] = rule.small[0] - 1
    return out


def removal(name: str, values: Mapping[str, Any]) -> tuple[str, ...]:
    """The posted fields whose absence leaves ``name`` unknown."""
    if name in ("years_in_business", "months_in_business"):
        return ("established_on",)
    if name in ("province_code", "city_code"):
        return ("region_code",)
    if name in ("industry_section", "size_class"):
        return ("industry_code",)
    return (name,)


def _stated_value(name: str, values: Mapping[str, Any]) -> Any:
    if values.get(name) is not None and not F.FIELDS[name].derived:
        return values[name]
    return sample_value(name)


def sample_value(name: str) -> Any:
    """A plausible value for a field the base does not state, or None if there is none."""
    fld = F.FIELDS[name]
    if fld.derived or fld.personal:
        return None
    samples = {
        F.MONEY: 100000,
        F.INTEGER: 1,
        F.RATIO: Decimal("0.5"),
        F.BOOLEAN: False,
        F.DATE: "2020-01-01",
        F.LIST: ["icbc"],
    }
    if name in ("region_code", "industry_code"):
        return "110101" if name == "region_code" else "C3311"
    if fld.choices:
        return fld.choices[0]
    return samples.get(fld.kind)
