"""The Django admin for the secretariat.

Every admin here is scoped by the permission policy: a secretariat user (staff,
with the model permissions from `services.roles.staff_group`) sees and changes
only the rows of collaborations the policy lets them MANAGE, and never an
internal item they may not see; a superuser sees everything. The model
permissions only open the door; each row is decided by `collaborations.policy`.

Writes that have rules go through the services: measures get history with
user and reason and a new version (`measure_create` / `measure_update`), role
assignments go through `role_grant` / `role_revoke`, and status updates are
read-only (a correction is a new update).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import policy
from .models import (
    Body,
    BodyMember,
    Collaboration,
    CostKey,
    County,
    HostAgreement,
    HostAgreementParticipant,
    Measure,
    Meeting,
    MeetingCase,
    Membership,
    Municipality,
    Network,
    OutsidePartner,
    Participation,
    Person,
    PlanPeriod,
    PopulationFigure,
    RoleAssignment,
    StatusUpdate,
    Strategy,
    Subproject,
)
from .models.roles import Role
from .policy import Action
from .services.measures import changes_since, measure_create, measure_update
from .services.roles import (
    permissions_sync_measure,
    permissions_sync_municipality,
    role_grant,
    role_revoke,
)

ADMIN_REASON = _("Endret i administrasjonen")

# How to get from a row to its collaboration, for every model bound to one.
COLLABORATION_PATHS: dict[type, str] = {
    Collaboration: "", Membership: "collaboration", Body: "collaboration", BodyMember: "body__collaboration",
    CostKey: "collaboration", Network: "collaboration", HostAgreement: "collaboration",
    HostAgreementParticipant: "agreement__collaboration", PlanPeriod: "collaboration",
    Strategy: "plan__collaboration", Measure: "collaboration", Participation: "measure__collaboration",
    StatusUpdate: "measure__collaboration", Meeting: "body__collaboration",
    MeetingCase: "meeting__body__collaboration", Subproject: "collaboration",
}


def _is_superuser(request) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


def managed_collaboration_ids(request) -> set[int]:
    """The collaborations the user may MANAGE, once per request."""
    if not hasattr(request, "_managed_collaboration_ids"):
        request._managed_collaboration_ids = set(
            policy.collaborations_with(request.user, "manage_collaboration").values_list("pk", flat=True))
    return request._managed_collaboration_ids


def _lookup(path: str, suffix: str) -> str:
    return f"{path}__{suffix}" if path else suffix


def scope_queryset(request, qs):
    """Rows of managed collaborations that the user may see."""
    model = qs.model
    if _is_superuser(request) or model not in COLLABORATION_PATHS:
        return qs
    path = COLLABORATION_PATHS[model]
    qs = qs.filter(**{_lookup(path, "pk__in" if not path else "in"): managed_collaboration_ids(request)})
    if model in (Participation, StatusUpdate):
        return qs.filter(measure__in=policy.visible_measures(request.user).values("pk"))
    if model is Measure:
        return policy.visible_measures(request.user, qs)
    if any(f.name == "visibility" for f in model._meta.fields):
        return policy.visible(request.user, qs, path)
    if model is MeetingCase:
        return qs.filter(meeting__in=policy.visible(request.user, Meeting.objects.all(), "body__collaboration"))
    return qs


def collaboration_of(obj) -> Collaboration | None:
    path = COLLABORATION_PATHS.get(type(obj))
    if path is None:
        return None
    for part in filter(None, path.split("__")):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def may_manage(request, obj) -> bool:
    """The policy's answer for one row: manage its collaboration and see it."""
    if _is_superuser(request):
        return True
    collaboration = collaboration_of(obj)
    if collaboration is None:
        return False
    if isinstance(obj, Measure):
        return policy.allows(request.user, Action.MANAGE, obj) and policy.allows(request.user, Action.VIEW, obj)
    return policy.allows(request.user, Action.MANAGE, collaboration) and policy.allows(request.user, Action.VIEW, obj)



