"""``loanmatch firms import|list``, ``screen``, ``impact`` and ``sql``.

Registered lazily by the CLI, so none of this (nor pyarrow) is imported for ``lint``.
Errors end with exit 2 and one line that says what to do; bad rows in an import are
reported (all of them in the snapshot's ``.rejected.jsonl``) and left out.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from loanmatch_cli.main import as_of_date

err = Console(stderr=True, soft_wrap=True)
SHOWN_PROBLEMS = 20


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/] {message}", highlight=False)
    sys.exit(2)


def _as_of(text: str | None) -> date:
    return as_of_date(text) or date.today()


@contextmanager
def progress_bar(label: str, total: int):
    """A bar on stderr; yields an ``advance(n)`` callback."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)


def load_base(argument: str, as_of: date | None = None, data_dir: str | None = None):
    """A firm file, a snapshot, or a recorded ``firm_base_version``; exits 2 if none."""
    from .firmbase import read_firms
    from .snapshot import FirmBaseStore
    from .validate import FirmBaseError

    path = Path(argument)
    if not path.exists():
        found = FirmBaseStore(data_dir).resolve(argument)
        if found is None:
            _fail(
                f"{argument}: no such file, and no imported firm base version matches it "
                f"(see `loanmatch firms list`)"
            )
        path = found
    try:
        with err.status(f"reading {path.name}"):
            return read_firms(path, as_of)
    except FirmBaseError as exc:
        _fail(str(exc))


def _show_problems(base, source: str) -> None:
    for problem in base.problems[:SHOWN_PROBLEMS]:
        err.print(
            f"{source}:{problem.row}: {problem.field}: {problem.message}",
            highlight=False,
            markup=False,
        )
    if len(base.problems) > SHOWN_PROBLEMS:
        err.print(f"… and {len(base.problems) - SHOWN_PROBLEMS} more problems", highlight=False)


def load_rules(rules: str):
    from matcher.catalog import CatalogError, load_catalog

    if not Path(rules).exists():
        _fail(f"{rules}: no such rules folder (use --rules DIR)")
    try:
        return load_catalog(rules)
    except CatalogError as exc:
        _fail(str(exc))


@click.group()
def firms():
    """The platform's firm base: import a file as a versioned snapshot, list imports."""


@firms.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--data-dir", default=None, help="data folder (default: $LOANMATCH_DATA_DIR or var/)")
@click.option("--as-of", "as_of", default=None, help="validation date, YYYY-MM-DD (default: today)")
def import_firms(file, data_dir, as_of):
    """Validate FILE (Parquet, CSV or JSON Lines) and keep it as a snapshot."""
    from .snapshot import FirmBaseStore

    started = time.perf_counter()
    base = load_base(file, _as_of(as_of), data_dir)
    _show_problems(base, file)
    if not len(base):
        _fail(
            f"{file}: no valid firm in {base.rows_read} rows; fix the rows above and import again"
        )
    saved = FirmBaseStore(data_dir).save(base, os.path.basename(file))
    click.echo(saved.version)
    left_out = (
        f", {saved.rejected} rows left out (all in {saved.rejected_path})" if saved.rejected else ""
    )
    err.print(
        f"imported {saved.firms:,} firms as {saved.version} in "
        f"{time.perf_counter() - started:.1f}s{left_out}",
        highlight=False,
    )


@firms.command("list")
@click.option("--data-dir", default=None)
def list_firms(data_dir):
    """The imports, oldest first: version, time, firms, rows left out, source."""
    from .snapshot import FirmBaseStore

    entries = FirmBaseStore(data_dir).imports()
    for e in entries:
        click.echo(
            f"{e['firm_base_version']}  {e['imported_at']}  {e['firms']:>10,}  "
            f"{e['rejected_rows']:>6,} left out  {e['source']}"
        )
    err.print(f"{len(entries)} import(s)", highlight=False)


