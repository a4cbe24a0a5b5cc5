"""The result document as the bytes a client receives, assembled rather than serialised.

An answer lists ~200 eligible products, and each entry is the same bytes from
profile to profile except for four numbers: the score, the amount and term fits
and the approval rate. So each product's entry is serialised once, at load, with
a marker where each of those numbers goes; an answer serialises its numbers in
one call and joins the pieces. A near miss's entry is likewise its pieces around
its failures (written once for both lists that show them), and each failure row
its pieces around its value and message, kept on its criterion; incomplete
products (at most 20) go through ``MatchResult.to_dict``'s own entries.

``MatchResult.to_dict`` stays the definition: ``to_json`` gives exactly the bytes
of ``dumps(result.to_dict(...))`` (the tests compare them over many profiles and
every option), and falls back to it wherever pieces do not apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from types import SimpleNamespace
from typing import Any

import numpy as np
import orjson

from ..rulefile.condition import FAIL
from ..vocabulary.plain import plain
from .explain import CriterionOutcome, in_lang, sentence
from .ranking import Ranked, fixed_parts
from .result import ELIGIBLE, EXPLAIN_LEVELS, INELIGIBLE, EligibilityResult, MatchResult, entries

# Where the numbers of one match go, in the order they appear in an entry.
_MARKS = ("\x00score\x00", "\x00amount_fit\x00", "\x00term_fit\x00", "\x00approval\x00")
_ROWS = "\x00rows\x00"  # where a near miss's failures go
_PIECED = ("failed", "none")  # explain levels whose eligible entries are pieces
_ACTUAL, _SAID = "\x00actual\x00", "\x00said\x00"  # where a failure row's own parts go


def json_default(value: Any) -> Any:
    """What orjson does not write itself, as Flask's own provider writes it."""
    if isinstance(value, Decimal):
        return str(value)  # exact, never a drifting float
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(obj: Any) -> bytes:
    """The one way a document becomes bytes (UTF-8, Chinese as-is, keys in order)."""
    return orjson.dumps(obj, default=json_default)


class EntryPieces:
    """Every product's eligible entry as bytes around the four numbers of a match,
    per explain level ("failed", "none"): five object arrays over the products
    (the head, with the comma that separates it from the entry before; the three
    pieces between the numbers; the tail), and which products could be split."""

    def __init__(self, products: Sequence[Any], templates: Sequence[tuple]):
        self.whole = np.ones(len(products), dtype=bool)
        self.near: dict[str, tuple[Any, dict[str, tuple[bytes, ...] | None]]] = {}
        split: dict[str, list[list[bytes]]] = {explain: [] for explain in _PIECED}
        for number, (product, template) in enumerate(zip(products, templates)):
            near, eligible = _pieces_of(product, template)
            self.near[product.id] = (product, near)
            for explain in _PIECED:
                pieces = eligible[explain]
                if pieces is None:
                    self.whole[number] = False
                    pieces = [b""] * (len(_MARKS) + 1)
                split[explain].append(pieces)
        width = len(_MARKS) + 1
        self.levels: dict[str, tuple[np.ndarray, ...]] = {
            explain: tuple(_objects([row[k] for row in rows]) for k in range(width))
            for explain, rows in split.items()
        }


def _pieces_of(product: Any, template: tuple) -> tuple[dict, dict]:
    """A product's near-miss and eligible pieces, made once and kept on it (frozen: past
    setattr), as its entry template is: they depend on the product alone, so a catalog
    built again from the same products (a re-executed master's) does not write them again."""
    found = product.__dict__.get("_entry_pieces")
    if found is None:
        eligible = {explain: _eligible_pieces(product, template, explain) for explain in _PIECED}
        found = product.__dict__["_entry_pieces"] = (_near_pieces(template), eligible)
    return found


def _eligible_pieces(product: Any, template: tuple, explain: str) -> list[bytes] | None:
    """The eligible entry split at the numbers, with its leading comma; None when a
    marker is inside the product's own text (a number would be misplaced)."""
    rate, speed, priority = fixed_parts(product)
    breakdown = {
        "amount_fit": _MARKS[1],
        "term_fit": _MARKS[2],
        "rate": rate,
        "speed": speed,
        "priority": priority,
        "approval": _MARKS[3],
    }
    entry = entries([(template, ELIGIBLE, _MARKS[0], breakdown, None)], {}, explain, None)[0]
    pieces = [b"," + dumps(entry)]
    for mark in _MARKS:
        pieces.extend(pieces.pop().split(dumps(mark)))
    return pieces if len(pieces) == len(_MARKS) + 1 else None


def _near_pieces(template: tuple) -> dict[str, tuple[bytes, ...] | None]:
    """The near-miss entry split where its failures go (twice with explain=failed)."""
    unexplained = SimpleNamespace(failed=None, unpassed=None)
    near: dict[str, tuple[bytes, ...] | None] = {}
    for explain in _PIECED:
        entry = entries(
            [(template, INELIGIBLE, None, None, unexplained)],
            {},
            explain,
            None,
            rows=lambda _outcomes: _ROWS,
        )[0]
        parts = tuple(dumps(entry).split(dumps(_ROWS)))
        near[explain] = parts if len(parts) == (3 if explain == "failed" else 2) else None
    return near


