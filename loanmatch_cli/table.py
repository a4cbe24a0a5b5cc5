"""``--format table``: the result document as a reader at a terminal wants it."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

# Wide enough for any row: a file or a pager gets each table at its natural width.
_UNBOUNDED = 100_000


def output_console() -> Console:
    """Standard output as a rich console: the terminal's width on a terminal; otherwise
    (a file, ``less``, another program) unbounded, so that no reason is cut at 80 columns."""
    console = Console()
    if console.is_terminal:
        return console
    return Console(width=_UNBOUNDED, soft_wrap=True)


def _amount(terms: dict) -> str:
    high = (terms.get("amount") or {}).get("max")
    return f"{high / 10000:g}万" if high else "-"


def print_table(doc: dict, console: Console) -> None:
    s = doc["summary"]
    console.print(
        f"catalog {doc['catalog_version']} · as of {doc['as_of']} · "
        f"{s['products']} products: {s['eligible']} eligible, "
        f"{s['near_misses']} near misses, {s['incomplete']} incomplete",
        highlight=False,
    )
    table = Table(title="Eligible, best first")
    for col in ("#", "product", "bank", "max amount", "rate from", "score"):
        table.add_column(col)
    for rank, m in enumerate(doc["matches"], 1):
        rate = (m["terms"].get("rate_pct") or {}).get("min")
        bank = m.get("bank_name") or m["bank"]
        table.add_row(
            str(rank),
            f"{m['name']} ({m['product_id']})",
            bank,
            _amount(m["terms"]),
            f"{rate}%" if rate is not None else "-",
            f"{m['score']:.2f}",
        )
    console.print(table)
    _by_product(
        console,
        doc["near_misses"],
        "Near misses: what would change the answer",
        "failed",
        lambda m: "; ".join(_text(f["message"]) for f in m["failed"]),
    )
    _by_product(
        console,
        doc["incomplete"],
        "Incomplete: state these fields to decide",
        "missing fields",
        lambda m: ", ".join(m["missing_fields"]),
    )


def _by_product(console, entries, title: str, column: str, detail) -> None:
    """A two-column table, product and ``detail(entry)``; nothing when there are no entries."""
    if not entries:
        return
    table = Table(title=title)
    table.add_column("product")
    table.add_column(column)
    for m in entries:
        table.add_row(f"{m['name']} ({m['product_id']})", detail(m))
    console.print(table)


def _text(message) -> str:
    return message if isinstance(message, str) else message.get("zh", "")