@click.command()
@click.option("--rules", default=None, help="rules folder (default: rules/)")
@click.option(
    "--firms",
    "firms_file",
    required=True,
    help="firm file, snapshot, or imported firm_base_version",
)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--product", "product_ids", multiple=True, help="only these products (repeatable)")
@click.option("--as-of", "as_of", default=None, help="evaluation date (default: today)")
@click.option("--engine", type=click.Choice(["embedded", "spark"]), default="embedded")
@click.option(
    "--master", default="local[2]", show_default=True, help="Spark master (--engine spark)"
)
@click.option("--no-statuses", is_flag=True, help="write summary.json only")
@click.option("--data-dir", default=None)
def screen(rules, firms_file, out_dir, product_ids, as_of, engine, master, no_statuses, data_dir):
    """Every product (or --product) against the firm base: summary.json, statuses.parquet."""
    from .embedded import SLICE, screen_embedded, select
    from .summary import write_summary

    when = _as_of(as_of)
    started = time.perf_counter()
    catalog = load_rules(rules or os.environ.get("LOANMATCH_RULES", "rules"))
    try:
        products = select(catalog.products, product_ids)
    except KeyError as exc:
        _fail(f"no product {exc.args[0]} in {catalog.root} (see `loanmatch lint`)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if engine == "spark":
        from .spark import SparkUnavailable, screen_spark

        path = _firm_path(firms_file, data_dir)
        try:
            with err.status(f"screening on Spark ({master})"):
                result = screen_spark(
                    path, products, catalog.version, when, master, statuses=not no_statuses
                )
        except SparkUnavailable as exc:
            _fail(str(exc))
    else:
        base = load_base(firms_file, when, data_dir)
        _show_problems(base, firms_file)
        if not len(base):
            _fail(f"{firms_file}: no valid firm to screen; fix the rows above")
        slices = -(-len(base) // SLICE) or 1
        with progress_bar("screening", len(products) * slices) as advance:
            result = screen_embedded(
                base, products, catalog.version, when, statuses=not no_statuses, progress=advance
            )
    write_summary(result.summary, out / "summary.json")
    if result.statuses is not None:
        import pyarrow.parquet as pq

        pq.write_table(result.statuses, out / "statuses.parquet", compression="zstd")
    eligible = sum(p["eligible"] for p in result.summary["products"])
    err.print(
        f"screened {result.summary['firms']:,} firms against {len(products)} products "
        f"in {time.perf_counter() - started:.1f}s: {eligible:,} eligible pairs → {out}",
        highlight=False,
    )


def _firm_path(argument: str, data_dir: str | None) -> Path:
    from .snapshot import FirmBaseStore

    path = Path(argument)
    if path.exists():
        return path
    found = FirmBaseStore(data_dir).resolve(argument)
    if found is None:
        _fail(f"{argument}: no such file, and no imported firm base version matches it")
    return found


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--firms", "firms_file", required=True)
@click.option("--as-of", "as_of", default=None)
@click.option(
    "--out",
    "out_file",
    default=None,
    type=click.Path(dir_okay=False),
    help="also write the impact as JSON here",
)
@click.option("--versions-dir", default=None, help="recorded catalog versions")
@click.option("--data-dir", default=None)
def impact(old, new, firms_file, as_of, out_file, versions_dir, data_dir):
    """Per changed product from OLD to NEW (folders or recorded versions): firms gained, lost."""
    from loanmatch_cli.diff_command import resolve
    from matcher.authoring.versions import VersionStore

    from .embedded import SLICE
    from .impact import changed_products
    from .impact import impact as run_impact

    when = _as_of(as_of)
    store = VersionStore(versions_dir)
    try:
        old_root, new_root = resolve(old, store), resolve(new, store)
    except click.ClickException as exc:
        _fail(exc.message)
    before, after = load_rules(str(old_root)), load_rules(str(new_root))
    changes = changed_products(before.products, after.products)
    base = load_base(firms_file, when, data_dir)
    slices = -(-len(base) // SLICE) or 1
    with progress_bar("impact", max(1, len(changes) * slices)) as advance:
        changes = run_impact(base, changes, when, progress=advance)
    for change in changes:
        click.echo(change.line())
    if out_file:
        doc = {
            "firm_base_version": base.version,
            "old": before.version,
            "new": after.version,
            "as_of": when.isoformat(),
            "products": [c.to_dict() for c in changes],
        }
        Path(out_file).write_text(
            json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    err.print(
        f"{len(changes)} product(s) changed eligibility; {base.version}, {len(base):,} firms",
        highlight=False,
    )


@click.command()
@click.argument("rule_file", type=click.Path(dir_okay=False))
@click.option(
    "--dialect", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True
)
@click.option(
    "--as-of", "as_of", default=None, help="date for months/years in business (default: today)"
)
def sql(rule_file, dialect, as_of):
    """Print RULE_FILE's eligibility as one SQL boolean expression (NULL = incomplete)."""
    from matcher.catalog import read_products

    from .sql import eligibility_sql

    if not Path(rule_file).is_file():
        _fail(f"{rule_file}: no such rule file")
    products, problems, _ = read_products(Path(rule_file))
    errors = [p for p in problems if p.severity == "error"]
    if errors or not products:
        for problem in errors:
            err.print(str(problem), highlight=False, markup=False)
        _fail(f"{rule_file}: not a valid rule file; run `loanmatch lint` on it")
    click.echo(eligibility_sql(products[0].eligibility, _as_of(as_of), dialect))
