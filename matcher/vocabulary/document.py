"""``docs/profile.md``, written from the field table so the documentation cannot drift.

The portal's developers, bank staff writing rules and the reverse parser all read the
vocabulary there; a test compares the committed file with :func:`render`. Regenerate with
``python -m matcher.vocabulary.document > docs/profile.md``.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from . import fields as F
from .profile import ESTABLISHED_FLOOR

# The date at which the derived examples are what the posted examples give.
EXAMPLE_AS_OF = date(2026, 12, 1)

_INTRO = f"""\
<!-- Generated from matcher/vocabulary/fields.py by
     `python -m matcher.vocabulary.document > docs/profile.md`; edit the table there. -->
# The enterprise profile: field vocabulary

This is the contract between the portal that posts a profile, the rule files that bank staff
write ([rules.md](rules.md)) and the reverse parser that turns a bank's product terms into
rules. Every criterion names a field from this list. Fields may be added; none is ever
renamed or given another unit.

- Money is in yuan (CNY): a whole number, or a number or decimal string with at most 2
  decimal places (fen); never read as a float. The parser converts 万元 (×10⁴) and 亿元 (×10⁸).
- Ratios are decimal fractions: 80% is `0.8`. Durations of history are whole months.
- Dates are ISO 8601 (`YYYY-MM-DD`).
- A field that is absent, or JSON `null`, means *not known*, which is not zero or false: a
  criterion on it is unknown and the product `incomplete`. A name outside this list is an
  error, and so is posting a derived field.
- Personal fields are shown to a bank only once it has accepted the enterprise's lead.

The examples of the posted fields, together, are one valid profile; the derived examples are
what the service computes from it at {EXAMPLE_AS_OF.isoformat()}.
"""

_KIND = {
    F.MONEY: "money",
    F.RATIO: "ratio",
    F.INTEGER: "integer",
    F.BOOLEAN: "boolean",
    F.ENUM: "enum",
    F.STRING: "string",
    F.CODE: "code",
    F.DATE: "date",
    F.LIST: "list of bank ids",
}


def _number(value: int) -> str:
    """``10**15`` as ``10^15``; other numbers as written."""
    if abs(value) >= 10**6 and str(abs(value)).rstrip("0") == "1":
        return f"{'-' if value < 0 else ''}10^{len(str(abs(value))) - 1}"
    return str(value)


def _values(fld: F.Field) -> str:
    """What a profile may state: a range, the choices, or the longest text."""
    if fld.choices:
        return ", ".join(f"`{choice}`" for choice in fld.choices)
    if fld.kind == F.BOOLEAN:
        return "`true`, `false`"
    if fld.derived:
        return ""
    if fld.kind == F.DATE:
        return f"{ESTABLISHED_FLOOR.isoformat()} … the evaluation date"
    if fld.kind == F.LIST:
        return f"at most {F.LIST_MAX_ITEMS} ids of at most {fld.max_length} characters"
    if fld.max_length is not None:
        return f"at most {fld.max_length} characters"
    low, high = fld.bounds
    if low is None and high is None:
        return ""
    return f"{'' if low is None else _number(low)} … {'' if high is None else _number(high)}"


def _example(value: object) -> str:
    if isinstance(value, Decimal):
        return f"`{value}`"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(rows: list[F.Field]) -> list[str]:
    derived = rows[0].derived
    head = ["field", "中文", "type", "unit", "values", "example", "meaning"]
    if derived:
        head.insert(6, "derived from")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for fld in rows:
        meaning = fld.en + (f"; {fld.note}" if fld.note else "")
        if fld.personal:
            meaning += " (personal)"
        unit = f"{fld.unit_en} ({fld.unit_zh})" if fld.unit_en else ""
        cells = [
            f"`{fld.name}`",
            fld.zh,
            _KIND[fld.kind],
            unit,
            _values(fld),
            _example(fld.example),
            meaning,
        ]
        if derived:
            cells.insert(6, ", ".join(f"`{name}`" for name in fld.derived_from))
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return lines


def render() -> str:
    """The whole of ``docs/profile.md``."""
    groups: dict[str, list[F.Field]] = {}
    for fld in F.FIELDS.values():
        groups.setdefault(fld.group, []).append(fld)
    lines = [_INTRO]
    for title, rows in groups.items():
        lines += [f"## {title}", "", *_table(rows), ""]
    lines.append(
        "How a bank's wording becomes criteria on these fields (满2年, 以上, 不低于 …) "
        "is in [rules.md](rules.md)."
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    print(render(), end="")


if __name__ == "__main__":
    main()
