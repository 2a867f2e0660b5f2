"""Dashboards for politicians and the public. Thin views: the selectors
read, the policy decides what is visible, the templates draw the page.

Each page's content (the `title` and `body` partials of its template) is
cached under a key made of the page, its parameters, the visitor's
visibility scope and the collaboration's history fingerprint, so a write
anywhere in the portfolio gives new keys at once. The rest of the page
(menu, login state, CSRF token) is rendered per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..access import policy
from ..common.dates import months_before, parse_date
from ..economy import selectors as economy
from ..portfolio.selectors import strategies_of
from ..registry.selectors import member_municipality, municipality_ended
from . import charts, filters
from . import selectors as dashboards
from .cache import fingerprint_of, with_fingerprint
from .selectors import Moment

if TYPE_CHECKING:
    from ..registry.models import Collaboration


def _collaboration(slug: str) -> Collaboration:
    """Dashboards are public: every collaboration has one (its pages show each visitor what they may see)."""
    collaboration = with_fingerprint(slug)
    if collaboration is None:
        raise Http404(_("Fant ikke samarbeidet."))
    return collaboration


def _dashboard(request: HttpRequest, slug: str, template: str, build: Callable[[Collaboration], dict]) -> HttpResponse:
    """Render `template`, its title and body from the cache when the key matches."""
    collaboration = _collaboration(slug)
    seconds = settings.DASHBOARD_CACHE_SECONDS
    parts = None
    if seconds:
        params = sorted(request.GET.lists())
        key = "dash:" + hashlib.sha1(repr((
            request.path, params, policy.visibility_scope(request.user, collaboration),
            fingerprint_of(collaboration), translation.get_language(), timezone.localdate(),
            settings.DASHBOARD_STALE_DAYS)).encode()).hexdigest()
        parts = cache.get(key)
    if parts is None:
        context = {"collaboration": collaboration, **build(collaboration)}
        parts = (render_to_string(f"{template}#title", context, request),
                 render_to_string(f"{template}#body", context, request))
        if seconds:
            cache.set(key, parts, seconds)
    return render(request, template, {"collaboration": collaboration, "page_title": parts[0].strip(),
                                      "body": mark_safe(parts[1])})


def _since(request: HttpRequest, collaboration: Collaboration, moment: Moment) -> tuple[dt.date, str, str]:
    """(date, how it was chosen, error) for "what changed since"."""
    raw = request.GET.get("siden", "").strip()
    error = ""
    if raw:
        day = parse_date(raw)
        if day is not None:
            return day, _("valgt dato"), ""
        error = _("Ugyldig dato «%(value)s». Skriv datoen som dd.mm.åååå.") % {"value": raw}
    meeting = dashboards.last_council_meeting(request.user, collaboration, moment.today)
    if meeting:
        return meeting, _("siste møte i regionrådet"), error
    return months_before(moment.today, 6), _("seks måneder tilbake"), error


def overview(request: HttpRequest, slug: str) -> HttpResponse:
    def build(collaboration: Collaboration) -> dict:
        moment = Moment.current()
        since, since_source, since_error = _since(request, collaboration, moment)
        data = dashboards.overview(request.user, collaboration, moment=moment, since=since)
        points = [(p.label, p.lights) for p in data.trend] + [(_("Nå"), data.totals.lights)]
        return {"data": data, "moment": moment, "since": since, "since_source": since_source,
                "stale_days": settings.DASHBOARD_STALE_DAYS,
                "since_error": since_error, "trend_chart": charts.stacked_columns(points), "trend_rows": points,
                "lights_order": ("green", "amber", "red")}
    return _dashboard(request, slug, "collaborations/dashboards/overview.html", build)


def strategy_page(request: HttpRequest, slug: str, number: int, plan_id: int | None = None) -> HttpResponse:
    """Strategy `number` of plan `plan_id`, or of the newest plan that has one. A
    strategy of an older plan says so and links to the newest plan."""
    def build(collaboration: Collaboration) -> dict:
        strategy = dashboards.strategy_for(collaboration, number, plan_id=plan_id)
        if strategy is None:
            raise Http404(_("Fant ikke strategien."))
        measures = dashboards.strategy_measures(request.user, collaboration, strategy)
        return {"strategy": strategy, "measures": measures, "light_counts": dashboards.light_counts(measures),
                "newer_plan": dashboards.newer_plan_than(strategy.plan)}
    return _dashboard(request, slug, "collaborations/dashboards/strategy.html", build)


def municipality_page(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    def build(collaboration: Collaboration) -> dict:
        municipality = member_municipality(collaboration, number)
        if municipality is None:
            raise Http404(_("Kommunen er ikke med i samarbeidet."))
        user = request.user
        year, years = _year(request)
        distribution = economy.distribution(user, collaboration, year)
        hosted, bought = economy.hosting(user, collaboration, municipality)
        measures = dashboards.municipality_measures(user, collaboration, municipality)
        return {
            "municipality": municipality, "measures": measures,
            "participant_count": sum(1 for m in measures if m.takes_part),
            "owner_count": sum(1 for m in measures if m.owner_municipality_id == municipality.pk),
            "hosted": hosted, "bought": bought,
            "payments": distribution.lines_for(municipality.pk),
            "payments_total": distribution.total_ore(municipality.pk),
            "payments_incomplete": distribution.incomplete_for(municipality.pk),
            "networks": dashboards.municipality_networks(user, collaboration, municipality),
            "year": year, "years": years, "ended": municipality_ended(collaboration, municipality),
        }
    return _dashboard(request, slug, "collaborations/dashboards/municipality.html", build)


def _year(request: HttpRequest) -> tuple[int, list[int]]:
    """The year a page's costs are for (?år=2025; this year by default) and the years to choose from."""
    this_year = Moment.current().today.year
    years = list(range(this_year + 1, this_year - 6, -1))
    chosen = request.GET.get("år", "")
    return (int(chosen) if chosen.isdigit() and int(chosen) in years else this_year), years


