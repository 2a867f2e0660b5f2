"""Reads of the audit trail."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from ..registry.models import Collaboration
from .models import AuditEvent


def audit_events(collaboration: Collaboration) -> QuerySet[AuditEvent]:
    """Every recorded change in the collaboration, newest first, with who did
    it and whom it concerned (one query per page)."""
    return AuditEvent.objects.filter(collaboration=collaboration).select_related(
        "acting_user", "modified_user", "municipality").order_by("-occurred_at", "-id")


def people_in(collaboration: Collaboration):
    """Everyone who made or was the subject of a change in the collaboration."""
    events = AuditEvent.objects.filter(collaboration=collaboration)
    return get_user_model().objects.filter(
        Q(pk__in=events.values("acting_user_id")) | Q(pk__in=events.values("modified_user_id"))
    ).order_by("first_name", "last_name", "username")
