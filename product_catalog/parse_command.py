"""``loanmatch parse SHEET|FOLDER... --out DIR``: product sheets → rules/<bank>/<slug>.yaml.

Bank staff review what the parser wrote, so the command says plainly what it
could not read (``path:line: unparsed: <clause>``) and ends with one line of
totals, with the share of eligibility clauses it read whole.  A sheet that
cannot be read stops only itself: the others are still written, and the exit
status is 1.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from product_catalog.parser import ParsedSheet, SheetError, dump_rule_file, parse_file
from product_catalog.sheet_files import sheet_files

_PROGRESS_FROM = 5  # sheets; fewer finish before a bar would be worth drawing


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def clause_share(parsed: list[ParsedSheet]) -> str:
    """``412 of 450 clauses parsed (91.6%)``: eligibility clauses read whole, over all sheets."""
    total = sum(p.clauses for p in parsed)
    read = sum(p.clauses_read for p in parsed)
    share = f" ({read / total:.1%})" if total else ""
    return f"{read} of {_plural(total, 'clause', 'clauses')} parsed{share}"


def _summary(parsed: list[ParsedSheet], failed: int) -> str:
    criteria = sum(p.criteria_count for p in parsed)
    left = sum(p.unparsed_count for p in parsed)
    line = (
        f"parsed {_plural(len(parsed), 'sheet', 'sheets')}: "
        f"{_plural(criteria, 'criterion', 'criteria')}, "
        f"{_plural(left, 'clause', 'clauses')} left for review; {clause_share(parsed)}"
    )
    if failed:
        line += f"; {_plural(failed, 'sheet', 'sheets')} could not be read"
    return line


@click.command("parse")
@click.argument("sheets", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--out",
    "out_dir",
    default="rules",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the rule files; each goes to <out>/<bank>/<slug>.yaml.",
)
def parse(sheets: tuple[str, ...], out_dir: Path) -> None:
    """Turn bank product sheets (UTF-8 text) into rule files for review.

    SHEETS are sheet files or folders; a folder stands for the *.txt sheets
    under it. Profiles (*.profile.json), READMEs and other files beside the
    sheets are skipped, and said so. Clauses the profile cannot express are
    kept under `unparsed:` in each file and listed here as
    `path:line: unparsed: <clause>`; the last line gives the share of clauses
    parsed.
    """
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    files = sheet_files(sheets)
    if files.skipped_summary():
        err.print(files.skipped_summary(), markup=False)
    if not files.sheets:
        err.print(
            f"error: no sheets to parse in {' '.join(sheets)}: sheets are UTF-8 text "
            f"files (*.txt); give their files or the folder holding them",
            markup=False,
        )
        raise SystemExit(1)
    sheets = tuple(files.sheets)
    parsed: list[ParsedSheet] = []
    failed = 0
    progress = Progress(
        TextColumn("parsing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=len(sheets) < _PROGRESS_FROM or not err.is_terminal,
    )
    with progress:
        task = progress.add_task("", total=len(sheets))
        for path in sheets:
            progress.update(task, description=path)
            try:
                result = parse_file(path)
                target = out_dir / result.bank / f"{result.slug}.yaml"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(dump_rule_file(result.rule_file), encoding="utf-8")
            except SheetError as exc:
                failed += 1
                err.print(f"error: {exc}", markup=False)
            except OSError as exc:
                failed += 1
                err.print(
                    f"error: {path}: cannot write the rule file: {exc.strerror or exc}",
                    markup=False,
                )
            else:
                parsed.append(result)
                for warning in result.warnings:
                    err.print(warning, markup=False)
            progress.advance(task)
    click.echo(_summary(parsed, failed))
    if failed:
        raise SystemExit(1)
