"""Forms of the portfolio: status updates, a measure's fields (to create and edit it), closing a
measure, documents.
Short, server-validated, Norwegian messages on the field; the service
functions check the same rules again (nothing is half-saved if a form is
bypassed)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..access import policy
from ..common.dates import norwegian_date
from ..common.forms import LENGTH_MESSAGES, STALE_FORM, CheckedFileField, DateInput, NoColonMixin, limit_text, long_text
from ..registry.models import Municipality, OutsidePartner, Person
from ..registry.selectors import members_on
from .models import LIGHT_REASON_REQUIRED, Measure, Phase, PlanPeriod, StatusUpdate, Strategy, TrafficLight, Visibility
from .services import MANAGER_FIELDS, document_file_error


class StatusUpdateForm(NoColonMixin, forms.Form):
    """A status update: the measure's overall status, or one participant's part."""

    reported_on = forms.DateField(label=_("Gjelder dato"), widget=DateInput())
    phase = forms.ChoiceField(label=_("Fase"), choices=Phase.choices)
    traffic_light = forms.ChoiceField(label=_("Trafikklys"), choices=TrafficLight.choices,
                                      widget=forms.RadioSelect(attrs={"class": "light-choice"}))
    light_reason = long_text(_("Begrunnelse for trafikklyset"),
                         _("Påkrevd når trafikklyset er «Risiko» eller «Ikke i rute»."), rows=2)
    status_text = long_text(_("Hva har skjedd?"), rows=4)
    follow_up_text = long_text(_("Oppfølging: hva skjer videre?"), rows=3)
    follow_up_responsible = forms.CharField(label=_("Oppfølging: hvem"), max_length=200, required=False,
                                            error_messages=LENGTH_MESSAGES)
    follow_up_due = forms.DateField(label=_("Oppfølging: innen"), required=False, widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": STALE_FORM})

    def __init__(self, *args, with_version: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()
        if not with_version:
            del self.fields["version"]

    def clean_reported_on(self) -> dt.date:
        day = self.cleaned_data["reported_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke være frem i tid."))
        return day

    def clean(self):
        data = super().clean()
        light, reason = data.get("traffic_light"), (data.get("light_reason") or "").strip()
        if light and light != TrafficLight.GREEN and not reason and "light_reason" not in self.errors:
            self.add_error("light_reason", LIGHT_REASON_REQUIRED)
        due, day = data.get("follow_up_due"), data.get("reported_on")
        if due and day and due < day:
            self.add_error("follow_up_due", _("Fristen kan ikke være før datoen oppdateringen gjelder (%(date)s).")
                           % {"date": norwegian_date(day)})
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["light_reason"] = data["light_reason"].strip()
        return data


class MeasureForm(NoColonMixin, forms.ModelForm):
    """Every field the action plan has for a measure: to create one (pass
    `collaboration`) or to edit one (pass `instance`). Saved through
    services.measure_create / services.measure_change.

    `manage` (the secretariat): without it, the fields only the secretariat
    changes (services.MANAGER_FIELDS, the participants and the outside
    partners) are not in the form at all, so a POST carrying them changes
    nothing. `with_version`: the hidden version that detects concurrent edits
    (not when creating). `user`: whose form it is; it offers the host
    agreements that user may see."""

    participants = forms.ModelMultipleChoiceField(
        label=_("Deltakende kommuner"), queryset=Municipality.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Medlemskommunene som deltar. Kommuner utenfor samarbeidet er eksterne partnere."))
    partners = forms.ModelMultipleChoiceField(
        label=_("Eksterne partnere"), queryset=OutsidePartner.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Helseforetak, statlige etater, fylkeskommunen, skoler og kommuner utenfor samarbeidet."))
    reason = forms.CharField(label=_("Hvorfor endres tiltaket?"), max_length=500,
                             error_messages={**LENGTH_MESSAGES, "required": _("Skriv kort hvorfor tiltaket endres.")},
                             help_text=_("Vises i tidslinjen sammen med endringene."))
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": STALE_FORM})

    # The page shows the fields in these groups (legend, field names); a field not in the form is skipped.
    GROUPS = (
        (_("Plassering i planen"), ("strategy", "number", "title", "description")),
        (_("Deltakere"), ("participants", "partners", "participants_note")),
        (_("Ansvar og organisering"), ("responsible", "owner_municipality", "organisation_kind", "organisation",
                                       "network", "host_municipality", "host_agreement")),
        (_("Økonomi"), ("cost_key", "budget", "budget_recurrence", "budget_year")),
        (_("Vurdering, periode og synlighet"), ("potential", "feasibility", "starts_on", "ends_on", "visibility")),
    )

    class Meta:
        model = Measure
        fields = ["strategy", "number", "title", "description", "participants_note", "responsible",
                  "owner_municipality", "organisation_kind", "organisation", "network", "host_municipality",
                  "host_agreement", "cost_key", "budget", "budget_recurrence", "budget_year", "potential",
                  "feasibility", "starts_on", "ends_on", "visibility"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "organisation": forms.Textarea(attrs={"rows": 2}),
            "starts_on": DateInput(), "ends_on": DateInput(),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, user, collaboration=None, manage: bool = True, with_version: bool = True, **kwargs):
        if kwargs.get("instance") is None:
            kwargs["instance"] = Measure(collaboration=collaboration)
        super().__init__(*args, **kwargs)
        measure = self.instance
        collaboration = measure.collaboration
        self.creating = measure.pk is None
        members = {m.pk for m in members_on(collaboration, timezone.localdate())}
        taking_part = set() if self.creating else set(measure.participations.values_list("municipality_id", flat=True))
        self.fields["participants"].queryset = Municipality.objects.filter(pk__in=members | taking_part) \
            .order_by("name")
        self.fields["partners"].queryset = OutsidePartner.objects.order_by("name")
        if not self.creating:
            self.fields["participants"].initial = sorted(taking_part)
            self.fields["partners"].initial = list(measure.partners.values_list("pk", flat=True))
        self._strategy_choices(collaboration)
        self.fields["responsible"].queryset = Person.objects.order_by("name")
        for name in ("owner_municipality", "host_municipality"):
            current = getattr(measure, f"{name}_id")
            self.fields[name].queryset = Municipality.objects.filter(
                pk__in=members | ({current} if current else set())).order_by("name")
        self.fields["network"].queryset = collaboration.networks.order_by("name")
        # Only the host agreements the user may see: an owner or a coordinator who edits a measure
        # does not see the collaboration's internal agreements. An agreement already chosen that they
        # may not see is not theirs to change, nor to read (the field is left out).
        agreements = policy.visible(user, collaboration.host_agreements.order_by("service"))
        self.fields["host_agreement"].queryset = agreements
        if measure.host_agreement_id and not agreements.filter(pk=measure.host_agreement_id).exists():
            del self.fields["host_agreement"]
        self.fields["cost_key"].queryset = collaboration.cost_keys.order_by("name")
        for name in ("description", "organisation"):
            limit_text(self.fields[name])
        self.fields["title"].error_messages.update({**LENGTH_MESSAGES, "required": _("Skriv tittelen på tiltaket.")})
        if self.creating:
            self.fields["reason"].label = _("Hvorfor opprettes tiltaket?")
            self.fields["reason"].error_messages["required"] = _("Skriv kort hvorfor tiltaket opprettes.")
            self.fields["reason"].help_text = _("For eksempel vedtaket i kommunedirektørutvalget.")
        if not manage:
            for name in MANAGER_FIELDS | {"participants", "partners"}:
                del self.fields[name]
        if not with_version:
            del self.fields["version"]

    def _strategy_choices(self, collaboration) -> None:
        """The strategies of the collaboration's plans, grouped by plan: open
        plans first, the newest on top, then the closed ones."""
        plans = sorted(PlanPeriod.objects.filter(collaboration=collaboration).prefetch_related("strategies"),
                       key=lambda p: (p.closed_on is not None, -p.start_year, -p.pk))
        field = self.fields["strategy"]
        field.queryset = Strategy.objects.filter(plan__collaboration=collaboration)
        groups = []
        for plan in plans:
            label = str(plan) if plan.closed_on is None else _("%(plan)s (avsluttet)") % {"plan": plan}
            groups.append((label, [(s.pk, str(s)) for s in sorted(plan.strategies.all(), key=lambda s: s.number)]))
        field.choices = [("", field.empty_label), *groups]
        field.help_text = _("Strategiene i samarbeidets planer, den nyeste gjeldende planen først.")

    @property
    def groups(self) -> list[tuple[str, list]]:
        """(legend, bound fields) for each group that has a field in this form."""
        out = []
        for legend, names in self.GROUPS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                out.append((legend, fields))
        return out

    def changes(self) -> dict:
        """The measure's own fields in this form, for the services."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}

    def participant_ids(self) -> list[int] | None:
        """Who takes part, or None when this form may not change it."""
        if "participants" not in self.fields:
            return None
        return [m.pk for m in self.cleaned_data["participants"]]

    def partner_ids(self) -> list[int] | None:
        if "partners" not in self.fields:
            return None
        return [p.pk for p in self.cleaned_data["partners"]]


