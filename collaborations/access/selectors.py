"""Reads of the audit trail, where each user's work is, and who holds which
role in a collaboration (the roles page, a person's page)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from ..portfolio.models import Measure
from ..registry.models import Collaboration, Membership, Municipality, OutsidePartner, Person
from ..registry.selectors import memberships_on
from . import policy
from .models import AuditEvent, Role, RoleAssignment


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


# ---------------------------------------------------------------- people and roles

@dataclass
class MemberRoles:
    """A member municipality and who holds its roles now."""

    municipality: Municipality
    administrators: list[RoleAssignment] = field(default_factory=list)
    politicians: list[RoleAssignment] = field(default_factory=list)

    @property
    def missing_administrator(self) -> bool:
        return not self.administrators


def _with_people(queryset: QuerySet[RoleAssignment]) -> QuerySet[RoleAssignment]:
    return queryset.select_related("user__person", "municipality", "collaboration", "network", "partner",
                                   "granted_by", "revoked_by")


def members_now(collaboration: Collaboration) -> list[Municipality]:
    """The collaboration's member municipalities today, by name."""
    return list(Municipality.objects.filter(
        pk__in=memberships_on().filter(collaboration=collaboration).values("municipality_id")).order_by("name"))


def partners_in(collaboration: Collaboration) -> QuerySet[OutsidePartner]:
    """The outside partners taking part in the collaboration's measures."""
    return OutsidePartner.objects.filter(measures__collaboration=collaboration).distinct().order_by("name")


def roles_in(collaboration: Collaboration, *, members: list[Municipality] | None = None) -> QuerySet[RoleAssignment]:
    """The active roles that concern the collaboration: its secretariat, its
    networks' coordinators, its outside partners' users, and the
    administrators and politicians of its members today."""
    members = members_now(collaboration) if members is None else members
    return _with_people(RoleAssignment.objects.active().filter(
        Q(collaboration=collaboration) | Q(network__collaboration=collaboration)
        | Q(municipality__in=[m.pk for m in members])
        | Q(role=Role.PARTNER, collaboration__isnull=True, partner__in=partners_in(collaboration).values("pk"))
    )).order_by("role", "user__first_name", "user__last_name", "user__username")


def member_roles(collaboration: Collaboration, roles: list[RoleAssignment],
                 members: list[Municipality]) -> list[MemberRoles]:
    """Each member municipality with its administrators and politicians;
    `roles` as `roles_in` gives them."""
    rows = {m.pk: MemberRoles(m) for m in members}
    for a in roles:
        row = rows.get(a.municipality_id)
        if row is None:
            continue
        if a.role == Role.MUNICIPAL_ADMIN:
            row.administrators.append(a)
        elif a.role == Role.POLITICIAN:
            row.politicians.append(a)
    return list(rows.values())


def members_without_administrator(collaboration: Collaboration) -> list[Municipality]:
    """Member municipalities nobody administers: they get no reminders."""
    members = members_now(collaboration)
    administered = set(RoleAssignment.objects.active().filter(
        role=Role.MUNICIPAL_ADMIN, municipality__in=[m.pk for m in members]).values_list("municipality_id", flat=True))
    return [m for m in members if m.pk not in administered]


def role_in_collaboration(collaboration: Collaboration, assignment_id: int) -> RoleAssignment:
    """One active role that concerns the collaboration, or 404."""
    assignment = roles_in(collaboration).filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404(_("Fant ikke rollen."))
    return assignment


def find_user(identifier: str):
    """An active user by user name or e-mail address (either, case-insensitive), or None."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(username__iexact=identifier).first() or users.filter(email__iexact=identifier).first()


def person_roles(viewer, user) -> list[RoleAssignment]:
    """Every role the person has or had that `viewer` may read, active ones
    first, each with `grant_reason` and `revoke_reason` from the audit trail."""
    roles = list(policy.visible_role_assignments(viewer, _with_people(RoleAssignment.objects.filter(user=user)))
                 .select_related("network__collaboration").order_by("-granted_at"))
    roles.sort(key=lambda a: a.revoked_at is not None)
    reasons = dict(((e_object_id, kind), reason) for e_object_id, kind, reason in AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(RoleAssignment), object_id__in=[a.pk for a in roles],
        kind__in=[AuditEvent.Kind.ROLE_GRANTED, AuditEvent.Kind.ROLE_REVOKED],
    ).order_by("occurred_at").values_list("object_id", "kind", "reason"))
    for a in roles:
        a.grant_reason = reasons.get((a.pk, AuditEvent.Kind.ROLE_GRANTED), "")
        a.revoke_reason = reasons.get((a.pk, AuditEvent.Kind.ROLE_REVOKED), "")
    return roles


def person_of(user) -> Person | None:
    return Person.objects.select_related("municipality").filter(user=user).first()


def person_measures(viewer, person: Person | None) -> list[Measure]:
    """The measures the person answers for that `viewer` may see."""
    if person is None:
        return []
    return list(policy.visible_measures(viewer, Measure.objects.filter(responsible=person))
                .select_related("collaboration").order_by("collaboration__name", "number", "title"))
