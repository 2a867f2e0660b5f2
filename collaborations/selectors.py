"""Reads that cross relations, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from . import policy
from .models import (
    Measure,
    Membership,
    Municipality,
    Participation,
    StatusUpdate,
)


def members_on(collaboration, day: dt.date) -> list[Municipality]:
    ids = [m.municipality_id for m in Membership.objects.filter(collaboration=collaboration)
           if m.is_active_on(day)]
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def with_list_relations(queryset: QuerySet[Measure]) -> QuerySet[Measure]:
    """Everything a row of a measure list shows, in a fixed number of queries."""
    return queryset.select_related(
        "collaboration", "strategy", "responsible", "owner_municipality",
    ).prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("municipality")),
    )


def measures_for_list(user, queryset: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    """Visible measures with everything a list row shows."""
    return with_list_relations(policy.visible_measures(user, queryset))


@dataclass
class MeasureAsOf:
    """A measure as it stood at a moment, rebuilt from history."""

    measure_id: int
    record: object  # the historical record (same fields as Measure)
    participant_ids: list[int]


def portfolio_as_of(collaboration, moment: dt.datetime, *, include_internal: bool) -> list[MeasureAsOf]:
    """The collaboration's measures as they stood at `moment`.

    Uses the history tables only: a later edit, a later status update or a
    deleted measure does not change the answer. Reports use this so that
    generating the 2024 report again gives the same content.
    """
    HistoricalMeasure = Measure.history.model
    HistoricalParticipation = Participation.history.model
    latest = {}
    for rec in HistoricalMeasure.objects.filter(collaboration_id=collaboration.pk, history_date__lte=moment) \
            .order_by("id", "history_date", "history_id"):
        latest[rec.id] = rec
    records = [r for r in latest.values() if r.history_type != "-"]
    if not include_internal:
        records = [r for r in records if r.visibility == "published"]
    participants: dict[int, dict[int, str]] = {}
    for rec in HistoricalParticipation.objects.filter(measure_id__in=[r.id for r in records],
                                                      history_date__lte=moment).order_by("history_date", "history_id"):
        participants.setdefault(rec.measure_id, {})[rec.municipality_id] = rec.history_type
    result = []
    for r in sorted(records, key=lambda r: (r.strategy_id or 0, r.position, r.title)):
        ids = [mid for mid, kind in participants.get(r.id, {}).items() if kind != "-"]
        result.append(MeasureAsOf(measure_id=r.id, record=r, participant_ids=sorted(ids)))
    return result


def status_updates_as_of(measure_ids: list[int], moment: dt.datetime) -> dict[int, list[StatusUpdate]]:
    """Status updates registered no later than `moment`, newest first, per measure."""
    out: dict[int, list[StatusUpdate]] = {}
    for u in StatusUpdate.objects.filter(measure_id__in=measure_ids, created_at__lte=moment) \
            .select_related("municipality", "author"):
        out.setdefault(u.measure_id, []).append(u)
    return out
