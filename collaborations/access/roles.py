"""Roles: granting and revoking them, and the object permissions they imply.

`ROLE_GRANTS` is the one table of which role yields which permission on
which object; the sync functions below and the national dataset generator
both read it. A role is recorded as a RoleAssignment row (revoking marks it
revoked, never deletes it) and every grant and revoke writes an AuditEvent
with who, when and why.

The object permissions the policy reads are derived from roles and from facts
(memberships, participations, ownership, who is responsible);
`permissions_sync_*` recompute them idempotently, and every service that
changes such a fact calls the narrow sync for what it touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from ..common.errors import DomainError
from ..portfolio.models import Measure
from ..registry.models import Collaboration, Membership, Municipality
from ..registry.selectors import memberships_on
from .audit import audit_record, require_reason, user_or_none
from .models import (
    AuditEvent,
    CollaborationGroupObjectPermission,
    MeasureGroupObjectPermission,
    MeasureUserObjectPermission,
    Role,
    RoleAssignment,
)


@dataclass(frozen=True)
class Grants:
    """The guardian codenames a role yields, by the object they are granted on."""

    collaboration: tuple[str, ...] = ()            # the role's collaboration (secretariat) or its network's
    network: tuple[str, ...] = ()                  # the coordinator's network
    member_collaborations: tuple[str, ...] = ()    # every collaboration the municipality is a member of now
    owned_measures: tuple[str, ...] = ()           # measures the municipality owns
    participating_measures: tuple[str, ...] = ()   # measures the municipality takes part in
    partner_measures: tuple[str, ...] = ()         # measures the outside partner takes part in (Measure.partners)


ROLE_GRANTS: dict[str, Grants] = {
    Role.SECRETARIAT: Grants(collaboration=("manage_collaboration", "view_internal", "read_reports")),
    Role.NETWORK_COORDINATOR: Grants(network=("coordinate_network",), collaboration=("read_reports",)),
    Role.MUNICIPAL_ADMIN: Grants(member_collaborations=("view_internal", "read_reports"),
                                 owned_measures=("change_measure",), participating_measures=("report_measure",)),
    Role.POLITICIAN: Grants(member_collaborations=("read_reports",)),
    Role.PARTNER: Grants(partner_measures=("report_measure",)),
}
# The person responsible for a measure, once linked to a login, edits it.
RESPONSIBLE_GRANTS = ("change_measure",)
# Roles of a municipality apply through one group per municipality and role.
MUNICIPAL_ROLES = (Role.MUNICIPAL_ADMIN, Role.POLITICIAN)
GROUP_NAMES = {Role.MUNICIPAL_ADMIN: "kommune-{pk}-administrasjon", Role.POLITICIAN: "kommune-{pk}-folkevalgte"}


def municipality_group(municipality: Municipality, role: str) -> Group:
    group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role].format(pk=municipality.pk))
    return group


# Model-level permissions that let a secretariat user into the Django admin.
# They only open the door: which rows they see and may change is decided per
# object by the policy (access.admin asks it), never by these.
STAFF_MODEL_PERMISSIONS = {
    "collaboration": ("view", "change"),
    "membership": ("view", "add", "change"),   # through registry.services: consent and § 20-4
    "body": ("view", "add", "change", "delete"),
    "bodymember": ("view", "add", "change", "delete"),
    "costkey": ("view", "add", "change", "delete"),
    "network": ("view", "add", "change", "delete"),
    "hostagreement": ("view", "add", "change", "delete"),
    "hostagreementparticipant": ("view", "add", "change", "delete"),
    "planperiod": ("view", "add", "change", "delete"),
    "strategy": ("view", "add", "change", "delete"),
    "measure": ("view", "add", "change", "delete"),
    "participation": ("view",),                  # through the measure's participants field
    "statusupdate": ("view",),                   # never edited
    "meeting": ("view", "add", "change", "delete"),
    "meetingcase": ("view", "add", "change", "delete"),
    "followup": ("view", "add", "change", "delete"),
    "councilcase": ("view", "add", "change", "delete"),
    "councildecision": ("view", "add", "change"),
    "wheelitem": ("view", "add", "change", "delete"),
    "subproject": ("view", "add", "change", "delete"),
    "roleassignment": ("view", "add", "delete"),
    "auditevent": ("view",),
    "municipality": ("view", "change"),
    "populationfigure": ("view", "add", "change", "delete"),
    "county": ("view",),
    "outsidepartner": ("view", "add", "change"),
    "person": ("view", "add", "change"),
}


def staff_group() -> Group:
    """The group that gives secretariat users the model permissions needed to
    enter the admin. Idempotent: re-running it repairs the group."""
    group, _created = Group.objects.get_or_create(name="sekretariat-admin")
    wanted = [f"{action}_{model}" for model, actions in STAFF_MODEL_PERMISSIONS.items() for action in actions]
    group.permissions.set(Permission.objects.filter(content_type__app_label="collaborations", codename__in=wanted))
    return group


def scope_label(a: RoleAssignment) -> str:
    """What a role applies to, in words: a partner's role names the partner and where."""
    if a.role == Role.PARTNER and a.partner_id:
        if a.collaboration_id:
            return _("%(partner)s i %(collaboration)s") % {"partner": a.partner, "collaboration": a.collaboration}
        return str(a.partner)
    return str(a.scope)


