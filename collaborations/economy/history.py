"""Host agreements, their participants and cost keys as they stood at a
moment, rebuilt from history (common.history.latest_as_of)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..common.dates import is_active_on
from ..common.history import latest_as_of, rows_as_of
from .models import CostKey, HostAgreement, HostAgreementParticipant


def agreements_as_of(collaboration, moment: dt.datetime, *, include_internal: bool) -> list[tuple[object, list]]:
    """[(agreement record, [participant records])] as they stood at `moment`:
    agreements running on that day, with every participant they had then
    (including those who had left: who pays in a year is payments' question).
    Agreements loaded without history (bulk loads) are taken as they are now,
    marked `without_history`."""
    day = moment.date()
    records = [r for r in latest_as_of(HostAgreement.history.model.objects.filter(collaboration_id=collaboration.pk),
                                       moment)
               if is_active_on(r.starts_on, r.ends_on, day) and (include_internal or r.visibility == "published")]
    participants: dict[int, list] = defaultdict(list)
    for rec in latest_as_of(HostAgreementParticipant.history.model.objects.filter(
            agreement_id__in=[r.id for r in records]), moment):
        participants[rec.agreement_id].append(rec)
    tracked = HostAgreement.history.model.objects.filter(collaboration_id=collaboration.pk).values("id")
    for a in HostAgreement.objects.filter(collaboration_id=collaboration.pk).exclude(pk__in=tracked) \
            .prefetch_related("participants"):
        if is_active_on(a.starts_on, a.ends_on, day) and (include_internal or a.visibility == "published"):
            a.without_history = True
            records.append(a)
            participants[a.pk] = list(a.participants.all())
    return [(r, sorted(participants.get(r.id, []), key=lambda p: p.municipality_id))
            for r in sorted(records, key=lambda r: (r.service, r.id))]


def cost_keys_as_of(key_ids, moment: dt.datetime) -> dict[int, object]:
    """Cost keys (percentages and population year) as they stood at `moment`."""
    return rows_as_of(CostKey, key_ids, moment)
