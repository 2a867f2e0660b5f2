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

from django.db import transaction
from django.utils.translation import gettext as _

from ..access.audit import Records, audited_save
from ..access.models import AuditEvent
from ..common.dates import norwegian_date
from ..common.errors import DomainError
from .models import FollowUp, MeetingCase

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
