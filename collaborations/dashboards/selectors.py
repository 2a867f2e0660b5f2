"""Reads for the dashboards politicians and the public use.

Every function reads in a fixed number of queries whatever the size of the
portfolio: counts are aggregated in SQL (Count with filters, values() +
annotate), changes come from correlated subqueries on the history table, and
nothing runs a query per measure. Visibility always comes from the policy
(`policy.visible_measures` / `policy.visible`): an internal measure is not in
the base queryset, so it cannot reach any count.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ..access import policy
from ..common.dates import end_of, norwegian_date, start_of
from ..meetings.models import Meeting
from ..meetings.selectors import FollowUpCounts, follow_up_counts
from ..portfolio.history import portfolio_as_of
from ..portfolio.models import CLOSED_PHASES, Measure, Participation, Phase, PlanPeriod, StatusUpdate, Strategy, TrafficLight
from ..portfolio.selectors import attach_parts, is_stale, stale_q, strategies_of
from ..registry.models import Body, Collaboration, Municipality, Network, Visibility
from ..rounds.models import ReportingRound

LIGHT_ORDER = (TrafficLight.RED, TrafficLight.AMBER, TrafficLight.GREEN)
TREND_POINTS = 6


# ---------------------------------------------------------------- time and exceptions

@dataclass(frozen=True)
class Moment:
    """"Now" for one request, so that every count on a page agrees."""

    now: dt.datetime
    today: dt.date

    @classmethod
    def current(cls) -> Moment:
        now = timezone.now()
        return cls(now=now, today=timezone.localdate(now))


EXCEPTION_KINDS = ("red", "amber", "overdue", "deadline", "stale")
# What needs a decision or an answer now, ranked in this order; a measure that
# is only stale (no overall update for DASHBOARD_STALE_DAYS) is counted apart,
# not listed one by one.
ATTENTION_KINDS = ("red", "amber", "overdue", "deadline")


# What each kind of exception (EXCEPTION_KINDS) and of change since a date
# (CHANGE_KINDS) is called on the pages and in the filters.
KIND_LABELS = {
    "red": gettext_lazy("Ikke i rute (rødt lys)"),
    "amber": gettext_lazy("Risiko (gult lys)"),
    "overdue": gettext_lazy("Oppfølging over frist"),
    "deadline": gettext_lazy("Sluttdato passert"),
    "stale": gettext_lazy("Ikke oppdatert på over %(days)s dager"),
    "new": gettext_lazy("Nye tiltak"),
    "light": gettext_lazy("Endret trafikklys"),
    "phase": gettext_lazy("Endret fase"),
    "updated": gettext_lazy("Med nye statusoppdateringer"),
}


def kind_label(kind: str) -> str:
    label = str(KIND_LABELS[kind])
    return label % {"days": settings.DASHBOARD_STALE_DAYS} if kind == "stale" else label


def exception_q(kind: str, moment: Moment) -> Q:
    """Open measures (not completed or stopped) that need attention, by kind;
    "attention" is the union of ATTENTION_KINDS, "any" the union of all."""
    open_ = ~Q(phase__in=CLOSED_PHASES)
    conditions = {
        "red": Q(traffic_light=TrafficLight.RED),
        "amber": Q(traffic_light=TrafficLight.AMBER),
        "overdue": Q(follow_up_due__lt=moment.today),
        "stale": stale_q(moment.now),
        "deadline": Q(ends_on__lt=moment.today) & ~Q(phase=Phase.IN_OPERATION),
    }
    if kind in ("any", "attention"):
        union = Q()
        for name, q in conditions.items():
            if kind == "any" or name in ATTENTION_KINDS:
                union |= q
        return open_ & union
    return open_ & conditions[kind]


def exception_kinds(measure: Measure, moment: Moment) -> list[str]:
    """The same rules as `exception_q`, on a row already fetched (no query)."""
    if measure.phase in CLOSED_PHASES:
        return []
    kinds = []
    if measure.traffic_light == TrafficLight.RED:
        kinds.append("red")
    if measure.traffic_light == TrafficLight.AMBER:
        kinds.append("amber")
    if measure.follow_up_due and measure.follow_up_due < moment.today:
        kinds.append("overdue")
    if is_stale(measure, moment.now):
        kinds.append("stale")
    if measure.ends_on and measure.ends_on < moment.today and measure.phase != Phase.IN_OPERATION:
        kinds.append("deadline")
    return kinds


def severity_order(today: dt.date | None = None):
    """Red first, then amber, then (given `today`) follow-ups past their
    deadline, then the rest."""
    whens = [When(traffic_light=TrafficLight.RED, then=Value(0)), When(traffic_light=TrafficLight.AMBER, then=Value(1))]
    if today is not None:
        whens.append(When(follow_up_due__lt=today, then=Value(2)))
    return Case(*whens, default=Value(3), output_field=IntegerField())


# ---------------------------------------------------------------- base querysets

def collaboration_measures(user, collaboration: Collaboration) -> QuerySet[Measure]:
    """The measures of `collaboration` this user may see: the base of every count."""
    return policy.visible_measures(user, Measure.objects.filter(collaboration=collaboration))


def visible_measure_ids(user, collaboration: Collaboration) -> tuple[frozenset[int], frozenset[int]]:
    """(all visible ids, the internal ones among them), in one query."""
    rows = list(collaboration_measures(user, collaboration).values_list("id", "visibility"))
    return (frozenset(i for i, _v in rows), frozenset(i for i, v in rows if v == Visibility.INTERNAL))


def participates_in(municipality_id: int):
    return Exists(Participation.objects.filter(measure=OuterRef("pk"), municipality_id=municipality_id))


# ---------------------------------------------------------------- counts

@dataclass
class Counts:
    total: int = 0
    lights: dict[str, int] = field(default_factory=dict)
    phases: dict[str, int] = field(default_factory=dict)
    exceptions: dict[str, int] = field(default_factory=dict)
    exceptions_any: int = 0
    attention: int = 0

    def add(self, other: Counts) -> None:
        self.total += other.total
        self.exceptions_any += other.exceptions_any
        self.attention += other.attention
        for mine, theirs in ((self.lights, other.lights), (self.phases, other.phases),
                             (self.exceptions, other.exceptions)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v

    @property
    def light_rows(self) -> list[tuple[str, str, int]]:
        return [(k.value, k.label, self.lights.get(k.value, 0)) for k in LIGHT_ORDER]

    @property
    def phase_rows(self) -> list[tuple[str, str, int]]:
        return [(p.value, p.label, self.phases.get(p.value, 0)) for p in Phase]

    @property
    def exception_rows(self) -> list[tuple[str, str, int]]:
        """What needs attention, kind by kind (stale apart: `stale`)."""
        return [(k, kind_label(k), self.exceptions.get(k, 0)) for k in ATTENTION_KINDS]

    @property
    def stale(self) -> int:
        return self.exceptions.get("stale", 0)


def _count_expressions(moment: Moment) -> dict:
    exprs = {"total": Count("id")}
    for light in TrafficLight:
        exprs[f"light_{light.value}"] = Count("id", filter=Q(traffic_light=light))
    for phase in Phase:
        exprs[f"phase_{phase.value}"] = Count("id", filter=Q(phase=phase))
    for kind in EXCEPTION_KINDS:
        exprs[f"exc_{kind}"] = Count("id", filter=exception_q(kind, moment))
    exprs["exc_any"] = Count("id", filter=exception_q("any", moment))
    exprs["exc_attention"] = Count("id", filter=exception_q("attention", moment))
    return exprs


def _counts_from(row: dict) -> Counts:
    return Counts(
        total=row["total"],
        lights={light.value: row[f"light_{light.value}"] for light in TrafficLight},
        phases={phase.value: row[f"phase_{phase.value}"] for phase in Phase},
        exceptions={kind: row[f"exc_{kind}"] for kind in EXCEPTION_KINDS},
        exceptions_any=row["exc_any"], attention=row["exc_attention"],
    )


@dataclass
class StrategyRow:
    strategy: Strategy | None
    counts: Counts

    @property
    def filter_value(self) -> str:
        return str(self.strategy.pk) if self.strategy else "none"


def counts_by_strategy(user, collaboration: Collaboration, moment: Moment) -> tuple[list[StrategyRow], Counts]:
    """Counts by phase, light and exception per strategy, and the totals. Two
    queries: the strategies, and one GROUP BY over the visible measures."""
    strategies = list(strategies_of(collaboration))
    grouped = {row["strategy_id"]: _counts_from(row) for row in
               collaboration_measures(user, collaboration).order_by().values("strategy_id")
               .annotate(**_count_expressions(moment))}
    rows = []
    for s in strategies:
        counts = grouped.pop(s.pk, None)
        if counts is not None or s.plan_id == strategies[0].plan_id:
            rows.append(StrategyRow(s, counts or _counts_from({k: 0 for k in _count_expressions(moment)})))
    if None in grouped:
        rows.append(StrategyRow(None, grouped.pop(None)))
    totals = Counts()
    for row in rows:
        totals.add(row.counts)
    return rows, totals


def exceptions(user, collaboration: Collaboration, moment: Moment, limit: int = 40) -> list[Measure]:
    """Open measures that need attention (ATTENTION_KINDS): red first, then
    amber, then overdue follow-ups, then passed end dates. Measures that are
    only stale are counted apart. Each row carries `.exception_kinds`."""
    rows = list(collaboration_measures(user, collaboration).filter(exception_q("attention", moment))
                .select_related("strategy", "owner_municipality")
                .order_by(severity_order(moment.today), "follow_up_due", "strategy__number", "position", "title")
                [:limit])
    return label_exceptions(rows, moment)


def label_exceptions(rows, moment: Moment):
    """Give each measure its exceptions, (kind, label), for the page to show."""
    for m in rows:
        m.exception_kinds = [(k, kind_label(k)) for k in exception_kinds(m, moment)]
    return rows


# ---------------------------------------------------------------- changes since a date

CHANGE_KINDS = ("new", "light", "phase", "updated")


def annotate_changes(qs: QuerySet[Measure], since: dt.date) -> QuerySet[Measure]:
    """Annotate each measure with how it stood just before `since` (from the
    history table) and the number of status updates registered since."""
    since_dt = start_of(since)
    HistoricalMeasure = Measure.history.model
    before = HistoricalMeasure.objects.filter(id=OuterRef("pk"), history_date__lt=since_dt) \
        .order_by("-history_date", "-history_id")
    updates = StatusUpdate.objects.filter(measure=OuterRef("pk"), created_at__gte=since_dt).order_by() \
        .values("measure").annotate(n=Count("id")).values("n")[:1]
    return qs.annotate(
        light_before=Subquery(before.values("traffic_light")[:1]),
        phase_before=Subquery(before.values("phase")[:1]),
        existed_before=Exists(before),
        edited_since=Exists(HistoricalMeasure.objects.filter(id=OuterRef("pk"), history_date__gte=since_dt)),
        updates_since=Coalesce(Subquery(updates, output_field=IntegerField()), Value(0)),
    )


def change_q(kind: str) -> Q:
    """On a queryset from `annotate_changes`."""
    return {
        "new": Q(existed_before=False),
        "light": Q(existed_before=True) & ~Q(light_before=F("traffic_light")),
        "phase": Q(existed_before=True) & ~Q(phase_before=F("phase")),
        "updated": Q(updates_since__gt=0),
        "any": Q(existed_before=False) | Q(edited_since=True) | Q(updates_since__gt=0),
    }[kind]


@dataclass
class Changes:
    since: dt.date
    counts: dict[str, int]
    updates: int
    measures: list[Measure]

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        return [(k, kind_label(k), self.counts.get(k, 0)) for k in CHANGE_KINDS]


def changes_since(user, collaboration: Collaboration, since: dt.date, limit: int = 40) -> Changes:
    """What changed since `since`: two queries (the counts, and the changed measures)."""
    qs = annotate_changes(collaboration_measures(user, collaboration), since)
    aggregates = {kind: Count("id", filter=change_q(kind)) for kind in CHANGE_KINDS}
    counts = qs.aggregate(**aggregates, updates=Coalesce(Sum("updates_since"), Value(0)))
    updates = counts.pop("updates")
    measures = list(qs.filter(change_q("any")).select_related("strategy")
                    .order_by(severity_order(), "strategy__number", "position", "title")[:limit])
    for m in measures:
        m.light_change = ""
        if m.existed_before and m.light_before and m.light_before != m.traffic_light:
            m.light_change = "worse" if TrafficLight.severity(m.traffic_light) > TrafficLight.severity(
                m.light_before) else "better"
        m.light_before_label = TrafficLight(m.light_before).label if m.light_before else ""
        m.phase_before_label = Phase(m.phase_before).label if m.phase_before else ""
    return Changes(since=since, counts=counts, updates=updates, measures=measures)


def last_council_meeting(user, collaboration: Collaboration, today: dt.date) -> dt.date | None:
    """The last meeting of the collaboration's regional council before today."""
    meetings = policy.visible(user, Meeting.objects.filter(
        body__collaboration=collaboration, body__kind=Body.Kind.REGIONAL_COUNCIL, held_on__lt=today))
    return meetings.order_by("-held_on").values_list("held_on", flat=True).first()