class ReadOnlyAdminMixin:
    """For records that are never edited in the admin (status updates, report
    jobs): they change only through the services that enforce their rules."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

class ScopedMixin:
    """Querysets, object permissions and foreign-key choices asked of the policy."""

    def get_queryset(self, request):
        return scope_queryset(request, super().get_queryset(request))

    def _row_ok(self, request, obj) -> bool:
        return obj is None or may_manage(request, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._row_ok(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._row_ok(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._row_ok(request, obj)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and (
            _is_superuser(request) or bool(managed_collaboration_ids(request)))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        related = db_field.related_model
        if field is not None and related in COLLABORATION_PATHS and db_field.name not in self.unscoped_fields:
            field.queryset = scope_queryset(request, field.queryset)
        return field

    unscoped_fields: tuple[str, ...] = ()


class ScopedAdmin(ScopedMixin, admin.ModelAdmin):
    pass


class ScopedHistoryAdmin(ScopedMixin, SimpleHistoryAdmin):
    """For models with `history`: every save leaves who and why."""

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj._change_reason = gettext("Endret i administrasjonen")
        if change and hasattr(obj, "version"):
            obj.version += 1
        super().save_model(request, obj, form, change)


class ScopedTabularInline(ScopedMixin, admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or may_manage(request, obj))

    def has_change_permission(self, request, obj=None):
        return super(ScopedMixin, self).has_change_permission(request, obj) and (
            obj is None or may_manage(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super(ScopedMixin, self).has_delete_permission(request, obj) and (
            obj is None or may_manage(request, obj))

    def has_view_permission(self, request, obj=None):
        return super(ScopedMixin, self).has_view_permission(request, obj) and (
            obj is None or may_manage(request, obj))


# ------------------------------------------------------------ reference data

class PopulationFigureInline(admin.TabularInline):
    model = PopulationFigure
    extra = 0
    fields = ["year", "population", "source", "is_approximate", "note"]


def _member_municipality_ids(request) -> set[int]:
    return set(Membership.objects.filter(collaboration_id__in=managed_collaboration_ids(request))
               .values_list("municipality_id", flat=True))


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """Municipalities are public reference data: every secretariat sees them;
    it changes (population figures, names) only those that are or were
    members of a collaboration it manages."""

    list_display = ["number", "name", "sami_name", "kven_name", "county", "valid_from", "valid_to", "successor"]
    list_filter = ["county"]
    search_fields = ["name", "number", "sami_name", "kven_name"]
    autocomplete_fields = ["successor"]
    inlines = [PopulationFigureInline]

    def _row_ok(self, request, obj) -> bool:
        return obj is None or _is_superuser(request) or obj.pk in _member_municipality_ids(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._row_ok(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_superuser(request)

    def has_add_permission(self, request):
        return _is_superuser(request)

    def get_readonly_fields(self, request, obj=None):
        # Mergers go through services.memberships.municipality_merge.
        return [] if _is_superuser(request) else ["number", "county", "valid_from", "valid_to", "successor"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        permissions_sync_municipality(form.instance)


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "valid_from", "valid_to"]
    search_fields = ["name", "number"]


@admin.register(OutsidePartner)
class OutsidePartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "municipality", "organisation", "email", "user"]
    list_filter = ["municipality"]
    search_fields = ["name", "title", "organisation", "email"]

    def _row_ok(self, request, obj) -> bool:
        if obj is None or _is_superuser(request):
            return True
        return obj.municipality_id is None or obj.municipality_id in _member_municipality_ids(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._row_ok(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Linking a person to a login grants edit rights on the measures the
        # person answers for: only a superuser does that.
        return [] if _is_superuser(request) else ["user"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "user" in form.changed_data:
            for measure in obj.responsible_for.all():
                permissions_sync_measure(measure)


# ------------------------------------------------------------ collaborations

class MembershipInline(ScopedTabularInline):
    """Joins and exits have rules (consent of all original members, § 20-4):
    they go through services.memberships; here they are shown."""

    model = Membership
    fields = ["municipality", "joined_on", "left_on", "is_original_member", "note"]

    def has_add_permission(self, request, obj=None):
        return _is_superuser(request)

    def has_change_permission(self, request, obj=None):
        return _is_superuser(request)

    def has_delete_permission(self, request, obj=None):
        return _is_superuser(request)


class BodyInline(ScopedTabularInline):
    model = Body
    fields = ["kind", "name", "municipality", "receives_annual_report"]
    show_change_link = True


@admin.register(Collaboration)
class CollaborationAdmin(ScopedAdmin):
    list_display = ["name", "short_name", "kind", "parent", "established_on"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, BodyInline]
    unscoped_fields = ("parent",)  # nesting inside a county-wide collaboration grants nothing

    def has_add_permission(self, request):
        return _is_superuser(request)

    def has_delete_permission(self, request, obj=None):
        return _is_superuser(request)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for municipality in Municipality.objects.filter(memberships__collaboration=form.instance).distinct():
            permissions_sync_municipality(municipality)


class BodyMemberInline(ScopedTabularInline):
    model = BodyMember
    fields = ["person", "role", "starts_on", "ends_on"]
    autocomplete_fields = ["person"]


@admin.register(Body)
class BodyAdmin(ScopedAdmin):
    list_display = ["name", "kind", "collaboration", "municipality", "receives_annual_report"]
    list_filter = ["kind", "receives_annual_report", "collaboration"]
    search_fields = ["name", "mandate"]
    inlines = [BodyMemberInline]


@admin.register(BodyMember)
class BodyMemberAdmin(ScopedAdmin):
    list_display = ["person", "role", "body", "starts_on", "ends_on"]
    list_filter = ["body__collaboration", "body__kind"]
    search_fields = ["person__name", "role", "body__name"]
    autocomplete_fields = ["person"]


@admin.register(CostKey)
class CostKeyAdmin(ScopedAdmin):
    list_display = ["name", "collaboration", "fixed_share_percent", "population_share_percent", "population_year"]
    list_filter = ["collaboration", "population_year"]
    search_fields = ["name", "description"]


@admin.register(Network)
class NetworkAdmin(ScopedAdmin):
    list_display = ["name", "collaboration", "coordinator", "meeting_rhythm", "visibility"]
    list_filter = ["collaboration", "visibility"]
    search_fields = ["name", "description", "coordinator__name"]
    filter_horizontal = ["member_municipalities", "outside_members"]
    autocomplete_fields = ["coordinator"]


class HostAgreementParticipantInline(ScopedTabularInline):
    model = HostAgreementParticipant
    fields = ["municipality", "adopted_on", "case_number", "left_on"]


@admin.register(HostAgreement)
class HostAgreementAdmin(ScopedHistoryAdmin):
    list_display = ["service", "collaboration", "host", "legal_basis", "positions", "annual_cost", "cost_key",
                    "notice_months", "visibility"]
    list_filter = ["collaboration", "legal_basis", "visibility"]
    search_fields = ["service", "host__name", "delegated_authority"]
    readonly_fields = ["version"]
    inlines = [HostAgreementParticipantInline]

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in [*instances, *formset.deleted_objects]:
            obj._history_user, obj._change_reason = request.user, gettext("Endret i administrasjonen")
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            obj.save()
        formset.save_m2m()


@admin.register(PlanPeriod)
class PlanPeriodAdmin(ScopedAdmin):
    list_display = ["title", "collaboration", "start_year", "end_year", "adopted_on", "adopted_by"]
    list_filter = ["collaboration"]
    search_fields = ["title", "source"]


@admin.register(Strategy)
class StrategyAdmin(ScopedAdmin):
    list_display = ["number", "title", "plan"]
    list_display_links = ["title"]
    list_filter = ["plan__collaboration", "plan"]
    search_fields = ["title", "challenge", "goal", "expected_result"]


# ------------------------------------------------------------ measures

class MeasureAdminForm(forms.ModelForm):
    """Adds why the measure changes (kept in its history) and the version the
    form was opened at, so two people saving at once do not overwrite each
    other without knowing."""

    change_reason = forms.CharField(
        label=_("Hvorfor endres tiltaket?"), required=False, max_length=500,
        help_text=_("Lagres i historikken. Står det tomt, lagres «Endret i administrasjonen»."))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Measure
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The version in the database now, also when reverting to an old version.
            self.fields["expected_version"].initial = Measure.objects.filter(pk=self.instance.pk) \
                .values_list("version", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = Measure.objects.get(pk=self.instance.pk)
            if current.version != expected:
                changes = "; ".join(f"{label}: {old} → {new}" for label, old, new in changes_since(current, expected))
                raise forms.ValidationError(
                    gettext("Noen andre har lagret tiltaket etter at du åpnet det. Last siden på nytt. "
                            "Endret: %(changes)s") % {"changes": changes or "—"})
        return cleaned


class ParticipationInline(ScopedTabularInline):
    model = Participation
    fields = ["municipality", "joined_on", "left_on", "note"]


class StatusUpdateInline(ScopedTabularInline):
    model = StatusUpdate
    fields = ["reported_on", "municipality", "phase", "traffic_light", "light_reason", "status_text", "author"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _concrete_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key]


@admin.register(Measure)
class MeasureAdmin(ScopedHistoryAdmin):
    form = MeasureAdminForm
    list_display = ["title", "collaboration", "strategy", "phase", "traffic_light", "visibility",
                    "owner_municipality", "last_status_at"]
    list_filter = ["collaboration", "phase", "traffic_light", "visibility", "organisation_kind"]
    search_fields = ["title", "description", "status_text", "follow_up_text", "responsible__name"]
    list_select_related = ["collaboration", "strategy", "owner_municipality"]
    readonly_fields = ["version", "last_status_at"]
    autocomplete_fields = ["responsible"]
    filter_horizontal = ["partners"]
    inlines = [ParticipationInline, StatusUpdateInline]

    def save_model(self, request, obj, form, change):
        """Through the measure services: history with user and reason, and a
        new version. Changes are taken against the row as it is in the
        database, so a revert from the history works too."""
        reason = form.cleaned_data.get("change_reason") or gettext("Endret i administrasjonen")
        names = [n for n in _concrete_fields(Measure) if n in form.cleaned_data]
        if change:
            current = Measure.objects.get(pk=obj.pk)
            changes = {n: form.cleaned_data[n] for n in names if getattr(current, n) != form.cleaned_data[n]}
            expected = form.cleaned_data.get("expected_version") or current.version
            updated = measure_update(acting_user=request.user, measure=current, expected_version=expected,
                                     reason=reason, **changes)
            obj.version = updated.version
        else:
            created = measure_create(acting_user=request.user, reason=reason,
                                     **{n: form.cleaned_data[n] for n in names})
            obj.pk, obj.version = created.pk, created.version
            obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        reason = form.cleaned_data.get("change_reason") or gettext("Endret i administrasjonen")
        instances = formset.save(commit=False)
        for obj in [*instances, *formset.deleted_objects]:
            obj._history_user, obj._change_reason = request.user, reason
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            obj.save()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        permissions_sync_measure(form.instance)


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Status updates are never edited; a correction is a new update."""

    list_display = ["measure", "reported_on", "municipality", "phase", "traffic_light", "author", "created_at"]
    list_filter = ["measure__collaboration", "phase", "traffic_light"]
    search_fields = ["measure__title", "status_text", "follow_up_text", "reason"]
    list_select_related = ["measure", "municipality", "author"]
    date_hierarchy = "reported_on"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in StatusUpdate._meta.fields]


