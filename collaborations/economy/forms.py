"""Forms of the economy: host agreements, their participants and cost keys.
Each saves through economy.services with the reason typed here."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..common.concurrency import latest_history_id
from ..common.forms import LENGTH_MESSAGES, STALE_FORM, DateInput, HistoryIdField, NoColonMixin, limit_text
from ..registry.models import Municipality
from ..registry.selectors import memberships_on
from .models import CostKey, HostAgreement


class NorwegianDecimalField(forms.DecimalField):
    """A number as Norwegians type it: 2,5 or 1 500 000 (a point works too)."""

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)
        self.widget.attrs["inputmode"] = "decimal"

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
            if "," not in value and value.count(".") == 1:
                value = value.replace(".", ",")
        return super().to_python(value)


def reason_field(label, required_message):
    return forms.CharField(label=label, max_length=500, help_text=_("Vises i historikken og revisjonssporet."),
                           error_messages={**LENGTH_MESSAGES, "required": required_message})


class AgreementForm(NoColonMixin, forms.ModelForm):
    """A host agreement's own fields; saved through services.agreement_save."""

    reason = reason_field(_("Hvorfor endres avtalen?"), _("Skriv kort hvorfor avtalen endres."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, error_messages={
        "invalid": STALE_FORM})

    class Meta:
        model = HostAgreement
        fields = ["service", "host", "legal_basis", "delegated_authority", "positions", "annual_cost", "cost_key",
                  "starts_on", "ends_on", "notice_months", "exit_terms", "visibility"]
        field_classes = {"positions": NorwegianDecimalField, "annual_cost": NorwegianDecimalField}
        widgets = {
            "delegated_authority": forms.Textarea(attrs={"rows": 3}),
            "exit_terms": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput(), "ends_on": DateInput(),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        collaboration = self.instance.collaboration
        members = memberships_on().filter(collaboration=collaboration).values("municipality_id")
        hosts = Municipality.objects.filter(pk__in=members)
        if self.instance.host_id:
            hosts = hosts | Municipality.objects.filter(pk=self.instance.host_id)
        self.fields["host"].queryset = hosts.distinct().order_by("name")
        self.fields["cost_key"].queryset = collaboration.cost_keys.order_by("name")
        self.fields["cost_key"].help_text = _("Kostnaden fordeles på deltakerne etter nøkkelen.")
        self.fields["annual_cost"].help_text = _("Hele beløpet i kroner, for eksempel 1500000.")
        self.fields["notice_months"].help_text = _(
            "Tidligste uttreden regnes fra datoen oppsigelsen gis. Tomt: kommuneloven § 20-4 gjelder.")
        for name in ("delegated_authority", "exit_terms"):
            limit_text(self.fields[name])
        if self.instance.pk is None:
            self.fields["reason"].label = _("Hvorfor registreres avtalen?")
            self.fields["reason"].error_messages["required"] = _("Skriv kort hvorfor avtalen registreres.")


class ParticipantAddForm(NoColonMixin, forms.Form):
    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=Municipality.objects.none(),
                                          error_messages={"required": _("Velg kommunen som blir med.")})
    joined_on = forms.DateField(label=_("Med fra"), widget=DateInput(),
                                error_messages={"required": _("Oppgi datoen kommunen er med fra.")})
    adopted_on = forms.DateField(label=_("Vedtatt i kommunestyret"), required=False, widget=DateInput(),
                                 help_text=_("Tomt hvis kommunestyret ikke har behandlet avtalen ennå."))
    case_number = forms.CharField(label=_("Saksnummer"), max_length=50, required=False,
                                  error_messages=LENGTH_MESSAGES)
    consenting = forms.MultipleChoiceField(
        label=_("Samtykke fra"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("En kommune som blir med etter at avtalen har startet, trenger samtykke fra vertskommunen og "
                    "alle opprinnelige deltakere."))
    reason = reason_field(_("Hvorfor blir kommunen med?"),
                          _("Skriv kort hvorfor kommunen blir med i avtalen, for eksempel vedtaket."))

    def __init__(self, *args, agreement: HostAgreement, original: list[Municipality], **kwargs):
        super().__init__(*args, **kwargs)
        taken = agreement.participants.values("municipality_id")
        members = memberships_on().filter(collaboration=agreement.collaboration).values("municipality_id")
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=members).exclude(pk__in=taken) \
            .order_by("name")
        self.fields["consenting"].choices = [(m.pk, m.name) for m in original]
        if not self.is_bound:
            self.initial.setdefault("joined_on", agreement.starts_on or timezone.localdate())


class AdoptionForm(NoColonMixin, forms.Form):
    adopted_on = forms.DateField(label=_("Vedtatt i kommunestyret"), widget=DateInput(),
                                 error_messages={"required": _("Oppgi datoen kommunestyret vedtok avtalen.")})
    case_number = forms.CharField(label=_("Saksnummer"), max_length=50,
                                  error_messages={**LENGTH_MESSAGES,
                                                  "required": _("Oppgi saksnummeret i kommunestyret.")})
    reason = reason_field(_("Hvorfor registreres vedtaket?"), _("Skriv kort hvorfor vedtaket registreres."))


class LeaveForm(NoColonMixin, forms.Form):
    notice_given_on = forms.DateField(label=_("Oppsigelsen ble gitt"), widget=DateInput(),
                                      error_messages={"required": _("Oppgi datoen oppsigelsen ble gitt.")})
    left_on = forms.DateField(label=_("Uttreden (siste dag i avtalen)"), widget=DateInput(),
                              error_messages={"required": _("Oppgi datoen kommunen trer ut.")})
    reason = reason_field(_("Hvorfor trer kommunen ut?"), _("Skriv kort hvorfor kommunen trer ut av avtalen."))


def _sum_message() -> str:
    """The model's own message for shares that do not add up to 100 %."""
    constraint = next(c for c in CostKey._meta.constraints if c.name == "cost_key_sums_to_100")
    return constraint.get_violation_error_message()


class CostKeyForm(NoColonMixin, forms.ModelForm):
    """A cost key; saved through services.cost_key_save."""

    reason = reason_field(_("Hvorfor endres nøkkelen?"), _("Skriv kort hvorfor kostnadsnøkkelen endres."))
    history_id = HistoryIdField()

    class Meta:
        model = CostKey
        fields = ["name", "fixed_share_percent", "population_share_percent", "population_year", "description"]
        field_classes = {"fixed_share_percent": NorwegianDecimalField,
                         "population_share_percent": NorwegianDecimalField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self.fields["description"])
        self.fields["fixed_share_percent"].help_text = _("Deles likt mellom kommunene som betaler.")
        self.fields["population_share_percent"].help_text = _(
            "Deles etter innbyggertall. De to andelene må til sammen bli 100 %.")
        if self.instance.pk is None:
            self.fields["reason"].label = _("Hvorfor opprettes nøkkelen?")
        else:
            self.fields["history_id"].initial = latest_history_id(self.instance)

    def clean(self):
        data = super().clean()
        name = data.get("name")
        if name and CostKey.objects.filter(collaboration=self.instance.collaboration, name=name) \
                .exclude(pk=self.instance.pk).exists():
            self.add_error("name", _("Samarbeidet har allerede en kostnadsnøkkel med dette navnet."))
        fixed, population = data.get("fixed_share_percent"), data.get("population_share_percent")
        if fixed is not None and population is not None and fixed + population != 100:
            self.add_error("population_share_percent", _sum_message())
        return data
