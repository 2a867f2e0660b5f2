"""The permission policy: the one place that answers "may this user do this
to this object". Views, the admin, exports, the API and report jobs all ask
here; nothing else decides, and nothing else reads guardian or asks
`is_superuser` / `has_perm`.

Facts come from django-guardian object permissions (direct FK tables), which
`access.roles` derives from role assignments (the table `ROLE_GRANTS` there):

* secretariat of C: manage_collaboration + view_internal + read_reports on C
* administrator of M (through M's admin group): view_internal + read_reports
  on every collaboration M is a member of; change_measure on measures M owns;
  report_measure on measures M takes part in
* network coordinator of N: coordinate_network on N (edits N's measures) and
  read_reports on N's collaboration
* politician of M (through M's politician group): read_reports on every
  collaboration M is a member of: finished reports before they are
  published; like the public they see published items only and edit nothing
* the responsible person of a measure, when they log in: change_measure on it
* an outside partner's user (UNN HF, Statsforvalteren): report_measure on the
  measures of the collaboration the role was granted in that the partner
  takes part in (Measure.partners); they see those measures, internal ones
  included, report the partner's part, and see nothing else internal (not
  even the internal documents of those measures)
* anonymous: published items and published reports only

Lookups that fail for "missing" and "forbidden" alike raise Http404, so a
stranger cannot probe for internal items by URL.
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from ..common.dates import active_on_q
from ..economy.models import CostKey, HostAgreement, HostAgreementParticipant
from ..meetings.models import (
    CouncilCase,
    CouncilCaseAttachment,
    CouncilDecision,
    FollowUp,
    Meeting,
    MeetingCase,
    Subproject,
    WheelItem,
)
from ..portfolio.models import Document, Measure, Participation, PlanPeriod, StatusUpdate, Strategy
from ..registry.models import Body, BodyMember, Collaboration, Membership, Network, Visibility
from ..rounds.models import ReportingRound
from .models import MeasureGroupObjectPermission, MeasureUserObjectPermission, Role, RoleAssignment


class Action(StrEnum):
    VIEW = "view"                       # see the item at all
    EDIT = "edit"                       # change the measure's fields, set overall status
    REPORT_PART = "report_part"         # report a participant's own part of a measure
    MANAGE = "manage"                   # secretariat: everything in the collaboration
    READ_REPORTS = "read_reports"       # finished reports of the collaboration before they are published
    VIEW_INTERNAL = "view_internal"
    GENERATE_REPORTS = "generate_reports"
    COORDINATE = "coordinate"           # network coordinator
    ADMINISTER = "administer"           # the whole installation (superuser): reference data, mergers


# The guardian permission behind each collaboration-wide action.
COLLABORATION_PERMISSION = {
    Action.MANAGE: "manage_collaboration",
    Action.GENERATE_REPORTS: "manage_collaboration",
    Action.EDIT: "manage_collaboration",
    Action.VIEW_INTERNAL: "view_internal",
    Action.READ_REPORTS: "read_reports",
}

# How to get from a row to its collaboration, for every model bound to one.
COLLABORATION_PATHS: dict[type, str] = {
    Collaboration: "", Membership: "collaboration", Body: "collaboration", BodyMember: "body__collaboration",
    CostKey: "collaboration", Network: "collaboration", HostAgreement: "collaboration",
    HostAgreementParticipant: "agreement__collaboration", PlanPeriod: "collaboration",
    Strategy: "plan__collaboration", Measure: "collaboration", Participation: "measure__collaboration",
    StatusUpdate: "measure__collaboration", Document: "measure__collaboration", Meeting: "body__collaboration",
    MeetingCase: "meeting__body__collaboration", FollowUp: "case__meeting__body__collaboration",
    Subproject: "collaboration", ReportingRound: "collaboration", CouncilCase: "collaboration",
    CouncilDecision: "council_case__collaboration", WheelItem: "collaboration",
    CouncilCaseAttachment: "council_case__collaboration",
}


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _superuser(user) -> bool:
    return _authenticated(user) and user.is_superuser


# ---------------------------------------------------------------- querysets

def collaborations_where(user, action: Action) -> QuerySet[Collaboration]:
    """The collaborations in which `user` may do `action` (MANAGE,
    GENERATE_REPORTS, VIEW_INTERNAL or READ_REPORTS)."""
    if not _authenticated(user):
        return Collaboration.objects.none()
    if user.is_superuser:
        return Collaboration.objects.all()
    perm = COLLABORATION_PERMISSION[Action(action)]
    return get_objects_for_user(user, f"collaborations.{perm}", Collaboration, accept_global_perms=False)


def coordinated_networks(user) -> QuerySet[Network]:
    if not _authenticated(user):
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    return get_objects_for_user(user, "collaborations.coordinate_network", Network, accept_global_perms=False)


def editable_measures(user) -> QuerySet[Measure]:
    """Measures whose fields and overall status the user may set."""
    if not _authenticated(user):
        return Measure.objects.none()
    if user.is_superuser:
        return Measure.objects.all()
    direct = get_objects_for_user(user, "collaborations.change_measure", Measure, accept_global_perms=False)
    return Measure.objects.filter(
        Q(pk__in=direct.values("pk"))
        | Q(collaboration__in=collaborations_where(user, Action.MANAGE).values("pk"))
        | Q(network__in=coordinated_networks(user).values("pk"))
    )


def reportable_measures(user) -> QuerySet[Measure]:
    """Measures the user may at least report a municipality's part of."""
    if not _authenticated(user):
        return Measure.objects.none()
    if user.is_superuser:
        return Measure.objects.all()
    direct = get_objects_for_user(
        user, ["collaborations.report_measure", "collaborations.change_measure"], Measure,
        any_perm=True, accept_global_perms=False,
    )
    return Measure.objects.filter(Q(pk__in=direct.values("pk")) | Q(pk__in=editable_measures(user).values("pk")))


