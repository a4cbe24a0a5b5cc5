"""A product's rule file, read into a ``Product`` — or into located problems.

This is where a bank's YAML meets the profile vocabulary: every value is
checked against its field's type here, once, so that the compiler, the
reference evaluator and durable_rules all see the same clean tree and never
compare a string with a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from ..vocabulary import fields as F
from ..vocabulary.ids import BANK_ID, BANK_ID_RULE, PRODUCT_ID
from ..vocabulary.regions import REGION_FIELDS, significant
from .condition import Criterion, Group, Node, top_level
from .operators import OPERATORS, operator_problem
from .source import Location, Problem, YDict, YList, located  # noqa: F401
from .spelling import closest, closest_operator
from .terms import Terms, read_terms

TOP_KEYS = ("id", "bank", "bank_name", "name", "source", "terms", "eligibility", "unparsed")
CRITERION_KEYS = ("field", "op", "value", "label", "source")
_CODE_PATTERNS = {
    "region_code": re.compile(r"^\d{2}(\d{2}){0,2}\Z"),
    "province_code": re.compile(r"^\d{2}(0000)?\Z"),
    "city_code": re.compile(r"^\d{4}(00)?\Z"),
    "industry_code": re.compile(r"^[A-T](\d{2,4})?\Z"),
    "bank_relationships": BANK_ID,  # its members are bank ids
}


@dataclass(frozen=True)
class Product:
    id: str
    bank: str
    name: str
    eligibility: Node
    terms: Terms = Terms()
    bank_name: str | None = None
    source: str | None = None
    unparsed: tuple[dict, ...] = ()
    path: str | None = None

    @cached_property
    def _region_criteria(self) -> tuple[tuple[str, ...], ...]:
        """The codes of each top-level criterion limiting where the product lends: the
        one notion of a product's region, read by its documents, the pre-filter and the
        region filter of the product list."""
        found = []
        for node in top_level(self.eligibility):
            if isinstance(node, Criterion) and node.field in REGION_FIELDS:
                if node.op == "==":
                    found.append((node.value,))
                elif node.op in ("in", "prefix"):
                    found.append(tuple(node.value))
        return tuple(found)

    @cached_property
    def regions(self) -> tuple[str, ...]:
        """Region codes the product is limited to, as written; empty for a national product."""
        return tuple(code for codes in self._region_criteria for code in codes)

    @cached_property
    def region_prefixes(self) -> frozenset[str] | None:
        """The region-code prefixes the product is limited to; None for a national product.

        Several region criteria at the top level must all hold, so the product is
        limited to the tightest of them; keeping one criterion's set is enough for a
        safe filter (it may keep a product the rules then reject, never the reverse).
        """
        best: frozenset[str] | None = None
        for codes in self._region_criteria:
            prefixes = frozenset(significant(code) for code in codes)
            if best is None or len(prefixes) < len(best):
                best = prefixes
        return best

    def available_in(self, region_code: str) -> bool:
        """Whether the product can lend in the place ``region_code`` names (any level)."""
        prefixes = self.region_prefixes
        if prefixes is None:
            return True
        wanted = significant(region_code)
        return any(wanted.startswith(prefix) for prefix in prefixes)


class _Reader:
    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def err(self, where: Location, message: str) -> None:
        self.problems.append(Problem(where, message))

    # --- values -----------------------------------------------------------------
    def scalar(self, fld: F.Field, raw: Any, where: Location):
        """The rule's value converted to the field's Python type, or None (problem noted)."""
        kind = fld.kind
        if kind in F.NUMERIC_KINDS:
            if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
                return self._wrong(fld, raw, where, "a number")
            try:
                number = Decimal(str(raw))
            except InvalidOperation:
                return self._wrong(fld, raw, where, "a number")
            if not number.is_finite():
                return self._wrong(fld, raw, where, "a finite number")
            if kind == F.INTEGER and number != number.to_integral_value():
                return self._wrong(fld, raw, where, "a whole number")
            return int(number) if number == number.to_integral_value() else number
        if kind == F.BOOLEAN:
            if not isinstance(raw, bool):
                return self._wrong(fld, raw, where, "true or false")
            return raw
        if kind == F.DATE:
            return self._wrong(
                fld,
                raw,
                where,
                "not comparable in rules (use the derived months_in_business / years_in_business)",
            )
        text = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
        if not isinstance(text, str) or not text:
            return self._wrong(fld, raw, where, "text")
        if kind == F.ENUM and text not in fld.choices:
            self.err(
                where,
                f"'{text}' is not a value of {fld.name}; choose from {', '.join(fld.choices)}",
            )
            return None
        if kind in (F.CODE, F.LIST) or fld.name in _CODE_PATTERNS:
            pattern = _CODE_PATTERNS[fld.name]
            if not pattern.match(text):
                self.err(where, f"'{text}' is not a valid {fld.name}")
                return None
        return text

    def _wrong(self, fld: F.Field, raw: Any, where: Location, wanted: str):
        self.err(where, f"{fld.name} takes {wanted}, not {raw!r}")
        return None

    # --- tree -------------------------------------------------------------------
    def node(self, raw: Any, where: Location) -> Node | None:
        if not isinstance(raw, dict):
            self.err(where, "expected a criterion {field, op, value} or a group all/any/not")
            return None
        groups = [k for k in ("all", "any", "not") if k in raw]
        if groups:
            kind = groups[0]
            extra = [k for k in raw if k != kind]
            if extra:
                self.err(
                    raw.where_key(extra[0]) if isinstance(raw, YDict) else where,
                    f"a '{kind}' group takes nothing beside it, found '{extra[0]}'",
                )
            return self.group(kind, raw[kind], raw.where(kind) if isinstance(raw, YDict) else where)
        return self.criterion(raw, where)

    def group(self, kind: str, raw: Any, where: Location) -> Group | None:
        if kind == "not":
            child = self.node(raw, where)
            return None if child is None else Group("not", (child,), where)
        if not isinstance(raw, list) or not raw:
            self.err(where, f"'{kind}' takes a non-empty list of criteria or groups")
            return None
        read = [
            self.node(item, raw.where(i) if isinstance(raw, YList) else where)
            for i, item in enumerate(raw)
        ]
        children = tuple(child for child in read if child is not None)
        if len(children) < len(read):
            return None
        return Group(kind, children, where)

    def criterion(self, raw: dict, where: Location) -> Criterion | None:
        at = raw.where if isinstance(raw, YDict) else (lambda _k: where)
        ok = True
        for key in raw:
            if key not in CRITERION_KEYS:
                self.err(
                    raw.where_key(key) if isinstance(raw, YDict) else where,
                    f"unknown key '{key}' in a criterion (expected {', '.join(CRITERION_KEYS)}"
                    f", or a group all/any/not)",
                )
                ok = False
        name, op = raw.get("field"), raw.get("op")
        if name is None or op is None or ("value" not in raw):
            missing = [k for k in ("field", "op", "value") if k not in raw]
            self.err(where, f"criterion is missing {', '.join(missing)}")
            return None
        fld = F.FIELDS.get(name) if isinstance(name, str) else None
        if fld is None:
            meant = closest(name, F.FIELDS)
            hint = (
                f"; did you mean {meant}?" if meant else " (see docs/profile.md for the vocabulary)"
            )
            self.err(at("field"), f"unknown field '{name}'{hint}")
            return None
        if fld.personal:
            self.err(
                at("field"),
                f"{name} identifies the enterprise: a rule may not test it "
                f"(banks see who applied only after accepting a lead)",
            )
            return None
        if op not in OPERATORS:
            meant = closest_operator(op, OPERATORS)
            hint = f"did you mean '{meant}'? " if meant else ""
            self.err(at("op"), f"unknown operator '{op}'; {hint}use one of {', '.join(OPERATORS)}")
            return None
        value = self.value(fld, op, raw["value"], at("value"))
        label = self.label(raw.get("label"), at("label"))
        source = raw.get("source")
        if source is not None and not isinstance(source, str):
            self.err(at("source"), "source takes the clause's text")
            ok = False
        if value is None or label is False or not ok:
            return None
        return Criterion(name, op, value, label, source, where)

    def value(self, fld: F.Field, op: str, raw: Any, where: Location):
        problem = operator_problem(fld, op)
        if problem:
            self.err(where, problem)
            return None
        if op == "exists":
            if not isinstance(raw, bool):
                self.err(where, "exists takes true or false")
                return None
            return raw
        if op == "contains":
            return self.scalar(F.Field(fld.name, F.STRING, "", ""), raw, where)
        if op in ("between", "in", "not_in", "prefix"):
            if op == "prefix" and isinstance(raw, (str, int)) and not isinstance(raw, bool):
                raw = [raw]
            if not isinstance(raw, list) or not raw:
                wanted = "[min, max]" if op == "between" else "a non-empty list"
                self.err(where, f"{op} takes {wanted}")
                return None
            locs = raw.item_locations if isinstance(raw, YList) else [where] * len(raw)
            scalar_field = F.Field(fld.name, F.STRING, "", "") if op == "prefix" else fld
            items = [self.scalar(scalar_field, item, loc) for item, loc in zip(raw, locs)]
            if any(i is None for i in items):
                return None
            if op == "prefix":
                bad = [p for p in items if not _prefix_ok(fld.name, p)]
                if bad:
                    self.err(where, f"'{bad[0]}' is not a prefix of a {fld.name}")
                    return None
            if op == "between":
                if len(items) != 2:
                    self.err(where, "between takes exactly [min, max]")
                    return None
                if items[0] > items[1]:
                    self.err(where, f"between has min {items[0]} > max {items[1]}; swap them")
                    return None
                return tuple(items)
            return tuple(dict.fromkeys(items))
        return self.scalar(fld, raw, where)

    def label(self, raw: Any, where: Location):
        if raw is None:
            return None
        if isinstance(raw, str):
            return {"zh": raw, "en": raw}
        if (
            isinstance(raw, dict)
            and set(raw) <= {"zh", "en"}
            and all(isinstance(v, str) for v in raw.values())
            and raw
        ):
            return dict(raw)
        self.err(where, "label takes text or {zh: …, en: …}")
        return False


def _prefix_ok(field_name: str, prefix: str) -> bool:
    if field_name == "industry_code":
        return re.fullmatch(r"[A-T]\d{0,4}", prefix) is not None
    if field_name in ("region_code", "province_code", "city_code"):
        return re.fullmatch(r"\d{2}(\d{2}){0,2}", prefix) is not None
    return True


def read_product(data: Any, path: str, whole: Location) -> tuple[Product | None, list[Problem]]:
    """Turn one loaded rule file into a Product; any problem means no Product."""
    reader = _Reader(path)
    data = located(data, whole)
    if not isinstance(data, dict):
        reader.err(whole, "a product file holds a mapping with id, bank, name and eligibility")
        return None, reader.problems
    at = data.where if isinstance(data, YDict) else (lambda _k: whole)
    for key in data:
        if key not in TOP_KEYS:
            where = data.where_key(key) if isinstance(data, YDict) else whole
            reader.err(where, f"unknown key '{key}' (expected {', '.join(TOP_KEYS)})")
    for key in ("id", "bank", "name", "eligibility"):
        if key not in data:
            reader.err(whole, f"missing '{key}'")
    pid, bank, name = data.get("id"), data.get("bank"), data.get("name")
    if "id" in data and not (isinstance(pid, str) and PRODUCT_ID.match(pid)):
        reader.err(at("id"), "id must be lower-case letters, digits, '-' or '_'")
    if "bank" in data and not (isinstance(bank, str) and BANK_ID.match(bank)):
        reader.err(at("bank"), f"bank must be {BANK_ID_RULE}")
    if "name" in data and not (isinstance(name, str) and name.strip()):
        reader.err(at("name"), "name takes the product's name")
    for key in ("bank_name", "source"):
        if data.get(key) is not None and not isinstance(data.get(key), str):
            reader.err(at(key), f"{key} takes text")
    terms = read_terms(reader, data.get("terms"), at("terms"))
    eligibility = (
        reader.node(data["eligibility"], at("eligibility")) if "eligibility" in data else None
    )
    unparsed = data.get("unparsed") or []
    if not isinstance(unparsed, list):
        reader.err(at("unparsed"), "unparsed takes a list of {clause, note}")
        unparsed = []
    if reader.problems or eligibility is None:
        return None, reader.problems
    # No problem means the checks above held: id, bank and name are text.
    assert isinstance(pid, str) and isinstance(bank, str) and isinstance(name, str)
    return Product(
        id=pid,
        bank=bank,
        name=name.strip(),
        eligibility=eligibility,
        terms=terms,
        bank_name=data.get("bank_name"),
        source=data.get("source"),
        unparsed=tuple(u if isinstance(u, dict) else {"clause": str(u)} for u in unparsed),
        path=path,
    ), reader.problems