# ---------------------------------------------------------------- trend

@dataclass
class TrendPoint:
    day: dt.date
    label: str
    lights: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.lights.values())


def _round_deadlines(collaboration: Collaboration, today: dt.date) -> list[dt.date]:
    days = ReportingRound.objects.filter(collaboration=collaboration, deadline__lte=today) \
        .order_by("-deadline").values_list("deadline", flat=True)[:TREND_POINTS]
    return sorted(set(days))


def half_year_ends(today: dt.date, count: int = TREND_POINTS) -> list[dt.date]:
    """The last `count` ends of half-years (30.06 and 31.12) before today, oldest first."""
    ends = []
    year = today.year
    while len(ends) < count:
        for day in (dt.date(year, 12, 31), dt.date(year, 6, 30)):
            if day < today and len(ends) < count:
                ends.append(day)
        year -= 1
    return sorted(ends)


def trend_days(collaboration: Collaboration, today: dt.date) -> tuple[list[dt.date], bool]:
    """The points of the trend: the reporting rounds' deadlines if there are
    any, else the ends of the last half-years. Returns (days, from_rounds)."""
    rounds = _round_deadlines(collaboration, today)
    if rounds:
        return rounds, True
    return half_year_ends(today), False


def trend(collaboration: Collaboration, days: list[dt.date], visible_ids: frozenset[int],
          include_internal: bool) -> list[TrendPoint]:
    """The lights as they stood at the end of each day, rebuilt from history
    (portfolio_as_of: two queries per point). Only measures the user
    can see today count, and internal ones only for those who see internal items."""
    points = []
    for day in days:
        records = portfolio_as_of(collaboration, end_of(day), include_internal=include_internal)
        lights = Counter(r.record.traffic_light for r in records if r.measure_id in visible_ids)
        points.append(TrendPoint(day=day, label=norwegian_date(day),
                                 lights={light.value: lights.get(light.value, 0) for light in TrafficLight}))
    return points


