"""A whole sheet → a rule file: header terms, eligibility, and what is left to review.

Every clause either becomes criteria that quote it in ``source`` or appears in
``unparsed`` with a note; a clause read only in part does both.  Nothing the
bank wrote is dropped without a word.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from product_catalog import banks

from . import header as terms_reader
from .clauses import REFUSAL, Clause, HeaderLine, split_segments, split_sheet
from .merge import merge_criteria
from .recognise import Reading, note_for, read_segment
from .text import Segment

_NATIONWIDE = re.compile(r"全国(?:范围)?(?:内)?(?:均可)?|不限(?:地区|区域)?")


class SheetError(ValueError):
    """A file that cannot be read as a product sheet; the message names file and line."""


@dataclass
class ParsedSheet:
    rule_file: dict
    warnings: list[str] = dc_field(default_factory=list)
    clauses: int = 0  # eligibility clauses (conditions and a regional 适用地区 line)
    clauses_read: int = 0  # of those, read whole: criteria and nothing left for review

    @property
    def bank(self) -> str:
        return self.rule_file["bank"]

    @property
    def slug(self) -> str:
        return self.rule_file["id"][len(self.bank) + 1 :]

    @property
    def criteria_count(self) -> int:
        return _count(self.rule_file["eligibility"])

    @property
    def unparsed_count(self) -> int:
        return len(self.rule_file.get("unparsed", []))


def _count(node: dict) -> int:
    if "field" in node:
        return 1
    if "not" in node:
        return _count(node["not"])
    return sum(_count(n) for n in node.get("all", node.get("any", [])))


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]


def _slug(stem: str | None, bank: str, name: str) -> str:
    if stem:
        slug = re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-_")
        if slug.startswith(bank + "-"):
            slug = slug[len(bank) + 1 :]
        if slug:
            return slug
    return "product-" + _short_hash(name)


_OR_LEAD = re.compile(r"\s*(?:或者|或是|或(?!有负债|有事项))")  # 或有负债 is a liability


def _either(before: list[dict], after: list[dict]) -> dict:
    """``any`` of two alternatives, each a node or an ``all`` of several; an alternative
    that repeats the other (成立满1年，或个体工商户经营满1年) is one."""

    def one(nodes: list[dict]) -> dict:
        return nodes[0] if len(nodes) == 1 else {"all": nodes}

    first = before[0]["any"] if len(before) == 1 and "any" in before[0] else [one(before)]
    options = list(first)
    second = one(after)
    if _bare(second) not in [_bare(o) for o in options]:
        options.append(second)
    return options[0] if len(options) == 1 else {"any": options}


def _bare(node: dict):
    """A node without its sources, for telling repeated alternatives apart."""
    if "field" in node:
        return (node["field"], node["op"], repr(node["value"]))
    if "not" in node:
        return ("not", _bare(node["not"]))
    group = "all" if "all" in node else "any"
    return (group, tuple(_bare(n) for n in node[group]))


def _with_source(nodes: list[dict], source: str) -> list[dict]:
    out = []
    for node in nodes:
        if "field" in node:
            out.append({**node, "source": source})
        elif "not" in node:
            out.append({"not": _with_source([node["not"]], source)[0]})
        else:
            group = "all" if "all" in node else "any"
            out.append({group: _with_source(node[group], source)})
    return out


class _Sheet:
    """The state of reading one sheet: terms, criteria, unparsed entries, warnings."""

    def __init__(self, where: str, bank: str | None):
        self.where = where
        self.bank = bank
        self.terms: dict = {}
        self.criteria: list[dict] = []
        self.unparsed: list[dict] = []
        self.warnings: list[str] = []
        self.clauses = 0
        self.clauses_read = 0

    def read_clause(self, text: str, source: str, line: int) -> list[dict]:
        """``read_text`` for one eligibility clause, counted read whole or not."""
        left = len(self.unparsed)
        nodes = self.read_text(text, source, line)
        self.clauses += 1
        self.clauses_read += len(self.unparsed) == left
        return nodes

    def leave(self, line: int, clause: str, note: str) -> None:
        self.unparsed.append({"clause": clause, "note": note})
        self.warnings.append(f"{self.where}:{line}: unparsed: {clause}")

    def read_text(self, text: str, source: str, line: int) -> list[dict]:
        """Criteria from one clause (or header value), leaving unread segments for review.

        A segment that opens with 或 (…不低于300万元，或近一年营业收入增长率不低于20%) is
        another way to meet the segment before it: the two become an ``any`` group.
        """
        nodes: list[dict] = []
        topic = None
        last: tuple[int, str] | None = None  # where the previous segment's nodes start, its text
        for start, end in split_segments(text):
            piece = text[start:end].strip()
            seg = Segment(piece, source, line)
            lead = _OR_LEAD.match(seg.text)
            if lead:
                seg.claim(0, lead.end())
            reading: Reading = read_segment(seg, self.bank, topic)
            topic = reading.topic
            read = _with_source(reading.nodes, source)
            if reading.unread or reading.notes:
                self.leave(line, piece, note_for(reading))
            if not (lead and last is not None):
                last = (len(nodes), piece)
                nodes += read
                continue
            before = nodes[last[0] :]
            del nodes[last[0] :]
            if before and read:
                nodes.append(_either(before, read))
            elif before:
                self.leave(
                    line,
                    last[1],
                    "another way to qualify (" + piece + ") has no "
                    "profile field, so this one is not required either",
                )
        return nodes

    def read_header(self, h: HeaderLine) -> None:
        readers = {
            "amount": ("amount", terms_reader.read_amount),
            "term": ("term_months", terms_reader.read_term),
            "rate": ("rate_pct", terms_reader.read_rate),
            "channel": ("channel", terms_reader.read_channel),
            "approval": ("approval_days", terms_reader.read_approval_days),
        }
        if h.key == "collateral":
            kinds, unread = terms_reader.read_collateral(h.value)
            if kinds:
                self.terms["collateral"] = kinds
            if kinds and "none" not in kinds:
                # A secured-only product needs the enterprise to offer one of these.
                self.criteria.append(
                    {
                        "field": "collateral",
                        "op": "in",
                        "value": list(kinds),
                        "source": h.text.strip(),
                    }
                )
            if unread:
                read = f"; read as {kinds}" if kinds else ""
                self.leave(h.line, h.text, f"no collateral kind for: {unread}{read}")
        elif h.key in readers:
            name, reader = readers[h.key]
            value = reader(h.value)
            if value or value == 0:
                self.terms[name] = value
            else:
                self.leave(h.line, h.text, f"{h.label} not understood; terms.{name} left unset")
        elif h.key == "note":
            if terms_reader.is_illustrative(h.value):
                self.terms["illustrative"] = True
        elif h.key == "region":
            if h.value and not _NATIONWIDE.fullmatch(h.value.strip()):
                self.criteria += self.read_clause(h.value, h.text, h.line)
        elif not h.key:
            self.leave(h.line, h.text, f"no rule-file term for {h.label}")


def _channel_from_terms(headers: list[HeaderLine]) -> str | None:
    text = " ".join(h.value for h in headers if h.key in ("amount", "term", "rate", "approval"))
    return terms_reader.read_channel(text)


def parse_sheet(text: str, source: str | None = None, stem: str | None = None) -> ParsedSheet:
    """The rule file for the product sheet ``text``; SheetError when it is not one.

    ``source`` is recorded in the rule file and names the file in warnings;
    ``stem`` (default: ``source``'s file name without suffix) gives the id's slug.
    """
    where = source or "<sheet>"
    headers, clauses, stray = split_sheet(text)
    first: dict[str, HeaderLine] = {}
    for h in headers:
        first.setdefault(h.key, h)
    if "bank" not in first or not first["bank"].value:
        raise SheetError(
            f"{where}:1: no '银行:' line naming the bank; is this a bank product sheet?"
        )
    if "product" not in first or not first["product"].value:
        raise SheetError(f"{where}:{first['bank'].line}: no '产品:' line naming the product")
    bank_line, bank_text = first["bank"], first["bank"].value
    bank = banks.bank_id(bank_text)
    warnings = []
    if bank is None:
        bank = "bank-" + _short_hash(bank_text)
        warnings.append(
            f"{where}:{bank_line.line}: unknown bank {bank_text!r}: using id {bank}; "
            f"add the bank to product_catalog/banks.py for a proper id"
        )
    sheet = _Sheet(where, bank)
    sheet.warnings = warnings
    for h in headers:
        if h.key in ("bank", "product"):
            if h is not first[h.key]:
                sheet.leave(h.line, h.text, f"a second {h.label} line; the first one is used")
        elif h.key != "conditions":
            sheet.read_header(h)
    if "channel" not in sheet.terms and (channel := _channel_from_terms(headers)):
        sheet.terms["channel"] = channel
    for line, raw in stray:
        sheet.leave(line, raw, "not a header line and not under 申请条件")
    if "conditions" not in first:
        sheet.warnings.append(
            f"{where}: no 申请条件 section: the product has no eligibility criteria"
        )
    sheet.criteria += _read_clauses(sheet, clauses)
    criteria, merge_warnings = merge_criteria(sheet.criteria)
    sheet.warnings += [f"{where}: {w}" for w in merge_warnings]

    stem = stem if stem is not None else (Path(source).stem if source else None)
    rule_file: dict[str, Any] = {
        "id": f"{bank}-{_slug(stem, bank, first['product'].value)}",
        "bank": bank,
        "bank_name": banks.BANKS[bank].name if bank in banks.BANKS else bank_text,
        "name": first["product"].value,
    }
    if source:
        rule_file["source"] = source
    if sheet.terms:
        rule_file["terms"] = sheet.terms
    rule_file["eligibility"] = {"all": criteria}
    if sheet.unparsed:
        rule_file["unparsed"] = sheet.unparsed
    return ParsedSheet(rule_file, sheet.warnings, sheet.clauses, sheet.clauses_read)


def _read_clauses(sheet: _Sheet, clauses: list[Clause]) -> list[dict]:
    nodes: list[dict] = []
    alternatives: dict[int, list[dict]] = {}
    for clause in clauses:
        # A ground for refusal is read as the sheet means it: 有欠税记录的，不予受理.
        text = clause.text + REFUSAL if clause.refuses else clause.text
        read = sheet.read_clause(text, clause.text, clause.line)
        if clause.alternative_group is None:
            nodes += read
            continue
        if clause.alternative_group not in alternatives:
            alternatives[clause.alternative_group] = []
            nodes.append({"any": alternatives[clause.alternative_group]})
        if read:
            alternatives[clause.alternative_group].append(
                read[0] if len(read) == 1 else {"all": read}
            )
    return [n for n in nodes if not ("any" in n and not n["any"])]


def parse_file(path: str | Path) -> ParsedSheet:
    """The rule file for the sheet at ``path``; SheetError when unreadable or not a sheet."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SheetError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SheetError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the sheet as UTF-8"
        ) from None
    return parse_sheet(text, source=str(path), stem=Path(path).stem)
