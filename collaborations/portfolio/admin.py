"""Admin of plans, strategies, measures and status updates. Measures are
saved through portfolio.services: history with user and reason, a new
version, conflict detection, participants and permissions kept in step."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..access.admin import ReadOnlyAdminMixin, ReadOnlyInline, ReasonForm, ServiceAdmin
from ..common.history import changes_since, tracked_fields
from ..registry.models import Municipality
from . import services
from .models import BOOKKEEPING_FIELDS, Measure, Participation, PlanPeriod, StatusUpdate, Strategy


@admin.register(PlanPeriod)
class PlanPeriodAdmin(ServiceAdmin):
    records = services.PLANS
    list_display = ["title", "collaboration", "start_year", "end_year", "adopted_on", "adopted_by"]
    list_filter = ["collaboration"]
    search_fields = ["title", "source"]


@admin.register(Strategy)
class StrategyAdmin(ServiceAdmin):
    records = services.STRATEGIES
    list_display = ["number", "title", "plan"]
    list_display_links = ["title"]
    list_filter = ["plan__collaboration", "plan"]
    search_fields = ["title", "challenge", "goal", "expected_result"]


class MeasureAdminForm(ReasonForm):
    """Adds who takes part, and the version the form was opened at, so two
    people saving at once do not overwrite each other without knowing."""

    participating = forms.ModelMultipleChoiceField(
        label=_("Deltakende kommuner"), queryset=Municipality.objects.order_by("name"), required=False,
        widget=admin.widgets.FilteredSelectMultiple(_("kommuner"), is_stacked=False))
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
            self.fields["participating"].initial = list(
                self.instance.participations.values_list("municipality_id", flat=True))

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = Measure.objects.get(pk=self.instance.pk)
            if current.version != expected:
                changes = "; ".join(f"{label}: {old} → {new}"
                                    for label, old, new in changes_since(current, expected, exclude=BOOKKEEPING_FIELDS))
                raise forms.ValidationError(
                    gettext("Noen andre har lagret tiltaket etter at du åpnet det. Last siden på nytt. "
                            "Endret: %(changes)s") % {"changes": changes or "—"})
        return cleaned


class ParticipationInline(ReadOnlyInline):
    """Who takes part is chosen in «Deltakende kommuner» above (with history)."""

    model = Participation
    fields = ["municipality", "joined_on", "left_on", "note"]
    readonly_fields = fields


class StatusUpdateInline(ReadOnlyInline):
    model = StatusUpdate
    fields = ["reported_on", "municipality", "phase", "traffic_light", "light_reason", "status_text", "author"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Measure)
class MeasureAdmin(ServiceAdmin):
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

    def save_with_service(self, request, obj, reason, form=None):
        """Changes are taken against the row as it is in the database, so a
        revert from the history works too."""
        data = form.cleaned_data
        names = [f.name for f in tracked_fields(Measure) if f.name in data]
        participant_ids = [m.pk for m in data["participating"]]
        partner_ids = [p.pk for p in data.get("partners", [])]
        if obj.pk is None:
            return services.measure_create(acting_user=request.user, reason=reason, participant_ids=participant_ids,
                                           partner_ids=partner_ids, **{n: data[n] for n in names})
        current = Measure.objects.get(pk=obj.pk)
        changes = {n: data[n] for n in names if getattr(current, n) != data[n]}
        updated = services.measure_update(acting_user=request.user, measure=current, reason=reason,
                                          expected_version=data.get("expected_version") or current.version,
                                          partner_ids=partner_ids, **changes)
        services.measure_set_participants(acting_user=request.user, measure=updated, municipality_ids=participant_ids,
                                          reason=reason)
        obj.version = updated.version
        return updated

    def delete_with_service(self, request, obj, reason):
        services.measure_delete(acting_user=request.user, measure=obj, reason=reason)


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdminMixin, ServiceAdmin):
    """Status updates are never edited; a correction is a new update."""

    list_display = ["measure", "reported_on", "municipality", "phase", "traffic_light", "author", "created_at"]
    list_filter = ["measure__collaboration", "phase", "traffic_light"]
    search_fields = ["measure__title", "status_text", "follow_up_text", "reason"]
    list_select_related = ["measure", "municipality", "author"]
    date_hierarchy = "reported_on"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in StatusUpdate._meta.fields]
