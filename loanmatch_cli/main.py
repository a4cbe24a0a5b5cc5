"""The ``loanmatch`` command line.

Subcommands live beside the code they drive and are imported only when
called, so ``loanmatch lint`` does not pay for Flask or the parser.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from .remote import bank_option, get_json, server_option

err = Console(stderr=True)

LAZY = {
    "parse": "product_catalog.parse_command:parse",
    "synth": "loanmatch_cli.synth_command:synth",
    "serve": "loanmatch_cli.serve_command:serve_command",
    "test": "loanmatch_cli.scenario_command:test",
    "diff": "loanmatch_cli.diff_command:diff",
    "route-overflow": "loanmatch_cli.overflow_command:route_overflow",
    "report": "workbench.report_command:report",  # the enterprise report as HTML
    "firms": "screening.commands:firms",
    "screen": "screening.commands:screen",
    "impact": "screening.commands:impact",
    "sql": "screening.commands:sql",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(LAZY))

    def get_command(self, ctx, name):
        if name in LAZY:
            module, attr = LAZY[name].split(":")
            try:
                return getattr(importlib.import_module(module), attr)
            except (ImportError, AttributeError):
                return None
        return super().get_command(ctx, name)


def default_rules() -> str:
    return os.environ.get("LOANMATCH_RULES", "rules")


def as_of_date(value: str | None) -> date | None:
    """The ``--as-of`` option's date; ``None`` (meaning today) when it was not given."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--as-of") from None


@contextmanager
def file_progress(label: str, total: int):
    """A progress bar on stderr while many files are read; yields a per-file callback."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[name]}"),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total, name="")
        yield lambda path: bar.update(task, advance=1, name=Path(path).name)


@click.group(cls=LazyGroup)
@click.version_option(package_name="loanmatch")
def main():
    """loanmatch: match SME profiles with bank loan products."""


@main.command()
@click.argument("directory", default=None, required=False, type=click.Path())
def lint(directory):
    """Check every rule file under DIRECTORY (default: rules/)."""
    from matcher.authoring.lint import lint as run_lint
    from matcher.catalog import rule_files

    root = Path(directory or default_rules())
    if not root.exists():
        err.print(
            f"[red]error:[/] {root}: no such folder "
            "(give the rules folder, e.g. `loanmatch lint rules/`)"
        )
        sys.exit(2)
    with file_progress("linting", len(rule_files(root))) as step:
        report = run_lint(root, step)
    for problem in report.problems:
        click.echo(str(problem))
    err.print(report.summary(), style="green" if report.ok else "red", highlight=False)
    sys.exit(0 if report.ok else 1)


def _read_profiles(stream) -> list[tuple[int, object]]:
    """(line number, parsed JSON or a ValueError) for one JSON profile or JSON Lines."""
    text = stream.read()
    try:
        return [(1, json.loads(text))]
    except ValueError:
        pass
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                out.append((number, json.loads(line)))
            except ValueError as exc:
                out.append((number, ValueError(f"not JSON: {exc}")))
    return out


def load_for_cli(rules: str):
    from matcher.catalog import CatalogError, load_catalog, rule_files

    root = Path(rules)
    if not root.exists():
        err.print(f"[red]error:[/] {root}: no such rules folder (use --rules DIR)")
        sys.exit(2)
    try:
        with file_progress("loading rules", len(rule_files(root))) as step:
            return load_catalog(root, step)
    except CatalogError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(2)


@main.command()
@click.option(
    "--profile",
    "profile_file",
    required=True,
    type=click.File("r", encoding="utf-8"),
    help="JSON profile or JSON Lines file; '-' reads standard input.",
)
@click.option("--rules", default=None, type=click.Path(), help="rules folder (default: rules/)")
@click.option("--as-of", "as_of", default=None, help="evaluation date, YYYY-MM-DD (default: today)")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json")
@click.option(
    "--explain",
    type=click.Choice(["none", "failed", "all"]),
    default="failed",
    help="per-criterion detail: failed (default: what did not pass), all, or none",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None)
def match(profile_file, rules, as_of, fmt, explain, lang):
    """Match profiles against every product and print ranked results."""
    from matcher.vocabulary.profile import ProfileError

    when = as_of_date(as_of)
    catalog = load_for_cli(rules or default_rules())
    entries = _read_profiles(profile_file)
    if not entries:
        err.print("[red]error:[/] no profile in the input")
        sys.exit(2)
    many = len(entries) > 1
    failures = 0
    for number, data in entries:
        where = f"{profile_file.name}:{number}" if many else profile_file.name
        try:
            if isinstance(data, ValueError):
                raise ProfileError({"_schema": [str(data)]})
            result = catalog.match(data, as_of=when)
        except ProfileError as exc:
            failures += 1
            err.print(f"[red]error:[/] {where}: {exc}", highlight=False)
            if many:
                click.echo(json.dumps({"line": number, "errors": exc.errors}, ensure_ascii=False))
            continue
        doc = result.to_dict(explain=explain, lang=lang)
        if fmt == "table":
            from .table import output_console, print_table

            print_table(doc, output_console())
        else:
            click.echo(json.dumps(doc, ensure_ascii=False, indent=None if many else 2))
    if many:
        err.print(
            f"matched {len(entries) - failures} of {len(entries)} profiles against "
            f"{len(catalog)} products",
            highlight=False,
        )
    sys.exit(1 if failures else 0)


@main.command()
@click.option(
    "--versions-dir",
    default=None,
    type=click.Path(),
    help="where versions are recorded (default: $LOANMATCH_VERSIONS_DIR or var/catalog-versions)",
)
@server_option
@bank_option
def versions(versions_dir, server, bank):
    """List the catalog versions that went live, newest last (for diff and replay)."""
    if server:
        path = f"/v1/banks/{bank}/versions" if bank else "/v1/admin/versions"
        try:
            doc = get_json(server, path)
        except click.ClickException as exc:
            err.print(f"[red]error:[/] {exc.message}", highlight=False)
            sys.exit(2)
        records = [SimpleNamespace(**{"kept": True, **r}) for r in reversed(doc["versions"])]
        where = f"on {server}" + (f" for bank {bank}" if bank else "")
    else:
        from matcher.authoring.versions import VersionStore

        store = VersionStore(versions_dir)
        records, where = store.list(), f"in {store.directory}"
    for r in records:
        changes = f"+{len(r.added)} -{len(r.removed)} ~{len(r.modified)}"
        kept = "" if r.kept else "  (snapshot pruned)"
        click.echo(f"{r.version}  {r.recorded_at}  {r.actor or '-':<16} {changes}{kept}")
    err.print(f"{len(records)} recorded version(s) {where}", highlight=False)


if __name__ == "__main__":
    main()