def reportable_among(user, queryset: QuerySet[Measure]) -> set[int]:
    """The ids of the measures in `queryset` the user may at least report on:
    the same answer as `reportable_measures(user)` restricted to `queryset`,
    but asked of the few candidates through the indexed permission tables
    instead of over every measure (dashboards ask it on every request)."""
    if not _authenticated(user):
        return set()
    candidates = dict(queryset.values_list("pk", "collaboration_id"))
    if not candidates or user.is_superuser:
        return set(candidates)
    managed = set(collaborations_where(user, Action.MANAGE)
                  .filter(pk__in=set(candidates.values())).values_list("pk", flat=True))
    result = {pk for pk, collaboration_id in candidates.items() if collaboration_id in managed}
    rest = set(candidates) - result
    if not rest:
        return result
    codenames = ["report_measure", "change_measure"]
    result |= set(MeasureUserObjectPermission.objects.filter(
        user=user, permission__codename__in=codenames, content_object_id__in=rest,
    ).values_list("content_object_id", flat=True))
    result |= set(MeasureGroupObjectPermission.objects.filter(
        group__user=user, permission__codename__in=codenames, content_object_id__in=rest,
    ).values_list("content_object_id", flat=True))
    result |= set(Measure.objects.filter(pk__in=rest - result, network__in=coordinated_networks(user).values("pk"))
                  .values_list("pk", flat=True))
    return result


def _visibility_q(user, path: str) -> Q:
    """Published items, or internal ones of collaborations whose internal
    items the user may see (`path` leads from the row to its collaboration)."""
    if not _authenticated(user):
        return Q(visibility=Visibility.PUBLISHED)
    if user.is_superuser:
        return Q()
    internal = collaborations_where(user, Action.VIEW_INTERNAL).values("pk")
    return Q(visibility=Visibility.PUBLISHED) | Q(**{f"{path}__in" if path else "pk__in": internal})


