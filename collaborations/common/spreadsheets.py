"""Reading an uploaded Excel workbook (.xlsx) without trusting it.

An .xlsx file is a zip archive of XML files, and a few kilobytes of zip can
hold gigabytes of XML. Before anything is parsed, `xlsx_rows` inspects the
archive's directory (no extraction): the number of members, their total size
when unpacked, each member's compression ratio, encrypted or nested members.
Then it streams the active sheet with expat, one chunk at a time, never
building a tree: only the cells of the row being read and the workbook's
shared strings are in memory, and the caller stops reading whenever it has
seen enough. The merged ranges (after the rows in the sheet) are read once
the rows are. A DOCTYPE (entity expansion) is refused, and a deadline bounds
the time.

Cell values come out as openpyxl's read-only mode gives them with
``data_only=True`` (text, int, float, bool, datetime/time/timedelta for
date-formatted numbers, using openpyxl's own number-format rules), except
that a formula saved without its computed value is `UNCOMPUTED` instead of
an empty cell, and an Excel error (#REF!, #DIV/0! …) is an `ExcelError`.
"""

from __future__ import annotations

import posixpath
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from xml.parsers import expat

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

MAX_MEMBERS = 200                       # a workbook from Excel has 10-20
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
MAX_RATIO = 100                         # unpacked : packed, for members over RATIO_CHECKED_FROM
RATIO_CHECKED_FROM = 1024 * 1024
MAX_SHARED_STRINGS = 200_000
MAX_COLUMNS = 200                       # a value further right than this is refused
MAX_ROW_NUMBER = 1_048_576              # Excel's last row
MAX_MERGED = 10_000                     # merged ranges in the sheet
CHUNK_BYTES = 64 * 1024
NESTED_ARCHIVES = (".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".jar", ".cab")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a password-protected workbook, or an old .xls


class SpreadsheetError(Exception):
    """The workbook cannot be read; `message` is Norwegian and says why.
    `row` and `column` (1-based) say where, when it is about one cell."""

    def __init__(self, message: str, row: int | None = None, column: int | None = None):
        self.message, self.row, self.column = message, row, column
        super().__init__(message)


@dataclass(frozen=True)
class Uncomputed:
    """A formula cell saved without its value (the program that wrote the
    file did not calculate it)."""


UNCOMPUTED = Uncomputed()


@dataclass(frozen=True)
class ExcelError:
    """A cell showing an Excel error such as #REF! or #DIV/0!."""

    code: str


def _unreadable() -> SpreadsheetError:
    return SpreadsheetError(_("Filen kunne ikke leses som et Excel-ark (.xlsx)."))


class XlsxReader:
    """Reads the active sheet of an .xlsx held in `data`.

    `rows()` gives the rows that hold at least one cell, in order, as
    (row number, {column number: value}); numbers start at 1. Reading stops
    when the caller stops iterating. Once `rows()` has run to its end,
    `merged` holds the sheet's merged ranges as (first column, first row,
    last column, last row). `deadline` is a time.monotonic() value after
    which SpreadsheetError is raised."""

    def __init__(self, data: bytes, *, deadline: float | None = None):
        self.data, self.deadline = data, deadline
        self.merged: list[tuple[int, int, int, int]] = []

    def rows(self) -> Iterator[tuple[int, dict[int, object]]]:
        if self.data.startswith(OLE_SIGNATURE):
            raise SpreadsheetError(_("Filen er passordbeskyttet eller lagret i det gamle .xls-formatet. Lagre den "
                                     "som Excel-arbeidsbok (.xlsx) uten passord og prøv igjen."))
        archive = _unpacking(zipfile.ZipFile, BytesIO(self.data))
        with archive:
            inspect_archive(archive)
            workbook = _Workbook(archive, self.deadline)
            yield from workbook.rows()
            self.merged = workbook.merged


def inspect_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an archive that is too big unpacked, unpacks far more than it
    weighs, has too many members, or has members no workbook has (encrypted,
    nested archives, odd names). Reads only the archive's directory."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise SpreadsheetError(_("Filen består av %(n)d deler; et regneark har sjelden over %(max)d. Den blir ikke "
                                 "lest. Lagre regnearket på nytt som Excel-arbeidsbok (.xlsx).")
                               % {"n": len(infos), "max": MAX_MEMBERS})
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetError(_("Filen blir %(size)s når den pakkes ut; høyst %(max)s er tillatt. Den blir ikke "
                                 "lest. Lagre tiltakene i en egen, mindre arbeidsbok.")
                               % {"size": filesizeformat(total), "max": filesizeformat(MAX_UNCOMPRESSED_BYTES)})
    names = set()
    for info in infos:
        name = info.filename
        if info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise SpreadsheetError(_("Delen %(name)s i filen pakkes ut til %(ratio)d ganger sin egen størrelse, "
                                     "langt mer enn et vanlig regneark. Den blir ikke lest. Lagre regnearket på "
                                     "nytt i Excel.")
                                   % {"name": name, "ratio": info.file_size // max(info.compress_size, 1)})
        if name.lower().endswith(NESTED_ARCHIVES):
            raise SpreadsheetError(_("Filen inneholder en annen pakket fil (%(name)s). Lagre regnearket på nytt som "
                                     "Excel-arbeidsbok (.xlsx).") % {"name": name})
        if info.flag_bits & 0x1:
            raise SpreadsheetError(_("Filen er kryptert. Lagre den som Excel-arbeidsbok (.xlsx) uten passord og "
                                     "prøv igjen."))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or name in names \
                or name.startswith("/") or ".." in name.split("/"):
            raise _unreadable()
        names.add(name)


# ---------------------------------------------------------------- XML, streamed

class _Done(Exception):
    """Raised by a handler when it has read what it needs."""


class _Handler:
    def start(self, tag: str, attrs: dict[str, str]) -> None: ...

    def end(self, tag: str) -> None: ...

    def text(self, data: str) -> None: ...


def _local(name: str) -> str:
    """The name without its namespace prefix (x:row → row)."""
    return name.rpartition(":")[2] if ":" in name else name


def _attribute(attrs: dict[str, str], local: str) -> str:
    """An attribute by its name without prefix (r:id → id)."""
    return next((value for name, value in attrs.items() if _local(name) == local), "")


def _refuse_declarations(*_args) -> None:
    raise _unreadable()


def _stream(archive: zipfile.ZipFile, name: str, handler: _Handler, deadline: float | None) -> Iterator[None]:
    """Feed member `name` to `handler` in chunks, yielding after each chunk.
    Names come as written (a producer may prefix them, x:row); handlers
    compare local names (_local)."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    parser.StartDoctypeDeclHandler = _refuse_declarations   # no DTD, so no entity expansion
    parser.EntityDeclHandler = _refuse_declarations
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        stream = _unpacking(archive.open, name)
    except KeyError:  # no such member
        raise _unreadable() from None
    try:
        while True:
            if deadline is not None and time.monotonic() > deadline:
                raise SpreadsheetError(_("Det tok for lang tid å lese regnearket. Del det opp i mindre filer og "
                                         "prøv igjen."))
            chunk = _unpacking(stream.read, CHUNK_BYTES)
            parser.Parse(chunk, not chunk)
            if not chunk:
                return
            yield
    except _Done:
        return
    except (expat.ExpatError, LookupError, UnicodeError):  # broken XML, or an encoding no one has heard of
        raise _unreadable() from None
    finally:
        stream.close()


def _unpacking(call, argument):
    """zipfile's `call`: a damaged archive fails in it in many ways (bad
    CRC, negative seeks, unknown versions, zlib errors); each is the same
    unreadable file to the user."""
    try:
        return call(argument)
    except KeyError:
        raise
    except Exception:
        raise _unreadable() from None


def _consume(archive, name, handler, deadline) -> None:
    for _chunk in _stream(archive, name, handler, deadline):
        pass


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _index(text: str | None, default: int | None = None) -> int | None:
    """A row number, style or string index as written: plain ASCII digits,
    at most nine of them; anything else is `default`."""
    if text and len(text) <= 9 and text.isascii() and text.isdigit():
        return int(text)
    return default


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold (a carriage return, control
    characters) as _xHHHH_ (ST_Xstring)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


class _Relationships(_Handler):
    def __init__(self):
        self.targets: list[tuple[str, str, str]] = []   # (id, type, target)

    def start(self, tag, attrs):
        tag = tag.rpartition(":")[2] if ":" in tag else tag
        if tag == "Relationship" and attrs.get("TargetMode") != "External":
            self.targets.append((attrs.get("Id", ""), attrs.get("Type", ""), attrs.get("Target", "")))


class _WorkbookPart(_Handler):
    def __init__(self):
        self.sheets: list[str] = []      # relationship ids, in tab order
        self.active = 0
        self.date1904 = False

    def start(self, tag, attrs):
        tag = tag.rpartition(":")[2] if ":" in tag else tag
        if tag == "sheet":
            self.sheets.append(_attribute(attrs, "id"))
        elif tag == "workbookView":
            value = attrs.get("activeTab", "0")
            self.active = _index(value, 0)
        elif tag == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class _Styles(_Handler):
    """Which cell styles (xf indexes) format numbers as dates or durations,
    by openpyxl's rules."""

    def __init__(self):
        self.custom: dict[int, str] = {}
        self.number_formats: list[int] = []
        self.in_cell_xfs = False

    def start(self, tag, attrs):
        tag = tag.rpartition(":")[2] if ":" in tag else tag
        if tag == "numFmt":
            number = attrs.get("numFmtId", "")
            if _index(number) is not None:
                self.custom[_index(number)] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            self.in_cell_xfs = True
        elif tag == "xf" and self.in_cell_xfs:
            number = attrs.get("numFmtId", "0")
            self.number_formats.append(_index(number, 0))

    def end(self, tag):
        tag = tag.rpartition(":")[2] if ":" in tag else tag
        if tag == "cellXfs":
            self.in_cell_xfs = False

    def kinds(self) -> tuple[set[int], set[int]]:
        dates, durations = set(), set()
        for index, number in enumerate(self.number_formats):
            code = self.custom.get(number) or BUILTIN_FORMATS.get(number)
            if code and is_date_format(code):
                dates.add(index)
            if code and is_timedelta_format(code):
                durations.add(index)
        return dates, durations


class _SharedStrings(_Handler):
    def __init__(self):
        self.strings: list[str] = []
        self.parts: list[str] | None = None
        self.phonetic = 0
        self.in_text = False

    def start(self, tag, attrs):
        tag = tag.rpartition(":")[2] if ":" in tag else tag
        if tag == "si":
            self.parts = []
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and self.parts is not None and not self.phonetic:
            self.in_text = True

    def end(self, tag):
        tag = tag.rpartition(":")[2] if ":" in tag else tag
        if tag == "t":
            self.in_text = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "si" and self.parts is not None:
            self.strings.append(_unescape("".join(self.parts)))
            self.parts, self.in_text = None, False
            if len(self.strings) > MAX_SHARED_STRINGS:
                raise SpreadsheetError(_("Arbeidsboken har mer enn %(max)d ulike tekster. Lagre tiltakene i en "
                                         "egen, mindre arbeidsbok.") % {"max": MAX_SHARED_STRINGS})

    def text(self, data):
        if self.in_text:
            self.parts.append(data)


_COORDINATE = re.compile(r"([A-Za-z]{1,3})\d*$", re.ASCII)
_RANGE = re.compile(r"([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})$", re.ASCII)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)


