"""Role assignments and the guardian object permissions they imply.

A role is recorded as a RoleAssignment row; the object permissions the policy
reads are derived from roles and from facts (memberships, participations,
ownership). `permissions_sync_*` recompute them idempotently; services that
change those facts call the narrow sync for what they touched.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from ..models import (
    Collaboration, CollaborationGroupObjectPermission, Measure, MeasureGroupObjectPermission,
    Membership, Municipality, Network, RoleAssignment,
)
from ..models.roles import Role


def admin_group(municipality: Municipality) -> Group:
    group, _ = Group.objects.get_or_create(name=f"kommune-{municipality.pk}-administrasjon")
    return group


def politician_group(municipality: Municipality) -> Group:
    group, _ = Group.objects.get_or_create(name=f"kommune-{municipality.pk}-folkevalgte")
    return group


@transaction.atomic
def role_grant(*, acting_user, user, role: str, municipality=None, collaboration=None, network=None,
               reason: str = "") -> RoleAssignment:
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user, role=role, municipality=municipality, collaboration=collaboration, network=network)
    assignment.full_clean()
    _apply(assignment, grant=True)
    return assignment


@transaction.atomic
def role_revoke(*, acting_user, assignment: RoleAssignment, reason: str = "") -> None:
    _apply(assignment, grant=False)
    assignment.delete()


def _apply(a: RoleAssignment, *, grant: bool) -> None:
    user = a.user
    if a.role == Role.SECRETARIAT:
        for perm in ("manage_collaboration", "view_internal", "read_dashboards"):
            (assign_perm if grant else remove_perm)(f"collaborations.{perm}", user, a.collaboration)
    elif a.role == Role.NETWORK_COORDINATOR:
        (assign_perm if grant else remove_perm)("collaborations.coordinate_network", user, a.network)
        (assign_perm if grant else remove_perm)("collaborations.read_dashboards", user, a.network.collaboration)
    elif a.role == Role.MUNICIPAL_ADMIN:
        group = admin_group(a.municipality)
        (user.groups.add if grant else user.groups.remove)(group)
        permissions_sync_municipality(a.municipality)
    elif a.role == Role.POLITICIAN:
        group = politician_group(a.municipality)
        (user.groups.add if grant else user.groups.remove)(group)
        permissions_sync_municipality(a.municipality)


def _active_collaborations(municipality: Municipality):
    ids = Membership.objects.filter(municipality=municipality, left_on__isnull=True).values("collaboration_id")
    return Collaboration.objects.filter(pk__in=ids)


@transaction.atomic
def permissions_sync_municipality(municipality: Municipality) -> None:
    """Recompute the object permissions of M's admin and politician groups."""
    admins, politicians = admin_group(municipality), politician_group(municipality)
    collaborations = list(_active_collaborations(municipality))
    CollaborationGroupObjectPermission.objects.filter(group__in=[admins, politicians]).delete()
    for c in collaborations:
        assign_perm("collaborations.view_internal", admins, c)
        assign_perm("collaborations.read_dashboards", admins, c)
        assign_perm("collaborations.read_dashboards", politicians, c)
    MeasureGroupObjectPermission.objects.filter(group=admins).delete()
    owned = Measure.objects.filter(owner_municipality=municipality)
    participating = Measure.objects.filter(participations__municipality=municipality).distinct()
    if owned.exists():
        assign_perm("collaborations.change_measure", admins, owned)
    if participating.exists():
        assign_perm("collaborations.report_measure", admins, participating)


@transaction.atomic
def permissions_sync_measure(measure: Measure) -> None:
    """Recompute group permissions on one measure after its owner or
    participants changed."""
    MeasureGroupObjectPermission.objects.filter(content_object=measure).delete()
    if measure.owner_municipality_id:
        assign_perm("collaborations.change_measure", admin_group(measure.owner_municipality), measure)
    for p in measure.participations.select_related("municipality"):
        assign_perm("collaborations.report_measure", admin_group(p.municipality), measure)
    if measure.responsible_id and measure.responsible.user_id:
        assign_perm("collaborations.change_measure", measure.responsible.user, measure)


@transaction.atomic
def permissions_sync_all() -> None:
    """Rebuild every derived permission from roles and facts. Idempotent."""
    for municipality in Municipality.objects.all():
        if RoleAssignment.objects.filter(municipality=municipality).exists():
            permissions_sync_municipality(municipality)
    for measure in Measure.objects.filter(responsible__user__isnull=False).select_related("responsible__user"):
        assign_perm("collaborations.change_measure", measure.responsible.user, measure)
    for a in RoleAssignment.objects.filter(role__in=[Role.SECRETARIAT, Role.NETWORK_COORDINATOR]).select_related(
            "user", "collaboration", "network__collaboration"):
        _apply(a, grant=True)


def network_coordinators(network: Network):
    return RoleAssignment.objects.filter(role=Role.NETWORK_COORDINATOR, network=network)