def _describe(a: RoleAssignment) -> dict[str, str]:
    return {_("Bruker"): a.user.get_username(), _("Rolle"): a.get_role_display(), _("Gjelder"): scope_label(a)}


@transaction.atomic
def role_grant(*, acting_user, user, role: str, reason: str, municipality=None, collaboration=None,
               network=None, partner=None, in_collaboration: Collaboration | None = None) -> RoleAssignment:
    """Give `user` a role, with the permissions ROLE_GRANTS lists for it.
    Granting a role the user already has changes nothing and records nothing.
    `in_collaboration`: where the grant was made (the audit trail it belongs
    to) when the role's own scope does not say (a municipality, a partner)."""
    existing = RoleAssignment.objects.active().filter(
        user=user, role=role, municipality=municipality, collaboration=collaboration, network=network,
        partner=partner).first()
    if existing is not None:
        return existing
    require_reason(reason, _("Skriv kort hvorfor brukeren får rollen."))
    assignment = RoleAssignment(user=user, role=role, municipality=municipality, collaboration=collaboration,
                                network=network, partner=partner, granted_by=user_or_none(acting_user))
    assignment.full_clean()
    assignment.save()
    _apply(assignment, grant=True)
    audit_record(AuditEvent.Kind.ROLE_GRANTED, acting_user=acting_user, reason=reason, obj=assignment,
                 collaboration=_collaboration_of(assignment) or in_collaboration, municipality=municipality,
                 modified_user=user, new=_describe(assignment))
    return assignment


@transaction.atomic
def role_revoke(*, acting_user, assignment: RoleAssignment, reason: str,
                in_collaboration: Collaboration | None = None) -> RoleAssignment:
    """Take a role away: the permissions go at once; the row stays, marked revoked."""
    require_reason(reason, _("Skriv kort hvorfor rollen fjernes."))
    assignment = RoleAssignment.objects.select_for_update(of=("self",)).select_related(
        "user", "municipality", "collaboration", "network__collaboration", "partner").get(pk=assignment.pk)
    if assignment.revoked_at is not None:
        raise DomainError(_("Rollen er allerede fjernet."))
    assignment.revoked_at, assignment.revoked_by = timezone.now(), user_or_none(acting_user)
    assignment.save(update_fields=["revoked_at", "revoked_by"])
    _apply(assignment, grant=False)
    audit_record(AuditEvent.Kind.ROLE_REVOKED, acting_user=acting_user, reason=reason, obj=assignment,
                 collaboration=_collaboration_of(assignment) or in_collaboration, municipality=assignment.municipality,
                 modified_user=assignment.user, old=_describe(assignment))
    return assignment


