"""Reads for the status flow: "Mine tiltak", a measure's parts and its
timeline. Each runs a fixed number of queries, whatever the number of
measures, status updates or history rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import policy
from .models import Measure, Participation, ReportingRound, StatusUpdate
from .selectors import with_list_relations
from .selectors_rounds import CLOSED_PHASES
from .services.measures import rollup_light

# Without an open reporting round, a measure is due when its last status is older than this.
STALE_DAYS = getattr(settings, "DASHBOARD_STALE_DAYS", 180)
# Never shown in a diff: bookkeeping, not content.
HIDDEN_FIELDS = {"position"}


def with_update_due(queryset: QuerySet[Measure], today: dt.date) -> QuerySet[Measure]:
    """Annotate `update_due`: the collaboration's current round (started by
    today) has no overall update from this measure dated inside it; without a
    round, the last status is older than STALE_DAYS (or there is none).
    Completed and stopped measures are never due."""
    round_start = Subquery(ReportingRound.objects.filter(
        collaboration=OuterRef("collaboration"), starts_on__lte=today).order_by("-starts_on", "-id")
        .values("starts_on")[:1])
    last_overall = Subquery(StatusUpdate.objects.filter(measure=OuterRef("pk"), municipality__isnull=True)
                            .order_by("-reported_on").values("reported_on")[:1])
    stale_before = timezone.now() - dt.timedelta(days=STALE_DAYS)
    return queryset.annotate(round_starts_on=round_start, last_overall_on=last_overall).annotate(
        update_due=Case(
            When(phase__in=CLOSED_PHASES, then=Value(False)),
            When(round_starts_on__isnull=False, last_overall_on__isnull=True, then=Value(True)),
            When(round_starts_on__isnull=False, last_overall_on__lt=F("round_starts_on"), then=Value(True)),
            When(round_starts_on__isnull=False, then=Value(False)),
            When(last_status_at__isnull=True, then=Value(True)),
            When(last_status_at__lt=stale_before, then=Value(True)),
            default=Value(False), output_field=BooleanField(),
        ))


def my_measures(user, today: dt.date | None = None) -> QuerySet[Measure]:
    """The measures the user owns or reports on (their municipality takes
    part, they coordinate the network, or they are the secretariat), with
    everything a row of "Mine tiltak" shows."""
    today = today or timezone.localdate()
    qs = Measure.objects.filter(pk__in=policy.reportable_measures(user).values("pk"))
    return with_list_relations(with_update_due(qs, today))


# ---------------------------------------------------------------- parts of a shared measure

@dataclass
class Part:
    participation: Participation
    latest: StatusUpdate | None
    may_report: bool


def measure_parts(measure: Measure, updates: list[StatusUpdate], reportable_ids: set[int]) -> list[Part]:
    """Each participant's newest own report, side by side. `updates` is the
    measure's status updates, newest first (already fetched for the timeline)."""
    latest: dict[int, StatusUpdate] = {}
    for u in updates:
        if u.municipality_id is not None and u.municipality_id not in latest:
            latest[u.municipality_id] = u
    return [Part(participation=p, latest=latest.get(p.municipality_id), may_report=p.municipality_id in reportable_ids)
            for p in measure.participations.all()]


def parts_rollup(parts: list[Part]) -> str | None:
    """The suggested overall light: the worst light among the parts."""
    return rollup_light([p.latest.traffic_light for p in parts if p.latest])


# ---------------------------------------------------------------- timeline

@dataclass
class TimelineEntry:
    when: dt.datetime
    kind: str                       # "status", "part", "change", "created", "joined", "left"
    who: str
    reason: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    update: StatusUpdate | None = None
    municipality: str = ""


def _who(user) -> str:
    if user is None:
        return _("systemet")
    return user.get_full_name() or user.username


