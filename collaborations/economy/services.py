"""Writes to the economy: cost keys and host agreements with their participants.
Each takes the acting user and a reason, keeps history and writes an audit event."""

from __future__ import annotations

from django.db import transaction

from ..access.audit import audited_delete, audited_save
from ..access.models import AuditEvent
from .models import CostKey, HostAgreement, HostAgreementParticipant


@transaction.atomic
def cost_key_save(*, acting_user, cost_key: CostKey, reason: str) -> CostKey:
    return audited_save(cost_key, acting_user=acting_user, reason=reason, collaboration=cost_key.collaboration,
                        kind=AuditEvent.Kind.COST_KEY_SAVED)


@transaction.atomic
def cost_key_delete(*, acting_user, cost_key: CostKey, reason: str) -> None:
    audited_delete(cost_key, acting_user=acting_user, reason=reason, collaboration=cost_key.collaboration,
                   kind=AuditEvent.Kind.COST_KEY_DELETED)


@transaction.atomic
def agreement_save(*, acting_user, agreement: HostAgreement, reason: str) -> HostAgreement:
    """Save a host agreement; every change gives it a new version."""
    if agreement.pk:
        agreement.version = (HostAgreement.objects.filter(pk=agreement.pk).values_list("version", flat=True)
                             .first() or 0) + 1
    return audited_save(agreement, acting_user=acting_user, reason=reason, collaboration=agreement.collaboration,
                        kind=AuditEvent.Kind.AGREEMENT_SAVED, exclude={"version"})


@transaction.atomic
def agreement_delete(*, acting_user, agreement: HostAgreement, reason: str) -> None:
    audited_delete(agreement, acting_user=acting_user, reason=reason, collaboration=agreement.collaboration,
                   kind=AuditEvent.Kind.AGREEMENT_DELETED)


@transaction.atomic
def agreement_participant_save(*, acting_user, participant: HostAgreementParticipant,
                               reason: str) -> HostAgreementParticipant:
    """A municipality buying the service, with its council's adoption (date, case number)."""
    return audited_save(participant, acting_user=acting_user, reason=reason,
                        collaboration=participant.agreement.collaboration, kind=AuditEvent.Kind.AGREEMENT_SAVED)


@transaction.atomic
def agreement_participant_delete(*, acting_user, participant: HostAgreementParticipant, reason: str) -> None:
    audited_delete(participant, acting_user=acting_user, reason=reason,
                   collaboration=participant.agreement.collaboration, kind=AuditEvent.Kind.AGREEMENT_DELETED)
