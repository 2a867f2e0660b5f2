"""Admin of the registry: municipalities and their population figures,
counties, outside partners, people, collaborations, members, bodies and
networks. Every save goes through registry.services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..access import policy
from ..access.admin import InstallationAdmin, ReadOnlyInline, ReasonForm, ServiceAdmin, ServiceInline, as_stored
from ..common.errors import DomainError
from ..common.forms import DateInput
from . import models as registry
from . import services
from .selectors import memberships_on


class PopulationFigureInline(ServiceInline):
    records = services.POPULATION_FIGURES
    model = registry.PopulationFigure
    fields = ["year", "population", "source", "is_approximate", "note"]

    def _row_ok(self, request, obj) -> bool:
        """`obj` is the municipality: its figures are kept by the secretariats of its collaborations."""
        return obj is None or policy.may_keep_municipality(request.user, obj)


class MergeForm(forms.Form):
    successor = forms.ModelChoiceField(label=_("Ny kommune (etterfølger)"), queryset=registry.Municipality.objects.none())
    on_date = forms.DateField(label=_("Første dag for den nye kommunen"), widget=DateInput())
    reason = forms.CharField(label=_("Vedtak eller begrunnelse"), max_length=500)


@admin.register(registry.Municipality)
class MunicipalityAdmin(InstallationAdmin):
    """Municipalities are public reference data: every secretariat reads them
    and keeps the population figures of its members; numbers, validity and
    mergers are the installation administrators' (Action.ADMINISTER)."""

    list_display = ["number", "name", "sami_name", "kven_name", "county", "valid_from", "valid_to", "successor"]
    list_filter = ["county"]
    search_fields = ["name", "number", "sami_name", "kven_name"]
    autocomplete_fields = ["successor"]
    inlines = [PopulationFigureInline]
    installation_fields = ("number", "county", "valid_from", "valid_to", "successor")
    actions = ["merge"]
    records = services.MUNICIPALITIES

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or policy.may_keep_municipality(request.user, as_stored(obj)))

    def has_add_permission(self, request):
        return policy.allows(request.user, policy.Action.ADMINISTER, None)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not policy.allows(request.user, policy.Action.ADMINISTER, None):
            actions.pop("merge", None)
        return actions

    @admin.action(description=_("Slå sammen valgte kommuner"))
    def merge(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(f"{reverse('admin:collaborations_municipality_merge')}?ids={ids}")

    def get_urls(self):
        return [path("slå-sammen/", self.admin_site.admin_view(self.merge_view),
                     name="collaborations_municipality_merge"), *super().get_urls()]

    def merge_view(self, request):
        """Merge municipalities through registry.services.municipality_merge."""
        if not policy.allows(request.user, policy.Action.ADMINISTER, None):
            return redirect("admin:index")
        ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()]
        predecessors = list(registry.Municipality.objects.filter(pk__in=ids).order_by("name"))
        form = MergeForm(request.POST or None)
        form.fields["successor"].queryset = registry.Municipality.objects.exclude(pk__in=ids).order_by("name")
        if request.method == "POST" and form.is_valid():
            try:
                services.municipality_merge(acting_user=request.user, predecessors=predecessors,
                                            successor=form.cleaned_data["successor"],
                                            on_date=form.cleaned_data["on_date"], reason=form.cleaned_data["reason"])
            except DomainError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, gettext("Kommunene er slått sammen."), messages.SUCCESS)
                return redirect("admin:collaborations_municipality_changelist")
        return render(request, "admin/collaborations/merge.html", {
            **self.admin_site.each_context(request), "title": gettext("Slå sammen kommuner"),
            "predecessors": predecessors, "form": form, "opts": self.model._meta})


@admin.register(registry.County)
class CountyAdmin(InstallationAdmin):
    records = services.COUNTIES
    list_display = ["number", "name", "valid_from", "valid_to"]
    search_fields = ["name", "number"]
    installation_fields = ("number", "name", "valid_from", "valid_to")


@admin.register(registry.OutsidePartner)
class OutsidePartnerAdmin(InstallationAdmin):
    records = services.OUTSIDE_PARTNERS
    list_display = ["name", "kind", "municipality"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(registry.Person)
class PersonAdmin(InstallationAdmin):
    """Linking a person to a login gives edit rights on the measures the
    person answers for: only an installation administrator does that."""

    list_display = ["name", "title", "municipality", "organisation", "email", "user"]
    list_filter = ["municipality"]
    search_fields = ["name", "title", "organisation", "email"]
    installation_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or as_stored(obj).municipality_id is None
            or policy.may_keep_municipality(request.user, as_stored(obj).municipality))

    def save_with_service(self, request, obj, reason, form=None):
        return services.person_save(acting_user=request.user, person=obj, reason=reason)


# ------------------------------------------------------------ collaborations

