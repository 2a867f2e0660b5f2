"""Import of measures (tiltak) from a spreadsheet: the secretariat's first
step from Word and Excel to the portal. Nothing here writes to the database;
services.imports.measure_import does, all or nothing.

* `parse(file)` reads CSV (semicolon or comma; UTF-8 with or without BOM, or
  Windows-1252 as Norwegian Excel saves "CSV (semikolondelt)") or XLSX with
  tablib, and returns the rows numbered as the user sees them in the
  spreadsheet (the header is row 1). Unreadable files and bad headers raise
  ImportRejected.
* `validate(rows, collaboration)` checks every row with a Django form against
  the collaboration's current members, plan, partners and measures and
  returns the drafts to create and EVERY error as (row, column, message).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django import forms
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from tablib.exceptions import InvalidDimensions

from .forms import LENGTH_MESSAGES, LIGHT_REASON_REQUIRED, TEXT_LIMIT
from .models import (
    Collaboration,
    Municipality,
    OrganisationKind,
    OutsidePartner,
    Person,
    Phase,
    PlanPeriod,
    Strategy,
    TrafficLight,
    Visibility,
)
from .models.portfolio import score_validators
from .selectors import members_on

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
EXTENSIONS = ("csv", "xlsx")

# (form field, header). The headers are the file format, so they stay
# Norwegian in every interface language; matched case-insensitively.
COLUMNS = [
    ("strategy", "Strategi"), ("title", "Tittel"), ("description", "Beskrivelse"), ("responsible", "Ansvarlig"),
    ("participants", "Deltakere"), ("partners", "Eksterne partnere"), ("organisation", "Organisering"),
    ("phase", "Fase"), ("traffic_light", "Trafikklys"), ("light_reason", "Begrunnelse"), ("status_text", "Status"),
    ("follow_up_text", "Oppfølging"), ("follow_up_due", "Frist"), ("budget", "Budsjett"),
    ("potential", "Potensial"), ("feasibility", "Gjennomførbarhet"), ("visibility", "Synlighet"),
]
HEADER = dict(COLUMNS)
_KEY_OF_HEADER = {header.casefold(): key for key, header in COLUMNS}


@dataclass(frozen=True)
class RowError:
    row: int | None     # as in the spreadsheet (header = 1); None for the file as a whole
    column: str         # the column's header, "" when the error is not about one column
    message: str


class ImportRejected(Exception):
    """The file cannot be imported; `errors` says every reason."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))


@dataclass(frozen=True)
class ImportRow:
    number: int                 # the row as the user sees it in the spreadsheet
    values: dict[str, object]   # form field -> cell ("" when empty; numbers and dates from XLSX as such)


@dataclass
class MeasureDraft:
    """A valid row: what measure_create will be called with."""

    row: int
    fields: dict                # Measure fields (title, strategy, phase, ...)
    participants: list[Municipality] = field(default_factory=list)
    partners: list[OutsidePartner] = field(default_factory=list)
    responsible: Person | None = None
    new_responsible: str = ""   # a name to create as a Person on import

    @property
    def responsible_name(self) -> str:
        return self.responsible.name if self.responsible else self.new_responsible

    @property
    def phase_label(self) -> str:
        return str(Phase(self.fields["phase"]).label)

    @property
    def light_label(self) -> str:
        return str(TrafficLight(self.fields["traffic_light"]).label)


# ---------------------------------------------------------------- reading the file

class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Regneark (.csv eller .xlsx)"), widget=forms.ClearableFileInput(
        attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self):
        file = self.cleaned_data["file"]
        error = file_error(file)
        if error:
            raise forms.ValidationError(error)
        return file


def _rejected(message: str, row: int | None = None, column: str = "") -> ImportRejected:
    return ImportRejected([RowError(row, column, message)])


