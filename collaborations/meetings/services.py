"""Writes to meetings, their cases, follow-ups and subprojects: each takes
the acting user and a reason, keeps history and writes an audit event.

Rules:
* A case's number is unique within its body and year ("Sak 7/2017"), across
  the body's meetings that year.
* A case concerns only measures, agreements and subprojects of the meeting's
  own collaboration.
* A follow-up is done on a day that is not before the meeting.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.audit import Records, audited_save
from ..access.models import AuditEvent
from ..common.dates import norwegian_date
from ..common.errors import DomainError
from .models import FollowUp, FollowUpReminder, MeetingCase

log = logging.getLogger(__name__)

# A follow-up's responsible person hears about it this many days before the deadline, and once in the
# week after it while it is not done.
REMINDER_DAYS_BEFORE = 7
AFTER_DEADLINE_CATCH_UP_DAYS = 7

K = AuditEvent.Kind
MEETINGS = Records("meeting", saved=K.MEETING_SAVED)
CASES = Records("case", saved=K.MEETING_SAVED)
FOLLOW_UPS = Records("follow_up", saved=K.MEETING_SAVED)
SUBPROJECTS = Records("subproject", saved=K.MEETING_SAVED)

meeting_save, meeting_delete = MEETINGS.save, MEETINGS.delete
case_delete = CASES.delete
follow_up_delete = FOLLOW_UPS.delete
subproject_save, subproject_delete = SUBPROJECTS.save, SUBPROJECTS.delete


def _check_case(case: MeetingCase, links: dict[str, list]) -> None:
    meeting = case.meeting
    taken = MeetingCase.objects.filter(meeting__body_id=meeting.body_id, meeting__held_on__year=meeting.held_on.year,
                                       number=case.number).exclude(pk=case.pk).select_related("meeting").first()
    if taken is not None:
        raise DomainError({"number": _("%(body)s har allerede sak %(ref)s (møtet %(date)s). Velg et annet nummer.") % {
            "body": meeting.body.name, "ref": taken.reference, "date": norwegian_date(taken.meeting.held_on)}})
    collaboration_id = meeting.body.collaboration_id
    errors = {}
    for field, items in links.items():
        strangers = [str(i) for i in items if i.collaboration_id != collaboration_id]
        if strangers:
            errors[field] = _("Hører ikke til dette samarbeidet: %(names)s.") % {"names": ", ".join(strangers)}
    if errors:
        raise DomainError(errors)


def case_save(*, acting_user, reason: str, case: MeetingCase, measures=None, agreements=None,
              subprojects=None) -> MeetingCase:
    """Save a case as typed, with the measures, agreements and subprojects it
    concerns (None leaves a link list as it is)."""
    links = {name: list(items) for name, items in
             (("measures", measures), ("agreements", agreements), ("subprojects", subprojects)) if items is not None}
    _check_case(case, links)

    def set_links(saved: MeetingCase) -> None:
        for name, items in links.items():
            getattr(saved, name).set(items)

    return audited_save(case, acting_user=acting_user, reason=reason, kind=K.MEETING_SAVED,
                        collaboration=case.meeting.body.collaboration, after_save=set_links)


def follow_up_save(*, acting_user, reason: str, follow_up: FollowUp) -> FollowUp:
    meeting = follow_up.case.meeting
    if follow_up.done_on is not None and follow_up.done_on < meeting.held_on:
        raise DomainError({"done_on": _("Kan ikke være utført før møtet (%(date)s).") % {
            "date": norwegian_date(meeting.held_on)}})
    return FOLLOW_UPS.save(acting_user=acting_user, reason=reason, follow_up=follow_up)


@transaction.atomic
def follow_up_done(*, acting_user, reason: str, follow_up: FollowUp, done_on: dt.date) -> FollowUp:
    """Mark a follow-up done on `done_on`."""
    if follow_up.done_on is not None:
        raise DomainError(_("Oppfølgingen er allerede registrert som utført %(date)s.") % {
            "date": norwegian_date(follow_up.done_on)})
    follow_up.done_on = done_on
    return follow_up_save(acting_user=acting_user, reason=reason, follow_up=follow_up)


# ---------------------------------------------------------------- reminders

def reminder_kind(follow_up: FollowUp, today: dt.date) -> str | None:
    """Which reminder is due for an open follow-up with a deadline on `today`, if any."""
    due = follow_up.due_on
    if due - dt.timedelta(days=REMINDER_DAYS_BEFORE) <= today <= due:
        return FollowUpReminder.Kind.BEFORE
    if due < today <= due + dt.timedelta(days=AFTER_DEADLINE_CATCH_UP_DAYS):
        return FollowUpReminder.Kind.AFTER
    return None


def _send_reminder(follow_up: FollowUp, kind: str) -> None:
    case, meeting = follow_up.case, follow_up.case.meeting
    context = {
        "follow_up": follow_up, "case": case, "meeting": meeting, "after": kind == FollowUpReminder.Kind.AFTER,
        "name": follow_up.person.name, "due": norwegian_date(follow_up.due_on), "held_on": norwegian_date(meeting.held_on),
        "url": settings.SITE_URL.rstrip("/") + reverse("meeting_detail", args=[meeting.body.collaboration.slug,
                                                                              meeting.pk]) + f"#sak-{case.pk}",
    }
    subject = " ".join(render_to_string("emails/follow_up_reminder_subject.txt", context).split())
    message = EmailMultiAlternatives(subject, render_to_string("emails/follow_up_reminder.txt", context),
                                     settings.DEFAULT_FROM_EMAIL, [follow_up.person.email])
    message.attach_alternative(render_to_string("emails/follow_up_reminder.html", context), "text/html")
    message.send()


def follow_ups_send_reminders(*, today: dt.date | None = None) -> int:
    """Remind the responsible person of each open follow-up with a deadline
    (and an e-mail address) a week before the deadline and once after it.
    Idempotent: FollowUpReminder records each (follow-up, kind, address) in
    the same transaction as the sending, so a second run sends nothing."""
    today = today or timezone.localdate()
    candidates = (FollowUp.objects.filter(
        done_on__isnull=True, person__isnull=False,
        due_on__range=(today - dt.timedelta(days=AFTER_DEADLINE_CATCH_UP_DAYS),
                       today + dt.timedelta(days=REMINDER_DAYS_BEFORE)))
        .exclude(person__email="").select_related("person", "case__meeting__body__collaboration"))
    sent = 0
    for follow_up in candidates:
        kind = reminder_kind(follow_up, today)
        email = follow_up.person.email
        if kind is None or FollowUpReminder.objects.filter(follow_up=follow_up, kind=kind, email__iexact=email).exists():
            continue
        try:
            with transaction.atomic():
                FollowUpReminder.objects.create(follow_up=follow_up, kind=kind, email=email)
                _send_reminder(follow_up, kind)
        except IntegrityError:
            continue  # another worker sent it in the meantime
        except Exception:
            log.exception("Reminder for follow-up %s to %s failed", follow_up.pk, email)
            continue
        sent += 1
    return sent