def _collaboration_of(a: RoleAssignment) -> Collaboration | None:
    return a.collaboration or (a.network.collaboration if a.network_id else None)


def _apply(a: RoleAssignment, *, grant: bool) -> None:
    user, grants = a.user, ROLE_GRANTS[a.role]
    change = assign_perm if grant else remove_perm
    if a.role in MUNICIPAL_ROLES:
        group = municipality_group(a.municipality, a.role)
        still_has = RoleAssignment.objects.active().filter(
            user=user, role=a.role, municipality=a.municipality).exclude(pk=a.pk).exists()
        if grant:
            user.groups.add(group)
        elif not still_has:
            user.groups.remove(group)
        permissions_sync_municipality(a.municipality)
        return
    if a.role == Role.PARTNER:
        permissions_sync_partner_user(user)
        return
    collaboration = _collaboration_of(a)
    for perm in grants.collaboration:
        if grant or not _other_roles_grant(a, perm, collaboration):
            change(f"collaborations.{perm}", user, collaboration)
    for perm in grants.network:
        change(f"collaborations.{perm}", user, a.network)
    if a.role == Role.SECRETARIAT:
        _apply_staff(a, grant=grant)


def _other_roles_grant(a: RoleAssignment, perm: str, collaboration: Collaboration) -> bool:
    """Whether another active role of the same user still yields `perm` on `collaboration`."""
    for other in RoleAssignment.objects.active().filter(user=a.user).exclude(pk=a.pk).select_related(
            "network__collaboration"):
        if other.role in MUNICIPAL_ROLES:
            continue
        if perm in ROLE_GRANTS[other.role].collaboration and _collaboration_of(other) == collaboration:
            return True
    return False


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
    others = RoleAssignment.objects.active().filter(user=user, role=Role.SECRETARIAT).exclude(pk=a.pk).exists()
    if not others:
        user.groups.remove(staff_group())
        if user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])


def _active_collaborations(municipality: Municipality, day: dt.date | None = None):
    """The collaborations the municipality is a member of on `day` (today)."""
    return Collaboration.objects.filter(pk__in=memberships_on(day).filter(municipality=municipality)
                                        .values("collaboration_id"))


@transaction.atomic
def permissions_sync_municipality(municipality: Municipality, day: dt.date | None = None) -> None:
    """Recompute the object permissions of M's role groups from ROLE_GRANTS
    and the facts: memberships in force on `day` (today), ownership and
    participation."""
    collaborations = list(_active_collaborations(municipality, day))
    groups = {role: municipality_group(municipality, role) for role in MUNICIPAL_ROLES}
    CollaborationGroupObjectPermission.objects.filter(group__in=groups.values()).delete()
    MeasureGroupObjectPermission.objects.filter(group__in=groups.values()).delete()
    owned = Measure.objects.filter(owner_municipality=municipality)
    participating = Measure.objects.filter(participations__municipality=municipality).distinct()
    for role, group in groups.items():
        grants = ROLE_GRANTS[role]
        for c in collaborations:
            for perm in grants.member_collaborations:
                assign_perm(f"collaborations.{perm}", group, c)
        for perm in grants.owned_measures:
            if owned.exists():
                assign_perm(f"collaborations.{perm}", group, owned)
        for perm in grants.participating_measures:
            if participating.exists():
                assign_perm(f"collaborations.{perm}", group, participating)


