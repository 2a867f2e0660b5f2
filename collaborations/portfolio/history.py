"""The portfolio as it stood: measures and participants at a moment, status
updates registered by then, and a measure's timeline (every update and every
change, field by field). Built on the history tables, so later edits never
change an answer about the past."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..common.history import field_changes, latest_as_of, related_labels, rows_as_of, who
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


def status_updates_as_of(measure_ids: list[int], moment: dt.datetime) -> dict[int, list[StatusUpdate]]:
    """Status updates registered no later than `moment`, newest first, per measure."""
    out: dict[int, list[StatusUpdate]] = {}
    for u in StatusUpdate.objects.filter(measure_id__in=measure_ids, created_at__lte=moment) \
            .select_related("municipality", "author"):
        out.setdefault(u.measure_id, []).append(u)
    return out


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
    on_behalf: bool = False


def measure_timeline(measure: Measure, updates: list[StatusUpdate], *,
                     include_internal: bool = True) -> list[TimelineEntry]:
    """Every status update and every change to the measure, newest first:
    who, when, why, and field by field old → new (phase and light included).

    `include_internal=False` (for those who may not see internal items): what
    was recorded while the measure was internal is left out, so its history
    starts the day it was first published, as if created then.

    An overall status update and the history row it wrote are shown as one
    entry: the row is the same author's, written in the same transaction just
    before the update itself."""
    records = list(measure.history.select_related("history_user").order_by("history_date", "history_id"))
    published_from = None
    if not include_internal:
        records = [r for r in records if r.visibility == "published"]
        published_from = records[0].history_date if records else None
        updates = [u for u in updates if published_from is not None and u.created_at >= published_from]
    labels = related_labels(Measure, records)
    entries: list[TimelineEntry] = []
    pending = []  # (record, kind, changes) not yet paired with a status update
    previous = None
    for record in records:
        if previous is None or record.history_type == "+":
            pending.append((record, "created", []))
        else:
            pending.append((record, "change", field_changes(previous, record, model=Measure, exclude=BOOKKEEPING_FIELDS,
                                                            labels=labels)))
        previous = record
    previous_part: dict[int, StatusUpdate] = {}
    for u in sorted(updates, key=lambda u: (u.created_at, u.pk)):
        part = ("m", u.municipality_id) if u.municipality_id else ("p", u.partner_id) if u.partner_id else None
        entry = TimelineEntry(when=u.created_at, kind="part" if part else "status", who=who(u.author),
                              reason=u.reason, update=u, municipality=str(u.municipality or u.partner or ""),
                              on_behalf=u.on_behalf)
        if part is not None:
            before = previous_part.get(part)
            if before is not None:
                entry.changes = field_changes(before, u, model=StatusUpdate, fields=STATUS_FIELDS, summarise=PART_TEXTS)
            previous_part[part] = u
        else:
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
        entries.append(TimelineEntry(when=record.history_date, kind=kind, who=who(record.history_user),
                                     reason=record.history_change_reason or "", changes=changes))
    HistoricalParticipation = Participation.history.model
    for rec in HistoricalParticipation.objects.filter(measure_id=measure.pk).select_related(
            "history_user", "municipality"):
        if published_from is not None and rec.history_date < published_from:
            continue
        at_creation = (rec.history_type == "+" and bool(records)
                       and (rec.history_date - records[0].history_date).total_seconds() <= 5)
        if rec.history_type in "+-" and not at_creation:
            entries.append(TimelineEntry(when=rec.history_date, kind="joined" if rec.history_type == "+" else "left",
                                         who=who(rec.history_user), reason=rec.history_change_reason or "",
                                         municipality=str(rec.municipality)))
    order = {"status": 0, "part": 1, "change": 2, "joined": 3, "left": 3, "created": 4}
    entries.sort(key=lambda e: (e.when, -order[e.kind]), reverse=True)
    return entries
