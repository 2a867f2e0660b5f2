"""The forms of the import: the upload, and one spreadsheet row checked
against the collaboration's members, plan, partners and measures."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..common.dates import DATE_INPUT_FORMATS
from ..common.forms import LENGTH_MESSAGES, TEXT_LIMIT, CheckedFileField, NoColonMixin
from ..portfolio.models import (
    LIGHT_REASON_REQUIRED,
    BudgetRecurrence,
    OrganisationKind,
    Phase,
    Strategy,
    TrafficLight,
    Visibility,
    score_validators,
)
from ..registry.models import Municipality, OutsidePartner, Person
from .parsing import MeasureDraft, file_error


class ImportUploadForm(NoColonMixin, forms.Form):
    file = CheckedFileField(label=gettext_lazy("Regneark (.csv eller .xlsx)"), check=file_error,
                            widget=forms.ClearableFileInput(attrs={
                                "accept": ".csv,.xlsx,text/csv,"
                                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))


def _choice_map(choices, *extra: tuple[str, str]) -> dict[str, str]:
    mapping = {}
    for value, label in choices:
        mapping[str(value).casefold()] = value
        mapping[str(label).casefold()] = value
    mapping.update(extra)
    return mapping


def split(text: str, pattern: str = r",") -> list[str]:
    return [part.strip() for part in re.split(pattern, text) if part.strip()]


class NorwegianDecimalField(forms.DecimalField):
    """Amounts as Norwegians write them: «1 234 567,50», «100 000,-», «kr 5 000»."""

    def to_python(self, value):
        if isinstance(value, str):
            text = re.sub(r"^kr\.?\s*|\s*(kr\.?|nok)$", "", value.strip(), flags=re.IGNORECASE)
            text = re.sub(r"[,.]-+$", "", text)
            text = re.sub(r"[\s\u00a0\u202f']", "", text)
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
                text = text.replace(".", "")
            value = text
        elif isinstance(value, float):
            value = str(value)
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None



class SpreadsheetDateField(forms.DateField):
    """A date from a CSV cell (text) or an XLSX cell (a date, or a number or
    truth value when the cell is not formatted as a date: invalid, not a
    crash)."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, str | dt.date):
            value = str(value)
        return super().to_python(value)


PHASES = _choice_map(Phase.choices)
LIGHTS = _choice_map(TrafficLight.choices, ("grønn", TrafficLight.GREEN), ("gul", TrafficLight.AMBER),
                     ("rød", TrafficLight.RED))
VISIBILITIES = _choice_map(Visibility.choices, ("publisert", Visibility.PUBLISHED), ("intern", Visibility.INTERNAL))
ORGANISATION_KINDS = _choice_map(OrganisationKind.choices)
RECURRENCES = _choice_map(BudgetRecurrence.choices, ("årlig", BudgetRecurrence.YEARLY),
                          ("engangs", BudgetRecurrence.ONCE), ("engang", BudgetRecurrence.ONCE))
_ALL = re.compile(r"alle(?:\s+(?:unntatt|untatt|utenom|uten)\s+(?P<except>.+))?", re.IGNORECASE | re.DOTALL)


def _long_text(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=TEXT_LIMIT, error_messages=LENGTH_MESSAGES)


