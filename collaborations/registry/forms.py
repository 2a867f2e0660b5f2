"""Forms of the registry pages: taking in a member (with each original
member's consent), a member's exit, a network, and a merger."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..common.forms import LENGTH_MESSAGES, DateInput, NoColonMixin, long_text
from .models import County, Municipality, Network, Visibility


def reason_field(label):
    field = long_text(label, rows=2, limit=1000, required=True)
    field.error_messages["required"] = _("Skriv en kort begrunnelse.")
    return field


class MunicipalityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.number})"


class MunicipalityChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class MemberAddForm(NoColonMixin, forms.Form):
    """A new member: which municipality, from when, and the consent of each
    original member (with its council's decision, date and case number)."""

    municipality = MunicipalityChoice(label=_("Kommune"), queryset=Municipality.objects.none(),
                                      empty_label=_("Velg kommune"),
                                      error_messages={"required": _("Velg kommunen som skal tas opp.")})
    joined_on = forms.DateField(label=_("Medlem fra"), widget=DateInput(),
                                error_messages={"required": _("Skriv datoen kommunen blir medlem."),
                                                "invalid": _("Skriv en gyldig dato.")})
    reason = reason_field(_("Hvorfor tas kommunen opp?"))

    def __init__(self, *args, candidates, originals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = candidates
        self.fields["joined_on"].initial = timezone.localdate()
        self.originals = list(originals)
        self.fields["reason"].help_text = _("For eksempel vedtaket i regionrådet.")
        for m in self.originals:
            self.fields[f"consent_{m.pk}"] = forms.BooleanField(
                label=gettext("%(m)s samtykker") % {"m": m.name}, required=False)
            self.fields[f"decision_{m.pk}"] = forms.CharField(
                label=gettext("Vedtak i kommunestyret i %(m)s (dato og saksnummer)") % {"m": m.name},
                required=False, max_length=100, error_messages=LENGTH_MESSAGES)

    def consent_rows(self):
        """(original member, consent field, decision field) for the template."""
        return [(m, self[f"consent_{m.pk}"], self[f"decision_{m.pk}"]) for m in self.originals]

    def consenting_ids(self) -> list[int]:
        return [m.pk for m in self.originals if self.cleaned_data.get(f"consent_{m.pk}")]

    def full_reason(self) -> str:
        """The reason with each recorded consent's council decision, so history and the audit trail keep them."""
        decisions = [f"{m.name}: {self.cleaned_data[f'decision_{m.pk}']}" for m in self.originals
                     if self.cleaned_data.get(f"consent_{m.pk}") and self.cleaned_data.get(f"decision_{m.pk}")]
        reason = self.cleaned_data["reason"]
        if decisions:
            reason = f"{reason} " + gettext("Samtykke: %(list)s.") % {"list": "; ".join(decisions)}
        return reason


class MemberExitForm(NoColonMixin, forms.Form):
    left_on = forms.DateField(label=_("Siste dag som medlem"), widget=DateInput(),
                              error_messages={"required": _("Skriv siste dag kommunen er medlem."),
                                              "invalid": _("Skriv en gyldig dato.")})
    reason = reason_field(_("Hvorfor trer kommunen ut?"))

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["reason"].help_text = _("For eksempel kommunestyrets vedtak med dato og saksnummer.")

    def clean_left_on(self):
        left_on = self.cleaned_data["left_on"]
        joined_on = self.membership.joined_on
        if joined_on and left_on < joined_on:
            raise forms.ValidationError(_("Siste dag kan ikke være før kommunen ble medlem."))
        return left_on


class NetworkForm(NoColonMixin, forms.ModelForm):
    """A network's fields and who takes part. The coordinator edits the
    content and the members; the secretariat also names the coordinator and
    decides whether the network is published. `fingerprint` is what the
    network looked like when the form was opened (see selectors.network_fingerprint)."""

    member_municipalities = MunicipalityChoices(
        label=_("Deltakende kommuner"), queryset=Municipality.objects.none(), required=False,
        help_text=_("Medlemmer av samarbeidet og kommuner utenfor det."))
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = reason_field(_("Hvorfor endres nettverket?"))

    class Meta:
        model = Network
        fields = ["name", "coordinator", "meeting_rhythm", "description", "visibility", "member_municipalities",
                  "outside_members"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "outside_members": forms.CheckboxSelectMultiple}
        error_messages = {"name": {"required": _("Skriv navnet på nettverket."), **LENGTH_MESSAGES},
                          "meeting_rhythm": LENGTH_MESSAGES}
        help_texts = {"meeting_rhythm": _("For eksempel «To møter i året, vår og høst»."),
                      "outside_members": _("For eksempel en kommune utenfor samarbeidet, en skole eller UNN HF.")}

    def __init__(self, *args, municipalities, people, partners, may_set_coordinator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_municipalities"].queryset = municipalities
        self.fields["outside_members"].queryset = partners
        self.fields["outside_members"].required = False
        self.fields["coordinator"].queryset = people
        self.fields["coordinator"].empty_label = _("Ingen koordinator")
        self.fields["visibility"].choices = Visibility.choices
        if self.instance.pk is None:
            self.fields["reason"].label = _("Hvorfor opprettes nettverket?")
        if not may_set_coordinator:
            del self.fields["coordinator"]
            del self.fields["visibility"]

    def member_ids(self) -> list[int]:
        return [m.pk for m in self.cleaned_data["member_municipalities"]]

    def outside_ids(self) -> list[int]:
        return [p.pk for p in self.cleaned_data["outside_members"]]

    def save(self, commit=True):  # pragma: no cover - saving goes through registry.services.network_save
        raise NotImplementedError("Use registry.services.network_save")


class MergerForm(NoColonMixin, forms.Form):
    """A merger: which members merge, into which municipality (existing or
    new: number, name, county), from which day."""

    predecessors = MunicipalityChoices(label=_("Kommuner som slås sammen"), queryset=Municipality.objects.none(),
                                       error_messages={"required": _("Velg kommunene som slås sammen.")})
    successor = MunicipalityChoice(label=_("Eksisterende etterfølger"), queryset=Municipality.objects.none(),
                                   required=False, empty_label=_("Ingen: opprett en ny kommune"),
                                   help_text=_("Velg kommunen de blir til, eller fyll ut den nye kommunen under."))
    new_number = forms.CharField(label=_("Ny kommunes kommunenummer"), required=False, max_length=4,
                                 error_messages=LENGTH_MESSAGES, help_text=_("Fire sifre, for eksempel 5421."))
    new_name = forms.CharField(label=_("Ny kommunes navn"), required=False, max_length=100,
                               error_messages=LENGTH_MESSAGES)
    new_county = forms.ModelChoiceField(label=_("Ny kommunes fylke"), queryset=County.objects.none(),
                                        required=False, empty_label=_("Velg fylke"))
    on_date = forms.DateField(label=_("Første dag for den nye kommunen"), widget=DateInput(),
                              error_messages={"required": _("Skriv datoen sammenslåingen gjelder fra."),
                                              "invalid": _("Skriv en gyldig dato.")})
    reason = reason_field(_("Hvorfor registreres sammenslåingen?"))

    def __init__(self, *args, members, municipalities, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["predecessors"].queryset = members
        self.fields["successor"].queryset = municipalities
        self.fields["new_county"].queryset = counties
        self.fields["reason"].help_text = _("For eksempel vedtaket i Stortinget eller kongelig resolusjon.")

    def clean(self):
        data = super().clean()
        successor = data.get("successor")
        new_fields = [data.get("new_number"), data.get("new_name"), data.get("new_county")]
        if successor is not None and any(new_fields):
            raise forms.ValidationError(_("Velg en eksisterende etterfølger eller opprett en ny, ikke begge."))
        if successor is None:
            if not any(new_fields):
                self.add_error("successor", _("Velg etterfølgeren, eller fyll ut nummer, navn og fylke for en ny "
                                              "kommune."))
            else:
                for name, message in (("new_number", _("Skriv kommunenummeret.")),
                                      ("new_name", _("Skriv navnet på den nye kommunen.")),
                                      ("new_county", _("Velg fylket."))):
                    if not data.get(name):
                        self.add_error(name, message)
        predecessors = data.get("predecessors") or []
        if successor is not None and any(p.pk == successor.pk for p in predecessors):
            self.add_error("successor", _("Etterfølgeren kan ikke være en av kommunene som slås sammen."))
        return data

    def new_successor(self) -> Municipality | None:
        if self.cleaned_data.get("successor") is not None:
            return None
        return Municipality(number=self.cleaned_data["new_number"], name=self.cleaned_data["new_name"],
                            county=self.cleaned_data["new_county"])
