"""A small read-only JSON API: collaborations, their measures, one measure
with its status updates and timeline. Plain JsonResponse; every answer is
filtered by the policy exactly as the pages are, so internal items never leak
here either, and a timeline entry is the measure page's own (TimelineEntry.as_dict).

Keys are English (they are code); labels and messages are Norwegian.
Anonymous callers are rate-limited per IP address (settings.API_ANONYMOUS_RATE,
default 60 per minute); logged-in users are not.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from ..access import policy
from ..access.policy import Action
from ..portfolio.selectors import measures_for_list
from . import selectors


def _anonymous_rate(group, request) -> str | None:
    if request.user.is_authenticated:
        return None
    return getattr(settings, "API_ANONYMOUS_RATE", "60/m")


def api_view(view):
    """GET only, rate-limited for anonymous callers, JSON errors (404, 429)."""

    @require_GET
    @ratelimit(group="api", key="ip", rate=_anonymous_rate, block=False)
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        if getattr(request, "limited", False):
            response = JsonResponse(
                {"error": _("For mange forespørsler fra din adresse. Vent et minutt og prøv igjen.")}, status=429)
            response["Retry-After"] = "60"
            return response
        try:
            return view(request, *args, **kwargs)
        except Http404 as exc:
            return JsonResponse({"error": str(exc) or _("Fant ikke siden.")}, status=404)

    return wrapped


def _date(value) -> str | None:
    return value.isoformat() if value else None


@api_view
def collaboration_list(request: HttpRequest) -> JsonResponse:
    collaborations = selectors.collaborations_with_members()
    return JsonResponse({"collaborations": [{
        "slug": c.slug, "name": c.name, "short_name": c.short_name, "kind": c.kind,
        "kind_label": c.get_kind_display(), "parent": c.parent.slug if c.parent else None,
        "members": [{"number": m.municipality.number, "name": m.municipality.name} for m in c.active_memberships],
        "measures_url": reverse("api_measures", args=[c.slug]),
    } for c in collaborations]})


def _measure_row(measure, *, show_visibility: bool) -> dict:
    row = {
        "id": measure.pk,
        "title": measure.title,
        "strategy": {"number": measure.strategy.number, "title": measure.strategy.title} if measure.strategy else None,
        "phase": measure.phase,
        "phase_label": measure.get_phase_display(),
        "light": measure.traffic_light,
        "light_label": measure.get_traffic_light_display(),
        "last_update": _date(measure.last_status_at),
        "participants": [{"number": p.municipality.number, "name": p.municipality.name}
                         for p in measure.participations.all()],
        "url": reverse("api_measure", args=[measure.pk]),
    }
    if show_visibility:
        row["visibility"] = measure.visibility
    return row


@api_view
def measure_list(request: HttpRequest, slug: str) -> JsonResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    measures = measures_for_list(request.user, collaboration)
    show_visibility = policy.allows(request.user, Action.VIEW_INTERNAL, collaboration)
    return JsonResponse({
        "collaboration": {"slug": collaboration.slug, "name": collaboration.name},
        "measures": [_measure_row(m, show_visibility=show_visibility) for m in measures],
    })


@api_view
def measure_detail(request: HttpRequest, measure_id: int) -> JsonResponse:
    measure = policy.get_measure_for_user(request.user, measure_id)
    internal = policy.allows(request.user, Action.VIEW_INTERNAL, measure.collaboration)
    entries = selectors.timeline(request.user, measure)
    row = _measure_row(measure, show_visibility=internal)
    row.update({
        "collaboration": {"slug": measure.collaboration.slug, "name": measure.collaboration.name},
        "description": measure.description,
        "responsible": str(measure.responsible) if measure.responsible else None,
        "owner_municipality": measure.owner_municipality.name if measure.owner_municipality else None,
        "host_municipality": measure.host_municipality.name if measure.host_municipality else None,
        "organisation": measure.organisation,
        "partners": [p.name for p in measure.partners.all()],
        "light_reason": measure.light_reason,
        "status_text": measure.status_text,
        "follow_up_text": measure.follow_up_text,
        "follow_up_responsible": measure.follow_up_responsible,
        "follow_up_due": _date(measure.follow_up_due),
        "starts_on": _date(measure.starts_on),
        "ends_on": _date(measure.ends_on),
        # One representation of a timeline entry (TimelineEntry.as_dict), as on
        # the measure page: who, when and why for everyone who may see the measure.
        "status_updates": [e.as_dict() for e in selectors.status_update_entries(entries)],
        "timeline": [e.as_dict() for e in entries],
    })
    return JsonResponse(row)

