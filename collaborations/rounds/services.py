"""Reporting rounds: opening a round and reminding the owners of what is missing."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.audit import audit_record, user_or_none
from ..access.models import AuditEvent, Role, RoleAssignment
from ..common.dates import norwegian_date
from ..common.errors import DomainError
from ..common.history import who
from ..portfolio.models import Measure
from .models import ReportingRound, RoundReminder
from .selectors import round_readiness

log = logging.getLogger(__name__)

# After the deadline, the "day after" reminder is still sent if the daily task
# missed that day (server down), but not later than this.
AFTER_DEADLINE_CATCH_UP_DAYS = 7


@transaction.atomic
def round_open(*, acting_user, collaboration, title: str, starts_on: dt.date, deadline: dt.date,
               reminder_days_before: int = 7, reason: str = "") -> ReportingRound:
    """Open a reporting round for `collaboration`."""
    if not title.strip():
        raise DomainError({"title": _("Gi runden en tittel.")})
    rnd = ReportingRound(collaboration=collaboration, title=title.strip(), starts_on=starts_on, deadline=deadline,
                         reminder_days_before=reminder_days_before,
                         opened_by=user_or_none(acting_user))
    try:
        rnd.full_clean()
    except ValidationError as error:
        raise DomainError(error.error_dict) from None
    rnd.save()
    audit_record(AuditEvent.Kind.ROUND_OPENED, acting_user=acting_user, reason=reason or rnd.title, obj=rnd,
                 collaboration=collaboration,
                 new={_("Fra"): norwegian_date(starts_on), _("Frist"): norwegian_date(deadline)})
    return rnd


@dataclass
class Recipient:
    email: str
    name: str
    measures: dict[int, Measure] = field(default_factory=dict)


def reminder_kind(rnd: ReportingRound, today: dt.date) -> str | None:
    """Which reminder is due for `rnd` on `today`, if any."""
    if rnd.deadline - dt.timedelta(days=rnd.reminder_days_before) <= today <= rnd.deadline:
        return RoundReminder.Kind.BEFORE
    if rnd.deadline < today <= rnd.deadline + dt.timedelta(days=AFTER_DEADLINE_CATCH_UP_DAYS):
        return RoundReminder.Kind.AFTER
    return None


def reminder_recipients(rnd: ReportingRound) -> list[Recipient]:
    """Who should hear about which missing measures: the responsible person,
    the owner municipality's administrators, and the administrators of each
    participant whose part is missing."""
    readiness = round_readiness(rnd)
    missing = readiness.missing
    municipality_ids = set()
    for row in missing:
        if row.measure.owner_municipality_id:
            municipality_ids.add(row.measure.owner_municipality_id)
        municipality_ids.update(m.pk for m in row.missing_parts)
    admins: dict[int, list] = {}
    for a in RoleAssignment.objects.active().filter(role=Role.MUNICIPAL_ADMIN, municipality_id__in=municipality_ids,
                                           user__is_active=True).select_related("user"):
        admins.setdefault(a.municipality_id, []).append(a.user)
    recipients: dict[str, Recipient] = {}

    def add(email: str, name: str, measure: Measure) -> None:
        if email:
            recipients.setdefault(email.lower(), Recipient(email=email, name=name)).measures[measure.pk] = measure

    for row in missing:
        m = row.measure
        if m.responsible:
            add(m.responsible.email, m.responsible.name, m)
        for mid in {m.owner_municipality_id, *(p.pk for p in row.missing_parts)} - {None}:
            for user in admins.get(mid, []):
                add(user.email, who(user), m)
    return sorted(recipients.values(), key=lambda r: r.email)


def _send(rnd: ReportingRound, kind: str, recipient: Recipient) -> None:
    measures = sorted(recipient.measures.values(), key=lambda m: m.title)
    context = {
        "round": rnd, "kind": kind, "after": kind == RoundReminder.Kind.AFTER, "name": recipient.name,
        "deadline": norwegian_date(rnd.deadline),
        "measures": [(m, settings.SITE_URL.rstrip("/") + reverse("measure_detail", args=[m.pk])) for m in measures],
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("emails/round_reminder_subject.txt", context).split())
    message = EmailMultiAlternatives(subject, render_to_string("emails/round_reminder.txt", context),
                                     settings.DEFAULT_FROM_EMAIL, [recipient.email])
    message.attach_alternative(render_to_string("emails/round_reminder.html", context), "text/html")
    message.send()


def rounds_send_reminders(*, today: dt.date | None = None) -> int:
    """Send the reminders due today for every open round. Idempotent: the
    RoundReminder log records each (round, kind, address) once, in the same
    transaction as the sending, so a second run sends nothing."""
    today = today or timezone.localdate()
    sent = 0
    rounds = ReportingRound.objects.filter(
        deadline__gte=today - dt.timedelta(days=AFTER_DEADLINE_CATCH_UP_DAYS), starts_on__lte=today,
    ).select_related("collaboration")
    for rnd in rounds:
        kind = reminder_kind(rnd, today)
        if kind is None:
            continue
        already = set(RoundReminder.objects.filter(round=rnd, kind=kind).values_list("email", flat=True))
        for recipient in reminder_recipients(rnd):
            if recipient.email.lower() in {e.lower() for e in already}:
                continue
            try:
                with transaction.atomic():
                    RoundReminder.objects.create(round=rnd, kind=kind, email=recipient.email,
                                                 measure_count=len(recipient.measures))
                    _send(rnd, kind, recipient)
            except IntegrityError:
                continue  # another worker sent it in the meantime
            except Exception:
                log.exception("Reminder for round %s to %s failed", rnd.pk, recipient.email)
                continue
            sent += 1
    return sent