def _related_labels(records) -> dict[tuple[str, object], str]:
    """Names for every foreign key value that appears in the history, one
    query per related model that occurs."""
    wanted: dict[str, set] = {}
    for f in Measure._meta.concrete_fields:
        if f.is_relation:
            ids = {getattr(r, f.attname) for r in records} - {None}
            if ids:
                wanted[f.name] = ids
    labels: dict[tuple[str, object], str] = {}
    by_model: dict[type, set] = {}
    for name, ids in wanted.items():
        by_model.setdefault(Measure._meta.get_field(name).related_model, set()).update(ids)
    for model, ids in by_model.items():
        for obj in model.objects.filter(pk__in=ids):
            labels[(model.__name__, obj.pk)] = str(obj)
    return labels


def format_value(field_obj, value, labels: dict) -> str:
    if value in (None, ""):
        return "—"
    if getattr(field_obj, "choices", None):
        return str(dict(field_obj.flatchoices).get(value, value))
    if field_obj.is_relation:
        return labels.get((field_obj.related_model.__name__, value), _("(slettet)"))
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "d.m.Y H:i")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, (int, Decimal, float)):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def _diff(new, old, labels) -> list[tuple[str, str, str]]:
    delta = new.diff_against(old, excluded_fields=HIDDEN_FIELDS)
    order = {f.name: i for i, f in enumerate(Measure._meta.concrete_fields)}
    rows = []
    for change in sorted(delta.changes, key=lambda c: order.get(c.field, 999)):
        f = Measure._meta.get_field(change.field)
        rows.append((str(f.verbose_name).capitalize(), format_value(f, change.old, labels),
                     format_value(f, change.new, labels)))
    return rows


def measure_timeline(measure: Measure, updates: list[StatusUpdate]) -> list[TimelineEntry]:
    """Every status update and every change to the measure, newest first:
    who, when, why, and field by field old → new (phase and light included).

    An overall status update and the history row it wrote are shown as one
    entry: the row is the same author's, written in the same transaction just
    before the update itself."""
    records = list(measure.history.select_related("history_user").order_by("history_date", "history_id"))
    labels = _related_labels(records)
    entries: list[TimelineEntry] = []
    pending = []  # (record, changes) not yet paired with a status update
    previous = None
    for record in records:
        if previous is None or record.history_type == "+":
            entries_kind = "created"
            pending.append((record, entries_kind, []))
        else:
            pending.append((record, "change", _diff(record, previous, labels)))
        previous = record
    for u in updates:
        entry = TimelineEntry(when=u.created_at, kind="part" if u.municipality_id else "status", who=_who(u.author),
                              reason=u.reason, update=u, municipality=str(u.municipality or ""))
        if u.municipality_id is None:
            for i, (record, kind, changes) in enumerate(pending):
                close = abs((u.created_at - record.history_date).total_seconds()) <= 5
                if kind == "change" and close and record.history_user_id == u.author_id:
                    entry.changes = changes
                    entry.reason = u.reason or ""
                    pending.pop(i)
                    break
        entries.append(entry)
    for record, kind, changes in pending:
        if kind == "change" and not changes:
            continue  # a save that changed nothing visible
        entries.append(TimelineEntry(when=record.history_date, kind=kind, who=_who(record.history_user),
                                     reason=record.history_change_reason or "", changes=changes))
    HistoricalParticipation = Participation.history.model
    for rec in HistoricalParticipation.objects.filter(measure_id=measure.pk).select_related(
            "history_user", "municipality"):
        at_creation = (rec.history_type == "+" and bool(records)
                       and (rec.history_date - records[0].history_date).total_seconds() <= 5)
        if rec.history_type in "+-" and not at_creation:
            entries.append(TimelineEntry(when=rec.history_date, kind="joined" if rec.history_type == "+" else "left",
                                         who=_who(rec.history_user), reason=rec.history_change_reason or "",
                                         municipality=str(rec.municipality)))
    order = {"status": 0, "part": 1, "change": 2, "joined": 3, "left": 3, "created": 4}
    entries.sort(key=lambda e: (e.when, -order[e.kind]), reverse=True)
    return entries


def measure_updates(measure: Measure) -> list[StatusUpdate]:
    return list(measure.status_updates.select_related("author", "municipality").order_by("-created_at", "-id"))
