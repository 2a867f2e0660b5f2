"""Forms of the portfolio: status updates, a measure's fields, documents.
Short, server-validated, Norwegian messages on the field; the service
functions check the same rules again (nothing is half-saved if a form is
bypassed)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..common.dates import norwegian_date
from ..common.forms import LENGTH_MESSAGES, TEXT_LIMIT, CheckedFileField, DateInput, NoColonMixin, long_text
from ..registry.models import Person
from .models import LIGHT_REASON_REQUIRED, Measure, Phase, StatusUpdate, TrafficLight, Visibility
from .services import document_file_error


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
        "required": _("Skjemaet er utdatert. Last siden på nytt og prøv igjen.")})

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
    """The measure's own fields. Saved through services.measures.measure_update."""

    reason = forms.CharField(label=_("Hvorfor endres tiltaket?"), max_length=500,
                             error_messages={**LENGTH_MESSAGES, "required": _("Skriv kort hvorfor tiltaket endres.")},
                             help_text=_("Vises i tidslinjen sammen med endringene."))
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": _("Skjemaet er utdatert. Last siden på nytt og prøv igjen.")})

    class Meta:
        model = Measure
        fields = ["title", "description", "responsible", "organisation_kind", "organisation", "starts_on", "ends_on",
                  "budget", "budget_recurrence", "budget_year", "cost_key", "potential", "feasibility", "visibility"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "organisation": forms.Textarea(attrs={"rows": 2}),
            "starts_on": DateInput(), "ends_on": DateInput(),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = Person.objects.order_by("name")
        self.fields["cost_key"].queryset = self.instance.collaboration.cost_keys.order_by("name")
        for name in ("description", "organisation"):
            self.fields[name].validators.append(MaxLengthValidator(TEXT_LIMIT))
            self.fields[name].error_messages.update(LENGTH_MESSAGES)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


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


