"""``loanmatch diff OLD NEW``: two rules folders, or two recorded catalog versions.

Exit 0 whatever the differences (a diff is a report, not a check); exit 2 with
one clear line when an argument can be neither read as a folder nor found among
the recorded versions.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from .remote import bank_option, get_json, server_option

err = Console(stderr=True, soft_wrap=True)


def resolve(argument: str, store) -> Path:
    """A rules folder for ``argument``: a path, or a version (``sha256:…`` or a prefix)."""
    path = Path(argument)
    if path.exists():
        return path
    from matcher.authoring.versions import VersionError

    try:
        version = store.resolve(argument)
    except VersionError as exc:
        raise click.ClickException(str(exc)) from None
    if version is None:
        raise click.ClickException(
            f"{argument}: no such folder, and no recorded version in {store.directory} matches it"
        )
    snapshot = store.snapshot_path(version)
    if snapshot is None:
        raise click.ClickException(f"{version} was recorded but its files have been pruned")
    return snapshot


@click.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--versions-dir",
    default=None,
    type=click.Path(),
    help="recorded versions (default: $LOANMATCH_VERSIONS_DIR or var/catalog-versions)",
)
@server_option
@bank_option
def diff(old, new, versions_dir, server, bank):
    """Print what changed from OLD to NEW, criterion by criterion, per product.

    With --server, OLD and NEW are versions recorded on that server (NEW may be
    `live`), and --bank says whose products.
    """
    if server:
        remote_diff(old, new, server, bank)
    from matcher.authoring.diff import diff_catalogs
    from matcher.authoring.versions import VersionStore
    from matcher.catalog import CatalogError

    store = VersionStore(versions_dir)
    try:
        old_root, new_root = resolve(old, store), resolve(new, store)
        diffs = diff_catalogs(old_root, new_root)
    except click.ClickException as exc:
        err.print(f"[red]error:[/] {exc.message}", highlight=False)
        sys.exit(2)
    except (CatalogError, OSError) as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    report(old, new, [(d.status, d.lines()) for d in diffs])


def remote_diff(old: str, new: str, server: str, bank: str | None) -> None:
    """The server's criterion-level diff of one bank's products."""
    if not bank:
        err.print(
            "[red]error:[/] --server needs --bank BANK (whose products to compare)", highlight=False
        )
        sys.exit(2)
    try:
        doc = get_json(server, f"/v1/banks/{bank}/versions/diff", {"from": old, "to": new})
    except click.ClickException as exc:
        err.print(f"[red]error:[/] {exc.message}", highlight=False)
        sys.exit(2)
    report(doc["from"], doc["to"], [(p["status"], p["lines"]) for p in doc["products"]])


def report(old: str, new: str, products: list[tuple[str, list[str]]]) -> None:
    """The lines of each product, then a summary on stderr; exit 0."""
    for _, lines in products:
        for line in lines:
            click.echo(line)
    counts = {
        s: sum(1 for status, _ in products if status == s) for s in ("changed", "added", "removed")
    }
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no differences"
    err.print(f"{old} {'→'} {new}: {summary}", highlight=False)
    sys.exit(0)