def _objects(items: Sequence[bytes]) -> np.ndarray:
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def to_json(
    result: MatchResult, explain: str = "failed", lang: str | None = None, top: int | None = None
) -> bytes:
    """``dumps(result.to_dict(explain, lang, top))``, byte for byte, made faster."""
    if explain not in EXPLAIN_LEVELS:
        raise ValueError(f"explain must be one of {', '.join(EXPLAIN_LEVELS)}")
    matches: Any = (
        _matches(result.ranked, explain, top)
        if (explain in _PIECED and "matches" not in result.__dict__)
        else None
    )
    if matches is None:
        matches = result.match_entries(explain, lang, top)
    values, pieces = result.values, result.ranked.ranking.pieces
    return dumps(
        result.document(
            matches,
            [_listed(r, values, explain, lang, pieces) for r in result.near_misses],
            [_listed(r, values, explain, lang, pieces) for r in result.incomplete],
        )
    )


def _matches(ranked: Ranked, explain: str, top: int | None) -> orjson.Fragment | None:
    """The eligible entries as one fragment, or None when a product has no pieces.
    Joined in one call over the pieces and numbers interleaved: no loop in Python."""
    pieces: EntryPieces | None = ranked.ranking.pieces
    if pieces is None:
        return None
    order = ranked.order[:top]
    if not len(order):
        return orjson.Fragment(b"[]")
    if not pieces.whole[order].all():
        return None
    heads, *between, tails = (column[order].tolist() for column in pieces.levels[explain])
    heads[0] = heads[0][1:]  # no comma before the first entry
    count = len(heads)
    # Every number of the answer written in one call: orjson writes a number in a list
    # exactly as it writes it alone, and no number holds a comma.
    numbers = dumps(
        [
            *ranked.scores[:count],
            *ranked.amount_fit[:count],
            *ranked.term_fit[:count],
            *ranked.approval[:count],
        ]
    )[1:-1].split(b",")
    columns = (
        heads,
        numbers[:count],
        between[0],
        numbers[count : 2 * count],
        between[1],
        numbers[2 * count : 3 * count],
        between[2],
        numbers[3 * count :],
        tails,
    )
    # One join, brackets included: the largest answers are a megabyte, copied once less.
    return orjson.Fragment(
        b"".join(list(chain((b"[",), chain.from_iterable(zip(*columns)), (b"]",))))
    )


def _listed(
    result: EligibilityResult,
    values: Any,
    explain: str,
    lang: str | None,
    pieces: EntryPieces | None,
) -> Any:
    """A near miss or incomplete product's entry. A near miss's entry is its pieces
    around its failures, written once for both ``failed`` and ``criteria``."""
    if result.status != INELIGIBLE or explain not in _PIECED:
        return result.to_dict(values, explain, lang)
    rows = result.unpassed_rows
    if any(row[2] != FAIL for row in rows):  # a missing field too: shown apart from failures
        return result.to_dict(values, explain, lang)
    written = b"[" + b",".join([_row_json(row, lang, values) for row in rows]) + b"]"
    product, near = pieces.near.get(result.product.id, (None, {})) if pieces else (None, {})
    around = near.get(explain) if product is result.product else None
    if around is None:
        fragment = orjson.Fragment(written)
        return result.to_dict(values, explain, lang, rows=lambda _outcomes: fragment)
    return orjson.Fragment(written.join(around))


def _row_json(row: list, lang: str | None, values: Any) -> bytes:
    """``dumps(CriterionOutcome(*row).to_dict(lang, values))`` for a row of the walk: its
    pieces around its value and message, written once per criterion, operator as shown,
    outcome and language, and kept on the criterion (frozen: past setattr), as its
    sentences are."""
    criterion, op, outcome, actual = row[0], row[1], row[2], row[3]
    kept = criterion.__dict__.get("_row_pieces")
    if kept is None:
        kept = criterion.__dict__["_row_pieces"] = {}
    key = (op, outcome, lang)
    around = kept.get(key)
    if around is None:
        shown = CriterionOutcome(*row).row(lang, _ACTUAL, _SAID)
        head, *rest = dumps(shown).split(dumps(_ACTUAL))
        parts = [head, *rest[0].split(dumps(_SAID))] if len(rest) == 1 else []
        around = kept[key] = tuple(parts) if len(parts) == 3 else ()  # () a marker in its text
    if not around:
        return dumps(CriterionOutcome(*row).to_dict(lang, values))
    said = in_lang(*sentence(criterion, op, outcome, actual, values or {}), lang)
    return b"".join((around[0], dumps(plain(actual)), around[1], dumps(said), around[2]))
