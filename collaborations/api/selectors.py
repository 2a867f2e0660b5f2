"""Reads for the JSON API and the exports, filtered by the policy like every page."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ..portfolio.models import Measure, StatusUpdate
from ..registry.models import Collaboration
from ..registry.selectors import memberships_on


def collaborations_with_members() -> QuerySet[Collaboration]:
    members = Prefetch("memberships", to_attr="active_memberships",
                       queryset=memberships_on().select_related("municipality")
                       .order_by("municipality__name"))
    return Collaboration.objects.select_related("parent").prefetch_related(members).order_by("name")


def status_updates(measure: Measure, *, include_internal: bool = True) -> QuerySet[StatusUpdate]:
    """The measure's status updates; without `include_internal`, only those
    registered since it was first published (as on the measure page)."""
    updates = StatusUpdate.objects.filter(measure=measure).select_related("municipality", "author")
    if not include_internal:
        first = measure.history.filter(visibility="published").order_by("history_date") \
            .values_list("history_date", flat=True).first()
        updates = updates.filter(created_at__gte=first) if first is not None else updates.none()
    return updates
