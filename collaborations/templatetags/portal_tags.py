"""The template helpers every page and report shares: money, positions and
the links dashboard numbers make. Dates use Django's own `date` filter with
the portal's format (common.dates); traffic lights the partial
partials/light_badge.html."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.formats import number_format

from ..common.history import who as user_name
from ..economy.allocation import format_nok, nok_to_ore

register = template.Library()


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
    return "" if amount is None else format_nok(nok_to_ore(amount))


@register.filter
def positions(value) -> str:
    """Årsverk with one decimal, Norwegian style: 3,5."""
    return number_format(Decimal(value or 0), decimal_pos=1, use_l10n=True, force_grouping=True)


@register.filter
def year(value) -> str:
    """A year as it is written, 2026: never with the thousands separator
    (USE_THOUSAND_SEPARATOR would print "2 026")."""
    return "" if value in (None, "") else str(int(value))


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0)


@register.filter
def who(user) -> str:
    """A user's name as the portal shows it; "systemet" for work nobody did by hand."""
    return user_name(user)
