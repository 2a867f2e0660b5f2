"""The portfolio as it stood: measures and participants at a moment, status
updates registered by then, and a measure's timeline (every update and every
change, field by field). Built on the history tables, so later edits never
change an answer about the past."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..common.dates import norwegian_date, norwegian_datetime
from ..common.history import EMPTY, field_changes, label_of, latest_as_of, related_labels, rows_as_of, tracked_fields, who
from .models import BOOKKEEPING_FIELDS, STATUS_FIELDS, Measure, Participation, StatusUpdate, Strategy

# A municipality's part is compared with its previous part on STATUS_FIELDS; long texts read "endret".
PART_TEXTS = {"light_reason", "status_text", "follow_up_text"}


@dataclass
class MeasureAsOf:
    """A measure as it stood at a moment, rebuilt from history."""

    measure_id: int
    record: object                  # the historical record (same fields as Measure)
    participant_ids: list[int]
    participations: list = field(default_factory=list)   # the participation records then


def portfolio_as_of(collaboration, moment: dt.datetime, *, include_internal: bool) -> list[MeasureAsOf]:
    """The collaboration's measures as they stood at `moment`.

    Uses the history tables only: a later edit, a later status update or a
    deleted measure does not change the answer. Reports use this so that
    generating the 2024 report again gives the same content.
    """
    records = latest_as_of(Measure.history.model.objects.filter(collaboration_id=collaboration.pk), moment)
    if not include_internal:
        records = [r for r in records if r.visibility == "published"]
    participations: dict[int, list] = {}
    for rec in latest_as_of(Participation.history.model.objects.filter(measure_id__in=[r.id for r in records]),
                            moment):
        participations.setdefault(rec.measure_id, []).append(rec)
    return [MeasureAsOf(measure_id=r.id, record=r,
                        participant_ids=sorted(p.municipality_id for p in participations.get(r.id, [])),
                        participations=participations.get(r.id, []))
            for r in sorted(records, key=lambda r: (r.strategy_id or 0, r.position, r.title))]


def strategies_as_of(strategy_ids, moment: dt.datetime) -> dict[int, object]:
    """Strategies as their texts stood at `moment`."""
    return rows_as_of(Strategy, strategy_ids, moment)


def first_published(measure_ids) -> dict[int, dt.datetime]:
    """When each measure was first published, by its history; a measure never
    published is left out."""
    rows = (Measure.history.model.objects.filter(id__in=list(measure_ids), visibility="published")
            .values("id").annotate(first=Min("history_date")).values_list("id", "first"))
    return dict(rows)


def status_updates_as_of(measure_ids: list[int], moment: dt.datetime, *,
                         include_internal: bool = True) -> dict[int, list[StatusUpdate]]:
    """Status updates registered no later than `moment`, per measure.

    `include_internal=False` (a report for the public or a council): what was
    registered while a measure was internal is left out, as in its timeline."""
    since = None if include_internal else first_published(measure_ids)
    out: dict[int, list[StatusUpdate]] = {}
    for u in StatusUpdate.objects.filter(measure_id__in=measure_ids, created_at__lte=moment) \
            .select_related("municipality", "partner", "author"):
        if since is not None and (u.measure_id not in since or u.created_at < since[u.measure_id]):
            continue
        out.setdefault(u.measure_id, []).append(u)
    return out


# ---------------------------------------------------------------- timeline
#
# One representation of a timeline entry. The measure page, the API, the
# timeline CSV and the reports' narrative all read a TimelineEntry (or its
# StatusReport); none of them looks at a StatusUpdate or a history row on its
# own, so what one channel shows of who, when and why, every channel shows.
# Who may read which entries is decided once, by measure_timeline's
# `include_internal` (policy.sees_internal_history); every entry a reader may
# see is shown whole: who, when, why and what.

def _iso(value) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class StatusReport:
    """What a status update says: phase, light and the narratives."""

    reported_on: dt.date
    phase: str
    phase_label: str
    light: str
    light_label: str
    light_reason: str = ""
    status_text: str = ""
    follow_up_text: str = ""
    follow_up_responsible: str = ""
    follow_up_due: dt.date | None = None

    @classmethod
    def of(cls, update: StatusUpdate) -> StatusReport:
        return cls(reported_on=update.reported_on, phase=update.phase, phase_label=str(update.get_phase_display()),
                   light=update.traffic_light, light_label=str(update.get_traffic_light_display()),
                   light_reason=update.light_reason, status_text=update.status_text,
                   follow_up_text=update.follow_up_text, follow_up_responsible=update.follow_up_responsible,
                   follow_up_due=update.follow_up_due)

    def as_dict(self) -> dict:
        return {"reported_on": _iso(self.reported_on), "phase": self.phase, "phase_label": self.phase_label,
                "light": self.light, "light_label": self.light_label, "light_reason": self.light_reason,
                "status_text": self.status_text, "follow_up_text": self.follow_up_text,
                "follow_up_responsible": self.follow_up_responsible, "follow_up_due": _iso(self.follow_up_due)}


@dataclass(frozen=True)
class TimelineEntry:
    """One entry of a measure's timeline as every channel shows it: who
    (`author`), when, why (`reason`), what (`changes`, and `status` for a
    status update)."""

    when: dt.datetime
    kind: str                       # "status", "part", "change", "created", "joined", "left"
    author: str
    reason: str = ""
    changes: tuple[tuple[str, str, str], ...] = ()
    municipality: str = ""          # whose part (a municipality or an outside partner), or who joined or left
    on_behalf: bool = False         # the secretariat registered the part for the municipality
    status: StatusReport | None = None

    @property
    def title(self) -> str:
        """The entry's heading, in words."""
        if self.kind == "status":
            return _("Statusoppdatering")
        if self.kind == "part":
            return _("Delen til %(m)s") % {"m": self.municipality}
        if self.kind == "created":
            return _("Tiltaket ble registrert")
        if self.kind == "joined":
            return _("%(m)s ble med i tiltaket") % {"m": self.municipality}
        if self.kind == "left":
            return _("%(m)s gikk ut av tiltaket") % {"m": self.municipality}
        return _("Tiltaket ble endret")

    @property
    def byline(self) -> str:
        """Who, as the entry says it: «Siri Sekretær på vegne av Kåfjord»."""
        if self.on_behalf:
            return _("%(who)s på vegne av %(m)s") % {"who": self.author, "m": self.municipality}
        return self.author

    def as_dict(self) -> dict:
        """The entry as JSON (the API) and as a table row (the CSV) read it."""
        data = {"when": _iso(self.when), "kind": self.kind, "title": self.title, "author": self.author,
                "on_behalf": self.on_behalf, "byline": self.byline, "reason": self.reason,
                "municipality": self.municipality or None,
                "changes": [{"field": str(label), "old": str(old), "new": str(new)}
                            for label, old, new in self.changes]}
        if self.status is not None:
            data.update(self.status.as_dict())
        return data

    def as_row(self) -> list[str]:
        """The entry as a table row (the timeline CSV), under TIMELINE_COLUMNS."""
        s = self.status
        changes = "; ".join(f"{label}: {old} → {new}" if new else f"{label}: {old}" for label, old, new in self.changes)
        return [norwegian_datetime(self.when), self.title, self.byline, self.reason,
                norwegian_date(s.reported_on) if s else "", s.phase_label if s else "", s.light_label if s else "",
                s.light_reason if s else "", s.status_text if s else "", s.follow_up_text if s else "",
                s.follow_up_responsible if s else "", norwegian_date(s.follow_up_due) if s else "", changes]


