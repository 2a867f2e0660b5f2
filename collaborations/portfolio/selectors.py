"""Reads of the portfolio: measure lists ("Mine tiltak", a collaboration's
measures), a measure's page (its parts, updates and documents) and the rules
for what needs attention. Each runs a fixed number of queries, whatever the
number of measures, status updates or history rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..access import policy
from ..registry.models import Collaboration, Municipality, OutsidePartner
from ..rounds.models import ReportingRound
from .models import CLOSED_PHASES, Measure, Participation, PlanPeriod, StatusUpdate, Strategy, TrafficLight

# ---------------------------------------------------------------- stale: the one rule

def stale_before(now: dt.datetime | None = None) -> dt.datetime:
    """A measure whose last status is older than this is stale (DASHBOARD_STALE_DAYS)."""
    return (now or timezone.now()) - dt.timedelta(days=settings.DASHBOARD_STALE_DAYS)


def closed_q() -> Q:
    """Finished measures: completed or stopped, or closed ("avsluttet") on a date."""
    return Q(phase__in=CLOSED_PHASES) | Q(closed_on__isnull=False)


def is_closed(measure: Measure) -> bool:
    """The same rule as `closed_q`, on a row (or history record) already fetched."""
    return measure.phase in CLOSED_PHASES or getattr(measure, "closed_on", None) is not None


def stale_q(now: dt.datetime | None = None) -> Q:
    """Open measures with no status, or none since `stale_before`."""
    return ~closed_q() & (Q(last_status_at__isnull=True) | Q(last_status_at__lt=stale_before(now)))


def is_stale(measure: Measure, now: dt.datetime | None = None) -> bool:
    """The same rule as `stale_q`, on a row already fetched."""
    return not is_closed(measure) and (
        measure.last_status_at is None or measure.last_status_at < stale_before(now))


# ---------------------------------------------------------------- lists

def with_list_relations(queryset: QuerySet[Measure]) -> QuerySet[Measure]:
    """Everything a row of a measure list shows, in a fixed number of queries."""
    return queryset.select_related(
        "collaboration", "strategy", "responsible", "owner_municipality",
    ).prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("municipality")),
    )


def measures_for_list(user, collaboration: Collaboration) -> QuerySet[Measure]:
    """The collaboration's measures the user may see, with everything a list row shows."""
    return with_list_relations(policy.visible_measures(user, collaboration.measures.all()))


def with_update_due(queryset: QuerySet[Measure], today: dt.date) -> QuerySet[Measure]:
    """Annotate `update_due`: the collaboration's current round (started by
    today) has no overall update from this measure dated inside it; without a
    round, the measure is stale. Completed and stopped measures are never due."""
    round_start = Subquery(ReportingRound.objects.filter(
        collaboration=OuterRef("collaboration"), starts_on__lte=today).order_by("-starts_on", "-id")
        .values("starts_on")[:1])
    last_overall = Subquery(StatusUpdate.objects.filter(measure=OuterRef("pk"), municipality__isnull=True,
                                                        partner__isnull=True)
                            .order_by("-reported_on").values("reported_on")[:1])
    return queryset.annotate(round_starts_on=round_start, last_overall_on=last_overall).annotate(
        update_due=Case(
            When(closed_q(), then=Value(False)),
            When(round_starts_on__isnull=False, last_overall_on__isnull=True, then=Value(True)),
            When(round_starts_on__isnull=False, last_overall_on__lt=F("round_starts_on"), then=Value(True)),
            When(round_starts_on__isnull=False, then=Value(False)),
            When(stale_q(), then=Value(True)),
            default=Value(False), output_field=BooleanField(),
        ))


def my_measures(user, today: dt.date | None = None) -> QuerySet[Measure]:
    """The measures the user owns or reports on (their municipality takes
    part, they coordinate the network, they are the secretariat, or they
    represent an outside partner taking part), with everything a row of
    "Mine tiltak" shows."""
    today = today or timezone.localdate()
    qs = Measure.objects.filter(pk__in=policy.reportable_measures(user).values("pk"))
    return with_list_relations(with_update_due(qs, today))


def strategies_of(collaboration: Collaboration) -> QuerySet[Strategy]:
    """The strategies of every plan of the collaboration, newest plan first."""
    return Strategy.objects.filter(plan__collaboration=collaboration).select_related("plan") \
        .order_by("-plan__start_year", "number")


def measure_counts(collaboration: Collaboration) -> dict[str, int]:
    """How many measures the collaboration has, and how many of them are closed (one query)."""
    counts = collaboration.measures.aggregate(total=Count("pk"), closed=Count("pk", filter=closed_q()))
    return {"total": counts["total"], "closed": counts["closed"], "open": counts["total"] - counts["closed"]}


def current_plan(collaboration: Collaboration) -> PlanPeriod | None:
    return PlanPeriod.objects.filter(collaboration=collaboration).order_by("-start_year", "-pk").first()


# ---------------------------------------------------------------- one measure

@dataclass
class Part:
    participation: Participation
    latest: StatusUpdate | None
    may_report: bool
    on_behalf: bool = False     # the user would report it on the municipality's behalf


def measure_updates(measure: Measure) -> list[StatusUpdate]:
    """The measure's status updates, newest first."""
    return list(measure.status_updates.select_related("author", "municipality", "partner")
                .order_by("-created_at", "-id"))


