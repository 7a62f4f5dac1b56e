"""Horizontal bar charts as inline SVG, drawn on the server (no JavaScript, no library).

Each bar has its label above it and its value at its end, so that the chart reads at phone
width; the SVG scales to its container; its <title> names it and its <desc> lists every bar for
screen readers, and each bar has a <title> (a tooltip on hover). A bar with an address is a
link over its whole row (label, bar and value), as tall as a finger needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import count

from markupsafe import Markup

WIDTH = 360
ROW = 48  # label line + bar
BAR = 18
LABEL_GAP = 20
VALUE_ROOM = 200  # room right of the longest bar for its value ("12 条 · 152,857.27 元")
_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str
    """The value as the chart prints it, e.g. "12 条 · 3,400.00 元"."""
    href: str = ""
    """Where clicking the bar or its label leads (the board filtered by it); none if empty."""


def bar_chart(title: str, bars: Sequence[Bar], *, empty: str = "暂无数据") -> Markup:
    """An SVG horizontal bar chart, or a paragraph saying there is nothing to chart."""
    if not bars:
        return Markup(f'<p class="hint">{escape(empty)}</p>')
    chart_id = f"chart-{next(_ids)}"
    top = max(bar.value for bar in bars) or 1
    height = ROW * len(bars) + 4
    described = "；".join(f"{bar.label}：{bar.shown}" for bar in bars)
    # An image's parts are hidden from screen readers; bars that are links must not be.
    role = "group" if any(bar.href for bar in bars) else "img"
    parts = [f'<svg viewBox="0 0 {WIDTH} {height}" role="{role}" aria-labelledby="{chart_id}-t" '
             f'aria-describedby="{chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-t">{escape(title)}</title>',
             f'<desc id="{chart_id}-d">{escape(described)}</desc>']
    for index, bar in enumerate(bars):
        y = index * ROW
        length = max(2.0, (WIDTH - VALUE_ROOM) * bar.value / top)
        text = f"{bar.label}：{bar.shown}"
        drawn = (f'<title>{escape(text)}</title>'
                 f'<rect class="hit" x="0" y="{y}" width="{WIDTH}" height="{ROW - 4}"></rect>'
                 f'<text x="0" y="{y + 15}">{escape(bar.label)}</text>'
                 f'<rect class="bar" x="0" y="{y + LABEL_GAP + 2}" width="{length:.1f}" '
                 f'height="{BAR}" rx="2"></rect>'
                 f'<text x="{length + 6:.1f}" y="{y + LABEL_GAP + 16}" class="value">'
                 f'{escape(bar.shown)}</text>')
        if bar.href:
            parts.append(f'<a href="{escape(bar.href)}" aria-label="{escape(text)}">{drawn}</a>')
        else:
            parts.append(f"<g>{drawn}</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
