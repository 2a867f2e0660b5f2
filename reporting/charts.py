"""Charts as inline SVG, drawn from the report content.

Every bar carries its number as text and the legend names each light, so the
chart never relies on colour alone; the tables next to it hold the same
figures for screen readers.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from collaborations.models import TrafficLight

from .content import ReportContent

COLOURS = {TrafficLight.GREEN: "#2e7d32", TrafficLight.AMBER: "#f9a825", TrafficLight.RED: "#c62828"}
TEXT_ON = {TrafficLight.GREEN: "#ffffff", TrafficLight.AMBER: "#000000", TrafficLight.RED: "#ffffff"}


def lights_by_strategy(content: ReportContent) -> SafeString:
    """Horizontal stacked bars: one per strategy, segments per traffic light."""
    rows = [(g.heading, g.light_counts) for g in content.strategies]
    if not rows:
        return mark_safe("")
    label_w, bar_w, row_h, top = 230, 390, 26, 34
    height = top + row_h * len(rows) + 10
    biggest = max(sum(c.values()) for _h, c in rows) or 1
    title = escape(_("Tiltak per strategi etter trafikklys"))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {label_w + bar_w + 10} {height}" '
             f'width="100%" role="img" aria-label="{title}">',
             f"<title>{title}</title>"]
    x = label_w
    for light in TrafficLight:
        parts.append(f'<g transform="translate({x} 5)">{_shape(light)}</g>'
                     f'<text x="{x + 16}" y="16" font-size="11">{escape(light.label)}</text>')
        x += 120
    for i, (heading, counts) in enumerate(rows):
        y = top + i * row_h
        short = heading if len(heading) <= 38 else heading[:36] + "…"
        parts.append(f'<text x="0" y="{y + 15}" font-size="11">{escape(short)}</text>')
        x = label_w
        for light in TrafficLight:
            n = counts[light]
            if not n:
                continue
            w = bar_w * n / biggest
            parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{row_h - 8}" '
                         f'fill="{COLOURS[light]}" stroke="#333" stroke-width="0.5"/>')
            parts.append(f'<text x="{x + w / 2:.1f}" y="{y + 15}" font-size="11" text-anchor="middle" '
                         f'fill="{TEXT_ON[light]}">{n}</text>')
            x += w
    parts.append("</svg>")
    return mark_safe("".join(parts))


def light_icon(light: str) -> SafeString:
    """Shape as well as colour: circle for on track, triangle for at risk, square for off track."""
    return mark_safe(f'<svg xmlns="http://www.w3.org/2000/svg" class="light-icon" width="12" height="12" '
                     f'viewBox="0 0 12 12" aria-hidden="true">{_shape(light)}</svg>')


def _shape(light: str) -> str:
    fill = COLOURS.get(light, "#777")
    if light == TrafficLight.AMBER:
        return f'<polygon points="6,0.5 11.5,11 0.5,11" fill="{fill}" stroke="#333" stroke-width="0.6"/>'
    if light == TrafficLight.RED:
        return f'<rect x="1" y="1" width="10" height="10" fill="{fill}" stroke="#333" stroke-width="0.6"/>'
    return f'<circle cx="6" cy="6" r="5.2" fill="{fill}" stroke="#333" stroke-width="0.6"/>'