def costs(request: HttpRequest, slug: str) -> HttpResponse:
    """Every member's share of every agreement and measure that costs money in a year."""
    def build(collaboration: Collaboration) -> dict:
        year, years = _year(request)
        distribution = economy.distribution(request.user, collaboration, year)
        return {"year": year, "years": years, "table": economy.distribution_table(collaboration, distribution)}
    return _dashboard(request, slug, "collaborations/dashboards/costs.html", build)


def host_balance(request: HttpRequest, slug: str) -> HttpResponse:
    def build(collaboration: Collaboration) -> dict:
        rows = economy.host_balance(request.user, collaboration)
        chart = charts.horizontal_bars([
            (r.municipality.name, r.positions, reverse("dashboard_municipality", args=[slug, r.municipality.number]))
            for r in rows])
        return {"rows": rows, "chart": chart, "total_positions": sum((r.positions for r in rows), 0),
                "total_services": sum(r.service_count for r in rows)}
    return _dashboard(request, slug, "collaborations/dashboards/host_balance.html", build)


def priority_matrix(request: HttpRequest, slug: str) -> HttpResponse:
    def build(collaboration: Collaboration) -> dict:
        scored, unscored = dashboards.prioritised(request.user, collaboration)
        chart = charts.scatter([
            {"key": m.pk, "label": m.title, "number": m.rank, "x": m.feasibility, "y": m.potential,
             "href": reverse("measure_detail", args=[m.pk]), "css_class": f"light-{m.traffic_light}"} for m in scored])
        return {"scored": scored, "unscored": unscored, "chart": chart}
    return _dashboard(request, slug, "collaborations/dashboards/priority.html", build)


def measure_list(request: HttpRequest, slug: str) -> HttpResponse:
    def build(collaboration: Collaboration) -> dict:
        moment = Moment.current()
        filterset = filters.measure_list(request.user, collaboration, request.GET, moment)
        page = Paginator(filterset.qs, 50).get_page(request.GET.get("side"))
        dashboards.label_exceptions(page.object_list, moment)
        query = request.GET.copy()
        query.pop("side", None)
        return {"filter": filterset, "page": page, "query": query.urlencode(), "is_filtered": bool(query),
                "strategies": strategies_of(collaboration)}
    return _dashboard(request, slug, "collaborations/dashboards/measure_list.html", build)
