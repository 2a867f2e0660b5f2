"""Reads of the registry: who is a member when, and a collaboration's page."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ..common.dates import active_on_q
from .models import Body, Collaboration, Membership, Municipality


def collaborations() -> QuerySet[Collaboration]:
    """Every collaboration, for the start page (collaborations are public)."""
    return Collaboration.objects.select_related("parent").order_by("name")


def memberships_on(day: dt.date | None = None) -> QuerySet[Membership]:
    """Memberships in force on `day` (today by default): joined by then, not yet left."""
    return Membership.objects.filter(active_on_q(day or timezone.localdate(), "joined_on", "left_on"))


def members_on(collaboration: Collaboration, day: dt.date) -> list[Municipality]:
    """The municipalities that are members of `collaboration` on `day`, by name."""
    ids = memberships_on(day).filter(collaboration=collaboration).values("municipality_id")
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def memberships(collaboration: Collaboration) -> QuerySet[Membership]:
    """Every membership, past and present, with the municipality."""
    return collaboration.memberships.select_related("municipality").order_by("municipality__name", "joined_on")


def bodies(collaboration: Collaboration) -> QuerySet[Body]:
    return collaboration.bodies.select_related("municipality").order_by("kind", "name")


def member_municipality(collaboration: Collaboration, number: str) -> Municipality | None:
    """The member (past or present) with this number; the newest if the number was reused."""
    return Municipality.objects.filter(number=number, memberships__collaboration=collaboration) \
        .order_by("-valid_from").distinct().first()


def municipality_by_id(municipality_id: int) -> Municipality:
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None:
        raise Http404(_("Fant ikke kommunen."))
    return municipality
