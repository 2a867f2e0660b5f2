"""Writes to meetings, their cases and subprojects: each takes the acting
user and a reason, keeps history and writes an audit event."""

from __future__ import annotations

from django.db import transaction

from ..access.audit import audited_delete, audited_save
from ..access.models import AuditEvent
from .models import Meeting, MeetingCase, Subproject


@transaction.atomic
def meeting_save(*, acting_user, meeting: Meeting, reason: str) -> Meeting:
    return audited_save(meeting, acting_user=acting_user, reason=reason, collaboration=meeting.body.collaboration,
                        kind=AuditEvent.Kind.MEETING_SAVED)


@transaction.atomic
def meeting_delete(*, acting_user, meeting: Meeting, reason: str) -> None:
    audited_delete(meeting, acting_user=acting_user, reason=reason, collaboration=meeting.body.collaboration)


@transaction.atomic
def case_save(*, acting_user, case: MeetingCase, reason: str) -> MeetingCase:
    return audited_save(case, acting_user=acting_user, reason=reason,
                        collaboration=case.meeting.body.collaboration, kind=AuditEvent.Kind.MEETING_SAVED)


@transaction.atomic
def case_delete(*, acting_user, case: MeetingCase, reason: str) -> None:
    audited_delete(case, acting_user=acting_user, reason=reason, collaboration=case.meeting.body.collaboration)


@transaction.atomic
def subproject_save(*, acting_user, subproject: Subproject, reason: str) -> Subproject:
    return audited_save(subproject, acting_user=acting_user, reason=reason, collaboration=subproject.collaboration,
                        kind=AuditEvent.Kind.MEETING_SAVED)


@transaction.atomic
def subproject_delete(*, acting_user, subproject: Subproject, reason: str) -> None:
    audited_delete(subproject, acting_user=acting_user, reason=reason, collaboration=subproject.collaboration)
