"""Reads for the JSON API and the exports, filtered by the policy like every page."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ..access import policy
from ..portfolio.history import TimelineEntry, measure_timeline
from ..portfolio.models import Measure
from ..registry.models import Collaboration
from ..registry.selectors import memberships_on


def collaborations_with_members() -> QuerySet[Collaboration]:
    members = Prefetch("memberships", to_attr="active_memberships",
                       queryset=memberships_on().select_related("municipality")
                       .order_by("municipality__name"))
    return Collaboration.objects.select_related("parent").prefetch_related(members).order_by("name")


def timeline(user, measure: Measure) -> list[TimelineEntry]:
    """The measure's timeline as `user` may read it: the same entries, built
    the same way, as on the measure page (policy.sees_internal_history)."""
    return measure_timeline(measure, include_internal=policy.sees_internal_history(user, measure))


def status_update_entries(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """The timeline's status updates (overall and parts), newest report date first."""
    return sorted((e for e in entries if e.status is not None),
                  key=lambda e: (e.status.reported_on, e.when), reverse=True)