# The headers over TimelineEntry.as_row.
TIMELINE_COLUMNS = (
    gettext_lazy("Tidspunkt"), gettext_lazy("Hendelse"), gettext_lazy("Hvem"), gettext_lazy("Hvorfor"),
    gettext_lazy("Gjelder dato"), gettext_lazy("Fase"), gettext_lazy("Trafikklys"), gettext_lazy("Begrunnelse"),
    gettext_lazy("Hva har skjedd"), gettext_lazy("Oppfølging"), gettext_lazy("Oppfølging: hvem"),
    gettext_lazy("Frist"), gettext_lazy("Endringer"),
)


def entry_for_update(update: StatusUpdate, *, changes=()) -> TimelineEntry:
    """A status update as a timeline entry (the overall status, or a
    municipality's or an outside partner's own part)."""
    is_part = bool(update.municipality_id or update.partner_id)
    return TimelineEntry(when=update.created_at, kind="part" if is_part else "status", author=who(update.author),
                         reason=update.reason or "", changes=tuple(changes),
                         municipality=str(update.municipality or update.partner or ""), on_behalf=update.on_behalf,
                         status=StatusReport.of(update))


# An old or new value in a diff that was recorded while the measure was internal, for a reader who
# may not see what was recorded then.
RECORDED_WHILE_INTERNAL = gettext_lazy("(fra da tiltaket var internt)")


