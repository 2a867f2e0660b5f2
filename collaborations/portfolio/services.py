"""Writes to the portfolio: plans and strategies, measures (create, edit with
conflict detection, participants, delete), status updates and documents.

Every function is keyword-only, takes the acting user and a reason, runs in
one transaction, keeps history (django-simple-history, with user and reason)
and writes an audit event. Whoever may change who answers for a measure, or
who takes part, also changes who may edit or report on it: those functions
recompute the measure's permissions before they return.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import policy
from ..access.audit import Records, audit_record, audited_delete, require_reason, user_or_none
from ..access.models import AuditEvent
from ..access.policy import Action
from ..access.roles import permissions_sync_measure
from ..common.dates import norwegian_date
from ..common.errors import ConcurrentEditError, DomainError
from ..common.files import content_error, save_with_file, upload_error
from ..common.history import changes_since, display_value, field_changes, last_editor
from .models import (
    BOOKKEEPING_FIELDS,
    CLOSED_PHASES,
    LIGHT_REASON_REQUIRED,
    STATUS_FIELDS,
    Document,
    Measure,
    Participation,
    StatusUpdate,
    TrafficLight,
    Visibility,
)

# Fields whose change moves who may edit or report on the measure.
PERMISSION_FIELDS = {"owner_municipality", "responsible", "network", "collaboration"}

# What only the secretariat (Action.MANAGE on the collaboration) changes, besides who takes part
# (participants and outside partners): where the measure stands in the plan (strategy, number), who
# answers for it and may edit it (owner municipality, network) and who sees it (visibility). Everyone
# who may edit the measure changes the rest of its own fields.
MANAGER_FIELDS = frozenset({"strategy", "number", "owner_municipality", "network", "visibility"})


def _save_with_history(measure: Measure, *, acting_user, reason: str, update_fields: list[str] | None = None) -> None:
    measure._history_user = user_or_none(acting_user)
    measure._change_reason = reason
    measure.full_clean()
    measure.save(update_fields=update_fields)


# ---------------------------------------------------------------- plans and strategies

# Strategy texts keep history, so a report shows them as they stood on its cut-off.
PLANS = Records("plan", saved=AuditEvent.Kind.PLAN_SAVED)
STRATEGIES = Records("strategy", saved=AuditEvent.Kind.STRATEGY_SAVED)

plan_save, plan_delete = PLANS.save, PLANS.delete
strategy_save, strategy_delete = STRATEGIES.save, STRATEGIES.delete


# ---------------------------------------------------------------- measures

@transaction.atomic
def measure_create(*, acting_user, reason: str, participant_ids: list[int] | None = None,
                   partner_ids: list[int] | None = None, recorded_at: dt.datetime | None = None,
                   **fields: Any) -> Measure:
    """Create a measure with its participants. `recorded_at` backdates the
    history (imports of an existing action plan, demo data), so that the
    portfolio rebuilt for an earlier date includes it."""
    reason = require_reason(reason)
    measure = Measure(**fields)
    measure._history_user = user_or_none(acting_user)
    measure._change_reason = reason
    if recorded_at is not None:
        measure._history_date = recorded_at
        measure.last_status_at = measure.last_status_at or recorded_at
    measure.full_clean()
    measure.save()
    for municipality_id in participant_ids or []:
        p = Participation(measure=measure, municipality_id=municipality_id)
        p._history_user, p._change_reason = measure._history_user, reason
        if recorded_at is not None:
            p._history_date = recorded_at
        p.save()
    if partner_ids:
        measure.partners.set(partner_ids)
    permissions_sync_measure(measure)
    audit_record(AuditEvent.Kind.MEASURE_CREATED, acting_user=acting_user, reason=reason, obj=measure,
                 collaboration=measure.collaboration,
                 new={_("Tittel"): measure.title, _("Deltakere"): str(len(participant_ids or []))})
    return measure


@transaction.atomic
def measure_update(*, acting_user, measure: Measure, expected_version: int, reason: str,
                   partner_ids: list[int] | None = None, **changes: Any) -> Measure:
    """Change a measure's fields.

    1. Lock the row and compare versions: if someone saved since the form was
       opened, refuse with what they changed (nothing is written).
    2. Copy the changes, bump the version, validate, save with history.
    3. If the owner, the responsible person or the network changed,
       recompute who may edit and report on the measure.
    4. Record what changed, old → new, as an audit event (outside partners
       too, when `partner_ids` is given).
    """
    reason = require_reason(reason, _("Skriv kort hvorfor tiltaket endres."))
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    if current.version != expected_version:
        raise ConcurrentEditError(changes_since(current, expected_version, exclude=BOOKKEEPING_FIELDS),
                                 last_editor(current))
    before = Measure.objects.get(pk=measure.pk)
    changed = [f for f, v in changes.items() if getattr(current, f) != v]
    for field, value in changes.items():
        setattr(current, field, value)
    current.version += 1
    _save_with_history(current, acting_user=acting_user, reason=reason, update_fields=changed + ["version"])
    if PERMISSION_FIELDS & set(changed):
        permissions_sync_measure(current)
    diff = field_changes(before, current, model=Measure, fields=changed)
    if partner_ids is not None:
        old_partners = sorted(str(p) for p in current.partners.all())
        current.partners.set(partner_ids)
        new_partners = sorted(str(p) for p in current.partners.all())
        if old_partners != new_partners:
            permissions_sync_measure(current)  # the partners' users report on the measures they take part in
            diff.append((_("Eksterne partnere"), ", ".join(old_partners) or "—", ", ".join(new_partners) or "—"))
    audit_record(AuditEvent.Kind.MEASURE_CHANGED, acting_user=acting_user, reason=reason, obj=current,
                 collaboration=current.collaboration, old={label: a for label, a, _b in diff},
                 new={label: b for label, _a, b in diff})
    return current


@transaction.atomic
def measure_change(*, acting_user, measure: Measure, expected_version: int, reason: str,
                   participant_ids: list[int] | None = None, partner_ids: list[int] | None = None,
                   **changes: Any) -> Measure:
    """The edit form's save: the measure's fields and who takes part, in one
    transaction with one reason (`measure_update`, then
    `measure_set_participants`). `None` leaves participants or partners alone.

    Only the secretariat may change MANAGER_FIELDS, the participants or the
    outside partners: anyone else asking for such a change is refused and
    nothing is written (the form leaves those fields out for them; this
    holds when a form is bypassed)."""
    if not policy.allows(acting_user, Action.MANAGE, measure.collaboration):
        current = Measure.objects.get(pk=measure.pk)
        refused = sorted(f for f in MANAGER_FIELDS & set(changes) if getattr(current, f) != changes[f])
        if participant_ids is not None and set(participant_ids) != set(
                current.participations.values_list("municipality_id", flat=True)):
            refused.append("participants")
        if partner_ids is not None and set(partner_ids) != set(current.partners.values_list("pk", flat=True)):
            refused.append("partners")
        if refused:
            raise DomainError(_("Bare sekretariatet kan endre strategi, nummer, deltakere, eksterne partnere, "
                                "ansvarlig kommune, fagnettverk og synlighet."))
    updated = measure_update(acting_user=acting_user, measure=measure, expected_version=expected_version,
                             reason=reason, partner_ids=partner_ids, **changes)
    if participant_ids is not None:
        measure_set_participants(acting_user=acting_user, measure=updated, municipality_ids=participant_ids,
                                 reason=reason)
    return updated


@transaction.atomic
def measure_set_participants(*, acting_user, measure: Measure, municipality_ids: list[int], reason: str) -> None:
    """Set who takes part; a municipality leaving keeps its past updates."""
    reason = require_reason(reason, _("Skriv kort hvorfor deltakerne endres."))
    existing = {p.municipality_id: p for p in measure.participations.select_related("municipality")}
    leaving = [existing[mid] for mid in sorted(set(existing) - set(municipality_ids))]
    for p in leaving:
        p._history_user, p._change_reason = user_or_none(acting_user), reason
        p.delete()
    joining = []
    for mid in sorted(set(municipality_ids) - set(existing)):
        p = Participation(measure=measure, municipality_id=mid)
        p._history_user, p._change_reason = user_or_none(acting_user), reason
        p.save()
        joining.append(p)
    if not (leaving or joining):
        return
    permissions_sync_measure(measure)
    names = sorted(str(p.municipality) for p in existing.values())
    after = sorted([n for n in names if n not in {str(p.municipality) for p in leaving}]
                   + [str(p.municipality) for p in Participation.objects.filter(pk__in=[p.pk for p in joining])
                      .select_related("municipality")])
    audit_record(AuditEvent.Kind.PARTICIPANTS_CHANGED, acting_user=acting_user, reason=reason, obj=measure,
                 collaboration=measure.collaboration, old={_("Deltakere"): ", ".join(names) or "—"},
                 new={_("Deltakere"): ", ".join(after) or "—"})


@transaction.atomic
def measure_close(*, acting_user, measure: Measure, final_phase: str, closed_on: dt.date, reason: str,
                  traffic_light: str = TrafficLight.GREEN, light_reason: str = "",
                  expected_version: int | None = None) -> Measure:
    """Close a measure ("avslutning"): completed or stopped on `closed_on`, with why.

    The closing is a final status update (so it stands in the timeline with
    its reason) that sets the closed phase; the measure also keeps the date
    and the reason. From then on it is never due in a reporting round, never
    overdue or stale, and costs nothing for the years after `closed_on`.
    """
    reason = require_reason(reason, _("Skriv kort hvorfor tiltaket avsluttes."))
    if final_phase not in CLOSED_PHASES:
        raise DomainError({"final_phase": _("Velg «Avsluttet» eller «Stanset».")})
    if closed_on > timezone.localdate():
        raise DomainError({"closed_on": _("Datoen kan ikke være frem i tid.")})
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    if current.closed_on is not None:
        raise DomainError(_("Tiltaket ble allerede avsluttet %(date)s.") % {"date": norwegian_date(current.closed_on)})
    if current.starts_on and closed_on < current.starts_on:
        raise DomainError({"closed_on": _("Tiltaket kan ikke avsluttes før det startet (%(date)s).")
                           % {"date": norwegian_date(current.starts_on)}})
    measure_post_status_update(acting_user=acting_user, measure=current, reported_on=closed_on, phase=final_phase,
                               traffic_light=traffic_light, light_reason=light_reason, status_text=reason,
                               expected_version=expected_version, reason=reason)
    current.refresh_from_db()
    current.closed_on, current.closing_reason = closed_on, reason
    current.version += 1
    _save_with_history(current, acting_user=acting_user, reason=reason,
                       update_fields=["closed_on", "closing_reason", "version"])
    audit_record(AuditEvent.Kind.MEASURE_CLOSED, acting_user=acting_user, reason=reason, obj=current,
                 collaboration=current.collaboration,
                 new={_("Fase"): current.get_phase_display(), _("Avsluttet"): norwegian_date(closed_on)})
    return current


@transaction.atomic
def measure_delete(*, acting_user, measure: Measure, reason: str) -> None:
    """Delete a measure: for mistakes; a finished measure is completed or stopped instead."""
    audited_delete(measure, acting_user=acting_user, reason=reason, collaboration=measure.collaboration,
                   kind=AuditEvent.Kind.MEASURE_DELETED)


# ---------------------------------------------------------------- status updates

@transaction.atomic
def measure_post_status_update(*, acting_user, measure: Measure, reported_on: dt.date, phase: str,
                               traffic_light: str, light_reason: str = "", status_text: str = "",
                               follow_up_text: str = "", follow_up_responsible: str = "",
                               follow_up_due: dt.date | None = None, municipality=None, partner=None,
                               expected_version: int | None = None, reason: str = "",
                               on_behalf: bool = False, recorded_at: dt.datetime | None = None) -> StatusUpdate:
    """Record a status update.

    Without `municipality` it is the measure's overall status and is copied
    onto the measure (with history), "last updated" included; with one, it
    is that participant's part of a shared measure and leaves the measure
    alone (StatusUpdate says why). With `partner` it is an outside partner's
    part of a measure it takes part in, and likewise leaves the measure alone;
    a part is a municipality's or a partner's, never both. `on_behalf`: the
    secretariat registers a municipality's (or partner's) part for it. The
    update is its own reason; `reason` adds a comment.

    `recorded_at` backdates the record (imports of past updates, demo data);
    the web form never passes it.
    """
    if traffic_light != TrafficLight.GREEN and not light_reason.strip():
        raise DomainError({"light_reason": LIGHT_REASON_REQUIRED})
    if follow_up_due and follow_up_due < reported_on:
        raise DomainError({"follow_up_due": _("Fristen kan ikke være før datoen oppdateringen gjelder (%(date)s).")
                           % {"date": norwegian_date(reported_on)}})
    if municipality is not None and not measure.participations.filter(municipality=municipality).exists():
        raise DomainError({"municipality": _("%(m)s deltar ikke i dette tiltaket.") % {"m": municipality}})
    if municipality is not None and partner is not None:
        raise DomainError(_("En statusoppdatering gjelder én kommunes eller én partners del, ikke begge."))
    if partner is not None and not measure.partners.filter(pk=partner.pk).exists():
        raise DomainError(_("%(p)s deltar ikke i dette tiltaket.") % {"p": partner})
    part = municipality or partner
    update = StatusUpdate(
        measure=measure, municipality=municipality, partner=partner, author=user_or_none(acting_user),
        reported_on=reported_on,
        phase=phase, traffic_light=traffic_light, light_reason=light_reason, status_text=status_text,
        follow_up_text=follow_up_text, follow_up_responsible=follow_up_responsible, follow_up_due=follow_up_due,
        reason=reason, on_behalf=bool(part is not None and on_behalf),
    )
    update.full_clean()
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    moment = recorded_at or timezone.now()
    if recorded_at is not None:
        current._history_date = recorded_at
    history_reason = reason or _("Statusoppdatering %(date)s") % {"date": norwegian_date(reported_on)}
    if part is None:
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentEditError(changes_since(current, expected_version, exclude=BOOKKEEPING_FIELDS),
                                 last_editor(current))
        for field in STATUS_FIELDS:
            setattr(current, field, getattr(update, field))
        current.version += 1
        current.last_status_at = moment
        _save_with_history(current, acting_user=acting_user, reason=history_reason,
                           update_fields=list(STATUS_FIELDS) + ["version", "last_status_at"])
    update.save()
    if recorded_at is not None:
        StatusUpdate.objects.filter(pk=update.pk).update(created_at=recorded_at)
        update.created_at = recorded_at
    light = display_value(StatusUpdate._meta.get_field("traffic_light"), traffic_light)
    audit_record(AuditEvent.Kind.STATUS_UPDATED, acting_user=acting_user, reason=history_reason, obj=measure,
                 collaboration=measure.collaboration, municipality=municipality,
                 new={_("Gjelder"): str(part or _("samlet status")), _("Trafikklys"): light,
                      _("Dato"): norwegian_date(reported_on)})
    return update


# ---------------------------------------------------------------- documents

def document_file_error(file) -> str | None:
    """The Norwegian message for a file of a type or size not allowed, or None."""
    return (upload_error(file, extensions=settings.DOCUMENT_EXTENSIONS, max_bytes=settings.DOCUMENT_MAX_BYTES)
            or content_error(file))


@transaction.atomic
def document_upload(*, acting_user, measure: Measure, file, title: str, visibility: str = Visibility.PUBLISHED,
                    status_update: StatusUpdate | None = None, reason: str = "") -> Document:
    """Attach `file` to `measure` (and optionally one of its status updates)."""
    error = document_file_error(file)
    if error:
        raise DomainError({"file": error})
    if status_update is not None and status_update.measure_id != measure.pk:
        raise DomainError({"status_update": _("Statusoppdateringen hører til et annet tiltak.")})
    document = Document(measure=measure, status_update=status_update, title=title.strip() or file.name,
                        visibility=visibility, size=file.size, uploaded_by=user_or_none(acting_user))
    save_with_file(document, "file", file)
    audit_record(AuditEvent.Kind.DOCUMENT_UPLOADED, acting_user=acting_user,
                 reason=reason or _("Dokument lastet opp"), obj=document, collaboration=measure.collaboration,
                 new={_("Tiltak"): measure.title, _("Synlighet"): document.get_visibility_display()})
    return document
