"""Reads for the plan pages: a collaboration's plans, a plan with its
strategies and measure counts, the strategies' change history, and what a
revision must decide (the open measures by strategy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from ..access import policy
from ..common.history import field_changes, related_labels, who
from ..portfolio.models import CLOSED_PHASES, Measure, PlanPeriod, Strategy
from ..registry.models import Body, Person

if TYPE_CHECKING:
    import datetime as dt

    from ..registry.models import Collaboration


def plans_of(collaboration: Collaboration) -> list[PlanPeriod]:
    """Every plan of the collaboration, newest first, with its number of strategies and who adopted it."""
    return list(PlanPeriod.objects.filter(collaboration=collaboration)
                .select_related("adopted_by", "revises")
                .annotate(strategy_count=Count("strategies", distinct=True))
                .order_by("-start_year", "-pk"))


def plan_in(collaboration: Collaboration, plan_id: int) -> PlanPeriod | None:
    """The plan `plan_id` if it belongs to `collaboration`."""
    return PlanPeriod.objects.filter(collaboration=collaboration, pk=plan_id) \
        .select_related("collaboration", "adopted_by", "revises").first()


def newer_plan(plan: PlanPeriod) -> PlanPeriod | None:
    """The newest plan of the same collaboration that started after `plan`, or None when `plan` is the newest."""
    return PlanPeriod.objects.filter(collaboration_id=plan.collaboration_id, start_year__gt=plan.start_year) \
        .order_by("-start_year", "-pk").first()


def revision_of(plan: PlanPeriod) -> PlanPeriod | None:
    """The plan that revised `plan`, if any."""
    return plan.revisions.order_by("-start_year", "-pk").first()


def plan_strategies(user, plan: PlanPeriod) -> list[Strategy]:
    """The plan's strategies with their responsible chief executive (and municipality) and, as
    `measure_count` and `open_count`, how many of their measures the user may see, and how many are open."""
    visible = policy.visible_measures(user, Measure.objects.filter(strategy__plan=plan)).values("pk")
    in_view = Q(measures__pk__in=visible)
    is_open = in_view & Q(measures__closed_on__isnull=True) & ~Q(measures__phase__in=CLOSED_PHASES)
    return list(plan.strategies.select_related("responsible__municipality")
                .annotate(measure_count=Count("measures", filter=in_view, distinct=True),
                          open_count=Count("measures", filter=is_open, distinct=True))
                .order_by("number"))


def open_measures(plan: PlanPeriod) -> QuerySet[Measure]:
    """The measures of `plan` that are not closed: each must be carried over or closed when it is revised."""
    return Measure.objects.filter(strategy__plan=plan, closed_on__isnull=True).exclude(phase__in=CLOSED_PHASES)


def strategy_in(collaboration: Collaboration, strategy_id: int) -> Strategy | None:
    return Strategy.objects.filter(pk=strategy_id, plan__collaboration=collaboration) \
        .select_related("plan", "responsible__municipality").first()


def bodies_of(collaboration: Collaboration) -> QuerySet[Body]:
    return Body.objects.filter(collaboration=collaboration).order_by("kind", "name")


def chief_executive_choices(collaboration: Collaboration) -> QuerySet[Person]:
    """People who may answer for a strategy: those of the collaboration's (past and present) member municipalities."""
    return Person.objects.filter(municipality__memberships__collaboration=collaboration) \
        .select_related("municipality").distinct().order_by("name")


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    reason: str
    created: bool
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def strategy_histories(strategies: list[Strategy]) -> dict[int, list[HistoryEntry]]:
    """Each strategy's history, newest first: who, when, why and field by field old → new."""
    HistoricalStrategy = Strategy.history.model
    records = list(HistoricalStrategy.objects.filter(id__in=[s.pk for s in strategies])
                   .select_related("history_user").order_by("id", "history_date", "history_id"))
    labels = related_labels(Strategy, records)
    out: dict[int, list[HistoryEntry]] = {s.pk: [] for s in strategies}
    previous = {}
    for record in records:
        before = previous.get(record.id)
        changes = [] if before is None else field_changes(before, record, model=Strategy, exclude={"plan"},
                                                          labels=labels)
        if before is None or changes:
            out[record.id].append(HistoryEntry(when=record.history_date, who=who(record.history_user),
                                               reason=record.history_change_reason or "", created=before is None,
                                               changes=changes))
        previous[record.id] = record
    for entries in out.values():
        entries.reverse()
    return out


@dataclass
class RevisionStrategy:
    strategy: Strategy
    measures: list[Measure]


def revision_outline(plan: PlanPeriod) -> list[RevisionStrategy]:
    """The plan's strategies, each with its open measures (internal ones too: only the secretariat revises)."""
    open_measures = Measure.objects.filter(closed_on__isnull=True).exclude(phase__in=CLOSED_PHASES) \
        .order_by("position", "number", "title")
    strategies = plan.strategies.prefetch_related(Prefetch("measures", queryset=open_measures, to_attr="open_measures")) \
        .order_by("number")
    return [RevisionStrategy(strategy=s, measures=s.open_measures) for s in strategies]
