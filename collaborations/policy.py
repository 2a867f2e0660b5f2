"""The permission policy: the one place that answers "may this user do this
to this object". Views, the admin, exports, the API and report jobs all ask
here; nothing else decides.

Facts come from django-guardian object permissions (direct FK tables), which
`services.roles` grants from role assignments:

* secretariat of C: manage_collaboration + view_internal + read_dashboards on C
* administrator of M (through M's admin group): view_internal + read_dashboards
  on every collaboration M is a member of; change_measure on measures M owns;
  report_measure on measures M takes part in
* network coordinator of N: coordinate_network on N (edits N's measures) and
  read_dashboards on N's collaboration
* politician of M (through M's politician group): read_dashboards on every
  collaboration M is a member of; they edit nothing and see only published items
* anonymous: published items only

Lookups that fail for "missing" and "forbidden" alike raise Http404, so a
stranger cannot probe for internal items by URL.
"""

from __future__ import annotations

from contextvars import ContextVar
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from .models import (
    Collaboration,
    Document,
    Measure,
    MeasureGroupObjectPermission,
    MeasureUserObjectPermission,
    Network,
    Visibility,
)
from .models.roles import Role, RoleAssignment


class Action(StrEnum):
    VIEW = "view"                       # see the item at all
    EDIT = "edit"                       # change the measure's fields, set overall status
    REPORT_PART = "report_part"         # report a participant's own part of a measure
    MANAGE = "manage"                   # secretariat: everything in the collaboration
    READ_DASHBOARDS = "read_dashboards"
    VIEW_INTERNAL = "view_internal"
    GENERATE_REPORTS = "generate_reports"
    COORDINATE = "coordinate"           # network coordinator


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


# ---------------------------------------------------------------- querysets

