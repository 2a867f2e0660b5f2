"""Forms of the plan pages: a plan, closing it, a strategy, and the revision
("rullering") with one choice per strategy and per open measure. Saved
through collaborations.plans.services, which check the same rules again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..common.forms import LENGTH_MESSAGES, STALE_FORM, DateInput, HistoryIdField, NoColonMixin, long_text
from ..portfolio.models import Phase, PlanPeriod, Strategy
from .selectors import bodies_of, chief_executive_choices
from .services import CARRY

YEAR_MESSAGES = {"invalid": _("Skriv årstallet med fire sifre, for eksempel 2024."),
                 "min_value": _("Årstallet må være 2000 eller senere."),
                 "max_value": _("Årstallet må være 2100 eller tidligere.")}


def reason_field(label, required_message):
    return forms.CharField(label=label, max_length=500, help_text=_("Vises i historikken og revisjonssporet."),
                           error_messages={**LENGTH_MESSAGES, "required": required_message})


def year_field(label):
    return forms.IntegerField(label=label, min_value=2000, max_value=2100,
                              error_messages={**YEAR_MESSAGES, "required": _("Skriv årstallet.")},
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


def strategy_number_field(label, **kwargs):
    """A strategy's number in its plan, 1–99."""
    messages = {"invalid": _("Skriv et helt tall."), "min_value": _("Nummeret må være 1 eller høyere."),
                "max_value": _("Nummeret må være 99 eller lavere."), **kwargs.pop("error_messages", {})}
    return forms.IntegerField(label=label, min_value=1, max_value=99, error_messages=messages, **kwargs)



class PeriodYearsMixin:
    """A plan period's "til år" is not before its "fra år"."""

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("Planperioden kan ikke slutte før den begynner."))
        return data