class MeasureRowForm(forms.Form):
    """One spreadsheet row. Field names are Measure's; errors are shown under
    the column's header (COLUMNS)."""

    strategy = forms.CharField(required=False)
    title = forms.CharField(max_length=200, error_messages=LENGTH_MESSAGES)
    description = _long_text("Beskrivelse")
    responsible = forms.CharField(required=False, max_length=200, error_messages=LENGTH_MESSAGES)
    participants = forms.CharField(required=False)
    partners = forms.CharField(required=False)
    organisation = _long_text("Organisering")
    phase = forms.CharField(required=False)
    traffic_light = forms.CharField(required=False)
    light_reason = _long_text("Begrunnelse")
    status_text = _long_text("Status")
    follow_up_text = _long_text("Oppfølging")
    follow_up_due = SpreadsheetDateField(required=False, input_formats=DATE_INPUT_FORMATS[:2], error_messages={
        "invalid": gettext_lazy("Skriv datoen som dd.mm.åååå, for eksempel 31.12.2025.")})
    budget = NorwegianDecimalField(required=False, max_digits=14, decimal_places=2, min_value=0, error_messages={
        "invalid": gettext_lazy("Skriv beløpet som et tall, for eksempel «1 234 567,50» eller «100 000,-»."),
        "min_value": gettext_lazy("Budsjettet kan ikke være negativt.")})
    budget_recurrence = forms.CharField(required=False)
    budget_year = forms.IntegerField(required=False, min_value=1990, max_value=2100, error_messages={
        "invalid": gettext_lazy("Skriv året med fire sifre, for eksempel 2026."),
        "min_value": gettext_lazy("Skriv året med fire sifre, for eksempel 2026."),
        "max_value": gettext_lazy("Skriv året med fire sifre, for eksempel 2026.")})
    potential = forms.IntegerField(required=False, validators=score_validators)
    feasibility = forms.IntegerField(required=False, validators=score_validators)
    visibility = forms.CharField(required=False)

    def __init__(self, data: dict, *, lookups):
        """`lookups`: validation._Lookups, loaded once per file."""
        super().__init__(data)
        self.lookups = lookups
        self.participant_list: list[Municipality] = []
        self.participants_note = ""

    def clean_strategy(self) -> Strategy | None:
        text = self.cleaned_data["strategy"]
        if not text:
            return None
        match = re.match(r"^(?:strategi\s*)?(\d+)\b", text, re.IGNORECASE)
        if not match:
            raise forms.ValidationError(_("Skriv strategiens nummer, for eksempel 1."))
        if self.lookups.plan is None:
            raise forms.ValidationError(_("Samarbeidet har ingen plan med strategier ennå."))
        strategy = self.lookups.strategies.get(int(match.group(1)))
        if strategy is None:
            raise forms.ValidationError(_("Strategi %(n)s finnes ikke i gjeldende plan (%(plan)s).")
                                        % {"n": match.group(1), "plan": self.lookups.plan})
        return strategy

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if title.casefold() in self.lookups.titles:
            raise forms.ValidationError(_("Et tiltak med denne tittelen finnes allerede i %(c)s.")
                                        % {"c": self.lookups.collaboration})
        return title

    def clean_responsible(self) -> Person | str | None:
        name = " ".join(self.cleaned_data["responsible"].split())
        if not name:
            return None
        found = self.lookups.people.get(name.casefold(), [])
        if len(found) > 1:
            raise forms.ValidationError(_("Flere personer heter «%(name)s». Rett opp i personregisteret før "
                                          "import.") % {"name": name})
        return found[0] if found else name

    def clean_participants(self) -> str:
        text = self.cleaned_data["participants"]
        if not text:
            return text
        members, by_key = self.lookups.members, self.lookups.member_by_key
        every = _ALL.fullmatch(text)
        names = split(every.group("except") or "", r",|\s+og\s+") if every else split(text)
        unknown = [n for n in names if n.casefold() not in by_key]
        if unknown:
            raise forms.ValidationError([
                _("«%(name)s» er ikke et nåværende medlem av %(c)s.") % {"name": n, "c": self.lookups.collaboration}
                for n in unknown])
        named = {by_key[n.casefold()].pk for n in names}
        if every:
            self.participant_list = [m for m in members if m.pk not in named]
            self.participants_note = text[:300]
        else:
            self.participant_list = [m for m in members if m.pk in named]
        return text

    def clean_partners(self) -> list[OutsidePartner]:
        names = split(self.cleaned_data["partners"])
        unknown = [n for n in names if n.casefold() not in self.lookups.partners]
        if unknown:
            raise forms.ValidationError([
                _("Fant ingen ekstern partner som heter «%(name)s». Registrer partneren først, eller fjern den "
                  "fra raden.") % {"name": n} for n in unknown])
        return list({self.lookups.partners[n.casefold()].pk: self.lookups.partners[n.casefold()]
                     for n in names}.values())

    def _choice(self, name: str, mapping: dict[str, str], default: str, message: str) -> str:
        text = self.cleaned_data[name]
        if not text:
            return default
        value = mapping.get(" ".join(text.split()).casefold())
        if value is None:
            raise forms.ValidationError(message % {"value": text})
        return value

    def clean_phase(self) -> str:
        with translation.override("nb"):  # the file format is Norwegian in every interface language
            labels = ", ".join(str(label) for _v, label in Phase.choices)
        return self._choice("phase", PHASES, Phase.PROPOSED,
                            _("Ukjent fase «%%(value)s». Bruk en av: %(labels)s.") % {"labels": labels})

    def clean_traffic_light(self) -> str:
        return self._choice("traffic_light", LIGHTS, TrafficLight.GREEN,
                            _("Ukjent trafikklys «%(value)s». Bruk I rute, Risiko eller Ikke i rute."))

    def clean_budget_recurrence(self) -> str:
        return self._choice("budget_recurrence", RECURRENCES, BudgetRecurrence.ONCE,
                            _("Ukjent verdi «%(value)s». Bruk årlig eller engangsbeløp."))

    def clean_visibility(self) -> str:
        return self._choice("visibility", VISIBILITIES, Visibility.PUBLISHED,
                            _("Ukjent synlighet «%(value)s». Bruk publisert eller intern."))

    def clean(self):
        data = super().clean()
        light = data.get("traffic_light")
        if light and light != TrafficLight.GREEN and not data.get("light_reason") \
                and "light_reason" not in self.errors:
            self.add_error("light_reason", str(LIGHT_REASON_REQUIRED))
        if data.get("budget") is not None and data.get("budget_recurrence") == BudgetRecurrence.ONCE \
                and not data.get("budget_year"):
            # A one-off amount in an action plan without a year is this year's.
            data["budget_year"] = timezone.localdate().year
        return data

    def draft(self, row: int) -> MeasureDraft:
        data = self.cleaned_data
        organisation = data["organisation"]
        kind = ORGANISATION_KINDS.get(organisation.casefold(), "") if organisation else ""
        responsible = data["responsible"]
        return MeasureDraft(
            row=row,
            fields={
                "collaboration": self.lookups.collaboration, "strategy": data["strategy"], "title": data["title"],
                "description": data["description"], "organisation_kind": kind,
                "organisation": "" if kind else organisation, "phase": data["phase"],
                "traffic_light": data["traffic_light"], "light_reason": data["light_reason"],
                "status_text": data["status_text"], "follow_up_text": data["follow_up_text"],
                "follow_up_due": data["follow_up_due"], "budget": data["budget"],
                "budget_recurrence": data["budget_recurrence"], "budget_year": data["budget_year"],
                "potential": data["potential"],
                "feasibility": data["feasibility"], "visibility": data["visibility"],
                "participants_note": self.participants_note,
            },
            participants=self.participant_list, partners=data["partners"],
            responsible=responsible if isinstance(responsible, Person) else None,
            new_responsible=responsible if isinstance(responsible, str) else "",
        )