def file_error(file) -> str | None:
    """The Norwegian message for an upload of the wrong type or size, or None."""
    name = getattr(file, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS:
        return _("Filen må være et regneark av typen .csv eller .xlsx.")
    if file.size > MAX_BYTES:
        return _("Filen er for stor (%(size)s). Største tillatte størrelse er %(max)s.") % {
            "size": filesizeformat(file.size), "max": filesizeformat(MAX_BYTES)}
    if file.size == 0:
        return _("Filen er tom.")
    return None


def parse(file) -> list[ImportRow]:
    """The data rows of `file` (an uploaded or stored file with a .csv or
    .xlsx name). Rows with every cell empty are skipped; their numbers are not
    reused, so every row number is the one the user sees."""
    error = file_error(file)
    if error:
        raise _rejected(error)
    content = file.read()
    dataset = _load_xlsx(content) if file.name.lower().endswith(".xlsx") else _load_csv(content)
    keys = _header_keys(dataset.headers or [], dataset)
    rows = []
    for number, cells in enumerate(dataset, start=2):
        values = {key: _cell(cells[i]) for i, key in enumerate(keys) if key}
        if any(v != "" for v in values.values()):
            rows.append(ImportRow(number, values))
    if not rows:
        raise _rejected(_("Filen har ingen tiltak under overskriftsraden."))
    if len(rows) > MAX_ROWS:
        raise _rejected(_("Filen har %(n)d tiltak. Del den opp: høyst %(max)d tiltak per import.")
                        % {"n": len(rows), "max": MAX_ROWS})
    return rows


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise _rejected(_("Filen kunne ikke leses. Lagre den som «CSV UTF-8» i Excel og prøv igjen.")) from None


def _keep_blank_lines(text: str, delimiter: str) -> str:
    """tablib drops empty CSV lines, which would shift the row numbers of
    every later row; an empty line (outside a quoted cell) becomes a row of
    empty cells instead."""
    parts = re.split(r"(\r\n|\n|\r)", text)
    quoted = False
    for i in range(0, len(parts), 2):
        if not quoted and parts[i] == "" and i + 1 < len(parts):
            parts[i] = delimiter
        quoted ^= parts[i].count('"') % 2 == 1
    return "".join(parts)


def _load_csv(content: bytes) -> tablib.Dataset:
    text = _decode(content)
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") >= header.count(",") and ";" in header else ","
    dataset = tablib.Dataset()
    try:
        dataset.load(io.StringIO(_keep_blank_lines(text, delimiter), newline=""), format="csv",
                     delimiter=delimiter)
    except InvalidDimensions:
        raise _rejected(_("Raden har flere celler enn overskriftsraden har kolonner."), row=len(dataset) + 2) \
            from None
    except csv.Error:
        raise _rejected(_("Filen kunne ikke leses som CSV.")) from None
    return dataset


def _load_xlsx(content: bytes) -> tablib.Dataset:
    dataset = tablib.Dataset()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles some producers leave out
            dataset.load(io.BytesIO(content), format="xlsx")
    except InvalidDimensions:
        raise _rejected(_("Raden har flere celler enn overskriftsraden har kolonner."), row=len(dataset) + 2) \
            from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _rejected(_("Filen kunne ikke leses som et Excel-ark (.xlsx).")) from None
    except Exception as error:  # openpyxl's own InvalidFileException and friends
        if type(error).__module__.startswith("openpyxl"):
            raise _rejected(_("Filen kunne ikke leses som et Excel-ark (.xlsx).")) from None
        raise
    return dataset


def _header_keys(headers: list, dataset: tablib.Dataset) -> list[str | None]:
    """The form field of each column; every unknown, repeated or missing
    header is an error on row 1."""
    keys, errors, seen = [], [], set()
    for index, raw in enumerate(headers):
        text = " ".join(str(raw or "").split())
        key = _KEY_OF_HEADER.get(text.casefold())
        if not text:
            key = None
            if any(_cell(r[index]) != "" for r in dataset):
                errors.append(RowError(1, _("Kolonne %(letter)s") % {"letter": get_column_letter(index + 1)},
                                       _("Kolonnen har verdier, men ingen overskrift.")))
        elif key is None:
            errors.append(RowError(1, text, _("Ukjent kolonne. Gyldige kolonner er: %(columns)s.")
                                   % {"columns": ", ".join(h for _k, h in COLUMNS)}))
        elif key in seen:
            errors.append(RowError(1, HEADER[key], _("Kolonnen står mer enn én gang.")))
            key = None
        seen.add(key)
        keys.append(key)
    if "title" not in seen:
        errors.append(RowError(1, HEADER["title"], _("Kolonnen mangler. Hvert tiltak må ha en tittel.")))
    if errors:
        raise ImportRejected(errors)
    return keys


def _cell(value) -> object:
    """A cell as the row form takes it: text stripped, whole numbers as int,
    dates as dates, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


# ---------------------------------------------------------------- checking the rows

def _choice_map(choices, *extra: tuple[str, str]) -> dict[str, str]:
    mapping = {}
    for value, label in choices:
        mapping[str(value).casefold()] = value
        mapping[str(label).casefold()] = value
    mapping.update(extra)
    return mapping


def _split(text: str, pattern: str = r",") -> list[str]:
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


@dataclass
class _Lookups:
    """Everything the rows are checked against, loaded once per file."""

    collaboration: Collaboration
    plan: PlanPeriod | None
    strategies: dict[int, Strategy]
    members: list[Municipality]
    member_by_key: dict[str, Municipality]
    partners: dict[str, OutsidePartner]
    people: dict[str, list[Person]]
    titles: set[str]

    @classmethod
    def load(cls, collaboration: Collaboration, rows: list[ImportRow]) -> _Lookups:
        plan = PlanPeriod.objects.filter(collaboration=collaboration).order_by("-start_year", "-pk").first()
        strategies = {s.number: s for s in Strategy.objects.filter(plan=plan)} if plan else {}
        members = members_on(collaboration, timezone.localdate())
        member_by_key = {}
        for m in members:
            for key in (m.number, m.name, m.sami_name, m.kven_name):
                if key:
                    member_by_key[key.casefold()] = m
        partner_names = {n.casefold() for r in rows for n in _split(str(r.values.get("partners", "")))}
        person_names = {str(r.values.get("responsible", "")).casefold() for r in rows} - {""}
        partners = {p.key: p for p in OutsidePartner.objects.annotate(key=Lower("name")).filter(key__in=partner_names)}
        people: dict[str, list[Person]] = {}
        for p in Person.objects.annotate(key=Lower("name")).filter(key__in=person_names).order_by("pk"):
            people.setdefault(p.key, []).append(p)
        titles = {t.casefold() for t in collaboration.measures.values_list("title", flat=True)}
        return cls(collaboration, plan, strategies, members, member_by_key, partners, people, titles)


PHASES = _choice_map(Phase.choices)
LIGHTS = _choice_map(TrafficLight.choices, ("grønn", TrafficLight.GREEN), ("gul", TrafficLight.AMBER),
                     ("rød", TrafficLight.RED))
VISIBILITIES = _choice_map(Visibility.choices, ("publisert", Visibility.PUBLISHED), ("intern", Visibility.INTERNAL))
ORGANISATION_KINDS = _choice_map(OrganisationKind.choices)
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
    follow_up_due = forms.DateField(required=False, input_formats=["%d.%m.%Y", "%Y-%m-%d"], error_messages={
        "invalid": gettext_lazy("Skriv datoen som dd.mm.åååå, for eksempel 31.12.2025.")})
    budget = NorwegianDecimalField(required=False, max_digits=14, decimal_places=2, min_value=0, error_messages={
        "invalid": gettext_lazy("Skriv beløpet som et tall, for eksempel «1 234 567,50» eller «100 000,-»."),
        "min_value": gettext_lazy("Budsjettet kan ikke være negativt.")})
    potential = forms.IntegerField(required=False, validators=score_validators)
    feasibility = forms.IntegerField(required=False, validators=score_validators)
    visibility = forms.CharField(required=False)

    def __init__(self, data: dict, *, lookups: _Lookups):
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
        names = _split(every.group("except") or "", r",|\s+og\s+") if every else _split(text)
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
        names = _split(self.cleaned_data["partners"])
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

    def clean_visibility(self) -> str:
        return self._choice("visibility", VISIBILITIES, Visibility.PUBLISHED,
                            _("Ukjent synlighet «%(value)s». Bruk publisert eller intern."))

    def clean(self):
        data = super().clean()
        light = data.get("traffic_light")
        if light and light != TrafficLight.GREEN and not data.get("light_reason") \
                and "light_reason" not in self.errors:
            self.add_error("light_reason", str(LIGHT_REASON_REQUIRED))
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
                "follow_up_due": data["follow_up_due"], "budget": data["budget"], "potential": data["potential"],
                "feasibility": data["feasibility"], "visibility": data["visibility"],
                "participants_note": self.participants_note,
            },
            participants=self.participant_list, partners=data["partners"],
            responsible=responsible if isinstance(responsible, Person) else None,
            new_responsible=responsible if isinstance(responsible, str) else "",
        )


def validate(rows: list[ImportRow], collaboration: Collaboration) -> tuple[list[MeasureDraft], list[RowError]]:
    """Check every row; return the drafts and every error (row by row, in
    column order). The import goes ahead only when there are no errors."""
    lookups = _Lookups.load(collaboration, rows)
    drafts, errors, first_row_of_title = [], [], {}
    for row in rows:
        form = MeasureRowForm(row.values, lookups=lookups)
        valid = form.is_valid()
        for name, messages in form.errors.items():
            errors.extend(RowError(row.number, HEADER.get(name, ""), str(m)) for m in messages)
        title = form.cleaned_data.get("title")
        if title:
            earlier = first_row_of_title.setdefault(title.casefold(), row.number)
            if earlier != row.number:
                errors.append(RowError(row.number, HEADER["title"],
                                       _("Samme tittel står også i rad %(row)d.") % {"row": earlier}))
                continue
        if valid:
            drafts.append(form.draft(row.number))
    return drafts, errors


# ---------------------------------------------------------------- the template

def template_rows(collaboration: Collaboration) -> list[list[str]]:
    """The headers and one example row that imports as it stands. The file
    format is Norwegian whatever the interface language, so the example is
    written in bokmål (the importer reads Norwegian labels)."""
    with translation.override("nb"):
        return _template_rows(collaboration)


def _template_rows(collaboration: Collaboration) -> list[list[str]]:
    plan = PlanPeriod.objects.filter(collaboration=collaboration).order_by("-start_year", "-pk").first()
    strategy = Strategy.objects.filter(plan=plan).order_by("number").first() if plan else None
    members = members_on(collaboration, timezone.localdate())
    participants = _("alle unntatt %(name)s") % {"name": members[-1].name} if len(members) > 1 else _("alle")
    example = {
        "strategy": str(strategy.number) if strategy else "", "title": _("Felles innkjøpsordning (eksempel)"),
        "description": _("Felles innkjøp av varer og tjenester for medlemskommunene."),
        "responsible": "Kari Nordmann", "participants": participants, "partners": "",
        "organisation": str(OrganisationKind.PROJECT_GROUP.label), "phase": str(Phase.STUDY.label),
        "traffic_light": str(TrafficLight.AMBER.label),
        "light_reason": _("Avventer vedtak i kommunestyrene."),
        "status_text": _("Utredning startet."), "follow_up_text": _("Sak til kommunestyrene."),
        "follow_up_due": f"31.12.{timezone.localdate().year + 1}", "budget": "100 000,-", "potential": "7",
        "feasibility": "5", "visibility": "publisert",
    }
    return [[header for _k, header in COLUMNS], [example[key] for key, _h in COLUMNS]]


def number_text(value: Decimal | None) -> str:
    """«1 234 567,50» for the preview."""
    if value is None:
        return ""
    whole, _sep, fraction = f"{value:,.2f}".partition(".")
    text = whole.replace(",", "\u00a0")
    return text if fraction == "00" else f"{text},{fraction}"