class ChangesMixin:
    """The model fields the form edits, as the services take them."""

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PlanForm(PeriodYearsMixin, ChangesMixin, NoColonMixin, forms.ModelForm):
    start_year = year_field(_("Fra år"))
    end_year = year_field(_("Til år"))
    reason = reason_field(_("Hvorfor registreres eller endres planen?"), _("Skriv kort hvorfor planen endres."))
    history_id = HistoryIdField()

    class Meta:
        model = PlanPeriod
        fields = ["title", "start_year", "end_year", "adopted_on", "adopted_by", "source"]
        widgets = {"adopted_on": DateInput()}
        error_messages = {"title": {"required": _("Skriv planens tittel."), **LENGTH_MESSAGES},
                          "source": LENGTH_MESSAGES}
        help_texts = {"source": _("For eksempel saksnummer eller dokumentet planen er hentet fra.")}

    def __init__(self, *args, collaboration, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopted_by"].queryset = bodies_of(collaboration)
        self.fields["adopted_by"].empty_label = _("Velg organ")
        self.fields["adopted_on"].error_messages["invalid"] = _("Skriv datoen som dd.mm.åååå.")


    def _post_clean(self):
        """The services validate the plan (and the combination of title and year); skip the model's own checks."""



class PlanCloseForm(NoColonMixin, forms.Form):
    closed_on = forms.DateField(label=_("Avsluttet dato"), widget=DateInput(),
                                help_text=_("Den siste dagen planen gjelder."),
                                error_messages={"required": _("Skriv datoen planen avsluttes."),
                                                "invalid": _("Skriv datoen som dd.mm.åååå.")})
    reason = reason_field(_("Hvorfor avsluttes planen?"), _("Skriv kort hvorfor planen avsluttes."))


def responsible_label(person) -> str:
    return f"{person.name} ({person.municipality})" if person.municipality_id else person.name


class StrategyForm(ChangesMixin, NoColonMixin, forms.ModelForm):
    number = strategy_number_field(_("Nummer"), error_messages={"required": _("Skriv strategiens nummer.")})
    challenge = long_text(_("Utfordring"), rows=3)
    goal = long_text(_("Mål"), rows=3)
    expected_result = long_text(_("Forventet resultat"), rows=3)
    reason = reason_field(_("Hvorfor registreres eller endres strategien?"),
                          _("Skriv kort hvorfor strategien endres."))
    history_id = HistoryIdField()

    class Meta:
        model = Strategy
        fields = ["number", "title", "challenge", "goal", "expected_result", "responsible"]
        error_messages = {"title": {"required": _("Skriv strategiens tittel."), **LENGTH_MESSAGES}}
        labels = {"responsible": _("Saksansvarlig kommunedirektør")}
        help_texts = {"responsible": _("Kommunedirektøren som svarer for strategien. Kommunedirektørene fordeler "
                                       "strategiene mellom seg.")}

    def __init__(self, *args, collaboration, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["responsible"]
        field.queryset = chief_executive_choices(collaboration)
        field.empty_label = _("Ingen valgt")
        field.label_from_instance = responsible_label

    def _post_clean(self):
        """The services check the number and the responsible person; skip the model's own checks."""



MEASURE_CHOICES = [(CARRY, _("Videreføres")), (Phase.COMPLETED, _("Avsluttes (fullført)")),
                   (Phase.STOPPED, _("Stanses"))]


class PlanRevisionForm(PeriodYearsMixin, NoColonMixin, forms.Form):
    """The new plan's own fields, then for each strategy of the old plan its
    new number (`strategy_<id>`, empty: left behind) and for each open measure
    whether it carries over or is closed (`measure_<id>`, with its version in
    `version_<id>`)."""

    title = forms.CharField(label=_("Tittel på den nye planen"), max_length=200,
                            error_messages={**LENGTH_MESSAGES, "required": _("Skriv planens tittel.")})
    start_year = year_field(_("Fra år"))
    end_year = year_field(_("Til år"))
    adopted_on = forms.DateField(label=_("Vedtatt"), required=False, widget=DateInput(),
                                 error_messages={"invalid": _("Skriv datoen som dd.mm.åååå.")},
                                 help_text=_("Den gamle planen avsluttes dagen før den nye gjelder: 1. januar det "
                                             "første året, eller vedtaksdatoen hvis den er senere."))
    adopted_by = forms.ModelChoiceField(label=_("Vedtatt av"), queryset=None, required=False,
                                        empty_label=_("Velg organ"))
    reason = reason_field(_("Hvorfor rulleres planen?"), _("Skriv kort hvorfor planen rulleres."))

    def __init__(self, *args, plan, outline, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.outline = plan, outline
        self.fields["adopted_by"].queryset = bodies_of(plan.collaboration)
        if not self.is_bound:
            length = plan.end_year - plan.start_year
            self.initial.update({"title": plan.title, "start_year": plan.end_year + 1,
                                 "end_year": plan.end_year + 1 + length})
        for row in outline:
            s = row.strategy
            self.fields[f"strategy_{s.pk}"] = strategy_number_field(
                _("Nytt nummer for strategi %(n)s") % {"n": s.number}, required=False, initial=s.number,
                help_text=_("Tomt: strategien tas ikke med i den nye planen."))
            for m in row.measures:
                self.fields[f"measure_{m.pk}"] = forms.ChoiceField(
                    label=m.title, choices=MEASURE_CHOICES, initial=CARRY, widget=forms.RadioSelect,
                    error_messages={"required": _("Velg om tiltaket videreføres eller avsluttes.")})
                self.fields[f"version_{m.pk}"] = forms.IntegerField(
                    widget=forms.HiddenInput, initial=m.version, error_messages={"required": STALE_FORM,
                                                                                 "invalid": STALE_FORM})

    def rows(self):
        """For the template: each strategy with its number field and its measures' choice fields."""
        return [(row.strategy, self[f"strategy_{row.strategy.pk}"], [self[f"measure_{m.pk}"] for m in row.measures])
                for row in self.outline]


    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"], "start_year": data["start_year"], "end_year": data["end_year"],
            "adopted_on": data["adopted_on"], "adopted_by": data["adopted_by"], "reason": data["reason"],
            "strategy_numbers": {row.strategy.pk: data.get(f"strategy_{row.strategy.pk}") for row in self.outline},
            "measure_decisions": {m.pk: data.get(f"measure_{m.pk}") or None
                                  for row in self.outline for m in row.measures},
            "measure_versions": {m.pk: data.get(f"version_{m.pk}") for row in self.outline for m in row.measures
                                 if data.get(f"version_{m.pk}") is not None},
        }
