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
    Collaboration,
    CollaborationGroupObjectPermission,
    Measure,
    MeasureGroupObjectPermission,
    Membership,
    Municipality,
    Network,
    RoleAssignment,
)
from ..models.roles import Role


def admin_group(municipality: Municipality) -> Group:
    group, _ = Group.objects.get_or_create(name=f"kommune-{municipality.pk}-administrasjon")
    return group


def politician_group(municipality: Municipality) -> Group:
    group, _ = Group.objects.get_or_create(name=f"kommune-{municipality.pk}-folkevalgte")
    return group


# Model-level permissions that let a secretariat user into the Django admin.
# They only open the door: which rows they see and may change is decided per
# object by the policy (collaborations.admin asks it), never by these.
STAFF_MODEL_PERMISSIONS = {
    "collaboration": ("view", "change"),
    "membership": ("view",),            # joins and exits go through services.memberships
    "body": ("view", "add", "change", "delete"),
    "bodymember": ("view", "add", "change", "delete"),
    "costkey": ("view", "add", "change", "delete"),
    "network": ("view", "add", "change", "delete"),
    "hostagreement": ("view", "add", "change", "delete"),
    "hostagreementparticipant": ("view", "add", "change", "delete"),
    "planperiod": ("view", "add", "change", "delete"),
    "strategy": ("view", "add", "change", "delete"),
    "measure": ("view", "add", "change", "delete"),
    "participation": ("view", "add", "change", "delete"),
    "statusupdate": ("view",),          # never edited
    "meeting": ("view", "add", "change", "delete"),
    "meetingcase": ("view", "add", "change", "delete"),
    "subproject": ("view", "add", "change", "delete"),
    "roleassignment": ("view", "add", "delete"),
    "municipality": ("view", "change"),
    "populationfigure": ("view", "add", "change", "delete"),
    "county": ("view",),
    "outsidepartner": ("view", "add", "change"),
    "person": ("view", "add", "change"),
}


def staff_group() -> Group:
    """The group that gives secretariat users the model permissions needed to
    enter the admin. Idempotent: re-running it repairs the group."""
    from django.contrib.auth.models import Permission

    group, _ = Group.objects.get_or_create(name="sekretariat-admin")
    wanted = [f"{action}_{model}" for model, actions in STAFF_MODEL_PERMISSIONS.items() for action in actions]
    perms = Permission.objects.filter(content_type__app_label="collaborations", codename__in=wanted)
    group.permissions.set(perms)
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
        _apply_staff(a, grant=grant)
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


def _apply_staff(a: RoleAssignment, *, grant: bool) -> None:
    """A secretariat user works in the admin: staff flag and the staff group.
    Revoking the last secretariat role takes both away again (a superuser
    keeps the staff flag)."""
    user = a.user
    if grant:
        user.groups.add(staff_group())
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        return
    others = RoleAssignment.objects.filter(user=user, role=Role.SECRETARIAT).exclude(pk=a.pk).exists()
    if not others:
        user.groups.remove(staff_group())
        if user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])


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
