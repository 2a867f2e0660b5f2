"""Reading a spreadsheet of measures (tiltak): the secretariat's first step
from Word and Excel to the portal. Nothing here touches the database.

`parse(file)` reads CSV (semicolon or comma; UTF-8 with or without BOM, or
Windows-1252 as Norwegian Excel saves "CSV (semikolondelt)") or XLSX with
tablib, and returns the rows numbered as the user sees them in the
spreadsheet (the header is row 1). Unreadable files and bad headers raise
ImportRejected with every reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field

import tablib
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from tablib.exceptions import InvalidDimensions

from ..common.files import upload_error
from ..portfolio.models import Phase, TrafficLight
from ..registry.models import Municipality, OutsidePartner, Person

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
    ("budget_recurrence", "Budsjett gjelder"), ("budget_year", "Budsjettår"), ("potential", "Potensial"), ("feasibility", "Gjennomførbarhet"), ("visibility", "Synlighet"),
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


def _rejected(message: str, row: int | None = None, column: str = "") -> ImportRejected:
    return ImportRejected([RowError(row, column, message)])


def file_error(file) -> str | None:
    """The Norwegian message for an upload of the wrong type or size, or None."""
    return upload_error(file, extensions=EXTENSIONS, max_bytes=MAX_BYTES,
                        wrong_type_message=_("Filen må være et regneark av typen .csv eller .xlsx."))


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
