"""Server-drawn SVG charts that read without colour.

Every bar carries its number as text, series differ by fill pattern (solid,
hatched, outlined) as well as by tone, and each chart has a title and a text
alternative; the page puts the same numbers in a table beside it. No script.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FILLS = ("col", "col-b", "col-c")  # CSS classes: solid, hatched, outlined
WIDTH = 560
# Once per page (the dashboard's template includes it): the hatch that FILLS[1] uses.
PATTERNS = Markup(
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#0b5cad" stroke-width="3"/></pattern></defs>'
)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def _fmt_default(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2f}"


def _legend(series: Sequence[Series], y: float) -> str:
    out, x = [], 0.0
    for index, s in enumerate(series):
        out.append(
            f'<rect x="{x}" y="{y}" width="14" height="10" class="{FILLS[index % 3]}"/>'
            f'<text x="{x + 18}" y="{y + 9}">{escape(s.name)}</text>'
        )
        x += 24 + 12 * len(s.name) + 8
    return "".join(out)


def columns(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str] = _fmt_default,
) -> Markup:
    """Vertical grouped columns, one group per label (months), numbers on top."""
    height, top, bottom, left = 240, 28, 40, 8
    plot_h = height - top - bottom
    peak = max([v for s in series for v in s.values if v is not None] or [0]) or 1
    group_w = (WIDTH - left) / max(len(labels), 1)
    bar_w = min(40, (group_w - 10) / max(len(series), 1))
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        _legend(series, 4),
    ]
    base = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH}" y2="{base}" class="axis"/>')
    for gi, label in enumerate(labels):
        gx = left + gi * group_w + 5
        for si, s in enumerate(series):
            value = s.values[gi]
            if value is None:
                continue
            h = plot_h * (value / peak)
            x = gx + si * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{h:.1f}" class="{FILLS[si % 3]}"/>'
                f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{base - h - 3:.1f}" '
                f'text-anchor="middle">{escape(fmt(value))}</text>'
            )
        parts.append(
            f'<text x="{gx + len(series) * bar_w / 2:.1f}" y="{base + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str] = _fmt_default,
) -> Markup:
    """Horizontal bars, one row per label (banks, cities), numbers at the end."""
    row_h = 14 * len(series) + 10
    top, label_w, right = 24, 120, 70
    height = top + row_h * max(len(labels), 1) + 6
    peak = max([v for s in series for v in s.values if v is not None] or [0]) or 1
    plot_w = WIDTH - label_w - right
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        _legend(series, 2),
    ]
    for ri, label in enumerate(labels):
        y = top + ri * row_h
        parts.append(f'<text x="0" y="{y + 12}">{escape(label)}</text>')
        for si, s in enumerate(series):
            value = s.values[ri]
            by = y + si * 14
            if value is None:
                parts.append(f'<text x="{label_w}" y="{by + 10}">—</text>')
                continue
            w = plot_w * (value / peak)
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="11" '
                f'class="{FILLS[si % 3]}"/>'
                f'<text x="{label_w + w + 4:.1f}" y="{by + 10}">'
                f"{escape(fmt(value))}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