class MembershipInline(ReadOnlyInline):
    """Joins and exits have rules (consent of all original members, § 20-4):
    they are made on the membership's own page, through registry.services."""

    model = registry.Membership
    fields = ["municipality", "joined_on", "left_on", "is_original_member", "note"]
    readonly_fields = fields
    show_change_link = True


class BodyInline(ServiceInline):
    records = services.BODIES
    model = registry.Body
    fields = ["kind", "name", "municipality", "receives_annual_report"]
    show_change_link = True


@admin.register(registry.Collaboration)
class CollaborationAdmin(ServiceAdmin):
    records = services.COLLABORATIONS
    list_display = ["name", "short_name", "kind", "parent", "established_on"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, BodyInline]
    unscoped_fields = ("parent",)  # nesting inside a county-wide collaboration grants nothing

    def has_add_permission(self, request):
        return policy.allows(request.user, policy.Action.ADMINISTER, None)

    def has_delete_permission(self, request, obj=None):
        return False  # reports and the audit trail keep pointing at it


class MembershipAddForm(ReasonForm):
    consenting = forms.ModelMultipleChoiceField(
        label=_("Samtykke fra"), queryset=registry.Municipality.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nye medlemmer tas bare opp med samtykke fra alle opprinnelige deltakere."))

    class Meta:
        model = registry.Membership
        fields = ["collaboration", "municipality", "joined_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].required = True
        self.fields["consenting"].queryset = registry.Municipality.objects.filter(
            pk__in=memberships_on().filter(is_original_member=True).values("municipality_id")).order_by("name")


class MembershipEndForm(ReasonForm):
    class Meta:
        model = registry.Membership
        fields = ["left_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "left_on" in self.fields:  # not when an ended membership is only viewed
            self.fields["left_on"].required = True
        self.fields["change_reason"].label = _("Hvorfor trer kommunen ut?")


@admin.register(registry.Membership)
class MembershipAdmin(ServiceAdmin):
    """A new member through `membership_add` (consent of all original members);
    an exit through `membership_end` (kommuneloven § 20-4). Nothing else changes."""

    list_display = ["municipality", "collaboration", "joined_on", "left_on", "is_original_member", "note"]
    list_filter = ["collaboration"]
    list_select_related = ["municipality", "collaboration"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MembershipEndForm if obj is not None else MembershipAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is not None:
            return ["left_on", "change_reason"]
        return ["collaboration", "municipality", "joined_on", "consenting", "change_reason"]

    def has_change_permission(self, request, obj=None):
        # As stored: a refused exit form has already set `left_on` on the instance, and its
        # errors must still be shown on the form, not a read-only page.
        return super().has_change_permission(request, obj) and (obj is None or as_stored(obj).left_on is None)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_with_service(self, request, obj, reason, form=None):
        if obj.pk:
            ended = services.membership_end(acting_user=request.user, membership=obj, left_on=obj.left_on,
                                            reason=reason)
            for notice in ended.notices:
                self.message_user(request, notice, messages.WARNING)
            return ended.membership
        return services.membership_add(
            acting_user=request.user, collaboration=obj.collaboration, municipality=obj.municipality,
            joined_on=obj.joined_on, reason=reason,
            consenting_municipality_ids={m.pk for m in form.cleaned_data["consenting"]})


class BodyMemberInline(ServiceInline):
    records = services.BODY_MEMBERS
    model = registry.BodyMember
    fields = ["person", "role", "starts_on", "ends_on"]
    autocomplete_fields = ["person"]


@admin.register(registry.Body)
class BodyAdmin(ServiceAdmin):
    records = services.BODIES
    list_display = ["name", "kind", "collaboration", "municipality", "receives_annual_report"]
    list_filter = ["kind", "receives_annual_report", "collaboration"]
    search_fields = ["name", "mandate"]
    inlines = [BodyMemberInline]


@admin.register(registry.BodyMember)
class BodyMemberAdmin(ServiceAdmin):
    records = services.BODY_MEMBERS
    list_display = ["person", "role", "body", "starts_on", "ends_on"]
    list_filter = ["body__collaboration", "body__kind"]
    search_fields = ["person__name", "role", "body__name"]
    autocomplete_fields = ["person"]


@admin.register(registry.Network)
class NetworkAdmin(ServiceAdmin):
    records = services.NETWORKS
    list_display = ["name", "collaboration", "coordinator", "meeting_rhythm", "visibility"]
    list_filter = ["collaboration", "visibility"]
    search_fields = ["name", "description", "coordinator__name"]
    filter_horizontal = ["member_municipalities", "outside_members"]
    autocomplete_fields = ["coordinator"]

    def save_with_service(self, request, obj, reason, form=None):
        return services.network_save(
            acting_user=request.user, network=obj, reason=reason,
            member_municipality_ids=[m.pk for m in form.cleaned_data["member_municipalities"]],
            outside_member_ids=[p.pk for p in form.cleaned_data["outside_members"]])

