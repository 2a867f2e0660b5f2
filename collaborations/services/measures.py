"""Writes to measures: create, edit with conflict detection, status updates,
participants. Every function records the acting user and the reason in the
measure's history (django-simple-history)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Measure, Participation, StatusUpdate, TrafficLight
from .errors import ConcurrentEditError, DomainError
from .roles import permissions_sync_measure

# Fields a status update copies onto the measure (overall status only).
STATUS_FIELDS = ("phase", "traffic_light", "light_reason", "status_text", "follow_up_text",
                 "follow_up_responsible", "follow_up_due")


def _save_with_history(measure: Measure, *, acting_user, reason: str, update_fields: list[str]) -> None:
    measure._history_user = acting_user if acting_user and acting_user.is_authenticated else None
    measure._change_reason = reason
    measure.full_clean()
    measure.save(update_fields=update_fields)


@transaction.atomic
def measure_create(*, acting_user, reason: str = "", participant_ids: list[int] | None = None,
                   partner_ids: list[int] | None = None, recorded_at: dt.datetime | None = None,
                   **fields: Any) -> Measure:
    """Create a measure with its participants. `recorded_at` backdates the
    history (imports of an existing action plan, demo data), so that the
    portfolio rebuilt for an earlier date includes it."""
    measure = Measure(**fields)
    measure._history_user = acting_user if acting_user and acting_user.is_authenticated else None
    measure._change_reason = reason or _("Opprettet")
    if recorded_at is not None:
        measure._history_date = recorded_at
        measure.last_status_at = measure.last_status_at or recorded_at
    measure.full_clean()
    measure.save()
    for municipality_id in participant_ids or []:
        p = Participation(measure=measure, municipality_id=municipality_id)
        p._history_user = measure._history_user
        if recorded_at is not None:
            p._history_date = recorded_at
        p.save()
    if partner_ids:
        measure.partners.set(partner_ids)
    permissions_sync_measure(measure)
    return measure


@transaction.atomic
def measure_update(*, acting_user, measure: Measure, expected_version: int, reason: str,
                   **changes: Any) -> Measure:
    """Change a measure's fields.

    1. Lock the row and compare versions: if someone saved since the form was
       opened, refuse with what they changed (nothing is written).
    2. Copy the changes, bump the version, validate, save with history.
    """
    if not reason.strip():
        raise DomainError({"reason": _("Skriv kort hvorfor tiltaket endres.")})
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    if current.version != expected_version:
        raise ConcurrentEditError(changes_since(current, expected_version), _last_editor(current))
    changed = [f for f, v in changes.items() if getattr(current, f) != v]
    for field, value in changes.items():
        setattr(current, field, value)
    current.version += 1
    _save_with_history(current, acting_user=acting_user, reason=reason, update_fields=changed + ["version"])
    return current


def changes_since(measure: Measure, version: int) -> list[tuple[str, str, str]]:
    """Field-by-field (label, old, new) between `version` and the current row."""
    records = list(measure.history.filter(version__gte=version).order_by("history_date", "history_id"))
    if not records:
        return []
    first = records[0]
    old = first.prev_record if first.version > version else first
    if old is None:
        return []
    delta = records[-1].diff_against(old)
    result = []
    for change in delta.changes:
        field = Measure._meta.get_field(change.field)
        result.append((str(field.verbose_name), _format(field, change.old), _format(field, change.new)))
    return result


def _format(field, value) -> str:
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value or "—"))
    if value in (None, ""):
        return "—"
    if field.is_relation and field.related_model is not None:
        # History stores the related row's id; show its name, as the timeline does.
        pk = getattr(value, "pk", value)
        related = field.related_model._default_manager.filter(pk=pk).first()
        return str(related) if related is not None else f"#{pk}"
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _last_editor(measure: Measure) -> str | None:
    last = measure.history.order_by("-history_date").select_related("history_user").first()
    if last and last.history_user:
        return last.history_user.get_full_name() or last.history_user.username
    return None


@transaction.atomic
def measure_post_status_update(*, acting_user, measure: Measure, reported_on: dt.date, phase: str,
                               traffic_light: str, light_reason: str = "", status_text: str = "",
                               follow_up_text: str = "", follow_up_responsible: str = "",
                               follow_up_due: dt.date | None = None, municipality=None,
                               expected_version: int | None = None, reason: str = "",
                               recorded_at: dt.datetime | None = None) -> StatusUpdate:
    """Record a status update.

    Without `municipality` it is the measure's overall status and is copied
    onto the measure (with history); with one, it is that participant's part
    of a shared measure and leaves the overall status alone.

    `recorded_at` backdates the record (imports of past updates, demo data);
    the web form never passes it.
    """
    if traffic_light != TrafficLight.GREEN and not light_reason.strip():
        raise DomainError({"light_reason": _("Gul og rød status må ha en begrunnelse.")})
    if follow_up_due and follow_up_due < reported_on:
        raise DomainError({"follow_up_due": _("Fristen kan ikke være før datoen oppdateringen gjelder (%(date)s).")
                           % {"date": reported_on.strftime("%d.%m.%Y")}})
    if municipality is not None and not measure.participations.filter(municipality=municipality).exists():
        raise DomainError({"municipality": _("%(m)s deltar ikke i dette tiltaket.") % {"m": municipality}})
    update = StatusUpdate(
        measure=measure, municipality=municipality, author=acting_user, reported_on=reported_on, phase=phase,
        traffic_light=traffic_light, light_reason=light_reason, status_text=status_text,
        follow_up_text=follow_up_text, follow_up_responsible=follow_up_responsible, follow_up_due=follow_up_due,
        reason=reason,
    )
    update.full_clean()
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    moment = recorded_at or timezone.now()
    if recorded_at is not None:
        current._history_date = recorded_at
    if municipality is None:
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentEditError(changes_since(current, expected_version), _last_editor(current))
        for field in STATUS_FIELDS:
            setattr(current, field, getattr(update, field))
        current.version += 1
        current.last_status_at = moment
        _save_with_history(current, acting_user=acting_user,
                           reason=reason or _("Statusoppdatering %(date)s") % {"date": reported_on.strftime("%d.%m.%Y")},
                           update_fields=list(STATUS_FIELDS) + ["version", "last_status_at"])
    else:
        current.last_status_at = max(filter(None, [current.last_status_at, moment]))
        current.save_without_historical_record(update_fields=["last_status_at"])
    update.save()
    if recorded_at is not None:
        StatusUpdate.objects.filter(pk=update.pk).update(created_at=recorded_at)
        update.created_at = recorded_at
    return update


@transaction.atomic
def measure_set_participants(*, acting_user, measure: Measure, municipality_ids: list[int], reason: str) -> None:
    """Set who takes part; a municipality leaving keeps its past updates."""
    if not reason.strip():
        raise DomainError({"reason": _("Skriv kort hvorfor deltakerne endres.")})
    existing = {p.municipality_id: p for p in measure.participations.all()}
    for mid in set(existing) - set(municipality_ids):
        p = existing[mid]
        p._history_user, p._change_reason = acting_user, reason
        p.delete()
    for mid in set(municipality_ids) - set(existing):
        p = Participation(measure=measure, municipality_id=mid)
        p._history_user, p._change_reason = acting_user, reason
        p.save()
    permissions_sync_measure(measure)


def rollup_light(lights: list[str]) -> str | None:
    """The suggested overall light for a shared measure: the worst of its parts."""
    lights = [light for light in lights if light]
    if not lights:
        return None
    return max(lights, key=TrafficLight.severity)
