"""Forms of the meeting pages: a meeting, a case with what it concerns, a
follow-up. Each is saved through meetings.services with a reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..common.forms import LENGTH_MESSAGES, CheckedFileField, DateInput, NoColonMixin, long_text
from ..economy.models import HostAgreement
from ..portfolio.models import Document, Measure
from ..portfolio.services import document_file_error
from ..registry.forms import MunicipalityChoices, RecordForm, reason_field
from ..registry.models import Municipality
from .models import CouncilCase, CouncilDecision, FollowUp, Meeting, MeetingCase, Subproject, WheelItem

DATE_INVALID = _("Skriv en gyldig dato.")


class LinkChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "invalid_choice": _("Velg bare blant samarbeidets egne (%(value)s er ikke et av dem)."),
        "invalid_pk_value": _("«%(pk)s» er ikke et gyldig valg."),
    }


class MeetingForm(RecordForm):
    present = long_text(_("Til stede"), rows=3)
    absent = long_text(_("Forfall"), rows=2)
    others_attending = long_text(_("Andre møtende"), _("For eksempel «Vegard Bogstrand (sak 6 og 7)»."), rows=2)
    reason = reason_field(_("Hvorfor registreres eller endres møtet?"))

    class Meta:
        model = Meeting
        fields = ["body", "title", "held_on", "place", "present", "absent", "others_attending", "minutes_by",
                  "visibility"]
        widgets = {"held_on": DateInput()}
        error_messages = {"body": {"required": _("Velg organet som møtes."),
                                   "invalid_choice": _("Velg et av samarbeidets organer.")},
                          "title": {"required": _("Skriv en tittel på møtet."), **LENGTH_MESSAGES},
                          "held_on": {"required": _("Skriv datoen for møtet."), "invalid": DATE_INVALID},
                          "place": LENGTH_MESSAGES, "minutes_by": LENGTH_MESSAGES}
        help_texts = {"title": _("For eksempel «Fellesmøte regionrådet og KDU»."),
                      "visibility": _("Et internt møte vises bare for administrasjonen i samarbeidet.")}

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["body"].empty_label = _("Velg organ")


class CaseForm(RecordForm):
    conclusion = long_text(_("Konklusjon"), _("Tom til saken er behandlet: da står den på sakslisten."), rows=6)
    measures = LinkChoices(label=_("Tiltak saken gjelder"), queryset=Measure.objects.none(), required=False)
    agreements = LinkChoices(label=_("Vertskommuneavtaler saken gjelder"), queryset=HostAgreement.objects.none(),
                             required=False)
    subprojects = LinkChoices(label=_("Delprosjekter og faggrupper saken gjelder"), queryset=Subproject.objects.none(),
                              required=False)
    documents = LinkChoices(label=_("Dokumenter saken gjelder"), queryset=Document.objects.none(), required=False,
                            help_text=_("Dokumentene som er lastet opp på samarbeidets tiltak."))
    reason = reason_field(_("Hvorfor registreres eller endres saken?"))

    class Meta:
        model = MeetingCase
        fields = ["number", "title", "conclusion", "visibility", "measures", "agreements", "subprojects", "documents"]
        error_messages = {"number": {"required": _("Skriv saksnummeret."),
                                     "invalid": _("Skriv saksnummeret som et helt tall."),
                                     "min_value": _("Saksnummeret må være 1 eller høyere.")},
                          "title": {"required": _("Skriv hva saken gjelder."), **LENGTH_MESSAGES}}
        help_texts = {"number": _("Nummereres fortløpende i organet gjennom året: sak 7 i 2017 er «7/2017»."),
                      "visibility": _("En intern sak (for eksempel en ROS-analyse) vises bare for administrasjonen; "
                                      "det publiserte referatet nevner den ikke.")}

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in links.items():
            if queryset.exists():
                self.fields[name].queryset = queryset
            else:  # nothing of the kind in the collaboration: no empty heading
                del self.fields[name]
        if "documents" in self.fields:
            self.fields["documents"].label_from_instance = lambda d: f"{d.title} ({d.measure.title})"
        self.fields["number"].min_value = 1
        self.fields["number"].widget.attrs["min"] = 1

    def links(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("measures", "agreements", "subprojects", "documents")
                if name in self.fields}


class FollowUpForm(RecordForm):
    action = long_text(_("Hva skal gjøres"), rows=3)
    reason = reason_field(_("Hvorfor registreres eller endres oppfølgingen?"))

    class Meta:
        model = FollowUp
        fields = ["responsible", "person", "action", "due_on", "done_on"]
        widgets = {"due_on": DateInput(), "done_on": DateInput()}
        error_messages = {"responsible": {"required": _("Skriv hvem som har ansvaret."), **LENGTH_MESSAGES},
                          "due_on": {"invalid": DATE_INVALID}, "done_on": {"invalid": DATE_INVALID}}
        help_texts = {"responsible": _("Som i referatet, for eksempel «Rådmennene, Arve og Vegard Bogstrand»."),
                      "done_on": _("Fyll inn når oppfølgingen er gjort.")}

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].empty_label = _("Ingen påminnelse")


class CouncilCaseForm(RecordForm):
    summary = long_text(_("Sammendrag"), _("Det kommunestyrene trenger å vite: bakgrunn, økonomi, vurdering."),
                        rows=5)
    proposed_decision = long_text(_("Forslag til vedtak"), _("Samme tekst til alle kommunestyrene."), rows=5,
                                  required=True)
    proposed_decision.error_messages["required"] = _("Skriv forslaget til vedtak.")
    councils = MunicipalityChoices(label=_("Kommunestyrer som skal behandle saken"),
                                   queryset=Municipality.objects.none(),
                                   error_messages={"required": _("Velg minst ett kommunestyre.")})
    reason = reason_field(_("Hvorfor registreres eller endres saken?"))

    class Meta:
        model = CouncilCase
        fields = ["title", "subject", "agreement", "plan", "new_member", "origin", "summary", "proposed_decision",
                  "rule", "sent_on", "visibility"]
        widgets = {"sent_on": DateInput()}
        error_messages = {"title": {"required": _("Skriv en tittel på saken."), **LENGTH_MESSAGES},
                          "sent_on": {"invalid": DATE_INVALID},
                          "agreement": {"invalid_choice": _("Velg en av samarbeidets avtaler.")},
                          "plan": {"invalid_choice": _("Velg en av samarbeidets planer.")},
                          "new_member": {"invalid_choice": _("Velg en kommune som ikke er medlem.")},
                          "origin": {"invalid_choice": _("Velg en av samarbeidets møtesaker.")}}
        help_texts = {"title": _("For eksempel «Samarbeidsavtale om tjenesteproduksjon i Vestre Varanger»."),
                      "origin": _("Møtesaken der det ble bestemt å lage lik sak til kommunestyrene."),
                      "rule": _("Samarbeidsavtaler og opptak av nye medlemmer krever som regel alle."),
                      "sent_on": _("Tom til saken er sendt.")}

    def __init__(self, *args, links, councils, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in links.items():
            self.fields[name].queryset = queryset
        self.fields["agreement"].empty_label = self.fields["plan"].empty_label = _("Ingen")
        self.fields["new_member"].empty_label = self.fields["origin"].empty_label = _("Ingen")
        self.fields["councils"].queryset = councils
        if self.instance.pk:
            self.fields["councils"].initial = list(self.instance.decisions.values_list("municipality_id", flat=True))
        else:
            self.fields["councils"].initial = list(councils.values_list("pk", flat=True))


class CouncilDecisionForm(RecordForm):
    amendments = long_text(_("Endringer i vedtaket"), _("Bare når kommunestyret vedtok forslaget med endringer: "
                                                        "skriv endringene."), rows=4)
    reason = reason_field(_("Hvorfor registreres eller endres vedtaket?"))

    class Meta:
        model = CouncilDecision
        fields = ["outcome", "case_number", "decided_on", "amendments"]
        widgets = {"decided_on": DateInput()}
        error_messages = {"case_number": LENGTH_MESSAGES, "decided_on": {"invalid": DATE_INVALID}}


class WheelItemForm(RecordForm):
    description = long_text(_("Beskrivelse"), rows=3)
    reason = reason_field(_("Hvorfor registreres eller endres punktet?"))

    class Meta:
        model = WheelItem
        fields = ["title", "kind", "recurrence", "month", "day", "year", "body", "responsible", "description",
                  "visibility"]
        labels = {"month": _("Måned"), "day": _("Dag i måneden")}
        error_messages = {"title": {"required": _("Skriv hva som skjer."), **LENGTH_MESSAGES},
                          "month": {"required": _("Velg måneden.")},
                          "day": {"invalid": _("Skriv dagen som et tall fra 1 til 31.")},
                          "year": {"invalid": _("Skriv året som et tall, for eksempel 2027.")},
                          "responsible": LENGTH_MESSAGES}
        help_texts = {"title": _("For eksempel «Fellesmøte regionrådet og KDU» eller «Budsjettinnspill til kommunene»."),
                      "responsible": _("For eksempel «Sekretariatet» eller «Kommunedirektørene».")}

    MONTH_NAMES = [_("januar"), _("februar"), _("mars"), _("april"), _("mai"), _("juni"), _("juli"), _("august"),
                   _("september"), _("oktober"), _("november"), _("desember")]

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", _("Velg måned")), *((i + 1, n) for i, n in enumerate(self.MONTH_NAMES))]
        self.fields["body"].queryset = bodies
        self.fields["body"].empty_label = _("Ingen")
        self.fields["day"].widget.attrs.update(min=1, max=31)


class AttachmentForm(NoColonMixin, forms.Form):
    title = forms.CharField(label=_("Tittel"), max_length=200,
                            error_messages={"required": _("Skriv en tittel på vedlegget."), **LENGTH_MESSAGES})
    file = CheckedFileField(label=_("Fil"), check=document_file_error,
                            error_messages={"required": _("Velg filen som skal lastes opp.")})
    reason = reason_field(_("Hvorfor legges vedlegget ved?"))
