"""Writes to meetings, their cases, follow-ups and subprojects: each takes
the acting user and a reason, keeps history and writes an audit event.

Rules:
* A case's number is unique within its body and year ("Sak 7/2017"), across
  the body's meetings that year.
* A case concerns only measures, agreements and subprojects of the meeting's
  own collaboration.
* A follow-up is done on a day that is not before the meeting.
* A joint council case concerns the collaboration's own agreement, plan or
  meeting case; a council that has decided stays on it; a decision other
  than "not yet" has its meeting date, not before the case was sent, and
  "adopted with changes" says what changed.
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

from ..access.audit import Records, audit_record, audited_delete, audited_save, user_or_none
from ..access.models import AuditEvent
from ..common.dates import norwegian_date
from ..common.errors import DomainError
from ..common.files import save_with_file
from ..portfolio.models import Document
from ..portfolio.services import document_file_error
from .calendar import new_token
from .models import CalendarFeed, CouncilCase, CouncilCaseAttachment, CouncilDecision, FollowUp, FollowUpReminder, MeetingCase

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
COUNCIL_CASES = Records("council_case", saved=K.COUNCIL_CASE_SAVED)  # deleting; saving: council_case_save

meeting_save, meeting_delete = MEETINGS.save, MEETINGS.delete
case_delete = CASES.delete
follow_up_delete = FOLLOW_UPS.delete
subproject_save, subproject_delete = SUBPROJECTS.save, SUBPROJECTS.delete


def _collaboration_id(item) -> int:
    """A linked item's collaboration, without fetching it (a document's is its measure's)."""
    return item.measure.collaboration_id if isinstance(item, Document) else item.collaboration_id


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
        strangers = [str(i) for i in items if _collaboration_id(i) != collaboration_id]
        if strangers:
            errors[field] = _("Hører ikke til dette samarbeidet: %(names)s.") % {"names": ", ".join(strangers)}
    if errors:
        raise DomainError(errors)


def case_save(*, acting_user, reason: str, case: MeetingCase, measures=None, agreements=None,
              subprojects=None, documents=None) -> MeetingCase:
    """Save a case as typed, with the measures, agreements, subprojects and
    documents (of the collaboration's measures) it concerns (None leaves a
    link list as it is)."""
    links = {name: list(items) for name, items in
             (("measures", measures), ("agreements", agreements), ("subprojects", subprojects),
              ("documents", documents)) if items is not None}
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


# ---------------------------------------------------------------- joint council cases

def _check_council_case(council_case: CouncilCase) -> None:
    collaboration_id = council_case.collaboration_id
    errors = {}
    if council_case.agreement_id and council_case.agreement.collaboration_id != collaboration_id:
        errors["agreement"] = _("Avtalen hører ikke til dette samarbeidet.")
    if council_case.plan_id and council_case.plan.collaboration_id != collaboration_id:
        errors["plan"] = _("Planen hører ikke til dette samarbeidet.")
    if council_case.origin_id and council_case.origin.meeting.body.collaboration_id != collaboration_id:
        errors["origin"] = _("Møtesaken hører ikke til dette samarbeidet.")
    if council_case.subject == CouncilCase.Subject.HOST_AGREEMENT and not council_case.agreement_id:
        errors["agreement"] = _("Velg vertskommuneavtalen saken gjelder.")
    if council_case.subject == CouncilCase.Subject.PLAN and not council_case.plan_id:
        errors["plan"] = _("Velg planen saken gjelder.")
    if council_case.subject == CouncilCase.Subject.ADMISSION and not council_case.new_member_id:
        errors["new_member"] = _("Velg kommunen som søker om å bli medlem.")
    if errors:
        raise DomainError(errors)


