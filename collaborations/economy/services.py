"""Writes to the economy: cost keys and host agreements with their participants.
Each takes the acting user and a reason, keeps history and writes an audit event.

* An agreement keeps a version: a save that started from an older version is
  refused with what changed since (nothing is written).
* A municipality joining an agreement that has started needs the consent of
  the host and of every original participant still in it (the collaboration
  agreement's rule for entry into service agreements); joining from the start
  needs none.
* A participant leaves per kommuneloven § 20-4 and the agreement's notice
  period: the exit date can be no earlier than the notice date plus the
  notice period (`selectors.earliest_exit`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.audit import Records, audit_record, audited_save, require_reason, user_or_none
from ..access.models import AuditEvent
from ..common.dates import norwegian_date
from ..common.errors import ConcurrentEditError, DomainError
from ..common.history import EMPTY, changes_since, last_editor
from ..registry.models import Municipality
from .models import HostAgreement, HostAgreementParticipant
from .selectors import earliest_exit, original_participants

K = AuditEvent.Kind
COST_KEYS = Records("cost_key", saved=K.COST_KEY_SAVED, deleted=K.COST_KEY_DELETED)
AGREEMENTS = Records("agreement", saved=K.AGREEMENT_SAVED, deleted=K.AGREEMENT_DELETED)
# A municipality buying the service, with its council's adoption (date, case number).
AGREEMENT_PARTICIPANTS = Records("participant", saved=K.AGREEMENT_SAVED, deleted=K.AGREEMENT_DELETED)

cost_key_save, cost_key_delete = COST_KEYS.save, COST_KEYS.delete
agreement_delete = AGREEMENTS.delete
agreement_participant_save, agreement_participant_delete = AGREEMENT_PARTICIPANTS.save, AGREEMENT_PARTICIPANTS.delete


@transaction.atomic
def agreement_save(*, acting_user, agreement: HostAgreement, reason: str,
                   expected_version: int | None = None) -> HostAgreement:
    """Save a host agreement; every change gives it a new version. With
    `expected_version` (the version the form was opened at), a save over
    someone else's newer change is refused with what they changed."""
    if agreement.pk:
        current = HostAgreement.objects.select_for_update().filter(pk=agreement.pk).first()
        current_version = current.version if current is not None else 0
        if expected_version is not None and current is not None and current_version != expected_version:
            raise ConcurrentEditError(changes_since(current, expected_version, exclude={"version"}),
                                     last_editor(current))
        agreement.version = current_version + 1
    return audited_save(agreement, acting_user=acting_user, reason=reason, collaboration=agreement.collaboration,
                        kind=K.AGREEMENT_SAVED, exclude={"version"})


def _save_participant(participant: HostAgreementParticipant, *, acting_user, reason: str) -> None:
    participant._history_user, participant._change_reason = user_or_none(acting_user), reason
    participant.full_clean()
    participant.save()


def _adoption(adopted_on: dt.date | None, case_number: str) -> str:
    if adopted_on is None:
        return _("Ikke behandlet i kommunestyret ennå")
    if case_number:
        return _("%(date)s, sak %(case)s") % {"date": norwegian_date(adopted_on), "case": case_number}
    return norwegian_date(adopted_on)


def _check_adoption(adopted_on: dt.date | None, case_number: str) -> None:
    if adopted_on is not None and adopted_on > timezone.localdate():
        raise DomainError({"adopted_on": _("Vedtaksdatoen kan ikke være fram i tid.")})
    if case_number and adopted_on is None:
        raise DomainError({"adopted_on": _("Oppgi datoen for vedtaket når du oppgir saksnummer.")})


@transaction.atomic
def agreement_participant_join(*, acting_user, agreement: HostAgreement, municipality: Municipality,
                               joined_on: dt.date, reason: str, adopted_on: dt.date | None = None,
                               case_number: str = "", consenting_municipality_ids=()) -> HostAgreementParticipant:
    """Take `municipality` into the agreement from `joined_on`.

    Joining from the agreement's start (or an agreement without a start date)
    makes an original participant. Joining later needs the consent of the
    host and every original participant still in the agreement; the refusal
    names whose consent is missing."""
    reason = require_reason(reason, _("Skriv kort hvorfor kommunen blir med i avtalen, for eksempel vedtaket."))
    agreement = HostAgreement.objects.select_for_update().select_related("host", "collaboration") \
        .get(pk=agreement.pk)
    case_number = (case_number or "").strip()
    existing = agreement.participants.filter(municipality=municipality).first()
    if existing is not None:
        if existing.left_on is not None:
            raise DomainError({"municipality": _("%(m)s trådte ut av avtalen %(date)s.")
                               % {"m": municipality, "date": norwegian_date(existing.left_on)}})
        raise DomainError({"municipality": _("%(m)s er allerede med i avtalen.") % {"m": municipality}})
    if municipality.valid_to and municipality.valid_to < joined_on:
        raise DomainError({"joined_on": _("%(m)s fantes ikke lenger %(date)s.")
                           % {"m": municipality, "date": norwegian_date(joined_on)}})
    if agreement.ends_on and joined_on > agreement.ends_on:
        raise DomainError({"joined_on": _("Avtalen gjelder bare til %(date)s.")
                           % {"date": norwegian_date(agreement.ends_on)}})
    _check_adoption(adopted_on, case_number)
    late = agreement.starts_on is not None and joined_on > agreement.starts_on
    consent_note = ""
    if late:
        needed = original_participants(agreement, on=joined_on)
        consenting = {int(i) for i in consenting_municipality_ids}
        missing = [m for m in needed if m.pk not in consenting]
        if missing:
            raise DomainError({"consenting": _(
                "Nye deltakere kan bare tas inn med samtykke fra vertskommunen og alle opprinnelige deltakere. "
                "Mangler samtykke fra %(names)s.") % {"names": ", ".join(m.name for m in missing)}})
        if needed:
            consent_note = _("Tatt inn med samtykke fra %(names)s.") % {"names": ", ".join(m.name for m in needed)}
    participant = HostAgreementParticipant(agreement=agreement, municipality=municipality, joined_on=joined_on,
                                           adopted_on=adopted_on, case_number=case_number)
    _save_participant(participant, acting_user=acting_user, reason=reason)
    new = {_("Deltaker"): municipality.name, _("Med fra"): norwegian_date(joined_on),
           _("Kommunestyrevedtak"): _adoption(adopted_on, case_number)}
    if consent_note:
        new[_("Samtykke")] = consent_note
    audit_record(K.AGREEMENT_JOINED, acting_user=acting_user, reason=reason, obj=participant,
                 collaboration=agreement.collaboration, municipality=municipality, new=new)
    return participant


