"""The result document as the bytes a client receives, assembled rather than serialised.

An answer lists ~200 eligible products, and each entry is the same bytes from
profile to profile except for four numbers: the score, the amount and term fits
and the approval rate. So each product's entry is serialised once, at load, with
a marker where each of those numbers goes; an answer serialises its numbers in
one call and joins the pieces. Near misses and incomplete products (at most 20
each) go through ``MatchResult.to_dict``'s own entries, with a near miss's
failures written once for both lists that show them.

``MatchResult.to_dict`` stays the definition: ``to_json`` gives exactly the bytes
of ``dumps(result.to_dict(...))`` (the tests compare them over many profiles and
every option), and falls back to it wherever pieces do not apply.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence

import orjson

from .ranking import Ranked, fixed_parts
from .result import ELIGIBLE, EXPLAIN_LEVELS, INELIGIBLE, EligibilityResult, MatchResult, entries

# Where the numbers of one match go, in the order they appear in an entry.
_MARKS = ("\x00score\x00", "\x00amount_fit\x00", "\x00term_fit\x00", "\x00approval\x00")
_PIECED = ("failed", "none")  # explain levels whose eligible entries are pieces


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
    """One product's eligible entry as bytes around the four numbers of a match,
    per explain level ("failed", "none"); None where the entry cannot be split."""

    __slots__ = ("levels",)

    def __init__(self, template: tuple, fixed: tuple[float, float, float]):
        rate, speed, priority = fixed
        breakdown = {"amount_fit": _MARKS[1], "term_fit": _MARKS[2], "rate": rate,
                     "speed": speed, "priority": priority, "approval": _MARKS[3]}
        self.levels: dict[str, tuple[bytes, ...] | None] = {}
        for explain in _PIECED:
            entry = entries([(template, ELIGIBLE, _MARKS[0], breakdown, None)], {}, explain,
                            None)[0]
            written = dumps(entry)
            pieces = [written]
            for mark in _MARKS:
                last = pieces.pop()
                pieces.extend(last.split(dumps(mark)))
            # a marker inside a product's own text would misplace a number: not pieced
            self.levels[explain] = tuple(pieces) if len(pieces) == len(_MARKS) + 1 else None


def entry_pieces(products: Sequence[Any], templates: Sequence[tuple]) -> list[EntryPieces]:
    """Every product's pieces, made once when the catalog loads."""
    return [EntryPieces(t, fixed_parts(p)) for p, t in zip(products, templates)]


def to_json(result: MatchResult, explain: str = "failed", lang: str | None = None,
            top: int | None = None) -> bytes:
    """``dumps(result.to_dict(explain, lang, top))``, byte for byte, made faster."""
    if explain not in EXPLAIN_LEVELS:
        raise ValueError(f"explain must be one of {', '.join(EXPLAIN_LEVELS)}")
    matches = _matches(result.ranked, explain, top) if (
        explain in _PIECED and "matches" not in result.__dict__) else None
    if matches is None:
        matches = result.match_entries(explain, lang, top)
    values = result.values
    return dumps(result.document(
        matches, [_listed(r, values, explain, lang) for r in result.near_misses],
        [_listed(r, values, explain, lang) for r in result.incomplete]))


def _matches(ranked: Ranked, explain: str, top: int | None) -> orjson.Fragment | None:
    """The eligible entries as one fragment, or None when a product has no pieces."""
    pieces = ranked.pieces(top)
    if pieces is None:
        return None
    levels = [p.levels[explain] for p in pieces]
    if not levels:
        return orjson.Fragment(b"[]")
    if None in levels:
        return None
    count = len(levels)
    numbers = dumps([*ranked.scores[:count], *ranked.amount_fit[:count],
                     *ranked.term_fit[:count], *ranked.approval[:count]])[1:-1].split(b",")
    written = [b"".join((head, score, a, amount, b, term, c, approval, tail))
               for (head, a, b, c, tail), score, amount, term, approval
               in zip(levels, numbers[:count], numbers[count:2 * count],
                      numbers[2 * count:3 * count], numbers[3 * count:])]
    return orjson.Fragment(b"[" + b",".join(written) + b"]")


def _listed(result: EligibilityResult, values: Any, explain: str, lang: str | None) -> Any:
    """A near miss or incomplete product's entry; a near miss's failures, listed under
    both ``failed`` and ``criteria``, are written once."""
    if result.status != INELIGIBLE or explain != "failed":
        return result.to_dict(values, explain, lang)
    failed, unpassed = result.failed, result.unpassed
    if len(failed) != len(unpassed) or any(f is not u for f, u in zip(failed, unpassed)):
        return result.to_dict(values, explain, lang)
    written = orjson.Fragment(dumps([o.to_dict(lang, values) for o in failed]))
    return result.to_dict(values, explain, lang, rows=lambda _outcomes: written)
