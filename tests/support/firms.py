"""Helpers for the screening tests: firms as profiles, and match's answers per pair."""

from __future__ import annotations

from datetime import date

from matcher.catalog import Catalog
from matcher.results.result import ELIGIBLE, INCOMPLETE, INELIGIBLE
from matcher.vocabulary import fields as F
from screening.firmbase import FirmBase


def profiles_of(base: FirmBase) -> list[tuple[str, dict]]:
    """(firm id, the firm as a posted profile): known posted fields only, as a portal
    would post them (the snapshot's values, Decimals and dates included)."""
    rows = base.to_arrow().to_pylist()
    out = []
    for row in rows:
        profile = {
            k: (v.isoformat() if isinstance(v, date) else v)
            for k, v in row.items()
            if k in F.POSTED_FIELDS and v is not None
        }
        out.append((row["firm_id"], profile))
    return out


def match_answers(
    catalog: Catalog, base: FirmBase, as_of: date, products=None
) -> dict[tuple[str, str], tuple[str, bool]]:
    """(firm id, product id) -> (status, near miss) by ``Catalog.match``."""
    wanted = [p.id for p in catalog.products] if products is None else list(products)
    answers = {}
    pairs = profiles_of(base)
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        results = catalog.match_many(
            [p for _, p in chunk], as_of=as_of, product_ids=wanted, list_limit=None
        )
        for (firm, _), result in zip(chunk, results):
            status = dict.fromkeys(wanted, (INELIGIBLE, False))
            for r in result.matches:
                status[r.product.id] = (ELIGIBLE, False)
            for r in result.incomplete:
                status[r.product.id] = (INCOMPLETE, False)
            for r in result.near_misses:
                status[r.product.id] = (INELIGIBLE, True)
            for pid, answer in status.items():
                answers[(firm, pid)] = answer
    return answers


def screening_answers(statuses, firm_ids, product_ids) -> dict[tuple[str, str], tuple[str, bool]]:
    """The same map from statuses.parquet's rows (absent rows are plain ineligible)."""
    answers = {(f, p): (INELIGIBLE, False) for f in firm_ids for p in product_ids}
    for row in statuses.to_pylist():
        key = (row["firm_id"], row["product_id"])
        answers[key] = {
            "eligible": (ELIGIBLE, False),
            "incomplete": (INCOMPLETE, False),
            "near_miss": (INELIGIBLE, True),
        }[row["status"]]
    return answers


def import_firms(source, data_dir, as_of: str = "2026-12-01"):
    """``loanmatch firms import SOURCE`` into ``data_dir``, through the real CLI."""
    from click.testing import CliRunner

    from loanmatch_cli.main import main

    args = ["firms", "import", str(source), "--data-dir", str(data_dir), "--as-of", as_of]
    return CliRunner().invoke(main, args)
