""" "Did you mean …?" for a misspelled field or operator in a rule file.

Bank staff type field names from memory (tax_paid_12, years_in_busines) and operators
as they write them on paper (=>, ≥, =); naming the likely intended word saves a trip
to the vocabulary.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# Operators as people write them, for the one the rule language spells otherwise.
_OPERATOR_SPELLINGS = {
    "=": "==",
    "≥": ">=",
    "=>": ">=",
    "≤": "<=",
    "=<": "<=",
    "≠": "!=",
    "<>": "!=",
    "not in": "not_in",
    "notin": "not_in",
    "not-in": "not_in",
    "in_list": "in",
    "range": "between",
    "startswith": "prefix",
    "starts_with": "prefix",
    "include": "contains",
    "includes": "contains",
    "has": "contains",
    "eq": "==",
    "ne": "!=",
    "gt": ">",
    "ge": ">=",
    "gte": ">=",
    "lt": "<",
    "le": "<=",
    "lte": "<=",
}


def closest(word: object, choices: Iterable[str]) -> str | None:
    """The choice ``word`` most likely misspells, or None when none is close."""
    if not isinstance(word, str) or not word.strip():
        return None
    options = list(choices)
    lowered = word.strip().lower()
    exact = [c for c in options if c.lower() == lowered]
    if exact:
        return exact[0]
    found = difflib.get_close_matches(lowered, options, n=1, cutoff=0.75)
    return found[0] if found else None


def closest_operator(op: object, operators: Iterable[str]) -> str | None:
    """The operator ``op`` was meant to be: a known other spelling (=>, ≥, =), the same
    characters in another order, or a near miss of a word operator (betwen)."""
    if not isinstance(op, str):
        return None
    operators = list(operators)
    text = op.strip().lower()
    if text in _OPERATOR_SPELLINGS and _OPERATOR_SPELLINGS[text] in operators:
        return _OPERATOR_SPELLINGS[text]
    same_letters = [o for o in operators if sorted(o) == sorted(text)]
    if same_letters:
        return same_letters[0]
    return closest(text, [o for o in operators if o.isalpha() or "_" in o])
