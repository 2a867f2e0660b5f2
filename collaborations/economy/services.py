"""Writes to the economy: cost keys and host agreements with their participants.
Each takes the acting user and a reason, keeps history and writes an audit event."""

from __future__ import annotations

from django.db import transaction

from ..access.audit import Records, audited_save
from ..access.models import AuditEvent
from .models import HostAgreement

K = AuditEvent.Kind
COST_KEYS = Records("cost_key", saved=K.COST_KEY_SAVED, deleted=K.COST_KEY_DELETED)
AGREEMENTS = Records("agreement", saved=K.AGREEMENT_SAVED, deleted=K.AGREEMENT_DELETED)
# A municipality buying the service, with its council's adoption (date, case number).
AGREEMENT_PARTICIPANTS = Records("participant", saved=K.AGREEMENT_SAVED, deleted=K.AGREEMENT_DELETED)

cost_key_save, cost_key_delete = COST_KEYS.save, COST_KEYS.delete
agreement_delete = AGREEMENTS.delete
agreement_participant_save, agreement_participant_delete = AGREEMENT_PARTICIPANTS.save, AGREEMENT_PARTICIPANTS.delete


@transaction.atomic
def agreement_save(*, acting_user, agreement: HostAgreement, reason: str) -> HostAgreement:
    """Save a host agreement; every change gives it a new version."""
    if agreement.pk:
        agreement.version = (HostAgreement.objects.filter(pk=agreement.pk).values_list("version", flat=True)
                             .first() or 0) + 1
    return audited_save(agreement, acting_user=acting_user, reason=reason, collaboration=agreement.collaboration,
                        kind=K.AGREEMENT_SAVED, exclude={"version"})
