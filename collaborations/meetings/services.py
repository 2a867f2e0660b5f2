"""Writes to meetings, their cases and subprojects: each takes the acting
user and a reason, keeps history and writes an audit event."""

from __future__ import annotations

from ..access.audit import Records
from ..access.models import AuditEvent

K = AuditEvent.Kind
MEETINGS = Records("meeting", saved=K.MEETING_SAVED)
CASES = Records("case", saved=K.MEETING_SAVED)
SUBPROJECTS = Records("subproject", saved=K.MEETING_SAVED)

meeting_save, meeting_delete = MEETINGS.save, MEETINGS.delete
case_save, case_delete = CASES.save, CASES.delete
subproject_save, subproject_delete = SUBPROJECTS.save, SUBPROJECTS.delete