def collaborations_with(user, perm: str) -> QuerySet[Collaboration]:
    if not _authenticated(user):
        return Collaboration.objects.none()
    if user.is_superuser:
        return Collaboration.objects.all()
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
        | Q(collaboration__in=collaborations_with(user, "manage_collaboration").values("pk"))
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
    managed = set(collaborations_with(user, "manage_collaboration")
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


def visible_measures(user, queryset: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    """Every measure the user may see. Anonymous visitors and politicians:
    published only; the administration also sees internal ones."""
    qs = Measure.objects.all() if queryset is None else queryset
    if not _authenticated(user):
        return qs.filter(visibility=Visibility.PUBLISHED)
    if user.is_superuser:
        return qs
    return qs.filter(
        Q(visibility=Visibility.PUBLISHED)
        | Q(collaboration__in=collaborations_with(user, "view_internal").values("pk"))
        | Q(pk__in=reportable_measures(user).values("pk"))
    )


def visible(user, queryset: QuerySet, collaboration_field: str = "collaboration") -> QuerySet:
    """Filter any queryset with a `visibility` field and a path to a
    collaboration: published, or internal where the user may see internal items."""
    if not _authenticated(user):
        return queryset.filter(visibility=Visibility.PUBLISHED)
    if user.is_superuser:
        return queryset
    return queryset.filter(
        Q(visibility=Visibility.PUBLISHED)
        | Q(**{f"{collaboration_field}__in": collaborations_with(user, "view_internal").values("pk")})
    )


def visible_reports(user, queryset: QuerySet) -> QuerySet:
    """Report jobs (reporting.ReportJob: collaboration, published_at,
    include_internal) the user may see and download. The secretariat sees
    every report of its collaborations, drafts included; everyone else only
    published reports, and internal ones only with access to internal items."""
    if _authenticated(user) and user.is_superuser:
        return queryset
    published_public = Q(published_at__isnull=False, include_internal=False)
    if not _authenticated(user):
        return queryset.filter(published_public)
    return queryset.filter(
        published_public
        | Q(collaboration__in=collaborations_with(user, "manage_collaboration").values("pk"))
        | Q(published_at__isnull=False, collaboration__in=collaborations_with(user, "view_internal").values("pk"))
    )


def user_municipality_ids(user, role: Role = Role.MUNICIPAL_ADMIN) -> set[int]:
    if not _authenticated(user):
        return set()
    return set(RoleAssignment.objects.filter(user=user, role=role).values_list("municipality_id", flat=True))


# ---------------------------------------------------------------- single objects

def _collaboration_of(obj) -> Collaboration | None:
    """The collaboration a row belongs to, through its parent if it has none
    of its own (a meeting through its body, a status update through its measure)."""
    if isinstance(obj, Collaboration):
        return obj
    collaboration = getattr(obj, "collaboration", None)
    if collaboration is not None:
        return collaboration
    for parent in ("measure", "agreement", "plan", "body", "meeting"):
        related = getattr(obj, parent, None)
        if related is not None:
            return _collaboration_of(related)
    return None


def allows(user, action: Action | str, obj) -> bool:
    """May `user` do `action` to `obj`? The single question everything asks."""
    action = Action(action)
    if _authenticated(user) and user.is_superuser:
        return True
    if isinstance(obj, Measure):
        return _allows_measure(user, action, obj)
    if isinstance(obj, Document):
        return _allows_document(user, action, obj)
    if isinstance(obj, Network):
        if action == Action.VIEW:
            return obj.visibility == Visibility.PUBLISHED or _has(user, "view_internal", obj.collaboration) \
                or _has_network(user, obj)
        if action in (Action.EDIT, Action.COORDINATE):
            return _has_network(user, obj) or _has(user, "manage_collaboration", obj.collaboration)
        return _allows_collaboration(user, action, obj.collaboration)
    if isinstance(obj, Collaboration):
        return _allows_collaboration(user, action, obj)
    collaboration = _collaboration_of(obj)
    if collaboration is None:
        return False
    parent_measure = getattr(obj, "measure", None)
    if action == Action.VIEW and isinstance(parent_measure, Measure) and not _allows_measure(
            user, Action.VIEW, parent_measure):
        return False  # a status update or participation of an internal measure is internal too
    if action == Action.VIEW:
        if getattr(obj, "visibility", Visibility.PUBLISHED) == Visibility.PUBLISHED:
            return True
        return _has(user, "view_internal", collaboration)
    if action in (Action.EDIT, Action.MANAGE):
        return _has(user, "manage_collaboration", collaboration)
    if not allows(user, Action.VIEW, obj):
        return False  # nothing more about an item one may not see
    return _allows_collaboration(user, action, collaboration)


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


def _has(user, perm: str, collaboration: Collaboration) -> bool:
    if not _authenticated(user):
        return False
    if _request_memo.get() is None:
        return user.has_perm(f"collaborations.{perm}", collaboration)
    ids = _memo(("collaborations", user.pk, perm),
                lambda: frozenset(collaborations_with(user, perm).values_list("pk", flat=True)))
    return collaboration.pk in ids


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
    if action in (Action.MANAGE, Action.EDIT, Action.GENERATE_REPORTS):
        return _has(user, "manage_collaboration", collaboration)
    if action == Action.VIEW_INTERNAL:
        return _has(user, "view_internal", collaboration)
    if action == Action.READ_DASHBOARDS:
        return True  # public versions exist; what they contain is filtered
    return False


def _allows_measure(user, action: Action, measure: Measure) -> bool:
    if action == Action.VIEW:
        return (measure.visibility == Visibility.PUBLISHED
                or _has(user, "view_internal", measure.collaboration)
                or _allows_measure(user, Action.REPORT_PART, measure))
    if action == Action.EDIT:
        return _has_measure_perm(user, "change_measure", measure) \
            or _has(user, "manage_collaboration", measure.collaboration) \
            or _has_network(user, measure.network)
    if action == Action.REPORT_PART:
        return _has_measure_perm(user, "report_measure", measure) \
            or _allows_measure(user, Action.EDIT, measure)
    if action == Action.MANAGE:
        return _has(user, "manage_collaboration", measure.collaboration)
    if action == Action.COORDINATE:
        return measure.network is not None and allows(user, Action.COORDINATE, measure.network)
    if not _allows_measure(user, Action.VIEW, measure):
        return False  # nothing more about a measure one may not see
    return _allows_collaboration(user, action, measure.collaboration)


def _may_see_internal_of(user, measure: Measure) -> bool:
    return _has(user, "view_internal", measure.collaboration) or _allows_measure(user, Action.REPORT_PART, measure)


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
    if _authenticated(user) and (user.is_superuser or _may_see_internal_of(user, measure)):
        return qs
    return qs.filter(visibility=Visibility.PUBLISHED)


def reportable_municipality_ids(user, measure: Measure) -> set[int]:
    """The participating municipalities whose part this user may report."""
    participants = set(measure.participations.values_list("municipality_id", flat=True))
    if allows(user, Action.EDIT, measure):
        return participants
    if not allows(user, Action.REPORT_PART, measure):
        return set()
    return participants & user_municipality_ids(user)


# ---------------------------------------------------------------- view helpers

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


def require(user, action: Action | str, obj, message: str | None = None) -> None:
    if not allows(user, action, obj):
        raise PermissionDenied(message or _("Du har ikke tilgang til dette."))