def measure_parts(user, measure: Measure, updates: list[StatusUpdate], reportable_ids: set[int]) -> list[Part]:
    """Each participant's newest own report, side by side. `updates` is the
    measure's status updates, newest first (already fetched for the timeline);
    `reportable_ids` the parts `user` may report (policy.reportable_municipality_ids)."""
    latest: dict[int, StatusUpdate] = {}
    for u in updates:
        if u.municipality_id is not None and u.municipality_id not in latest:
            latest[u.municipality_id] = u
    with_participants(measure)
    return [Part(participation=p, latest=latest.get(p.municipality_id), may_report=p.municipality_id in reportable_ids,
                 on_behalf=policy.reports_on_behalf(user, p.municipality_id))
            for p in measure.participations.all()]


@dataclass
class PartnerPart:
    """An outside partner's newest own report on its part of a measure."""

    partner: OutsidePartner
    latest: StatusUpdate | None
    may_report: bool
    on_behalf: bool = False     # the user would report it on the partner's behalf


def partner_parts(user, measure: Measure, updates: list[StatusUpdate], *, closed: bool = False) -> list[PartnerPart]:
    """Each outside partner's newest own report, beside the municipalities'
    parts, and whether `user` may report it (policy.reportable_partner_ids;
    nobody, once the measure is `closed`). `updates`: the measure's status
    updates, newest first. One query when no partner takes part."""
    partners = list(measure.partners.order_by("name"))
    if not partners:
        return []
    reportable = set() if closed else policy.reportable_partner_ids(user, measure, {p.pk for p in partners})
    latest: dict[int, StatusUpdate] = {}
    for u in updates:
        if u.partner_id is not None and u.partner_id not in latest:
            latest[u.partner_id] = u
    return [PartnerPart(partner=p, latest=latest.get(p.pk), may_report=p.pk in reportable,
                        on_behalf=policy.reports_on_behalf_of_partner(user, p.pk, measure.collaboration))
            for p in partners]


def latest_partner_update(measure: Measure, partner: OutsidePartner) -> StatusUpdate | None:
    """The newest update of an outside partner's part of the measure."""
    return StatusUpdate.objects.filter(measure=measure, partner=partner).order_by("-created_at", "-id").first()


def partner_by_id(partner_id: int) -> OutsidePartner:
    """An outside partner, or 404."""
    partner = OutsidePartner.objects.filter(pk=partner_id).first()
    if partner is None:
        raise Http404(_("Fant ikke partneren."))
    return partner


def with_participants(measure: Measure) -> Measure:
    """Fetch the measure's participations with their municipalities once, for
    everything on the page that lists them."""
    prefetch_related_objects([measure], Prefetch(
        "participations", queryset=Participation.objects.select_related("municipality").order_by("municipality__name")))
    return measure


@dataclass
class PartsSummary:
    """How the participants of a shared measure report their own parts: the
    spread a single overall light would hide ("4 i rute, 1 risiko, 1 ikke i
    rute, 1 har ikke rapportert")."""

    lights: dict[str, int]
    not_reported: int

    @property
    def reported(self) -> int:
        return sum(self.lights.values())

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """(light, label, count) for the lights that occur, worst first."""
        order = (TrafficLight.RED, TrafficLight.AMBER, TrafficLight.GREEN)
        return [(light.value, str(light.label).lower(), self.lights[light.value])
                for light in order if self.lights.get(light.value)]

    @property
    def text(self) -> str:
        parts = [f"{n} {label}" for _light, label, n in reversed(self.rows)]
        if self.not_reported:
            parts.append(ngettext("%(n)d har ikke rapportert", "%(n)d har ikke rapportert", self.not_reported)
                         % {"n": self.not_reported})
        return ", ".join(parts)


@dataclass
class OwnPart:
    """One municipality's newest report on its part of a measure."""

    light: str
    reported_on: dt.date

    @property
    def label(self) -> str:
        return str(TrafficLight(self.light).label)


def attach_parts(measures: list[Measure], municipality: Municipality | None = None) -> list[Measure]:
    """Give each measure `.parts` (a PartsSummary, None unless at least two
    take part) and, with `municipality`, `.own_part` (its newest OwnPart or
    None). One query, whatever the number of measures or updates."""
    latest = StatusUpdate.objects.filter(measure=OuterRef("measure_id"), municipality=OuterRef("municipality_id")) \
        .order_by("-reported_on", "-created_at", "-id")
    rows = Participation.objects.filter(measure_id__in=[m.pk for m in measures]).annotate(
        light=Subquery(latest.values("traffic_light")[:1]), on=Subquery(latest.values("reported_on")[:1]),
    ).values_list("measure_id", "municipality_id", "light", "on")
    by_measure: dict[int, list[tuple]] = {}
    for measure_id, municipality_id, light, on in rows:
        by_measure.setdefault(measure_id, []).append((municipality_id, light, on))
    for m in measures:
        parts = by_measure.get(m.pk, [])
        lights = Counter(light for _mid, light, _on in parts if light)
        m.parts = PartsSummary(dict(lights), sum(1 for _mid, light, _on in parts if not light)) \
            if len(parts) > 1 else None
        own = next(((light, on) for mid, light, on in parts if municipality is not None and mid == municipality.pk
                    and light), None)
        m.own_part = OwnPart(*own) if own else None
    return measures


def light_label(light: str | None) -> str:
    return str(TrafficLight(light).label) if light else ""


def parts_rollup(parts: list[Part]) -> str | None:
    """The suggested overall light: the worst light among the parts."""
    return TrafficLight.worst(p.latest.traffic_light for p in parts if p.latest)


def latest_update(measure: Measure, municipality: Municipality | None = None) -> StatusUpdate | None:
    """The newest update of the measure's overall status, or of one participant's part."""
    return StatusUpdate.objects.filter(measure=measure, municipality=municipality) \
        .order_by("-created_at", "-id").first()


def fresh_measure(measure: Measure) -> Measure:
    """The measure as it is in the database now (after a save, or to edit)."""
    return Measure.objects.select_related("collaboration").get(pk=measure.pk)