# ---------------------------------------------------------------- strategy, municipality, priority

def strategy_for(collaboration: Collaboration, number: int, plan_id: int | None = None) -> Strategy | None:
    """Strategy `number` in plan `plan_id`, or without a plan in the collaboration's newest plan that has one."""
    strategies = Strategy.objects.filter(plan__collaboration=collaboration, number=number)
    if plan_id is not None:
        strategies = strategies.filter(plan_id=plan_id)
    return strategies.select_related("plan", "responsible__municipality").order_by("-plan__start_year", "-plan_id") \
        .first()


def newer_plan_than(plan: PlanPeriod) -> PlanPeriod | None:
    """The collaboration's newest plan if it started after `plan`: the one an older strategy page points to."""
    return PlanPeriod.objects.filter(collaboration_id=plan.collaboration_id, start_year__gt=plan.start_year) \
        .order_by("-start_year", "-pk").first()


def with_last_update(qs: QuerySet[Measure]) -> QuerySet[Measure]:
    """Annotate the latest overall status update (date and text), by subquery."""
    latest = StatusUpdate.objects.filter(measure=OuterRef("pk"), municipality__isnull=True, partner__isnull=True) \
        .order_by("-reported_on", "-created_at", "-id")
    return qs.annotate(last_update_on=Subquery(latest.values("reported_on")[:1]),
                       last_update_text=Subquery(latest.values("status_text")[:1]))


