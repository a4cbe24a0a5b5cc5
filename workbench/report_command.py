"""``loanmatch report --profile FILE --out report.html``: the enterprise report as one file.

The same template and figures as the ``/ui/report`` page (``workbench.report``), with
its print stylesheet inlined, so the file opens and prints anywhere, offline. The
match is the catalog's own (``Catalog.match``), without past approval rates: on the
command line there is no lead store, so the ranking's approval part is neutral.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def render_report(profile: dict, result: dict, lang: str = "zh") -> str:
    """The report's HTML for a profile and its ``to_dict(explain="all")`` result."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    from .i18n import pick, t
    from .report import report_data

    env = Environment(
        loader=PackageLoader("workbench", "templates"), autoescape=select_autoescape(["html"])
    )
    # Our own packaged stylesheet, not anyone's text: escaping it would break its quotes.
    css = Markup((Path(__file__).parent / "static" / "report.css").read_text(encoding="utf-8"))
    template = env.get_template("report.html")
    return template.render(
        lang=lang,
        t=lambda key: t(key, lang),
        pick=lambda text: pick(text, lang),
        standalone=True,
        inline_css=css,
        back=None,
        **report_data(profile, result, lang),
    )


@click.command("report")
@click.option(
    "--profile",
    "profile_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="a JSON profile (as posted to /v1/match)",
)
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="the HTML file to write",
)
@click.option("--rules", default=None, type=click.Path(), help="rules folder (default: rules/)")
@click.option("--as-of", "as_of", default=None, help="evaluation date, YYYY-MM-DD (default: today)")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def report(profile_file, out_file, rules, as_of, lang):
    """Write the enterprise report (企业画像与融资匹配报告) for one profile as HTML."""
    from loanmatch_cli.main import as_of_date, default_rules, err, load_for_cli
    from matcher.vocabulary.profile import ProfileError

    when = as_of_date(as_of)
    try:
        profile = json.loads(Path(profile_file).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        err.print(f"[red]error:[/] {profile_file}: {exc.strerror}", highlight=False)
        sys.exit(2)
    except ValueError as exc:
        err.print(f"[red]error:[/] {profile_file}: not JSON: {exc}", highlight=False)
        sys.exit(2)
    if not isinstance(profile, dict):
        err.print(f"[red]error:[/] {profile_file}: a profile is a JSON object", highlight=False)
        sys.exit(2)
    catalog = load_for_cli(rules or default_rules())
    try:
        result = catalog.match(profile, as_of=when)
    except ProfileError as exc:
        err.print(f"[red]error:[/] {profile_file}: {exc}", highlight=False)
        sys.exit(1)
    doc = json.loads(
        json.dumps(result.to_dict(explain="all", lang=lang), ensure_ascii=False, default=str)
    )
    html = render_report(profile, doc, lang)
    try:
        Path(out_file).write_text(html, encoding="utf-8")
    except OSError as exc:
        err.print(f"[red]error:[/] {out_file}: {exc.strerror}", highlight=False)
        sys.exit(2)
    top = (
        f"{doc['matches'][0]['bank_name']} · {doc['matches'][0]['name']}" if doc["matches"] else "—"
    )
    click.echo(
        f"wrote {out_file}: {profile.get('name') or 'the profile'}, "
        f"{doc['summary']['eligible']} matched products (top: {top})"
    )
