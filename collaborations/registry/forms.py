"""Forms of the registry pages: taking in a member (with each original
member's consent), a member's exit, a network, a merger, and the
collaboration's own records (its description, bodies and their members,
people, outside partners, population figures)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..common.forms import LENGTH_MESSAGES, DateInput, HistoryIdField, NoColonMixin, limit_text, long_text
from .models import (
    Body,
    BodyMember,
    Collaboration,
    County,
    Municipality,
    Network,
    OutsidePartner,
    Person,
    PopulationFigure,
    Visibility,
)


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
        # The description is a TextField: without a limit here, 1 MB would be saved (and shown).
        limit_text(self.fields["description"])
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


# ---------------------------------------------------------------- the collaboration's own records

DATE_INVALID = _("Skriv datoen som dd.mm.åååå.")



class RecordForm(NoColonMixin, forms.ModelForm):
    """A record saved as typed through its named service (registry.services):
    a reason, and the newest history row for concurrent edits. The model's own
    checks run in the service (full_clean), so a refusal there is shown too."""

    history_id = HistoryIdField()

    def save(self, commit=True):  # pragma: no cover - saving goes through registry.services
        raise NotImplementedError("Save through the registry services")


class CollaborationForm(RecordForm):
    """The collaboration's own description; `parent` (nesting) only for the installation's administrator."""

    description = long_text(_("Beskrivelse"), rows=5)
    reason = reason_field(_("Hvorfor endres samarbeidet?"))

    class Meta:
        model = Collaboration
        fields = ["name", "short_name", "description", "established_on", "source", "parent"]
        widgets = {"established_on": DateInput()}
        error_messages = {"name": {"required": _("Skriv samarbeidets navn."),
                                   "unique": _("Et annet samarbeid har allerede dette navnet."), **LENGTH_MESSAGES},
                          "short_name": LENGTH_MESSAGES, "source": LENGTH_MESSAGES,
                          "established_on": {"invalid": DATE_INVALID}}
        help_texts = {"short_name": _("For eksempel «NT». Brukes der det er trangt."),
                      "source": _("For eksempel samarbeidsavtalen eller vedtaket den bygger på.")}

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parents is None:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = parents
            self.fields["parent"].empty_label = _("Ikke del av et annet samarbeid")
            self.fields["parent"].help_text = _("Samarbeidet ligger inni dette, for eksempel et fylkesdekkende.")


class BodyForm(RecordForm):
    mandate = long_text(_("Mandat"), rows=4)
    reason = reason_field(_("Hvorfor registreres eller endres organet?"))

    class Meta:
        model = Body
        fields = ["name", "kind", "municipality", "mandate", "receives_annual_report"]
        error_messages = {"name": {"required": _("Skriv navnet på organet."), **LENGTH_MESSAGES},
                          "kind": {"required": _("Velg hva slags organ det er.")}}
        help_texts = {"receives_annual_report": _("Kryss av for organer som skal ha årsrapporten, for eksempel "
                                                  "regionrådet.")}

    def __init__(self, *args, collaboration, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaboration = collaboration
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].empty_label = _("Ingen (organ for hele samarbeidet)")
        self.fields["kind"].choices = [("", _("Velg type")), *Body.Kind.choices]

    def clean(self):
        data = super().clean()
        name, kind = data.get("name"), data.get("kind")
        if name and Body.objects.filter(collaboration=self.collaboration, name__iexact=name) \
                .exclude(pk=self.instance.pk).exists():
            self.add_error("name", _("Samarbeidet har allerede et organ med dette navnet."))
        if kind in (Body.Kind.MUNICIPAL_COUNCIL, Body.Kind.EXECUTIVE_COMMITTEE) and not data.get("municipality"):
            self.add_error("municipality", _("Et kommunestyre eller formannskap må høre til en kommune."))
        return data


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        place = obj.municipality.name if obj.municipality_id else obj.organisation
        return f"{obj.name} ({place})" if place else obj.name


class BodyMemberForm(RecordForm):
    person = PersonChoice(label=_("Person"), queryset=Person.objects.none(), empty_label=_("Velg person"),
                          error_messages={"required": _("Velg personen.")})
    reason = reason_field(_("Hvorfor registreres eller endres medlemmet?"))

    class Meta:
        model = BodyMember
        fields = ["person", "role", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        error_messages = {"role": LENGTH_MESSAGES, "starts_on": {"invalid": DATE_INVALID},
                          "ends_on": {"invalid": DATE_INVALID}}
        help_texts = {"ends_on": _("Siste dag i organet. Tomt mens personen fortsatt er medlem.")}

    def __init__(self, *args, body, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.fields["person"].queryset = people
        self.fields["person"].help_text = _("Finnes ikke personen? Registrer den under «Personer» først.")

    def clean(self):
        data = super().clean()
        person, role = data.get("person"), data.get("role", "")
        if person is not None and BodyMember.objects.filter(body=self.body, person=person, role=role) \
                .exclude(pk=self.instance.pk).exists():
            self.add_error("person", _("Personen er allerede registrert i organet med denne rollen."))
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("«Til» kan ikke være før «fra»."))
        return data


class BodyMemberEndForm(NoColonMixin, forms.Form):
    ends_on = forms.DateField(label=_("Siste dag i organet"), widget=DateInput(),
                              error_messages={"required": _("Skriv siste dag personen er medlem."),
                                              "invalid": DATE_INVALID})
    reason = reason_field(_("Hvorfor går personen ut av organet?"))
    history_id = HistoryIdField()

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["ends_on"].initial = timezone.localdate()

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if self.member.starts_on and ends_on < self.member.starts_on:
            raise forms.ValidationError(_("Siste dag kan ikke være før personen ble medlem."))
        return ends_on


class PersonForm(RecordForm):
    reason = reason_field(_("Hvorfor registreres eller endres personen?"))

    class Meta:
        model = Person
        fields = ["name", "title", "municipality", "organisation", "email"]
        error_messages = {"name": {"required": _("Skriv personens navn."), **LENGTH_MESSAGES},
                          "title": LENGTH_MESSAGES, "organisation": LENGTH_MESSAGES,
                          "email": {"invalid": _("Skriv en gyldig e-postadresse, for eksempel navn@kommune.no."),
                                    **LENGTH_MESSAGES}}
        help_texts = {"title": _("For eksempel «kommunedirektør»."),
                      "email": _("Personopplysning: vises bare for sekretariatet.")}

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].empty_label = _("Ingen kommune")
        self.fields["municipality"].help_text = _("Medlemskommunen personen arbeider i.")

    def clean(self):
        data = super().clean()
        if not data.get("municipality") and not data.get("organisation") and "organisation" not in self.errors:
            self.add_error("organisation", _("Velg kommunen eller skriv organisasjonen personen hører til."))
        return data


class OutsidePartnerForm(RecordForm):
    """An outside partner. Names are unique in the whole installation: a
    partner registered by another collaboration is chosen, not made again."""

    reason = reason_field(_("Hvorfor registreres eller endres partneren?"))

    class Meta:
        model = OutsidePartner
        fields = ["name", "kind", "municipality"]
        error_messages = {"name": {"required": _("Skriv partnerens navn."), **LENGTH_MESSAGES}}
        help_texts = {"name": _("For eksempel «UNN HF» eller «Statsforvalteren i Troms og Finnmark».")}

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].empty_label = _("Ingen kommune")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        existing = OutsidePartner.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if existing is not None:
            raise forms.ValidationError(
                _("«%(name)s» finnes allerede som ekstern partner. Velg den i tiltaket eller nettverket i stedet "
                  "for å registrere den på nytt."), params={"name": existing.name}, code="unique")
        return name

    def clean(self):
        data = super().clean()
        if data.get("kind") == OutsidePartner.Kind.MUNICIPALITY and not data.get("municipality"):
            self.add_error("municipality", _("Velg kommunen når partneren er en kommune utenfor samarbeidet."))
        return data


class PopulationFigureForm(RecordForm):
    """Inhabitants at 1 January of a year, one figure per municipality and year."""

    year = forms.IntegerField(label=_("År (per 1. januar)"), min_value=1838, max_value=2200,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                              error_messages={"required": _("Skriv årstallet."),
                                              "invalid": _("Skriv årstallet med fire sifre, for eksempel 2025."),
                                              "min_value": _("Året må være et gyldig årstall."),
                                              "max_value": _("Året må være et gyldig årstall.")})
    population = forms.IntegerField(label=_("Innbyggertall"), min_value=0,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                                    error_messages={"required": _("Skriv innbyggertallet."),
                                                    "invalid": _("Skriv innbyggertallet som et helt tall."),
                                                    "min_value": _("Innbyggertallet kan ikke være negativt.")})
    reason = reason_field(_("Hvorfor registreres eller rettes tallet?"))

    class Meta:
        model = PopulationFigure
        fields = ["municipality", "year", "population", "source", "is_approximate", "note"]
        error_messages = {"municipality": {"required": _("Velg kommunen.")},
                          "source": {"required": _("Skriv hvor tallet kommer fra, for eksempel «SSB tabell 07459»."),
                                     **LENGTH_MESSAGES},
                          "note": LENGTH_MESSAGES}

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is None:
            del self.fields["municipality"]  # a correction keeps its municipality
        else:
            self.fields["municipality"].queryset = municipalities
            self.fields["municipality"].empty_label = _("Velg kommune")

    def clean(self):
        data = super().clean()
        municipality = data.get("municipality") if "municipality" in self.fields else self.instance.municipality
        year = data.get("year")
        if municipality is not None and year and PopulationFigure.objects.filter(
                municipality=municipality, year=year).exclude(pk=self.instance.pk).exists():
            self.add_error("year", _("%(m)s har allerede et innbyggertall for %(year)s. Rett det tallet i stedet.")
                           % {"m": municipality.name, "year": year})
        return data
