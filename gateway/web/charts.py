"""Server-side SVG bar charts for the e-reporting page.

Drawn on the server so the page needs no JavaScript and no chart library from a
CDN (the deployments may have no internet). Horizontal bars, because Indonesian
labels are long and phones are narrow: the SVG scales to the width of its box
(``viewBox`` with ``width=100%`` in the stylesheet). Each chart carries a
``<title>`` and a ``<desc>`` listing every value, so a screen reader reads the
numbers, and the page shows the same numbers in a table beside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 150
ROW_HEIGHT = 30
BAR_HEIGHT = 18
PADDING = 8
#: dark blue on white: contrast ratio above 7:1
BAR_COLOUR = "#1d4f91"
TEXT_COLOUR = "#1a1a1a"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (for the length) and the value as shown."""

    label: str
    value: float | int | Decimal
    text: str


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "grafik"


def _length(value: float, top: float, room: float) -> float:
    if top <= 0 or value <= 0:
        return 0.0
    return round(room * value / top, 1)


def bar_chart(title: str, bars: Sequence[Bar], *, chart_id: str | None = None
              ) -> Markup:
    """An accessible SVG bar chart; a short paragraph when there is nothing to draw.

    Negative values (e.g. a saving below zero) get no bar but keep their text.
    """
    if not bars:
        return Markup('<p class="kosong">Belum ada data untuk grafik ini.</p>')
    ident = chart_id or slug(title)
    top = max(float(b.value) for b in bars)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 2 * PADDING
    height = len(bars) * ROW_HEIGHT + 2 * PADDING
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    parts = [
        Markup('<svg class="grafik" xmlns="http://www.w3.org/2000/svg" role="img" '
               'viewBox="0 0 {w} {h}" aria-labelledby="{i}-judul {i}-isi">').format(
            w=WIDTH, h=height, i=ident),
        Markup('<title id="{}-judul">{}</title>').format(ident, title),
        Markup('<desc id="{}-isi">{}</desc>').format(ident, desc),
    ]
    for row, bar in enumerate(bars):
        y = PADDING + row * ROW_HEIGHT
        middle = y + ROW_HEIGHT / 2 + 5
        length = _length(float(bar.value), top, room)
        parts.append(Markup(
            '<text x="0" y="{y}" fill="{c}" font-size="14">{label}</text>').format(
            y=middle, c=TEXT_COLOUR, label=_fit(bar.label)))
        parts.append(Markup(
            '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}"/>').format(
            x=LABEL_WIDTH, y=y + (ROW_HEIGHT - BAR_HEIGHT) / 2, w=length,
            h=BAR_HEIGHT, c=BAR_COLOUR))
        parts.append(Markup(
            '<text x="{x}" y="{y}" fill="{c}" font-size="14">{text}</text>').format(
            x=LABEL_WIDTH + length + PADDING, y=middle, c=TEXT_COLOUR, text=bar.text))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _fit(label: str, limit: int = 30) -> str:
    """Long labels are cut in the drawing (the table and ``<desc>`` keep them)."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


__all__ = ["Bar", "bar_chart", "escape"]