def strategy_measures(user, collaboration: Collaboration, strategy: Strategy) -> list[Measure]:
    """The strategy's measures with their last overall update and the spread of their parts."""
    return attach_parts(list(with_last_update(collaboration_measures(user, collaboration).filter(strategy=strategy))
                             .select_related("owner_municipality", "responsible").order_by("position", "title")))


def light_counts(measures: list[Measure]) -> list[tuple[str, str, int]]:
    counts = Counter(m.traffic_light for m in measures)
    return [(k.value, k.label, counts.get(k.value, 0)) for k in LIGHT_ORDER]


def municipality_measures(user, collaboration: Collaboration, municipality: Municipality) -> list[Measure]:
    """Measures the municipality takes part in or owns, with `.takes_part`,
    the municipality's own part (`.own_part`) and the spread of all parts (`.parts`)."""
    qs = collaboration_measures(user, collaboration).annotate(takes_part=participates_in(municipality.pk)) \
        .filter(Q(takes_part=True) | Q(owner_municipality=municipality))
    return attach_parts(list(with_last_update(qs).select_related("strategy", "owner_municipality")
                             .order_by("strategy__number", "position", "title")), municipality)


def municipality_networks(user, collaboration: Collaboration, municipality: Municipality) -> list[Network]:
    qs = Network.objects.filter(collaboration=collaboration, member_municipalities=municipality) \
        .select_related("coordinator")
    return list(policy.visible(user, qs).order_by("name"))