# ------------------------------------------------------------ meetings

class MeetingCaseInline(ScopedTabularInline):
    model = MeetingCase
    fields = ["number", "title", "conclusion", "follow_up_responsible", "follow_up_due", "visibility"]


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    list_display = ["title", "held_on", "body", "place", "visibility"]
    list_filter = ["body__collaboration", "visibility"]
    search_fields = ["title", "place", "cases__title"]
    date_hierarchy = "held_on"
    inlines = [MeetingCaseInline]


@admin.register(Subproject)
class SubprojectAdmin(ScopedAdmin):
    list_display = ["code", "kind", "name", "parent", "collaboration"]
    list_filter = ["collaboration", "kind"]
    search_fields = ["code", "name"]


# ------------------------------------------------------------ roles

class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "municipality", "collaboration", "network"]

    def clean(self):
        cleaned = super().clean()
        request = self.request
        if _is_superuser(request):
            return cleaned
        role = cleaned.get("role")
        if role in (Role.MUNICIPAL_ADMIN, Role.POLITICIAN):
            raise forms.ValidationError(gettext(
                "Roller for en kommune gjelder alle samarbeid kommunen er med i, og tildeles av en "
                "hovedadministrator."))
        collaboration = cleaned.get("collaboration") or getattr(cleaned.get("network"), "collaboration", None)
        if collaboration is None or not policy.allows(request.user, Action.MANAGE, collaboration):
            raise forms.ValidationError(gettext("Du kan bare tildele roller i samarbeid du forvalter."))
        return cleaned


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Roles are granted and revoked through services.roles, which keeps the
    object permissions in step. A role is never edited: revoke and grant."""

    form = RoleAssignmentForm
    list_display = ["user", "role", "municipality", "collaboration", "network", "granted_at"]
    list_filter = ["role", "collaboration", "municipality"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "municipality", "collaboration", "network"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if _is_superuser(request):
            return qs
        managed = managed_collaboration_ids(request)
        return qs.filter(Q(collaboration__in=managed) | Q(network__collaboration__in=managed)
                         | Q(municipality__in=_member_municipality_ids(request)))

    def _may_change(self, request, obj) -> bool:
        if obj is None or _is_superuser(request):
            return True
        collaboration = obj.collaboration or (obj.network.collaboration if obj.network_id else None)
        return collaboration is not None and policy.allows(request.user, Action.MANAGE, collaboration)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name in ("collaboration", "network"):
            field.queryset = scope_queryset(request, field.queryset)
        return field

    def save_model(self, request, obj, form, change):
        granted = role_grant(acting_user=request.user, user=obj.user, role=obj.role, municipality=obj.municipality,
                             collaboration=obj.collaboration, network=obj.network,
                             reason=gettext("Tildelt i administrasjonen"))
        obj.pk, obj.granted_at = granted.pk, granted.granted_at
        obj._state.adding = False

    def delete_model(self, request, obj):
        role_revoke(acting_user=request.user, assignment=obj, reason=gettext("Fjernet i administrasjonen"))

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user", "municipality", "collaboration", "network__collaboration"):
            role_revoke(acting_user=request.user, assignment=assignment, reason=gettext("Fjernet i administrasjonen"))
