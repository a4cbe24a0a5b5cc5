"""``loanmatch synth``: synthetic catalogs, profiles and firm bases for benchmarks and tests.

The generators live with what they imitate (``product_catalog.synth`` for products and
profiles, ``screening.synth`` for firms); this command only writes them out.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from product_catalog.synth import (
    CatalogDirError,
    CatalogExists,
    synth_catalog,
    synth_profiles,
    write_catalog,
)
from screening.synth import write_firms


@click.command("synth")
@click.option(
    "--products",
    "n_products",
    type=click.IntRange(min=1),
    default=None,
    help="How many products (rule files) to write.",
)
@click.option(
    "--firms",
    "n_firms",
    type=click.IntRange(min=0),
    default=None,
    help="Also (or only) write a firm base of this many firms to firms.parquet.",
)
@click.option(
    "--profiles",
    "n_profiles",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="How many profiles to write to profiles.jsonl.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="The same seed writes the same files."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write rules/ and profiles.jsonl into.",
)
@click.option("--force", is_flag=True, help="Replace a synthetic catalog already in --out.")
def synth(
    n_products: int | None,
    n_firms: int | None,
    n_profiles: int,
    seed: int,
    out_dir: Path,
    force: bool,
) -> None:
    """Write a synthetic catalog and profiles, or a firm base, for benchmarks (not real)."""
    if n_products is None and n_firms is None:
        raise click.UsageError("give --products N, --firms N, or both")
    if n_firms is not None:
        with Console(stderr=True).status(f"drawing {n_firms:,} firms"):
            path = write_firms(n_firms, out_dir, seed)
        click.echo(f"wrote {n_firms:,} firms to {path}")
    if n_products is None:
        return
    products = synth_catalog(n_products, seed)
    profiles = synth_profiles(n_profiles, seed)
    columns = (TextColumn("writing products"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("products", total=len(products))
            written = write_catalog(
                out_dir,
                products,
                profiles,
                replace=force,
                on_written=lambda: progress.advance(task),
            )
    except CatalogExists as error:
        raise click.ClickException(f"{error}; pass --force to replace it") from None
    except CatalogDirError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"{error.filename or out_dir}: {error.strerror}") from None
    click.echo(
        f"wrote {written.products} products from {written.banks} banks "
        f"and {written.profiles} profiles to {out_dir}"
    )
