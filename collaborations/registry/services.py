"""Writes to the registry: members joining, leaving and merging, and the
collaboration's own records (bodies, networks, people, partners,
municipalities and their population figures).

* A new member joins only with the consent of all original members (the
  collaboration agreement's rule for entry); the refusal names those whose
  consent is missing.
* A member leaves per kommuneloven § 20-4 and the agreements' own terms: the
  exit date is recorded, and the notice periods of the host agreements the
  municipality takes part in are returned so the caller can show them.
* A merger (Lenvik, Berg, Torsken and Tranøy became Senja on 1.1.2020) ends
  the predecessors the day before and moves their memberships, participations
  and agreements forward to the successor; nothing is deleted, so reports for
  earlier years still show the municipalities as they were.

Callers ask the policy (Action.MANAGE on the collaboration) before calling.
Every function takes the acting user and a reason, keeps history and writes
an audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..access.audit import Records, audit_record, audited_save, require_reason, user_or_none
from ..access.models import AuditEvent
from ..access.roles import permissions_sync_measure, permissions_sync_municipality, permissions_sync_person
from ..common.dates import norwegian_date
from ..common.errors import ConcurrentEditError, DomainError
from ..common.history import EMPTY, field_changes, last_editor
from ..economy.models import HostAgreement, HostAgreementParticipant
from ..portfolio.models import CLOSED_PHASES, Measure, Participation
from .models import Collaboration, Membership, Municipality, Network, Person
from .selectors import agreements_still_in, memberships_on, network_fingerprint


def _names(municipalities) -> str:
    return ", ".join(sorted(m.name for m in municipalities))


@transaction.atomic
def membership_add(*, acting_user, collaboration: Collaboration, municipality: Municipality, joined_on: dt.date,
                   consenting_municipality_ids: list[int] | set[int], reason: str) -> Membership:
    """Take `municipality` in as a member from `joined_on`.

    Refused unless every original member active on that day consents. A
    collaboration without original members takes its first member in as a
    founding (original) member.
    """
    reason = require_reason(reason, _("Skriv kort hvorfor kommunen tas opp, for eksempel vedtaket."))
    current = memberships_on(joined_on).filter(collaboration=collaboration).select_related("municipality")
    if any(m.municipality_id == municipality.pk for m in current):
        raise DomainError(_("%(m)s er allerede medlem av %(c)s.") % {"m": municipality, "c": collaboration})
    if municipality.valid_to and municipality.valid_to < joined_on:
        raise DomainError(_("%(m)s fantes ikke lenger %(date)s.")
                          % {"m": municipality, "date": norwegian_date(joined_on)})
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
    membership = Membership(collaboration=collaboration, municipality=municipality, joined_on=joined_on,
                            is_original_member=not originals, note=f"{note} {reason}"[:300])
    membership._history_user, membership._change_reason = user_or_none(acting_user), reason
    membership.full_clean()
    membership.save()
    permissions_sync_municipality(municipality)
    audit_record(AuditEvent.Kind.MEMBERSHIP_ADDED, acting_user=acting_user, reason=reason, obj=membership,
                 collaboration=collaboration, municipality=municipality,
                 new={_("Medlem fra"): norwegian_date(joined_on), _("Samtykke"): note})
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
    reason = require_reason(reason, _("Skriv kort hvorfor kommunen trer ut."))
    membership = Membership.objects.select_for_update().select_related("municipality", "collaboration") \
        .get(pk=membership.pk)
    if membership.left_on is not None:
        raise DomainError(_("%(m)s trådte allerede ut %(date)s.")
                          % {"m": membership.municipality, "date": norwegian_date(membership.left_on)})
    membership.left_on = left_on
    membership.note = ((f"{membership.note} " if membership.note else "")
                       + _("Uttreden: %(reason)s") % {"reason": reason})[:300]
    membership._history_user, membership._change_reason = user_or_none(acting_user), reason
    membership.full_clean()
    membership.save(update_fields=["left_on", "note"])
    permissions_sync_municipality(membership.municipality)
    audit_record(AuditEvent.Kind.MEMBERSHIP_ENDED, acting_user=acting_user, reason=reason, obj=membership,
                 collaboration=membership.collaboration, municipality=membership.municipality,
                 old={_("Medlem til"): "—"}, new={_("Medlem til"): norwegian_date(left_on)})
    agreements = agreements_still_in(membership)
    return MembershipEnded(membership=membership, agreements=agreements)


@transaction.atomic
def municipality_merge(*, acting_user, predecessors: list[Municipality], successor: Municipality,
                       on_date: dt.date, reason: str) -> None:
    """Merge `predecessors` into `successor` from `on_date` (its first day).

    1. Each predecessor gets valid_to = the day before and its successor.
    2. Memberships active on the day move forward: the predecessor's ends the
       day before, the successor's starts on the day (an original member's
       successor is original too).
    3. Participations in measures not yet finished, and participation in host
       agreements, move forward the same way (history kept); ownership and
       hosting of unfinished measures and running agreements pass to the
       successor with a history record.
    4. Permissions are recomputed for everyone touched, and one audit event
       is written in each collaboration the merger touched.
    """
    reason = require_reason(reason)
    if not predecessors:
        raise DomainError(_("Velg kommunene som slås sammen."))
    if any(p.pk == successor.pk for p in predecessors):
        raise DomainError(_("%(m)s kan ikke være sin egen etterfølger.") % {"m": successor})
    already = [p for p in predecessors if p.successor_id and p.successor_id != successor.pk]
    if already:
        raise DomainError(_("%(names)s er allerede slått sammen med en annen kommune.") % {"names": _names(already)})
    day_before = on_date - dt.timedelta(days=1)
    history_user = user_or_none(acting_user)

    if successor.valid_from is None or successor.valid_from > on_date:
        successor.valid_from = on_date
        successor._history_user, successor._change_reason = history_user, reason
        successor.full_clean()
        successor.save(update_fields=["valid_from"])
    predecessor_ids = [p.pk for p in predecessors]
    for p in predecessors:
        p.valid_to, p.successor = day_before, successor
        p._history_user, p._change_reason = history_user, reason
        p.full_clean()
        p.save(update_fields=["valid_to", "successor"])

    collaboration_ids = set(memberships_on(on_date).filter(municipality_id__in=predecessor_ids)
                            .values_list("collaboration_id", flat=True))
    _merge_memberships(predecessor_ids, successor, on_date, day_before, history_user, reason)
    touched = _merge_participations(predecessor_ids, successor, on_date, day_before, history_user, reason)
    _merge_agreements(predecessor_ids, successor, on_date, day_before, history_user, reason)
    for role in ("owner_municipality", "host_municipality"):
        unfinished = Measure.objects.filter(**{f"{role}_id__in": predecessor_ids}).exclude(phase__in=CLOSED_PHASES)
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
    merged = {_("Kommuner"): _names(predecessors), _("Etterfølger"): successor.name,
              _("Fra"): norwegian_date(on_date)}
    for collaboration in Collaboration.objects.filter(pk__in=collaboration_ids) or [None]:
        audit_record(AuditEvent.Kind.MUNICIPALITY_MERGED, acting_user=acting_user, reason=reason, obj=successor,
                     collaboration=collaboration, municipality=successor, new=merged)


@transaction.atomic
def merger_apply(*, acting_user, predecessors: list[Municipality], on_date: dt.date, reason: str,
                 successor: Municipality | None = None, new_successor: Municipality | None = None) -> Municipality:
    """Apply a merger to an existing successor, or to `new_successor` (not yet
    saved: number, name, county), which is saved first with its own history
    and audit event. All or nothing: a refused merger leaves no new municipality."""
    if (successor is None) == (new_successor is None):
        raise DomainError(_("Velg en eksisterende etterfølger eller opprett en ny, ikke begge."))
    reason = require_reason(reason, _("Skriv kort hvorfor kommunene slås sammen, for eksempel vedtaket."))
    if new_successor is not None:
        new_successor.valid_from = on_date
        successor = municipality_save(acting_user=acting_user, reason=reason, municipality=new_successor)
    municipality_merge(acting_user=acting_user, predecessors=predecessors, successor=successor, on_date=on_date,
                       reason=reason)
    return successor


def _merge_memberships(predecessor_ids, successor, on_date, day_before, history_user, reason) -> None:
    for ms in memberships_on(on_date).filter(municipality_id__in=predecessor_ids) \
            .select_related("municipality"):
        ms.left_on = day_before
        ms.note = (_("Slått sammen til %(m)s.") % {"m": successor.name})[:300]
        ms._history_user, ms._change_reason = history_user, reason
        ms.save(update_fields=["left_on", "note"])
        existing = memberships_on(on_date).filter(collaboration_id=ms.collaboration_id,
                                                 municipality=successor).first()
        if existing is None:
            new = Membership(collaboration_id=ms.collaboration_id, municipality=successor, joined_on=on_date,
                             is_original_member=ms.is_original_member,
                             note=(_("Etterfølger etter %(m)s.") % {"m": ms.municipality.name})[:300])
            new._history_user, new._change_reason = history_user, reason
            new.save()
        elif ms.is_original_member and not existing.is_original_member:
            existing.is_original_member = True
            existing._history_user, existing._change_reason = history_user, reason
            existing.save(update_fields=["is_original_member"])


def _merge_participations(predecessor_ids, successor, on_date, day_before, history_user, reason) -> set[int]:
    touched = set()
    rows = Participation.objects.filter(municipality_id__in=predecessor_ids, left_on__isnull=True) \
        .exclude(measure__phase__in=CLOSED_PHASES).select_related("municipality")
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


# ---------------------------------------------------------------- the collaboration's own records

K = AuditEvent.Kind
COLLABORATIONS = Records("collaboration", saved=K.COLLABORATION_SAVED)
BODIES = Records("body", saved=K.BODY_SAVED)
BODY_MEMBERS = Records("member", saved=K.BODY_SAVED)
NETWORKS = Records("network", saved=K.NETWORK_SAVED)
OUTSIDE_PARTNERS = Records("partner", saved=K.REGISTRY_SAVED)
MUNICIPALITIES = Records("municipality", saved=K.REGISTRY_SAVED)
COUNTIES = Records("county", saved=K.REGISTRY_SAVED)
POPULATION_FIGURES = Records("figure", saved=K.REGISTRY_SAVED)

collaboration_save = COLLABORATIONS.save
body_save, body_delete = BODIES.save, BODIES.delete
body_member_save, body_member_delete = BODY_MEMBERS.save, BODY_MEMBERS.delete
network_delete = NETWORKS.delete
outside_partner_save = OUTSIDE_PARTNERS.save
municipality_save = MUNICIPALITIES.save
county_save = COUNTIES.save
population_figure_save, population_figure_delete = POPULATION_FIGURES.save, POPULATION_FIGURES.delete


@transaction.atomic
def network_save(*, acting_user, network: Network, reason: str, member_municipality_ids=None,
                 outside_member_ids=None, expected_fingerprint: str | None = None) -> Network:
    """Save a network and, when given, who takes part in it.

    With `expected_fingerprint` (selectors.network_fingerprint when the form
    was opened), a save over someone else's newer change is refused with what
    they changed. The audit event names the members added and removed too,
    which the network's own history (fields only) does not keep."""
    before_members: dict[str, list[str]] = {}
    if network.pk:
        current = Network.objects.select_for_update().filter(pk=network.pk).first()
        if current is not None:
            before_members = _network_member_names(current)
            if expected_fingerprint is not None and network_fingerprint(current) != expected_fingerprint:
                raise ConcurrentEditError(_network_changes_since(current), last_editor(current))
    reason = require_reason(reason)

    def members(saved: Network) -> None:
        if member_municipality_ids is not None:
            saved.member_municipalities.set(member_municipality_ids)
        if outside_member_ids is not None:
            saved.outside_members.set(outside_member_ids)

    saved = audited_save(network, acting_user=acting_user, reason=reason, collaboration=network.collaboration,
                         kind=K.NETWORK_SAVED, after_save=members)
    after_members = _network_member_names(saved)
    old, new = {}, {}
    for label in after_members:
        if before_members.get(label, []) != after_members[label]:
            old[label] = ", ".join(before_members.get(label, [])) or EMPTY
            new[label] = ", ".join(after_members[label]) or EMPTY
    if new:
        audit_record(K.NETWORK_SAVED, acting_user=acting_user, reason=reason, obj=saved,
                     collaboration=saved.collaboration, old=old, new=new)
    return saved


def _network_member_names(network: Network) -> dict[str, list[str]]:
    return {_("Deltakende kommuner"): sorted(m.name for m in network.member_municipalities.all()),
            _("Deltakere utenfor samarbeidet"): sorted(p.name for p in network.outside_members.all())}


def _network_changes_since(current: Network) -> list[tuple[str, str, str]]:
    """What the latest save changed in the network's fields (its history), for the conflict message."""
    records = list(current.history.order_by("-history_date", "-history_id")[:2])
    if len(records) == 2:
        return field_changes(records[1], records[0], model=Network)
    return []


@transaction.atomic
def person_save(*, acting_user, person: Person, reason: str, made_in: Collaboration | None = None) -> Person:
    """Save a person. Linking a person to a login (or unlinking) gives (or
    takes) the right to edit the measures the person answers for.
    `made_in`: the collaboration where the change was made (its audit trail shows it)."""
    previous_user_id = Person.objects.filter(pk=person.pk).values_list("user_id", flat=True).first() \
        if person.pk else None
    saved = audited_save(person, acting_user=acting_user, reason=reason, kind=K.REGISTRY_SAVED,
                         collaboration=made_in)
    if saved.user_id != previous_user_id:
        permissions_sync_person(saved)
    return saved