def prioritised(user, collaboration: Collaboration) -> tuple[list[Measure], list[Measure]]:
    """(ranked measures with both scores, measures not scored yet). Priority =
    potential × feasibility (the workshop method); ties by potential, then title."""
    measures = list(collaboration_measures(user, collaboration).select_related("strategy")
                    .order_by("strategy__number", "position", "title"))
    scored = [m for m in measures if m.priority is not None]
    scored.sort(key=lambda m: (-m.priority, -m.potential, m.title))
    for rank, m in enumerate(scored, start=1):
        m.rank = rank
    return scored, [m for m in measures if m.priority is None]


# ---------------------------------------------------------------- the overview, composed

@dataclass
class Overview:
    strategies: list[StrategyRow]
    totals: Counts
    exceptions: list[Measure]
    changes: Changes
    trend: list[TrendPoint]
    trend_from_rounds: bool
    sees_internal: bool
    follow_ups: FollowUpCounts          # follow-ups from the meetings' cases the user may see


def overview(user, collaboration: Collaboration, *, moment: Moment, since: dt.date) -> Overview:
    """Everything on the collaboration overview, in a fixed number of queries
    (about 20, whatever the size of the portfolio)."""
    strategies, totals = counts_by_strategy(user, collaboration, moment)
    visible_ids, internal_ids = visible_measure_ids(user, collaboration)
    days, from_rounds = trend_days(collaboration, moment.today)
    return Overview(
        strategies=strategies, totals=totals,
        exceptions=exceptions(user, collaboration, moment),
        changes=changes_since(user, collaboration, since),
        trend=trend(collaboration, days, visible_ids, include_internal=bool(internal_ids)),
        trend_from_rounds=from_rounds, sees_internal=bool(internal_ids),
        follow_ups=follow_up_counts(user, collaboration, moment.today),
    )