class MeasureCloseForm(NoColonMixin, forms.Form):
    """Closing a measure ("avslutning"): saved through services.measure_close."""

    final_phase = forms.ChoiceField(
        label=_("Hvordan endte tiltaket?"), choices=[(Phase.COMPLETED.value, Phase.COMPLETED.label),
                                                     (Phase.STOPPED.value, Phase.STOPPED.label)],
        widget=forms.RadioSelect, error_messages={"required": _("Velg «Avsluttet» eller «Stanset».")},
        help_text=_("Avsluttet: gjennomført som planlagt. Stanset: lagt ned før det var ferdig."))
    closed_on = forms.DateField(label=_("Dato"), widget=DateInput(),
                                error_messages={"required": _("Skriv datoen tiltaket ble avsluttet.")})
    reason = long_text(_("Hvorfor avsluttes tiltaket?"), _("Vises på tiltakssiden og i tidslinjen."), rows=3,
                       limit=500, required=True)
    traffic_light = forms.ChoiceField(label=_("Trafikklys ved avslutningen"), choices=TrafficLight.choices,
                                      initial=TrafficLight.GREEN, required=False,
                                      widget=forms.RadioSelect(attrs={"class": "light-choice"}))
    light_reason = long_text(_("Begrunnelse for trafikklyset"),
                             _("Påkrevd når trafikklyset er «Risiko» eller «Ikke i rute»."), rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": STALE_FORM})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()
        self.fields["reason"].error_messages["required"] = _("Skriv kort hvorfor tiltaket avsluttes.")

    def clean_closed_on(self) -> dt.date:
        day = self.cleaned_data["closed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke være frem i tid."))
        return day

    def clean(self):
        data = super().clean()
        light = data.get("traffic_light") or TrafficLight.GREEN
        data["traffic_light"] = light
        if light != TrafficLight.GREEN and not (data.get("light_reason") or "").strip() \
                and "light_reason" not in self.errors:
            self.add_error("light_reason", LIGHT_REASON_REQUIRED)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"final_phase": data["final_phase"], "closed_on": data["closed_on"], "reason": data["reason"].strip(),
                "traffic_light": data["traffic_light"], "light_reason": data["light_reason"].strip(),
                "expected_version": data["version"]}


class DocumentForm(NoColonMixin, forms.Form):
    title = forms.CharField(label=_("Tittel"), max_length=200, error_messages=LENGTH_MESSAGES)
    file = CheckedFileField(label=_("Fil"), check=document_file_error)
    visibility = forms.ChoiceField(label=_("Synlighet"), choices=Visibility.choices, initial=Visibility.PUBLISHED,
                                   widget=forms.RadioSelect,
                                   help_text=_("Interne dokumenter, for eksempel ROS-analyser, vises bare for "
                                               "administrasjonen."))
    status_update = forms.ModelChoiceField(label=_("Gjelder statusoppdatering"), required=False,
                                           queryset=StatusUpdate.objects.none(), empty_label=_("Hele tiltaket"))

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status_update"].queryset = measure.status_updates.select_related("municipality")
        whole = _("hele tiltaket")
        self.fields["status_update"].label_from_instance = lambda u: " – ".join(
            [norwegian_date(u.reported_on), str(u.municipality or whole), u.get_traffic_light_display()])


