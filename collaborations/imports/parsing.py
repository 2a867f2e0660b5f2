"""Reading a spreadsheet of measures (tiltak): the secretariat's first step
from Word and Excel to the portal. Nothing here touches the database.

`parse(file)` reads CSV (semicolon or comma; UTF-8 with or without BOM, or
Windows-1252 as Norwegian Excel saves "CSV (semikolondelt)", which the
preview then says) or XLSX (common.spreadsheets: inspected before it is
unpacked, streamed, formulas by their saved value), and returns the rows
numbered as the user sees them in the spreadsheet (the header is row 1).
Unreadable files and bad headers raise ImportRejected with every reason.
Reading is bounded: it stops after MAX_ROWS rows, MAX_CHARACTERS of text or
MAX_SECONDS, whichever comes first.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from ..common.files import upload_error
from ..common.forms import LENGTH_MESSAGES, TEXT_LIMIT
from ..common.spreadsheets import ExcelError, SpreadsheetError, Uncomputed, XlsxReader
from ..portfolio.models import Phase, TrafficLight
from ..registry.models import Municipality, OutsidePartner, Person

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_SECONDS = 10                # reading one file; the caps below bound it long before that
MAX_CHARACTERS = 10_000_000     # text in all rows together
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
_COLUMN_ORDER = {header: index for index, (_key, header) in enumerate(COLUMNS)}


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


def parse(file) -> ParsedFile:
    """The data rows of `file` (an uploaded or stored file with a .csv or
    .xlsx name), read once and kept as a ParsedFile until the import is
    confirmed. Rows with every cell empty are skipped; their numbers are not
    reused, so every row number is the one the user sees.

    Reading stops as soon as the file has more than MAX_ROWS rows, and after
    MAX_SECONDS; an .xlsx is inspected before it is unpacked
    (common.spreadsheets). A file that cannot be imported at all raises
    ImportRejected; a cell that cannot be read (a formula without a value, a
    control character, too much text) is an error in the ParsedFile."""
    error = file_error(file)
    if error:
        raise _rejected(error)
    content = file.read()
    deadline = time.monotonic() + MAX_SECONDS
    if file.name.lower().endswith(".xlsx"):
        reader = XlsxReader(content, deadline=deadline)
        records, encoding, merged = reader.rows(), "", lambda: reader.merged
    else:
        (records, encoding), merged = _csv_records(content), list
    try:
        return _read(records, encoding, deadline, merged)
    except SpreadsheetError as error:
        raise _rejected(error.message, row=error.row,
                        column=_column_name(error.column) if error.column else "") from None


def _read(records: Iterator[tuple[int, dict[int, object]]], encoding: str, deadline: float,
          merged: Callable[[], list[tuple[int, int, int, int]]]) -> ParsedFile:
    first = next(records, None)
    header_cells = first[1] if first and first[0] == 1 else {}
    keys, header_errors = _header_keys(header_cells)
    rows, errors, unnamed, characters = [], [], {}, 0
    for number, cells in itertools.chain([first] if first and first[0] != 1 else [], records):
        if time.monotonic() > deadline:
            raise _rejected(_("Det tok for lang tid å lese filen. Del den opp i mindre filer og prøv igjen."))
        values, cell_errors = {}, []
        for column, raw in cells.items():
            if column not in keys:
                if column not in unnamed and _text(raw) != "":
                    unnamed[column] = number
                continue
            key = keys[column]
            if key is None:  # an unknown or repeated header, refused above
                continue
            value, message = _cell(raw)
            if message:
                cell_errors.append(RowError(number, HEADER[key], message))
                value = ""
            values[key] = value
            characters += len(value) if isinstance(value, str) else 0
        if not cell_errors and all(v == "" for v in values.values()):
            continue
        if len(rows) == MAX_ROWS:
            raise ImportRejected([*header_errors, RowError(None, "", _(
                "Filen har mer enn %(max)d tiltak. Del den opp: høyst %(max)d tiltak per import.")
                % {"max": MAX_ROWS})])
        if characters > MAX_CHARACTERS:
            raise _rejected(_("Filen har mer tekst enn én import kan ta (over %(max)s tegn). Del den opp.")
                            % {"max": f"{MAX_CHARACTERS:,}".replace(",", "\u00a0")})
        rows.append(ImportRow(number, {k: values.get(k, "") for k in keys.values() if k}))
        errors.extend(cell_errors)
    header_errors.extend(RowError(number, _column_name(column), _("Kolonnen har verdier, men ingen overskrift."))
                         for column, number in sorted(unnamed.items()))
    errors.extend(_merge_errors(merged(), keys))
    errors.sort(key=lambda e: (e.row, _COLUMN_ORDER.get(e.column, len(COLUMNS))))
    if header_errors:
        raise ImportRejected(header_errors)
    if not rows:
        raise _rejected(_("Filen har ingen tiltak under overskriftsraden."))
    return ParsedFile(rows, errors, encoding)


def _merge_errors(merged: list[tuple[int, int, int, int]], keys: dict[int, str | None]) -> list[RowError]:
    """Merged cells hold their value in the first cell only; the other rows
    or columns of the range would be imported empty without anyone
    noticing. A range over imported columns below the header is an error."""
    errors = []
    for first_column, first_row, last_column, last_row in sorted(merged, key=lambda m: (m[1], m[0])):
        columns = [keys[c] for c in range(first_column, last_column + 1) if keys.get(c)]
        if last_row < 2 or not columns or (first_column, first_row) == (last_column, last_row):
            continue
        cells = f"{get_column_letter(first_column)}{first_row}:{get_column_letter(last_column)}{last_row}"
        errors.append(RowError(max(first_row, 2), HEADER[columns[0]], _(
            "Cellene %(cells)s er slått sammen, så verdien står bare i den første. Opphev sammenslåingen og skriv "
            "verdien i hver celle den gjelder.") % {"cells": cells}))
    return errors


def _column_name(column: int) -> str:
    return _("Kolonne %(letter)s") % {"letter": get_column_letter(min(column, 18278))}


# ---------------------------------------------------------------- CSV

def _line_of(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


_UTF8_SEQUENCE = re.compile(  # a well-formed multi-byte UTF-8 character
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}")
SAVE_AS_UTF8 = gettext_lazy("Lagre filen som «CSV UTF-8» i Excel og prøv igjen.")


def _decode(content: bytes) -> tuple[str, str]:
    """The text and the encoding assumed: "" for UTF-8 (with or without BOM),
    WINDOWS_1252 for a file that is not UTF-8 and has none of its
    characters (Norwegian Excel's «CSV (semikolondelt)»). A NUL byte, an
    encoded lone surrogate, a mix of UTF-8 and something else, or bytes
    Windows-1252 does not have are refused with the line."""
    if b"\x00" in content:
        raise _rejected(_("Filen inneholder NUL-tegn (første gang på linje %(line)d), så den er ikke en vanlig "
                          "CSV-fil. %(advice)s") % {"line": _line_of(content, content.index(b"\x00")),
                                                    "advice": SAVE_AS_UTF8})
    try:
        return content.decode("utf-8-sig"), ""
    except UnicodeDecodeError as error:
        line = _line_of(content, error.start)
    try:
        content.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        pass
    else:
        raise _rejected(_("Filen har et ugyldig tegn (en halv surrogat) på linje %(line)d. %(advice)s")
                        % {"line": line, "advice": SAVE_AS_UTF8})
    if _UTF8_SEQUENCE.search(content):
        raise _rejected(_("Filen er UTF-8, men har tegn i en annen tegnkoding på linje %(line)d. %(advice)s")
                        % {"line": line, "advice": SAVE_AS_UTF8})
    try:
        return content.decode("cp1252"), WINDOWS_1252
    except UnicodeDecodeError as error:
        raise _rejected(_("Filen kunne ikke leses: den er verken UTF-8 eller Windows-1252 (ukjent tegn på linje "
                          "%(line)d). %(advice)s") % {"line": _line_of(content, error.start), "advice": SAVE_AS_UTF8}) \
            from None


def _csv_records(content: bytes) -> tuple[Iterator[tuple[int, dict[int, object]]], str]:
    text, encoding = _decode(content)
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") >= header.count(",") and ";" in header else ","

    def records():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):  # a record is a row, even over several lines
                if cells:
                    yield number, dict(enumerate(cells, start=1))
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise _rejected(_("En celle i raden har mer tekst enn en CSV-fil her kan ha (over %(max)d tegn). "
                                  "Høyst %(limit)d tegn er tillatt.")
                                % {"max": csv.field_size_limit(), "limit": TEXT_LIMIT}, row=number + 1) from None
            raise _rejected(_("Filen kunne ikke leses som CSV (rad %(row)d).") % {"row": number + 1}) from None

    return records(), encoding


def _text(raw) -> str:
    """A header cell as text ("" for an empty cell, a formula without a
    value or an Excel error)."""
    if raw is None or isinstance(raw, Uncomputed | ExcelError):
        return ""
    return " ".join(str(raw).split())


def _header_keys(cells: dict[int, object]) -> tuple[dict[int, str | None], list[RowError]]:
    """The form field of each column with a header (None for a header that
    is unknown or repeated), and every error in the header row."""
    keys, errors, seen = {}, [], set()
    for column, raw in sorted(cells.items()):
        text = _text(raw)
        if not text:
            continue
        key = _KEY_OF_HEADER.get(text.casefold())
        if key is None:
            errors.append(RowError(1, text, _("Ukjent kolonne. Gyldige kolonner er: %(columns)s.")
                                   % {"columns": ", ".join(h for _k, h in COLUMNS)}))
        elif key in seen:
            errors.append(RowError(1, HEADER[key], _("Kolonnen står mer enn én gang.")))
            key = None
        seen.add(key)
        keys[column] = key
    if "title" not in seen:
        errors.append(RowError(1, HEADER["title"], _("Kolonnen mangler. Hvert tiltak må ha en tittel.")))
    return keys, errors


UNSAVABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # control characters, lone surrogates


def _cell(raw) -> tuple[object, str | None]:
    """A cell as the row form takes it (text stripped, whole numbers as int,
    dates as dates, empty as "") and the message when it cannot be taken."""
    if raw is None:
        return "", None
    if isinstance(raw, Uncomputed):
        return "", _("Cellen inneholder en formel uten lagret verdi. Lim inn verdien i stedet for formelen.")
    if isinstance(raw, ExcelError):
        return "", _("Cellen viser en feil fra Excel (%(code)s). Rett formelen, eller lim inn verdien i stedet.") \
            % {"code": raw.code}
    if isinstance(raw, str):
        text = raw.strip()
        bad = UNSAVABLE.search(text)
        if bad:
            return "", _("Cellen inneholder et tegn som ikke kan lagres (U+%(code)04X). Fjern det og last opp "
                         "filen på nytt.") % {"code": ord(bad.group())}
        if len(text) > TEXT_LIMIT:
            return "", LENGTH_MESSAGES["max_length"] % {"limit_value": TEXT_LIMIT, "show_value": len(text)}
        return text, None
    if isinstance(raw, bool):
        return str(raw), None
    if isinstance(raw, float) and raw.is_integer():
        return int(raw), None
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, int | float | dt.date):
        return raw, None
    return str(raw), None  # a time of day or a duration: text, which no column takes


# ---------------------------------------------------------------- kept between preview and confirm

WINDOWS_1252 = "windows-1252"


@dataclass
class ParsedFile:
    """What the preview showed: the rows, the errors in single cells (or in
    the file as a whole, then without rows), and the encoding assumed for a
    CSV that was not UTF-8. Kept as JSON until the import is confirmed, so
    the file is read once."""

    rows: list[ImportRow]
    errors: list[RowError] = field(default_factory=list)
    encoding: str = ""

    def to_json(self) -> str:
        def value(v):
            return {"date": v.isoformat()} if isinstance(v, dt.date) else v

        return json.dumps({
            "version": 1, "encoding": self.encoding,
            "rows": [[r.number, {k: value(v) for k, v in r.values.items()}] for r in self.rows],
            "errors": [[e.row, e.column, e.message] for e in self.errors],
        }, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ParsedFile:
        def value(v):
            return dt.date.fromisoformat(v["date"]) if isinstance(v, dict) else v

        data = json.loads(text)
        if data.get("version") != 1:
            raise ValueError("unknown version")
        return cls(rows=[ImportRow(number, {k: value(v) for k, v in values.items()}) for number, values in data["rows"]],
                   errors=[RowError(row, column, message) for row, column, message in data["errors"]],
                   encoding=data["encoding"])
