"""``loanmatch test``: run the scenario files, or write covering ones.

Output reads like a test runner's: one ``path:line: message`` per failure on
stdout (editors jump to it), a one-line summary on stderr, exit 1 on any failure.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console

from .main import as_of_date, default_rules, file_progress

err = Console(stderr=True, soft_wrap=True)


@click.command()
@click.argument("path", default=None, required=False, type=click.Path())
@click.option(
    "--generate",
    "product_file",
    default=None,
    type=click.Path(),
    metavar="PRODUCT_FILE",
    help="write PRODUCT_FILE's covering scenarios beside it (<slug>.test.yaml)",
)
@click.option(
    "--generate-all",
    is_flag=True,
    help="write scenarios for every product under PATH that has none",
)
@click.option(
    "--base", default=None, help="base profile name in _profiles/ (default: the product id)"
)
@click.option(
    "--fallback-base",
    "fallback",
    multiple=True,
    help="with --generate-all: bases to fit for products without their own",
)
@click.option("--fit", is_flag=True, help="adjust the base where the product refuses it")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="evaluation date written in the file, YYYY-MM-DD (default: today)",
)
@click.option("--force", is_flag=True, help="overwrite existing scenario files")
@click.option("--coverage", is_flag=True, help="list criteria that no scenario makes fail")
def test(path, product_file, generate_all, base, fallback, fit, as_of, force, coverage):
    """Run the scenario files under PATH (default: rules/), or one scenario file."""
    when = as_of_date(as_of)
    if product_file:
        sys.exit(_generate_one(Path(product_file), base, when, fit, force))
    root = Path(path or default_rules())
    if not root.exists():
        err.print(f"[red]error:[/] {root}: no such folder or file")
        sys.exit(2)
    if generate_all:
        sys.exit(_generate_all(root, when or date.today(), force, tuple(fallback)))
    sys.exit(_run(root, coverage))


def _run(root: Path, coverage: bool) -> int:
    from matcher.authoring.scenario import run_scenarios, scenario_files
    from matcher.catalog import CatalogError, load_catalog, rule_files

    files = None
    if root.is_file():  # one scenario file: rules/<bank>/<slug>.test.yaml
        files, root = [root], root.parent.parent
    try:
        with file_progress("loading rules", len(rule_files(root))) as step:
            catalog = load_catalog(root, step)
    except CatalogError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        err.print(
            f"the rules do not load ({len(exc.problems)} problem(s)); no scenario was run",
            style="red",
            highlight=False,
        )
        return 1
    todo = files or scenario_files(root)
    with file_progress("scenarios", len(todo)) as step:
        report = run_scenarios(root, catalog, step, files=files)
    for result in report.results:
        if not result.ok:
            click.echo(str(result) + (f"\n    in scenario: {result.name}" if result.name else ""))
    if report.untested:
        err.print(
            f"warning: no scenarios for {', '.join(report.untested)}",
            style="yellow",
            highlight=False,
        )
    gaps = sum(len(v) for v in report.uncovered.values())
    if gaps and coverage:
        for pid, described in sorted(report.uncovered.items()):
            for text in described:
                err.print(
                    f"not covered: {pid}: {text} never fails", style="yellow", highlight=False
                )
    elif gaps:
        err.print(
            f"{gaps} criteria never fail in any scenario (--coverage lists them)",
            style="yellow",
            highlight=False,
        )
    err.print(report.summary(), style="green" if report.ok else "red", highlight=False)
    return 0 if report.ok else 1


def _generate_one(product_file: Path, base, when, fit, force) -> int:
    from matcher.authoring.scenario_generate import (
        GenerateError,
        generate_file,
        scenario_path,
        write,
    )

    target = scenario_path(product_file)
    if target.exists() and not force:
        err.print(f"[red]error:[/] {target} exists (use --force to overwrite it)")
        return 2
    try:
        generated = generate_file(product_file, base, when, fit)
    except GenerateError as exc:
        err.print(f"[red]error:[/] {product_file}: {exc}", highlight=False)
        return 2
    write(generated, target)
    for note in generated.notes:
        err.print(f"not covered: {note}", style="yellow", highlight=False)
    err.print(
        f"wrote {target}: {len(generated.scenarios)} scenarios; check it with "
        f"`loanmatch test {target}`",
        highlight=False,
    )
    return 0


def _generate_all(root: Path, when: date, force: bool, fallback: tuple[str, ...]) -> int:
    from matcher.authoring.scenario_generate import generate_all
    from matcher.catalog import CatalogError

    try:
        report = generate_all(root, when, force, fallback)
    except CatalogError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        return 2
    missed = 0
    for pid, path, what in report:
        if path is None and not what.startswith("kept"):
            missed += 1
            err.print(f"{pid}: not written: {what}", style="yellow", highlight=False)
        else:
            click.echo(f"{pid}: {path or ''} {what}".replace("  ", " "))
    err.print(
        f"{len(report) - missed} of {len(report)} products have scenarios",
        style="green" if not missed else "yellow",
        highlight=False,
    )
    return 0 if not missed else 1
