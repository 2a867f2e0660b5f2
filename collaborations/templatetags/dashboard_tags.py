"""Small template helpers for the dashboards (issue 4)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils.formats import number_format

from ..costs import format_nok

register = template.Library()


@register.simple_tag
def measure_url(measure_id) -> str:
    """The measure page if it exists (issue 3 builds it), else empty. Checks
    the resolver's table first: a failing reverse() is slow (it lists every
    pattern in its message), and a list can have hundreds of rows."""
    if "measure_detail" not in get_resolver().reverse_dict:
        return ""
    try:
        return reverse("measure_detail", args=[measure_id])
    except NoReverseMatch:
        return ""


@register.simple_tag
def list_url(collaboration, **params) -> str:
    """The measure list with the filters that reproduce a number on a dashboard."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    url = reverse("collaboration_measures", args=[collaboration.slug])
    return f"{url}?{urlencode(query)}" if query else url


@register.filter
def nok(ore) -> str:
    """Øre to Norwegian kroner: 1 234 567,89 kr."""
    return "" if ore is None else format_nok(int(ore))


@register.filter
def nok_amount(amount) -> str:
    """Kroner (Decimal) to Norwegian kroner."""
    return "" if amount is None else format_nok(int(Decimal(amount) * 100))


@register.filter
def positions(value) -> str:
    """Årsverk with one decimal, Norwegian style: 3,5."""
    return number_format(Decimal(value or 0), decimal_pos=1, use_l10n=True, force_grouping=True)


@register.filter
def light_icon(light: str) -> str:
    """A shape that carries the light without colour: ✓ on track, ! at risk, ✕ off track."""
    return {"green": "✓", "amber": "!", "red": "✕"}.get(light, "–")


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0)
