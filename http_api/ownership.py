"""What a bank's key may state in its own rule file, and what the platform owns.

A bank writes who qualifies and what it offers. The platform owns its ranking nudge
(``terms.priority``) and the banks' identities: ``bank_name`` is the registry's name for
the bank, and a bank's product ids start with its own id, so that no bank can publish a
product in another bank's name, rank it first, or take another bank's ids. A bank's draft
keeps the live value of every platform-owned setting; only an admin key changes one.
"""

from __future__ import annotations

from typing import Any

from matcher.authoring.validation import Finding
from matcher.rulefile import source as yamlsource
from matcher.rulefile.product import Product
from product_catalog.banks import BANKS

from .auth import Principal
from .problems import Problem
from .state import state

# terms keys the platform sets (key → value when a product has none).
PLATFORM_TERMS = {"priority": 0}


def require_own_prefix(bank_id: str, product_id: str) -> None:
    """A product id names its bank first (``icbc-…``): 422 otherwise."""
    if not product_id.startswith(bank_id + "-"):
        raise Problem(
            422,
            "invalid-request",
            f"product ids of bank '{bank_id}' start with '{bank_id}-' (got '{product_id}')",
        )


def bank_name_findings(
    data: yamlsource.YDict, rel: str, bank_id: str, principal: Principal
) -> list[Finding]:
    """``bank_name`` must be the registry's name of the bank (a bank key may not name an
    unregistered bank at all)."""
    stated = data.get("bank_name")
    if stated is None:
        return []
    where = data.where("bank_name")
    registered = BANKS.get(bank_id)
    if registered is not None and stated != registered.name:
        return [
            Finding(
                rel,
                where.line,
                where.column,
                f"bank_name of '{bank_id}' is '{registered.name}' (the bank "
                f"registry's name); use it or leave bank_name out",
            )
        ]
    if registered is None and principal.bank is not None:
        return [
            Finding(
                rel,
                where.line,
                where.column,
                f"bank '{bank_id}' is not in the bank registry, so its name is the "
                f"platform's to set; leave bank_name out",
            )
        ]
    return []


def keep_platform_terms(
    text: str, data: yamlsource.YDict, rel: str, principal: Principal, live: Product | None
) -> str:
    """The draft to write: a bank's draft with the live platform-owned settings.

    A bank key stating another value than the live one is refused with 403; a draft
    leaving a setting out gets the live value written back in, so that a bank's edit of
    its eligibility never resets the platform's ranking of the product.
    """
    if principal.bank is None:  # admin (or authentication off): the platform itself
        return text
    terms = data.get("terms")
    stated = terms if isinstance(terms, yamlsource.YDict) else None
    for key, default in PLATFORM_TERMS.items():
        current = getattr(live.terms, key) if live is not None else default
        if stated is not None and key in stated:
            if stated[key] != current or type(stated[key]) is not type(current):
                where = stated.where(key)
                finding = Finding(rel, where.line, where.column, f"terms.{key} is platform-owned")
                raise Problem(
                    403,
                    "forbidden",
                    f"terms.{key} is set by the platform (now {current}); a bank's "
                    f"key may not change it: leave it out or keep {current}",
                    errors=[finding.to_dict(state().reloader.shown_root)],
                )
        elif current != default:
            text = _insert_term(text, data, rel, key, current)
    return text


def _insert_term(text: str, data: yamlsource.YDict, rel: str, key: str, value: Any) -> str:
    line = f"{key}: {value}"
    lines = text.splitlines(keepends=True)
    terms = data.get("terms")
    if "terms" not in data:
        tail = "" if not text or text.endswith("\n") else "\n"
        return f"{text}{tail}terms:\n  {line}\n"
    if isinstance(terms, yamlsource.YDict) and terms:
        first = terms.where_key(next(iter(terms)))
        if first.line > data.where_key("terms").line:  # block style: add a sibling line
            indent = " " * (first.column - 1)
            lines.insert(first.line - 1, f"{indent}{line}\n")
            return "".join(lines)
    where = data.where_key("terms")
    raise Problem(
        422,
        "invalid-request",
        f"terms.{key} is {value} (set by the platform); write terms as a block with '{line}' in it",
        errors=[
            Finding(rel, where.line, where.column, f"state '{line}' in terms").to_dict(
                state().reloader.shown_root
            )
        ],
    )