@transaction.atomic
def permissions_sync_measure(measure: Measure) -> None:
    """Recompute every derived permission on one measure: its owner's and
    participants' groups, its outside partners' users and its responsible
    person. Called by every service that changes the owner, the participants,
    the outside partners or the responsible person, so a former responsible
    person (or a partner no longer taking part) loses the right at once."""
    MeasureGroupObjectPermission.objects.filter(content_object=measure).delete()
    MeasureUserObjectPermission.objects.filter(content_object=measure, permission__codename__in=RESPONSIBLE_GRANTS) \
        .delete()
    MeasureUserObjectPermission.objects.filter(
        content_object=measure, permission__codename__in=ROLE_GRANTS[Role.PARTNER].partner_measures).delete()
    for a in RoleAssignment.objects.active().filter(
            Q(collaboration__isnull=True) | Q(collaboration=measure.collaboration_id),
            role=Role.PARTNER, partner__in=measure.partners.values("pk")).select_related("user"):
        for perm in ROLE_GRANTS[Role.PARTNER].partner_measures:
            assign_perm(f"collaborations.{perm}", a.user, measure)
    for role in MUNICIPAL_ROLES:
        grants = ROLE_GRANTS[role]
        if measure.owner_municipality_id:
            for perm in grants.owned_measures:
                assign_perm(f"collaborations.{perm}", municipality_group(measure.owner_municipality, role), measure)
        for p in measure.participations.select_related("municipality"):
            for perm in grants.participating_measures:
                assign_perm(f"collaborations.{perm}", municipality_group(p.municipality, role), measure)
    responsible = measure.responsible if measure.responsible_id else None
    if responsible is not None and responsible.user_id:
        for perm in RESPONSIBLE_GRANTS:
            assign_perm(f"collaborations.{perm}", responsible.user, measure)


def partner_measures(assignment: RoleAssignment):
    """The measures an outside partner's role reaches: those its partner takes
    part in, in the collaboration it was granted in (in every collaboration
    when granted without one, by an administrator of the installation)."""
    qs = Measure.objects.filter(partners=assignment.partner_id)
    return qs.filter(collaboration=assignment.collaboration_id) if assignment.collaboration_id else qs


@transaction.atomic
def permissions_sync_partner_user(user) -> None:
    """Recompute what a user may do as an outside partner: report on exactly
    the measures `partner_measures` names for their active partner roles,
    nothing else. The partner role is the only source of these per-user
    permissions."""
    codenames = ROLE_GRANTS[Role.PARTNER].partner_measures
    wanted: set[int] = set()
    for a in RoleAssignment.objects.active().filter(user=user, role=Role.PARTNER):
        wanted |= set(partner_measures(a).values_list("pk", flat=True))
    MeasureUserObjectPermission.objects.filter(user=user, permission__codename__in=codenames) \
        .exclude(content_object_id__in=wanted).delete()
    for measure in Measure.objects.filter(pk__in=wanted):
        for perm in codenames:
            assign_perm(f"collaborations.{perm}", user, measure)


@transaction.atomic
def permissions_sync_person(person) -> None:
    """A person was linked to (or unlinked from) a login: the measures they
    answer for get their permissions recomputed."""
    for measure in Measure.objects.filter(responsible=person).select_related("responsible", "owner_municipality"):
        permissions_sync_measure(measure)


def permissions_sync_memberships_changing(day: dt.date) -> int:
    """A membership that begins on `day` or ended the day before changes what
    the municipality's administrators and politicians may see: recompute them
    (the daily task `collaborations.sync_membership_permissions`)."""
    ids = Membership.objects.filter(Q(joined_on=day) | Q(left_on=day - dt.timedelta(days=1))) \
        .values("municipality_id")
    municipalities = list(Municipality.objects.filter(pk__in=ids))
    for municipality in municipalities:
        permissions_sync_municipality(municipality, day)
    return len(municipalities)


@transaction.atomic
def permissions_sync_all() -> None:
    """Rebuild every derived permission from roles and facts. Idempotent."""
    for municipality in Municipality.objects.filter(role_assignments__revoked_at__isnull=True).distinct():
        permissions_sync_municipality(municipality)
    for measure in Measure.objects.filter(responsible__user__isnull=False).select_related("responsible__user"):
        for perm in RESPONSIBLE_GRANTS:
            assign_perm(f"collaborations.{perm}", measure.responsible.user, measure)
    for a in RoleAssignment.objects.active().exclude(role__in=MUNICIPAL_ROLES).select_related(
            "user", "collaboration", "network__collaboration", "partner"):
        _apply(a, grant=True)