def _record_entries(everything: list, *, include_internal: bool, labels: dict) -> list[tuple]:
    """(record, kind, changes) for each history row the reader may see, in order.

    For a reader without internal history the rows recorded while the measure
    was internal are left out, and so is every value set then: a field still
    holding such a value (a status text written while internal and not yet
    replaced when the measure was published) reads RECORDED_WHILE_INTERNAL in
    the diff that replaces it, never the text itself."""
    fields = tracked_fields(Measure, BOOKKEEPING_FIELDS)
    name_of = {label_of(f): f.name for f in fields}
    out: list[tuple] = []
    internal_values: set[str] = set()   # fields whose current value was set while the measure was internal
    internal_at_previous: set[str] = set()
    previous_any = previous_shown = None
    for record in everything:
        if previous_any is None or record.history_type == "+":
            changed = {f.name for f in fields}
        else:
            changed = {f.name for f in fields if getattr(previous_any, f.attname) != getattr(record, f.attname)}
        previous_any = record
        if not include_internal and record.visibility != "published":
            internal_values |= changed
            continue
        internal_values -= changed
        if previous_shown is None or record.history_type == "+":
            out.append((record, "created", []))
        else:
            changes = []
            for label, old, new in field_changes(previous_shown, record, model=Measure, exclude=BOOKKEEPING_FIELDS,
                                                 labels=labels):
                name = name_of.get(label)
                old_hidden = name in internal_at_previous and old != EMPTY
                new_hidden = name in internal_values and new != EMPTY
                if old_hidden and new_hidden:
                    continue  # changed and changed back while internal: nothing the reader may see
                changes.append((label, str(RECORDED_WHILE_INTERNAL) if old_hidden else old,
                                str(RECORDED_WHILE_INTERNAL) if new_hidden else new))
            out.append((record, "change", changes))
        internal_at_previous = set(internal_values)
        previous_shown = record
    return out


def measure_timeline(measure: Measure, updates: list[StatusUpdate] | None = None, *,
                     include_internal: bool = True) -> list[TimelineEntry]:
    """Every status update and every change to the measure, newest first:
    who, when, why, and field by field old → new (phase and light included).
    `updates` is the measure's status updates when the caller has them already.

    `include_internal=False` (for those who may not see internal items,
    policy.sees_internal_history): what was recorded while the measure was
    internal is left out, so its history starts the day it was first
    published, as if created then.

    An overall status update and the history row it wrote are shown as one
    entry: the row is the same author's, written in the same transaction just
    before the update itself."""
    if updates is None:
        updates = list(measure.status_updates.select_related("author", "municipality", "partner"))
    everything = list(measure.history.select_related("history_user").order_by("history_date", "history_id"))
    records = everything if include_internal else [r for r in everything if r.visibility == "published"]
    published_from = None
    if not include_internal:
        published_from = records[0].history_date if records else None
        updates = [u for u in updates if published_from is not None and u.created_at >= published_from]
    labels = related_labels(Measure, records, include_internal=include_internal)
    entries: list[TimelineEntry] = []
    pending = _record_entries(everything, include_internal=include_internal, labels=labels)
    previous_part: dict[tuple, StatusUpdate] = {}
    for u in sorted(updates, key=lambda u: (u.created_at, u.pk)):
        part = ("m", u.municipality_id) if u.municipality_id else ("p", u.partner_id) if u.partner_id else None
        changes = []
        if part is not None:
            before = previous_part.get(part)
            if before is not None:
                changes = field_changes(before, u, model=StatusUpdate, fields=STATUS_FIELDS, summarise=PART_TEXTS)
            previous_part[part] = u
        else:
            # The row the update wrote: the same author's change within seconds, the nearest one
            # (a publishing saved just before by the same person is a change of its own).
            candidates = [(abs((u.created_at - record.history_date).total_seconds()), i)
                          for i, (record, kind, _c) in enumerate(pending)
                          if kind == "change" and record.history_user_id == u.author_id
                          and abs((u.created_at - record.history_date).total_seconds()) <= 5]
            if candidates:
                changes = pending.pop(min(candidates)[1])[2]
        entries.append(entry_for_update(u, changes=changes))
    for record, kind, changes in pending:
        if kind == "change" and not changes:
            continue  # a save that changed nothing visible
        entries.append(TimelineEntry(when=record.history_date, kind=kind, author=who(record.history_user),
                                     reason=record.history_change_reason or "", changes=tuple(changes)))
    HistoricalParticipation = Participation.history.model
    for rec in HistoricalParticipation.objects.filter(measure_id=measure.pk).select_related(
            "history_user", "municipality"):
        if published_from is not None and rec.history_date < published_from:
            continue
        at_creation = (rec.history_type == "+" and bool(records)
                       and (rec.history_date - records[0].history_date).total_seconds() <= 5)
        if rec.history_type in "+-" and not at_creation:
            entries.append(TimelineEntry(when=rec.history_date, kind="joined" if rec.history_type == "+" else "left",
                                         author=who(rec.history_user), reason=rec.history_change_reason or "",
                                         municipality=str(rec.municipality)))
    order = {"status": 0, "part": 1, "change": 2, "joined": 3, "left": 3, "created": 4}
    entries.sort(key=lambda e: (e.when, -order[e.kind]), reverse=True)
    return entries