def visible_measures(user, queryset: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    """Every measure the user may see. Anonymous visitors and politicians:
    published only; the administration also sees internal ones, and whoever
    reports on an internal measure sees that one."""
    qs = Measure.objects.all() if queryset is None else queryset
    if _authenticated(user) and not user.is_superuser:
        return qs.filter(_visibility_q(user, "collaboration") | Q(pk__in=reportable_measures(user).values("pk")))
    return qs.filter(_visibility_q(user, "collaboration"))


def visible(user, queryset: QuerySet) -> QuerySet:
    """Filter any queryset of a model with a `visibility` field and a path to
    a collaboration (COLLABORATION_PATHS): published, or internal where the
    user may see internal items. A meeting's cases are internal when the
    meeting is, and a follow-up is as visible as its case."""
    model = queryset.model
    if model is FollowUp:
        return queryset.filter(case__in=visible(user, MeetingCase.objects.all()).values("pk"))
    if model in (CouncilDecision, CouncilCaseAttachment):
        return queryset.filter(council_case__in=visible(user, CouncilCase.objects.all()).values("pk"))
    queryset = queryset.filter(_visibility_q(user, COLLABORATION_PATHS[model]))
    if model is MeetingCase:
        queryset = queryset.filter(meeting__in=visible(user, Meeting.objects.all()).values("pk"))
    return queryset


def visible_reports(user, queryset: QuerySet) -> QuerySet:
    """Report jobs (reporting.ReportJob: collaboration, status, published_at,
    include_internal) the user may see and download.

    * everyone: published public reports;
    * READ_REPORTS (politicians and administrators of members, coordinators):
      finished public reports before they are published too;
    * VIEW_INTERNAL: published internal reports;
    * the secretariat: every report of its collaborations, drafts included."""
    if _superuser(user):
        return queryset
    published_public = Q(published_at__isnull=False, include_internal=False)
    if not _authenticated(user):
        return queryset.filter(published_public)
    return queryset.filter(
        published_public
        | Q(collaboration__in=collaborations_where(user, Action.MANAGE).values("pk"))
        | Q(status="done", include_internal=False,
            collaboration__in=collaborations_where(user, Action.READ_REPORTS).values("pk"))
        | Q(published_at__isnull=False,
            collaboration__in=collaborations_where(user, Action.VIEW_INTERNAL).values("pk"))
    )


def user_municipality_ids(user, role: Role = Role.MUNICIPAL_ADMIN) -> set[int]:
    """The municipalities for which `user` holds `role` now."""
    if not _authenticated(user):
        return set()
    return set(_memo(("municipalities", user.pk, role), lambda: frozenset(
        RoleAssignment.objects.active().filter(user=user, role=role).values_list("municipality_id", flat=True))))


def managed_rows(user, queryset: QuerySet) -> QuerySet:
    """Rows of collaborations the user manages, and only those they may see
    (the admin's querysets). Models without a collaboration are left as they are."""
    model = queryset.model
    if _superuser(user) or model not in COLLABORATION_PATHS:
        return queryset
    path = COLLABORATION_PATHS[model]
    managed = collaborations_where(user, Action.MANAGE).values("pk")
    qs = queryset.filter(**{f"{path}__in" if path else "pk__in": managed})
    if model is Measure:
        return visible_measures(user, qs)
    if model in (Participation, StatusUpdate, Document):
        qs = qs.filter(measure__in=visible_measures(user).values("pk"))
    if model in (MeetingCase, FollowUp, CouncilDecision, CouncilCaseAttachment):
        return visible(user, qs)
    if any(f.name == "visibility" for f in model._meta.fields):
        return visible(user, qs)
    return qs


# ---------------------------------------------------------------- single objects

def collaboration_of(obj) -> Collaboration | None:
    """The collaboration a row belongs to (COLLABORATION_PATHS)."""
    path = COLLABORATION_PATHS.get(type(obj))
    if path is None:
        return None
    for part in filter(None, path.split("__")):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def allows(user, action: Action | str, obj) -> bool:
    """May `user` do `action` to `obj`? The single question everything asks."""
    action = Action(action)
    if _superuser(user):
        return True
    if action == Action.ADMINISTER:
        return False
    if isinstance(obj, Measure):
        return _allows_measure(user, action, obj)
    if isinstance(obj, Document):
        return _allows_document(user, action, obj)
    if isinstance(obj, Network):
        if action == Action.VIEW:
            return obj.visibility == Visibility.PUBLISHED or _has(user, Action.VIEW_INTERNAL, obj.collaboration) \
                or _has_network(user, obj)
        if action in (Action.EDIT, Action.COORDINATE):
            return _has_network(user, obj) or _has(user, Action.MANAGE, obj.collaboration)
        return _allows_collaboration(user, action, obj.collaboration)
    if isinstance(obj, Collaboration):
        return _allows_collaboration(user, action, obj)
    collaboration = collaboration_of(obj)
    if collaboration is None:
        return False
    if action == Action.VIEW and isinstance(obj, (MeetingCase, FollowUp)):
        case = obj if isinstance(obj, MeetingCase) else obj.case
        if Visibility.INTERNAL in (case.visibility, case.meeting.visibility):
            return _has(user, Action.VIEW_INTERNAL, collaboration)
        return True
    if action == Action.VIEW and isinstance(obj, (CouncilDecision, CouncilCaseAttachment)):
        return allows(user, Action.VIEW, obj.council_case)
    parent_measure = getattr(obj, "measure", None)
    if action == Action.VIEW and isinstance(parent_measure, Measure) and not _allows_measure(
            user, Action.VIEW, parent_measure):
        return False  # a status update or participation of an internal measure is internal too
    if action == Action.VIEW:
        if getattr(obj, "visibility", Visibility.PUBLISHED) == Visibility.PUBLISHED:
            return True
        return _has(user, Action.VIEW_INTERNAL, collaboration)
    if action in (Action.EDIT, Action.MANAGE):
        return _has(user, Action.MANAGE, collaboration)
    if not allows(user, Action.VIEW, obj):
        return False  # nothing more about an item one may not see
    return _allows_collaboration(user, action, collaboration)


def may_manage_row(user, obj) -> bool:
    """The admin's question for one row: manage its collaboration and see it."""
    if _superuser(user):
        return True
    if isinstance(obj, Measure):
        return allows(user, Action.MANAGE, obj) and allows(user, Action.VIEW, obj)
    collaboration = collaboration_of(obj)
    return collaboration is not None and allows(user, Action.MANAGE, collaboration) and allows(user, Action.VIEW, obj)


def may_grant_role(user, role: str | None, *, municipality=None, collaboration=None, network=None,
                   partner=None) -> bool:
    """Who may grant (and revoke) a role: never beyond the granter's own
    collaborations. The secretariat grants secretariat, coordinator and
    partner roles in the collaborations it manages (a partner's role reaches
    that collaboration's measures only). A municipality's roles apply in every
    collaboration it is a member of, so the secretariat grants them only for a
    municipality all of whose current memberships are in collaborations it
    manages; otherwise an administrator of the installation does."""
    if _superuser(user):
        return True
    if role is None or not _authenticated(user):
        return False
    if role in (Role.MUNICIPAL_ADMIN, Role.POLITICIAN):
        if municipality is None:
            return False
        member_of = current_collaboration_ids(municipality)
        return bool(member_of) and member_of <= _collaboration_ids(user, Action.MANAGE)
    scope = collaboration or (network.collaboration if network is not None else None)
    return scope is not None and allows(user, Action.MANAGE, scope)


def current_collaboration_ids(municipality) -> set[int]:
    """The collaborations the municipality is a member of today."""
    return set(Membership.objects.filter(active_on_q(timezone.localdate(), "joined_on", "left_on"),
                                         municipality=municipality).values_list("collaboration_id", flat=True))


def refusal_to_grant(role: str | None) -> str:
    if role in (Role.MUNICIPAL_ADMIN, Role.POLITICIAN):
        return _("Roller for en kommune gjelder alle samarbeid kommunen er med i. Kommunen er også med i samarbeid "
                 "du ikke forvalter, så rollen tildeles av en hovedadministrator.")
    return _("Du kan bare tildele roller i samarbeid du forvalter.")


def visible_role_assignments(user, queryset: QuerySet) -> QuerySet:
    """Role assignments a user may read: the installation's administrators all;
    the secretariat those in its collaborations and of their members."""
    if _superuser(user):
        return queryset
    managed = collaborations_where(user, Action.MANAGE).values("pk")
    members = Membership.objects.filter(collaboration__in=managed).values("municipality_id")
    return queryset.filter(Q(collaboration__in=managed) | Q(network__collaboration__in=managed)
                           | Q(municipality__in=members))


def visible_audit_events(user, queryset: QuerySet) -> QuerySet:
    """The audit trail of the collaborations the user manages (all for the
    installation's administrators)."""
    if _superuser(user):
        return queryset
    return queryset.filter(collaboration__in=collaborations_where(user, Action.MANAGE).values("pk"))


def may_keep_municipality(user, municipality) -> bool:
    """Names and population figures of a municipality are kept by the
    installation's administrators and by the secretariat of any collaboration
    it is or was a member of."""
    if _superuser(user):
        return True
    return _memo(("keeps_municipality", user.pk, municipality.pk), lambda: Membership.objects.filter(
        municipality=municipality, collaboration__in=collaborations_where(user, Action.MANAGE).values("pk")).exists())


def may_use_admin(user) -> bool:
    """The Django admin is for the secretariat and the installation's administrators."""
    return _superuser(user) or (_authenticated(user) and bool(_collaboration_ids(user, Action.MANAGE)))


# ---------------------------------------------------------------- request-scoped memo
#
# A page asks the policy many times about the same user (each row, each
# button). Guardian answers every has_perm with fresh queries, so within one
# request the answers are memoised here: one query per permission for all the
# user's collaborations, one per measure. Outside a request (services, tests,
# tasks) nothing is memoised, so a permission change is seen at once.

_request_memo: ContextVar[dict | None] = ContextVar("policy_request_memo", default=None)


class PolicyMemoMiddleware:
    """Gives each request its own memo for the policy's answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


def _memo(key, compute):
    memo = _request_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _collaboration_ids(user, action: Action) -> frozenset[int]:
    """The collaborations where the user may do `action`, once per request."""
    return _memo(("collaborations", user.pk, COLLABORATION_PERMISSION[action]),
                 lambda: frozenset(collaborations_where(user, action).values_list("pk", flat=True)))


def _has(user, action: Action, collaboration: Collaboration) -> bool:
    if not _authenticated(user):
        return False
    if _request_memo.get() is None:
        return user.has_perm(f"collaborations.{COLLABORATION_PERMISSION[action]}", collaboration)
    return collaboration.pk in _collaboration_ids(user, action)


def _has_network(user, network: Network | None) -> bool:
    if network is None or not _authenticated(user):
        return False
    if _request_memo.get() is None:
        return user.has_perm("collaborations.coordinate_network", network)
    ids = _memo(("networks", user.pk), lambda: frozenset(coordinated_networks(user).values_list("pk", flat=True)))
    return network.pk in ids


def _has_measure_perm(user, perm: str, measure: Measure) -> bool:
    """change_measure / report_measure on this measure, directly or through a group."""
    if not _authenticated(user):
        return False
    if _request_memo.get() is None:
        return user.has_perm(f"collaborations.{perm}", measure)
    perms = _memo(("measure", user.pk, measure.pk), lambda: frozenset(ObjectPermissionChecker(user).get_perms(measure)))
    return perm in perms


def _allows_collaboration(user, action: Action, collaboration: Collaboration) -> bool:
    if action == Action.VIEW:
        return True  # the collaboration itself is public; its items are filtered
    if action in COLLABORATION_PERMISSION:
        return _has(user, action, collaboration)
    return False


def _allows_measure(user, action: Action, measure: Measure) -> bool:
    if action == Action.VIEW:
        return (measure.visibility == Visibility.PUBLISHED
                or _has(user, Action.VIEW_INTERNAL, measure.collaboration)
                or _allows_measure(user, Action.REPORT_PART, measure))
    if action == Action.EDIT:
        return _has_measure_perm(user, "change_measure", measure) \
            or _has(user, Action.MANAGE, measure.collaboration) \
            or _has_network(user, measure.network)
    if action == Action.REPORT_PART:
        return _has_measure_perm(user, "report_measure", measure) \
            or _allows_measure(user, Action.EDIT, measure)
    if action == Action.MANAGE:
        return _has(user, Action.MANAGE, measure.collaboration)
    if action == Action.COORDINATE:
        return measure.network is not None and allows(user, Action.COORDINATE, measure.network)
    if not _allows_measure(user, Action.VIEW, measure):
        return False  # nothing more about a measure one may not see
    return _allows_collaboration(user, action, measure.collaboration)


def sees_internal_history(user, measure: Measure) -> bool:
    """Whether `user` may read what was recorded while `measure` was internal
    (an earlier title, description, status): those who could see it then, the
    same people who may see an internal measure. Everyone else reads its
    history from the day it was published."""
    if _superuser(user):
        return True
    return _authenticated(user) and (_has(user, Action.VIEW_INTERNAL, measure.collaboration)
                                     or _allows_measure(user, Action.REPORT_PART, measure))


def _may_see_internal_of(user, measure: Measure) -> bool:
    """The measure's internal items (documents such as a ROS analysis) reach
    the administration: whoever sees the collaboration's internal items, edits
    the measure, or administers a participant; never an outside partner."""
    if _has(user, Action.VIEW_INTERNAL, measure.collaboration) or _allows_measure(user, Action.EDIT, measure):
        return True
    administered = user_municipality_ids(user)
    if not administered:
        return False
    participants = _memo(("participants", measure.pk), lambda: frozenset(
        measure.participations.values_list("municipality_id", flat=True)))
    return bool(participants & administered)


def _allows_document(user, action: Action, document: Document) -> bool:
    """A document follows its measure; an internal one (ROS) only reaches the
    administration, never anonymous visitors, politicians or outsiders."""
    measure = document.measure
    if action == Action.VIEW:
        return _allows_measure(user, Action.VIEW, measure) and (
            document.visibility == Visibility.PUBLISHED or _may_see_internal_of(user, measure))
    return _allows_measure(user, action, measure)


def visible_documents(user, measure: Measure, queryset=None):
    """The documents of `measure` the user may see (the measure itself must be visible)."""
    qs = measure.documents.all() if queryset is None else queryset.filter(measure=measure)
    if not allows(user, Action.VIEW, measure):
        return qs.none()
    if _superuser(user) or (_authenticated(user) and _may_see_internal_of(user, measure)):
        return qs
    return qs.filter(visibility=Visibility.PUBLISHED)


def reportable_municipality_ids(user, measure: Measure) -> set[int]:
    """The participating municipalities whose part this user may report:
    their own municipality's (administrators of a participant), or any
    participant's on its behalf (the secretariat of the collaboration). An
    owner or coordinator reports the overall status, not other members' parts."""
    participants = set(measure.participations.values_list("municipality_id", flat=True))
    if allows(user, Action.MANAGE, measure):
        return participants
    if not allows(user, Action.REPORT_PART, measure):
        return set()
    return participants & user_municipality_ids(user)


def partner_roles(user):
    """The user's active outside-partner roles, with partner and collaboration."""
    if not _authenticated(user):
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.active().filter(user=user, role=Role.PARTNER).select_related(
        "partner", "collaboration")


def represented_partner_ids(user, collaboration: Collaboration | None = None) -> set[int]:
    """The outside partners the user reports for (in `collaboration`, when given)."""
    roles = partner_roles(user)
    if collaboration is not None:
        roles = roles.filter(Q(collaboration__isnull=True) | Q(collaboration=collaboration))
    return set(_memo(("partners", getattr(user, "pk", None), getattr(collaboration, "pk", None)),
                     lambda: frozenset(roles.values_list("partner_id", flat=True))))


def reportable_partner_ids(user, measure: Measure, partner_ids: set[int] | None = None) -> set[int]:
    """The outside partners taking part in `measure` whose part this user may
    report: the partner's own users (a partner role in the measure's
    collaboration), or any of them on its behalf (the secretariat).
    `partner_ids`: the measure's partners, when the caller has them already."""
    if not _authenticated(user) or not allows(user, Action.VIEW, measure):
        return set()
    if partner_ids is None:
        partner_ids = set(measure.partners.values_list("pk", flat=True))
    if not partner_ids:
        return set()
    if allows(user, Action.MANAGE, measure):
        return set(partner_ids)
    if not allows(user, Action.REPORT_PART, measure):
        return set()
    return represented_partner_ids(user, measure.collaboration) & partner_ids


def reports_on_behalf_of_partner(user, partner_id: int, collaboration: Collaboration) -> bool:
    """Whether a part this user registers for an outside partner is registered
    on its behalf (the user does not represent the partner)."""
    return partner_id not in represented_partner_ids(user, collaboration)


def reports_on_behalf(user, municipality_id: int) -> bool:
    """Whether a part this user registers for `municipality_id` is registered
    on the municipality's behalf (the user is not one of its administrators)."""
    return municipality_id not in user_municipality_ids(user)


def visibility_scope(user, collaboration: Collaboration) -> str:
    """A short name for exactly what this user may see of the collaboration
    beyond the published items, in at most two queries: "internal" when the
    policy lets them see its internal items, a hash of the internal measures
    they may report on, else "public" (anonymous visitors, politicians and
    everyone else who sees published items only share one cached copy)."""
    if not _authenticated(user):
        return "public"
    if user.is_superuser or collaborations_where(user, Action.VIEW_INTERNAL).filter(pk=collaboration.pk).exists():
        return "internal"
    ids = sorted(reportable_among(
        user, Measure.objects.filter(collaboration=collaboration, visibility=Visibility.INTERNAL)))
    if not ids:
        return "public"
    return "m" + hashlib.sha1(repr(ids).encode()).hexdigest()[:20]


# ---------------------------------------------------------------- view helpers: fetch for the user or refuse

def require(user, action: Action | str, obj, message: str | None = None) -> None:
    if not allows(user, action, obj):
        raise PermissionDenied(message or _("Du har ikke tilgang til dette."))


def get_measure_for_user(user, measure_id: int, action: Action | str = Action.VIEW) -> Measure:
    """Fetch a measure for `action`, or refuse. Missing and invisible give the
    same 404; visible but not allowed gives a friendly 403."""
    measure = Measure.objects.select_related(
        "collaboration", "strategy__plan", "responsible", "owner_municipality", "network",
        "host_municipality", "host_agreement", "cost_key",
    ).filter(pk=measure_id).first()
    if measure is None or not allows(user, Action.VIEW, measure):
        raise Http404(_("Fant ikke tiltaket."))
    if not allows(user, action, measure):
        raise PermissionDenied(_("Du har ikke tilgang til å endre dette tiltaket."))
    return measure


def get_collaboration_for_user(user, slug: str, action: Action | str = Action.VIEW,
                               message: str | None = None) -> Collaboration:
    """The collaboration with `slug` (404 if none), if the user may do `action` in it (else 403)."""
    collaboration = Collaboration.objects.select_related("parent").filter(slug=slug).first()
    if collaboration is None:
        raise Http404(_("Fant ikke samarbeidet."))
    require(user, action, collaboration, message)
    return collaboration


def get_person_for_user(viewer, user_id: int):
    """A person (a user account with roles) whose page `viewer` may see: the
    secretariat of a collaboration the person has or had a role in (a member
    municipality's roles included), or an administrator of the installation.
    Anyone else gets the same 404 as for a person who does not exist."""
    person = get_user_model().objects.filter(pk=user_id).first()
    if person is None or not _authenticated(viewer):
        raise Http404(_("Fant ikke personen."))
    if _superuser(viewer):
        return person
    if not visible_role_assignments(viewer, RoleAssignment.objects.filter(user=person)).exists():
        raise Http404(_("Fant ikke personen."))
    return person


def get_document_for_user(user, document_id: int) -> Document:
    """A document the user may download, or 404 (missing and hidden alike)."""
    document = Document.objects.select_related("measure__collaboration", "measure__network").filter(
        pk=document_id).first()
    if document is None or not allows(user, Action.VIEW, document):
        raise Http404(_("Fant ikke dokumentet."))
    return document
