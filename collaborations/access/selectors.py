"""Reads of the audit trail, and where each user's work is."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from ..registry.models import Collaboration, Membership
from ..registry.selectors import memberships_on
from . import policy
from .models import AuditEvent, Role


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


def municipal_memberships(user) -> list[Membership]:
    """The memberships in force today of the municipalities the user holds a
    municipal role for (politician or administration), by municipality and
    collaboration: "Kåfjord i Nord-Troms"."""
    ids = policy.user_municipality_ids(user, Role.POLITICIAN) | policy.user_municipality_ids(user)
    return list(memberships_on().filter(municipality_id__in=ids).select_related("municipality", "collaboration")
                .order_by("municipality__name", "collaboration__name"))


def has_measures_to_report(user) -> bool:
    return policy.reportable_measures(user).exists()


def is_politician(user) -> bool:
    return bool(policy.user_municipality_ids(user, Role.POLITICIAN))
