"""Who is a member of a collaboration, and what happens when municipalities
join, leave or merge.

* A new member joins only with the consent of all original members (seed 004
  § 11.1); the refusal names those whose consent is missing.
* A member leaves per kommuneloven § 20-4 and the agreements' own terms: the
  exit date is recorded, and the notice periods of the host agreements the
  municipality takes part in are returned so the caller can show them.
* A merger (Lenvik, Berg, Torsken and Tranøy became Senja on 1.1.2020) ends
  the predecessors the day before and moves their memberships, participations
  and agreements forward to the successor; nothing is deleted, so reports for
  earlier years still show the municipalities as they were.

Callers ask the policy (Action.MANAGE on the collaboration) before calling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import (
    Collaboration,
    HostAgreement,
    HostAgreementParticipant,
    Measure,
    Membership,
    Municipality,
    Participation,
    Phase,
)
from .errors import DomainError
from .roles import permissions_sync_measure, permissions_sync_municipality


def _names(municipalities) -> str:
    return ", ".join(sorted(m.name for m in municipalities))


def _active_on(qs, day: dt.date):
    return qs.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day), Q(left_on__isnull=True) | Q(left_on__gte=day))


@transaction.atomic
def membership_add(*, acting_user, collaboration: Collaboration, municipality: Municipality, joined_on: dt.date,
                   consenting_municipality_ids: list[int] | set[int], reason: str = "") -> Membership:
    """Take `municipality` in as a member from `joined_on`.

    Refused unless every original member active on that day consents. A
    collaboration without original members takes its first member in as a
    founding (original) member.
    """
    current = _active_on(collaboration.memberships.select_related("municipality"), joined_on)
    if any(m.municipality_id == municipality.pk for m in current):
        raise DomainError(_("%(m)s er allerede medlem av %(c)s.") % {"m": municipality, "c": collaboration})
    if municipality.valid_to and municipality.valid_to < joined_on:
        raise DomainError(_("%(m)s fantes ikke lenger %(date)s.")
                          % {"m": municipality, "date": joined_on.strftime("%d.%m.%Y")})
    originals = [m.municipality for m in current if m.is_original_member]
    consenting = set(consenting_municipality_ids)
    missing = [m for m in originals if m.pk not in consenting]
    if missing:
        raise DomainError(
            _("Nye medlemmer kan bare tas opp med samtykke fra alle opprinnelige deltakere. "
              "Mangler samtykke fra %(names)s.") % {"names": _names(missing)})
    if originals:
        note = _("Tatt opp med samtykke fra %(names)s.") % {"names": _names(originals)}
    else:
        note = _("Stiftende medlem.")
    if reason.strip():
        note = f"{note} {reason.strip()}"
    membership = Membership(collaboration=collaboration, municipality=municipality, joined_on=joined_on,
                            is_original_member=not originals, note=note[:300])
    membership.full_clean()
    membership.save()
    permissions_sync_municipality(municipality)
    return membership


@dataclass
class MembershipEnded:
    membership: Membership
    # The host agreements in the collaboration that the municipality still
    # takes part in, with their own notice periods: exit from the
    # collaboration does not end them by itself (§ 20-4 and each agreement).
    agreements: list[HostAgreement] = field(default_factory=list)

    @property
    def notices(self) -> list[str]:
        out = []
        for a in self.agreements:
            if a.notice_months:
                out.append(_("«%(service)s» (vert: %(host)s): %(months)s måneders oppsigelsestid.")
                           % {"service": a.service, "host": a.host, "months": a.notice_months})
            else:
                out.append(_("«%(service)s» (vert: %(host)s): avtalen oppgir ingen oppsigelsestid; "
                             "kommuneloven § 20-4 gjelder.") % {"service": a.service, "host": a.host})
        return out


@transaction.atomic
def membership_end(*, acting_user, membership: Membership, left_on: dt.date, reason: str) -> MembershipEnded:
    """Record that a member leaves the collaboration on `left_on` (the last
    day of membership), per kommuneloven § 20-4."""
    if not reason.strip():
        raise DomainError({"reason": _("Skriv kort hvorfor kommunen trer ut.")})
    membership = Membership.objects.select_for_update().select_related("municipality", "collaboration") \
        .get(pk=membership.pk)
    if membership.left_on is not None:
        raise DomainError(_("%(m)s trådte allerede ut %(date)s.")
                          % {"m": membership.municipality, "date": membership.left_on.strftime("%d.%m.%Y")})
    membership.left_on = left_on
    membership.note = (f"{membership.note} " if membership.note else "") + _("Uttreden: %(reason)s") % {
        "reason": reason.strip()}
    membership.note = membership.note[:300]
    membership.full_clean()
    membership.save(update_fields=["left_on", "note"])
    permissions_sync_municipality(membership.municipality)
    agreements = list(HostAgreement.objects.filter(
        collaboration=membership.collaboration, participants__municipality=membership.municipality,
        participants__left_on__isnull=True,
    ).select_related("host").distinct().order_by("service"))
    return MembershipEnded(membership=membership, agreements=agreements)


FINISHED_PHASES = (Phase.COMPLETED, Phase.STOPPED)


@transaction.atomic
def municipality_merge(*, acting_user, predecessors: list[Municipality], successor: Municipality,
                       on_date: dt.date, reason: str = "") -> None:
    """Merge `predecessors` into `successor` from `on_date` (its first day).

    1. Each predecessor gets valid_to = the day before and its successor.
    2. Memberships active on the day move forward: the predecessor's ends the
       day before, the successor's starts on the day (an original member's
       successor is original too).
    3. Participations in measures not yet finished, and participation in host
       agreements, move forward the same way (history kept); ownership and
       hosting of unfinished measures and running agreements pass to the
       successor with a history record.
    4. Permissions are recomputed for everyone touched.
    """
    if not predecessors:
        raise DomainError(_("Velg kommunene som slås sammen."))
    if any(p.pk == successor.pk for p in predecessors):
        raise DomainError(_("%(m)s kan ikke være sin egen etterfølger.") % {"m": successor})
    already = [p for p in predecessors if p.successor_id and p.successor_id != successor.pk]
    if already:
        raise DomainError(_("%(names)s er allerede slått sammen med en annen kommune.") % {"names": _names(already)})
    day_before = on_date - dt.timedelta(days=1)
    reason = reason.strip() or _("Sammenslåing til %(m)s fra %(date)s") % {
        "m": successor.name, "date": on_date.strftime("%d.%m.%Y")}
    history_user = acting_user if acting_user is not None and acting_user.is_authenticated else None

    if successor.valid_from is None or successor.valid_from > on_date:
        successor.valid_from = on_date
        successor.full_clean()
        successor.save(update_fields=["valid_from"])
    predecessor_ids = [p.pk for p in predecessors]
    for p in predecessors:
        p.valid_to, p.successor = day_before, successor
        p.full_clean()
        p.save(update_fields=["valid_to", "successor"])

    _merge_memberships(predecessor_ids, successor, on_date, day_before)
    touched = _merge_participations(predecessor_ids, successor, on_date, day_before, history_user, reason)
    _merge_agreements(predecessor_ids, successor, on_date, day_before, history_user, reason)
    for role in ("owner_municipality", "host_municipality"):
        unfinished = Measure.objects.filter(**{f"{role}_id__in": predecessor_ids}).exclude(phase__in=FINISHED_PHASES)
        for measure in unfinished:
            setattr(measure, role, successor)
            measure.version += 1
            measure._history_user, measure._change_reason = history_user, reason
            measure.save(update_fields=[role, "version"])
            touched.add(measure.pk)

    for m in [*predecessors, successor]:
        permissions_sync_municipality(m)
    for measure in Measure.objects.filter(pk__in=touched).select_related("responsible", "owner_municipality"):
        permissions_sync_measure(measure)


def _merge_memberships(predecessor_ids, successor, on_date, day_before) -> None:
    for ms in _active_on(Membership.objects.filter(municipality_id__in=predecessor_ids), on_date) \
            .select_related("municipality"):
        ms.left_on = day_before
        ms.note = (_("Slått sammen til %(m)s.") % {"m": successor.name})[:300]
        ms.save(update_fields=["left_on", "note"])
        existing = _active_on(Membership.objects.filter(collaboration_id=ms.collaboration_id,
                                                        municipality=successor), on_date).first()
        if existing is None:
            Membership.objects.create(
                collaboration_id=ms.collaboration_id, municipality=successor, joined_on=on_date,
                is_original_member=ms.is_original_member,
                note=(_("Etterfølger etter %(m)s.") % {"m": ms.municipality.name})[:300])
        elif ms.is_original_member and not existing.is_original_member:
            existing.is_original_member = True
            existing.save(update_fields=["is_original_member"])


def _merge_participations(predecessor_ids, successor, on_date, day_before, history_user, reason) -> set[int]:
    touched = set()
    rows = Participation.objects.filter(municipality_id__in=predecessor_ids, left_on__isnull=True) \
        .exclude(measure__phase__in=FINISHED_PHASES).select_related("municipality")
    successor_in = set(Participation.objects.filter(municipality=successor).values_list("measure_id", flat=True))
    for p in rows:
        p.left_on = day_before
        p._history_user, p._change_reason = history_user, reason
        p.save(update_fields=["left_on"])
        if p.measure_id not in successor_in:
            new = Participation(measure_id=p.measure_id, municipality=successor, joined_on=on_date,
                                note=(_("Etterfølger etter %(m)s.") % {"m": p.municipality.name})[:300])
            new._history_user, new._change_reason = history_user, reason
            new.save()
            successor_in.add(p.measure_id)
        touched.add(p.measure_id)
    return touched


def _merge_agreements(predecessor_ids, successor, on_date, day_before, history_user, reason) -> None:
    running = Q(agreement__ends_on__isnull=True) | Q(agreement__ends_on__gte=on_date)
    rows = HostAgreementParticipant.objects.filter(running, municipality_id__in=predecessor_ids, left_on__isnull=True)
    for p in rows.select_related("municipality"):
        p.left_on = day_before
        p._history_user, p._change_reason = history_user, reason
        p.save(update_fields=["left_on"])
        new, created = HostAgreementParticipant.objects.get_or_create(
            agreement_id=p.agreement_id, municipality=successor,
            defaults={"adopted_on": p.adopted_on, "case_number": p.case_number})
        if not created and new.left_on is not None:
            new.left_on = None
            new._history_user, new._change_reason = history_user, reason
            new.save(update_fields=["left_on"])
    for a in HostAgreement.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on_date),
                                          host_id__in=predecessor_ids):
        a.host = successor
        a.version += 1
        a._history_user, a._change_reason = history_user, reason
        a.save(update_fields=["host", "version"])
