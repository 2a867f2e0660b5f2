"""Reads for reporting rounds: which measures are due, readiness per measure
and per municipality, and what is missing. Fixed number of queries per round.

Rules:
* The measures in a round are the collaboration's measures that are not
  completed or stopped.
* A measure is ready when it has an overall status update (no municipality)
  dated inside the round (starts_on <= reported_on). An update dated after the
  deadline still counts, marked as late.
* A municipality has done its part of a measure when the measure is ready or
  the municipality has reported its own part inside the round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from ..portfolio.models import CLOSED_PHASES, Measure, Participation, StatusUpdate
from ..registry.models import Collaboration, Municipality
from .models import ReportingRound


def round_measures(round: ReportingRound) -> QuerySet[Measure]:
    return (Measure.objects.filter(collaboration_id=round.collaboration_id).exclude(phase__in=CLOSED_PHASES)
            .select_related("strategy", "owner_municipality", "responsible")
            .prefetch_related(Prefetch("participations",
                                       queryset=Participation.objects.select_related("municipality"))))


@dataclass
class MeasureReadiness:
    measure: Measure
    overall: StatusUpdate | None                 # the newest overall update inside the round
    parts: dict[int, StatusUpdate]               # municipality id -> newest part update inside the round
    participants: list[Municipality]
    deadline: dt.date

    @property
    def ready(self) -> bool:
        return self.overall is not None

    @property
    def late(self) -> bool:
        return self.overall is not None and self.overall.reported_on > self.deadline

    def done_by(self, municipality_id: int) -> bool:
        return self.ready or municipality_id in self.parts

    @property
    def missing_parts(self) -> list[Municipality]:
        return [m for m in self.participants if not self.done_by(m.pk)]


@dataclass
class MunicipalityReadiness:
    municipality: Municipality
    total: int = 0
    done: int = 0
    missing: list[Measure] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@dataclass
class RoundReadiness:
    round: ReportingRound
    measures: list[MeasureReadiness]
    municipalities: list[MunicipalityReadiness]

    @property
    def total(self) -> int:
        return len(self.measures)

    @property
    def ready_count(self) -> int:
        return sum(1 for m in self.measures if m.ready)

    @property
    def percent(self) -> int:
        return round(100 * self.ready_count / self.total) if self.total else 100

    @property
    def missing(self) -> list[MeasureReadiness]:
        return [m for m in self.measures if not m.ready]


def round_readiness(round: ReportingRound) -> RoundReadiness:
    """Readiness of every measure and every involved municipality (3 queries)."""
    measures = list(round_measures(round))
    overall: dict[int, StatusUpdate] = {}
    parts: dict[int, dict[int, StatusUpdate]] = {}
    updates = (StatusUpdate.objects.filter(measure__in=[m.pk for m in measures], reported_on__gte=round.starts_on)
               .order_by("reported_on", "created_at", "id"))
    for u in updates:  # ascending: the newest wins
        if u.partner_id is not None:
            continue  # an outside partner's own part: neither the overall status nor a member's part
        if u.municipality_id is None:
            overall[u.measure_id] = u
        else:
            parts.setdefault(u.measure_id, {})[u.municipality_id] = u
    rows = [
        MeasureReadiness(measure=m, overall=overall.get(m.pk), parts=parts.get(m.pk, {}),
                         participants=[p.municipality for p in m.participations.all()], deadline=round.deadline)
        for m in measures
    ]
    per_municipality: dict[int, MunicipalityReadiness] = {}
    for row in rows:
        involved = {p.pk: p for p in row.participants}
        if row.measure.owner_municipality_id:
            involved.setdefault(row.measure.owner_municipality_id, row.measure.owner_municipality)
        for mid, municipality in involved.items():
            entry = per_municipality.setdefault(mid, MunicipalityReadiness(municipality=municipality))
            entry.total += 1
            if row.done_by(mid):
                entry.done += 1
            else:
                entry.missing.append(row.measure)
    municipalities = sorted(per_municipality.values(), key=lambda e: e.municipality.name)
    return RoundReadiness(round=round, measures=rows, municipalities=municipalities)


def rounds_of(collaboration: Collaboration) -> QuerySet[ReportingRound]:
    return collaboration.reporting_rounds.select_related("opened_by").order_by("-deadline", "-id")


def round_of(collaboration: Collaboration, round_id: int) -> ReportingRound | None:
    return ReportingRound.objects.select_related("opened_by").filter(pk=round_id, collaboration=collaboration).first()