class _Sheet(_Handler):
    def __init__(self, strings: list[str], dates: set[int], durations: set[int], epoch):
        self.strings, self.dates, self.durations, self.epoch = strings, dates, durations, epoch
        self.found: list[tuple[int, dict[int, object]]] = []   # rows read since the caller last looked
        self.row = 0
        self.cells: dict[int, object] | None = None
        self.column = 0
        self.in_cell = False
        self.kind = "n"
        self.style = 0
        self.value: list[str] | None = None
        self.inline: list[str] | None = None
        self.formula = False
        self.capture = False
        self.phonetic = 0
        self.after_data = False
        self.merged: list[tuple[int, int, int, int]] = []

    def _merge(self, reference: str) -> None:
        match = _RANGE.match(reference)
        if not match:  # a single cell, or nothing Excel writes
            return
        first_column, last_column = (column_index_from_string(match.group(i).upper()) for i in (1, 3))
        first_row, last_row = int(match.group(2)), int(match.group(4))
        self.merged.append((first_column, first_row, last_column, last_row))
        if len(self.merged) > MAX_MERGED:
            raise SpreadsheetError(_("Regnearket har mer enn %(max)d sammenslåtte celleområder. Opphev "
                                     "sammenslåingene og prøv igjen.") % {"max": MAX_MERGED})

    def start(self, tag, attrs):
        tag = tag.rpartition(":")[2] if ":" in tag else tag
        if self.after_data:
            if tag == "mergeCell":
                self._merge(attrs.get("ref", ""))
            return
        if tag == "row":
            number = attrs.get("r")
            row = _index(number, 0) if number else self.row + 1
            if not self.row < row <= MAX_ROW_NUMBER:
                raise _unreadable()
            self.row, self.cells, self.column = row, {}, 0
        elif tag == "c":
            if self.cells is None:
                raise _unreadable()
            reference = attrs.get("r")
            if reference:
                match = _COORDINATE.match(reference)
                if not match:
                    raise _unreadable()
                self.column = column_index_from_string(match.group(1).upper())
            else:
                self.column += 1
            style = attrs.get("s", "0")
            self.in_cell, self.kind, self.style = True, attrs.get("t", "n"), _index(style, 0)
            self.value, self.inline, self.formula, self.capture = None, None, False, False
        elif not self.in_cell:
            return
        elif tag == "v":
            self.value, self.capture = [], True
        elif tag == "f":
            self.formula = True
        elif tag == "is":
            self.inline = []
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and self.inline is not None and not self.phonetic:
            self.capture = True

    def text(self, data):
        if self.capture:
            target = self.value if self.inline is None else self.inline
            if target is not None:
                target.append(data)

    def end(self, tag):
        tag = tag.rpartition(":")[2] if ":" in tag else tag
        if tag in ("v", "t"):
            self.capture = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "c" and self.in_cell:
            self.in_cell = False
            value = self._value()
            if value is not None:
                if self.column > MAX_COLUMNS:
                    raise SpreadsheetError(
                        _("Regnearket har en verdi i kolonne %(letter)s; bare de første %(max)d kolonnene kan "
                          "leses.") % {"letter": get_column_letter(min(self.column, 18278)), "max": MAX_COLUMNS},
                        row=self.row, column=self.column)
                self.cells[self.column] = value
        elif tag == "row" and self.cells is not None:
            if self.cells:
                self.found.append((self.row, self.cells))
            self.cells = None
        elif tag == "sheetData":
            self.after_data = True
        elif tag == "mergeCells":
            raise _Done

    def _value(self) -> object:
        if self.kind == "inlineStr":
            return _unescape("".join(self.inline)) if self.inline is not None else None
        text = "".join(self.value) if self.value is not None else ""
        if not text:
            return UNCOMPUTED if self.formula else None
        if self.kind == "s":
            index = _index(text.strip())
            if index is None or index >= len(self.strings):
                raise _unreadable()
            return self.strings[index]
        if self.kind == "str":
            return _unescape(text)
        if self.kind == "b":
            return text.strip() in ("1", "true")
        if self.kind == "e":
            return ExcelError(text.strip())
        if self.kind == "d":
            try:
                return from_ISO8601(text.strip())
            except (ValueError, TypeError):
                raise _unreadable() from None
        text = text.strip()
        if not _NUMBER.match(text):
            raise _unreadable()
        try:
            number = int(text) if text.lstrip("+-").isdigit() else float(text)
        except ValueError:  # more digits than Python converts
            raise _unreadable() from None
        if self.style in self.dates:
            try:
                return from_excel(number, self.epoch, timedelta=self.style in self.durations)
            except (OverflowError, ValueError):
                return ExcelError("#VALUE!")  # as openpyxl: a date outside the calendar
        return number


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile, deadline: float | None):
        self.archive, self.deadline = archive, deadline
        self.names = set(archive.namelist())
        self.merged: list[tuple[int, int, int, int]] = []

    def _relationships(self, part: str) -> list[tuple[str, str, str]]:
        folder, name = posixpath.split(part)
        path = posixpath.join(folder, "_rels", name + ".rels")
        handler = _Relationships()
        if path in self.names:
            _consume(self.archive, path, handler, self.deadline)
        return handler.targets

    def _resolve(self, source: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))

    def rows(self) -> Iterator[tuple[int, dict[int, object]]]:
        documents = [self._resolve("", target) for _id, kind, target in self._relationships("")
                     if kind.endswith("/officeDocument")]
        workbook_path = documents[0] if documents else "xl/workbook.xml"
        if workbook_path not in self.names:
            raise _unreadable()
        workbook = _WorkbookPart()
        _consume(self.archive, workbook_path, workbook, self.deadline)
        related = {rid: (kind, self._resolve(workbook_path, target))
                   for rid, kind, target in self._relationships(workbook_path)}

        def part_of(suffix: str) -> str | None:
            paths = [path for kind, path in related.values() if kind.endswith(suffix) and path in self.names]
            return paths[0] if paths else None

        sheets = [related[rid][1] for rid in workbook.sheets
                  if rid in related and related[rid][0].endswith("/worksheet") and related[rid][1] in self.names]
        if not sheets:
            raise SpreadsheetError(_("Arbeidsboken har ingen regneark."))
        active = related.get(workbook.sheets[workbook.active], ("", ""))[1] \
            if workbook.active < len(workbook.sheets) else ""
        sheet_path = active if active in sheets else sheets[0]

        dates, durations = set(), set()
        styles_path = part_of("/styles")
        if styles_path:
            styles = _Styles()
            _consume(self.archive, styles_path, styles, self.deadline)
            dates, durations = styles.kinds()
        strings = _SharedStrings()
        strings_path = part_of("/sharedStrings")
        if strings_path:
            _consume(self.archive, strings_path, strings, self.deadline)

        epoch = CALENDAR_MAC_1904 if workbook.date1904 else CALENDAR_WINDOWS_1900
        sheet = _Sheet(strings.strings, dates, durations, epoch)
        for _chunk in _stream(self.archive, sheet_path, sheet, self.deadline):
            found, sheet.found = sheet.found, []
            yield from found
        yield from sheet.found
        self.merged = sheet.merged