@transaction.atomic
def agreement_adoption_record(*, acting_user, participant: HostAgreementParticipant, adopted_on: dt.date,
                              case_number: str, reason: str) -> HostAgreementParticipant:
    """Record that the participant's council adopted the agreement (date and case number)."""
    reason = require_reason(reason)
    participant = HostAgreementParticipant.objects.select_for_update() \
        .select_related("municipality", "agreement__collaboration").get(pk=participant.pk)
    case_number = (case_number or "").strip()
    if adopted_on is None:
        raise DomainError({"adopted_on": _("Oppgi datoen kommunestyret vedtok avtalen.")})
    if not case_number:
        raise DomainError({"case_number": _("Oppgi saksnummeret i kommunestyret.")})
    _check_adoption(adopted_on, case_number)
    old = _adoption(participant.adopted_on, participant.case_number)
    participant.adopted_on, participant.case_number = adopted_on, case_number
    _save_participant(participant, acting_user=acting_user, reason=reason)
    label = _("Kommunestyrevedtak i %(m)s") % {"m": participant.municipality.name}
    audit_record(K.AGREEMENT_SAVED, acting_user=acting_user, reason=reason, obj=participant,
                 collaboration=participant.agreement.collaboration, municipality=participant.municipality,
                 old={label: old}, new={label: _adoption(adopted_on, case_number)})
    return participant


@transaction.atomic
def agreement_participant_leave(*, acting_user, participant: HostAgreementParticipant, notice_given_on: dt.date,
                                left_on: dt.date, reason: str) -> HostAgreementParticipant:
    """Record that a participant leaves on `left_on` (its last day), after
    notice given on `notice_given_on`: kommuneloven § 20-4 and the
    agreement's notice period decide the earliest exit date."""
    reason = require_reason(reason, _("Skriv kort hvorfor kommunen trer ut av avtalen."))
    participant = HostAgreementParticipant.objects.select_for_update() \
        .select_related("municipality", "agreement__collaboration", "agreement__host").get(pk=participant.pk)
    agreement = participant.agreement
    if participant.left_on is not None:
        raise DomainError(_("%(m)s trådte allerede ut %(date)s.")
                          % {"m": participant.municipality, "date": norwegian_date(participant.left_on)})
    if notice_given_on is None:
        raise DomainError({"notice_given_on": _("Oppgi datoen oppsigelsen ble gitt.")})
    if participant.joined_on and left_on < participant.joined_on:
        raise DomainError({"left_on": _("Uttreden kan ikke være før kommunen ble med (%(date)s).")
                           % {"date": norwegian_date(participant.joined_on)}})
    if participant.joined_on and notice_given_on < participant.joined_on:
        raise DomainError({"notice_given_on": _("Oppsigelsen kan ikke være gitt før kommunen ble med (%(date)s).")
                           % {"date": norwegian_date(participant.joined_on)}})
    earliest = earliest_exit(notice_given_on, agreement.notice_months)
    if left_on < earliest:
        raise DomainError({"left_on": _(
            "Tidligste uttreden er %(earliest)s: %(months)s måneders oppsigelsestid regnet fra oppsigelsen "
            "%(notice)s.") % {"earliest": norwegian_date(earliest), "months": agreement.notice_months,
                              "notice": norwegian_date(notice_given_on)}})
    participant.left_on, participant.notice_given_on = left_on, notice_given_on
    _save_participant(participant, acting_user=acting_user, reason=reason)
    notice = (_("%(months)s måneder") % {"months": agreement.notice_months} if agreement.notice_months
              else _("ingen i avtalen; kommuneloven § 20-4 gjelder"))
    audit_record(K.AGREEMENT_LEFT, acting_user=acting_user, reason=reason, obj=participant,
                 collaboration=agreement.collaboration, municipality=participant.municipality,
                 old={_("Uttrådt"): EMPTY},
                 new={_("Uttrådt"): norwegian_date(left_on), _("Oppsigelse gitt"): norwegian_date(notice_given_on),
                      _("Oppsigelsestid"): notice, _("Tidligste uttreden"): norwegian_date(earliest)})
    return participant