@transaction.atomic
def council_case_save(*, acting_user, reason: str, council_case: CouncilCase, councils=None) -> CouncilCase:
    """Save a joint council case as typed. `councils`: the member
    municipalities whose councils get the case (None leaves them as they are);
    a council that has already decided cannot be taken off the case."""
    _check_council_case(council_case)
    wanted = None if councils is None else {m.pk: m for m in councils}
    if wanted is not None and not wanted:
        raise DomainError({"councils": _("Velg minst ett kommunestyre.")})

    def set_councils(saved: CouncilCase) -> None:
        if wanted is None:
            return
        current = {d.municipality_id: d for d in saved.decisions.select_related("municipality")}
        decided = [d for mid, d in current.items() if mid not in wanted
                   and d.outcome != CouncilDecision.Outcome.PENDING]
        if decided:
            raise DomainError({"councils": _("%(names)s har allerede behandlet saken og kan ikke tas ut av den.") % {
                "names": ", ".join(sorted(d.municipality.name for d in decided))}})
        for mid, decision in current.items():
            if mid not in wanted:
                audited_delete(decision, acting_user=acting_user, reason=reason, collaboration=saved.collaboration)
        for mid, municipality in wanted.items():
            if mid not in current:
                audited_save(CouncilDecision(council_case=saved, municipality=municipality),
                             acting_user=acting_user, reason=reason, kind=K.COUNCIL_CASE_SAVED,
                             collaboration=saved.collaboration)

    return audited_save(council_case, acting_user=acting_user, reason=reason, kind=K.COUNCIL_CASE_SAVED,
                        collaboration=council_case.collaboration, after_save=set_councils)


def council_decision_save(*, acting_user, reason: str, decision: CouncilDecision) -> CouncilDecision:
    """Record how a member council handled the case (its case number, meeting date and outcome)."""
    errors = {}
    decided = decision.outcome != CouncilDecision.Outcome.PENDING
    if decided and decision.decided_on is None:
        errors["decided_on"] = _("Skriv datoen for møtet i kommunestyret.")
    sent_on = decision.council_case.sent_on
    if decision.decided_on and sent_on and decision.decided_on < sent_on:
        errors["decided_on"] = _("Kan ikke være før saken ble sendt kommunene (%(date)s).") % {
            "date": norwegian_date(sent_on)}
    if decision.outcome == CouncilDecision.Outcome.AMENDED and not decision.amendments.strip():
        errors["amendments"] = _("Skriv hva kommunestyret endret i forslaget.")
    if errors:
        raise DomainError(errors)
    return audited_save(decision, acting_user=acting_user, reason=reason, kind=K.COUNCIL_CASE_SAVED,
                        collaboration=decision.council_case.collaboration)


# ---------------------------------------------------------------- the annual wheel and calendar feeds

WHEEL = Records("wheel_item", saved=K.WHEEL_SAVED)
wheel_item_save, wheel_item_delete = WHEEL.save, WHEEL.delete


@transaction.atomic
def calendar_feed_reset(*, acting_user, reason: str = "") -> CalendarFeed:
    """Give `acting_user` a personal calendar feed with a new secret address;
    the old address stops working at once."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(
        user=acting_user, defaults={"token": new_token()})
    if not _created:
        feed.token = new_token()
        feed.save(update_fields=["token", "created_at"])
    audit_record(K.CALENDAR_FEED_RESET, acting_user=acting_user, reason=reason or _("Ny kalenderlenke"), obj=feed,
                 modified_user=acting_user)
    return feed


@transaction.atomic
def council_case_attach(*, acting_user, council_case: CouncilCase, file, title: str,
                        reason: str = "") -> CouncilCaseAttachment:
    """Attach a document to a joint council case (checked like a measure's documents)."""
    error = document_file_error(file)
    if error:
        raise DomainError({"file": error})
    attachment = CouncilCaseAttachment(council_case=council_case, title=title.strip() or file.name, size=file.size,
                                       uploaded_by=user_or_none(acting_user))
    save_with_file(attachment, "file", file)
    audit_record(K.DOCUMENT_UPLOADED, acting_user=acting_user, reason=reason or _("Vedlegg lastet opp"),
                 obj=attachment, collaboration=council_case.collaboration,
                 new={_("Felles sak"): council_case.title, _("Vedlegg"): attachment.title})
    return attachment
