"""The hostile corpus for the import of measures: every file here goes
through the real pages (upload, preview, confirm) as the secretariat of
Nord-Troms. Whatever the file, the answer is a page with a Norwegian
message, never a server error (the test client raises on one), and a
refused file saves nothing: not a measure, not a person, not a history row.
Text that looks like a formula, markup or a template is shown escaped and
stored as it was written."""

from __future__ import annotations

import datetime as dt
import html
import io
import random
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from collaborations.imports.parsing import ImportRejected, parse
from collaborations.portfolio.models import Measure
from tests.common.workbooks import MB, formula, inline, number, parts, row, shared, sheet_xml, xlsx, zip_bomb, zip_file
from tests.imports.test_views import _error_rows, client_for, confirm_url, counts, upload

UNREADABLE_XLSX = "Filen kunne ikke leses som et Excel-ark (.xlsx)."
ROW_LIMIT = "Filen har mer enn 1000 tiltak. Del den opp: høyst 1000 tiltak per import."
SAVE_AS_UTF8 = "Lagre filen som «CSV UTF-8» i Excel og prøv igjen."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _workbook(rows: list[list], merge: str = "") -> bytes:
    book = Workbook()
    for values in rows:
        book.active.append(values)
    if merge:
        book.active.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refused(world, name: str, content: bytes) -> list[tuple[str, str, str]]:
    """Upload, preview and try to confirm `content`; return the preview's
    errors after checking that nothing was saved and nothing can be."""
    client = client_for(world.secretariat)
    before = counts()
    preview_url = upload(client, SimpleUploadedFile(name, content))
    preview = client.get(preview_url)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Ingenting er lagret." in body and 'action="' + confirm_url(preview_url) not in body
    confirmed = client.post(confirm_url(preview_url))
    assert confirmed.status_code == 200 and "Ingenting er lagret." in confirmed.content.decode()
    assert counts() == before
    return _error_rows(body)


def _whole_file(message: str) -> list[tuple[str, str, str]]:
    return [("—", "—", html.escape(message, quote=True))]


# ---------------------------------------------------------------- broken, disguised and bombed files

def _truncated() -> bytes:
    data = _workbook([["Tittel"], ["Felles IKT"]])
    return data[: len(data) // 2]


@pytest.mark.parametrize("name, content, message", [
    ("plan.xlsx", lambda: _truncated(), UNREADABLE_XLSX),
    ("plan.xlsx", lambda: bytes(range(256)) * 16, UNREADABLE_XLSX),
    ("plan.xlsx", lambda: b"Tittel;Fase\r\nFelles IKT;Vedtatt\r\n", UNREADABLE_XLSX),
    ("plan.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
     "Filen er passordbeskyttet eller lagret i det gamle .xls-formatet. Lagre den som Excel-arbeidsbok (.xlsx) "
     "uten passord og prøv igjen."),
    ("plan.xlsx", lambda: zip_file({**parts(), "xl/embeddings/inni.zip": [(b"PK\x03\x04", 1)]}),
     "Filen inneholder en annen pakket fil (xl/embeddings/inni.zip). Lagre regnearket på nytt som "
     "Excel-arbeidsbok (.xlsx)."),
    ("plan.xlsx", lambda: zip_file(parts([("xl/worksheets/sheet1.xml", [(
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        b'<c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>', 1)])])),
     UNREADABLE_XLSX),
    ("plan.csv", lambda: _workbook([["Tittel"], ["Felles IKT"]]),  # a workbook called .csv
     "Filen inneholder NUL-tegn (første gang på linje 1), så den er ikke en vanlig CSV-fil. " + SAVE_AS_UTF8),
    ("plan.csv", lambda: b"Tittel\r\nFelles\x00IKT\r\n",
     "Filen inneholder NUL-tegn (første gang på linje 2), så den er ikke en vanlig CSV-fil. " + SAVE_AS_UTF8),
    ("plan.csv", lambda: b"Tittel\r\nFelles IKT " + "\ud800".encode("utf-8", "surrogatepass") + b"\r\n",
     "Filen har et ugyldig tegn (en halv surrogat) på linje 2. " + SAVE_AS_UTF8),
    ("plan.csv", lambda: "Tittel\r\nFelles innkjøp\r\n".encode() + "Kåfjord\r\n".encode("cp1252"),
     "Filen er UTF-8, men har tegn i en annen tegnkoding på linje 3. " + SAVE_AS_UTF8),
    ("plan.csv", lambda: b"Tittel\r\n\x81\x8d\x8f\r\n",
     "Filen kunne ikke leses: den er verken UTF-8 eller Windows-1252 (ukjent tegn på linje 2). " + SAVE_AS_UTF8),
    ("plan.csv", lambda: b"Tittel\r\nA\r\n\"B\"C\"\r\n" + b"\r\n".join(b"\"x\"y" for _ in range(3)), None),
])
def test_it_refuses_broken_and_disguised_files_in_norwegian(world, name, content, message):
    if message is None:  # stray quotes: read as Excel reads them, and checked row by row
        client = client_for(world.secretariat)
        assert client.get(upload(client, SimpleUploadedFile(name, content()))).status_code == 200
        return
    assert _refused(world, name, content()) == _whole_file(message)


def test_it_refuses_the_zip_bomb_without_unpacking_it(world):
    """The finding: a valid workbook whose sheet holds 1.2 GiB of spaces,
    1.2 MB zipped, under the 2 MB limit. Before, it was unpacked on the
    preview and again on the confirmation (20 s and 3.6 GB each); now the
    archive's directory refuses it, and the whole upload, preview and
    confirmation stay far under 100 MB."""
    bomb = zip_bomb(1200 * MB)
    assert len(bomb) < 2 * MB
    tracemalloc.start()
    try:
        errors = _refused(world, "plan.xlsx", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert errors == _whole_file("Filen blir 1,2\xa0GB når den pakkes ut; høyst 20,0\xa0MB er tillatt. Den blir ikke "
                                 "lest. Lagre tiltakene i en egen, mindre arbeidsbok.")
    assert peak < 100 * MB, f"{peak / MB:.0f} MB"


def test_it_refuses_50000_rows_without_reading_them_all(world):
    """50 000 rows, and after them a broken end: the row limit is what the
    user is told, because reading stopped at row 1002, long before the end."""
    rows = [row(1, inline("A1", "Tittel"))] + [row(n, inline(f"A{n}", f"Tiltak {n}")) for n in range(2, 50_002)]
    sheet = sheet_xml(rows)[: -len("</sheetData></worksheet>")] + b"<row><c><<< broken"
    workbook = zip_file(parts([("xl/worksheets/sheet1.xml", [(sheet, 1)])]))
    assert len(workbook) < 2 * MB
    assert _refused(world, "plan.xlsx", workbook) == _whole_file(ROW_LIMIT)
    text = "Tittel\r\n" + "".join(f"Tiltak {n}\r\n" for n in range(50_000)) + '"uavsluttet'
    assert _refused(world, "plan.csv", text.encode()) == _whole_file(ROW_LIMIT)


# ---------------------------------------------------------------- cells that cannot be taken

def test_it_names_merged_cells_formulas_without_values_and_unsavable_characters(world):
    merged = _workbook([["Strategi", "Tittel"], [1, "Felles IKT"], [None, "Felles lønn"]], merge="A2:A3")
    assert _refused(world, "plan.xlsx", merged) == [(
        "2", "Strategi", "Cellene A2:A3 er slått sammen, så verdien står bare i den første. Opphev sammenslåingen "
                         "og skriv verdien i hver celle den gjelder.")]
    formulas = _workbook([["Tittel", "Budsjett"], ["=A1&\" IKT\"", "=1000*2"]])  # openpyxl saves no values
    message = "Cellen inneholder en formel uten lagret verdi. Lim inn verdien i stedet for formelen."
    assert _refused(world, "plan.xlsx", formulas) == [("2", "Tittel", message), ("2", "Budsjett", message)]
    controls = xlsx([row(1, inline("A1", "Tittel"), inline("B1", "Beskrivelse")),
                     row(2, inline("A2", "Felles IKT"), inline("B2", "nul _x0000_ og _xD800_"))])
    assert _refused(world, "plan.xlsx", controls) == [
        ("2", "Beskrivelse", "Cellen inneholder et tegn som ikke kan lagres (U+0000). Fjern det og last opp filen på "
                             "nytt.")]
    huge = "Tittel;Beskrivelse\r\nFelles IKT;" + "x" * 1_000_000 + "\r\n"
    assert _refused(world, "plan.csv", huge.encode()) == [
        ("2", "—", "En celle i raden har mer tekst enn en CSV-fil her kan ha (over 131072 tegn). Høyst 4000 tegn "
                   "er tillatt.")]
    long_cell = xlsx([row(1, inline("A1", "Tittel"), inline("B1", "Beskrivelse")),
                      row(2, inline("A2", "Felles IKT"), inline("B2", "x" * 1_000_000))])
    assert _refused(world, "plan.xlsx", long_cell) == [
        ("2", "Beskrivelse", "Teksten er for lang: høyst 4000 tegn (nå 1000000).")]


# ---------------------------------------------------------------- text that only looks dangerous

HOSTILE_TITLES = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.com/?q=" & A1, "Klikk her")',
    "+47 1+1",
    "-2+3 kommuner",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "<script>alert('tiltak')</script>",
    "{{7*7}} og {% now 'Y' %}",
    '<a href="javascript:alert(1)">lenke</a>',
    "עברית og العربية i tiltaket \u202egnisrever\u202c",
    "Z\u0351\u0352\u0353a\u0300\u0301\u0302lgo",
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_formulas_markup_and_templates_are_shown_escaped_and_stored_verbatim(world, kind):
    client = client_for(world.secretariat)
    descriptions = [f"Beskrivelse: {t}" for t in HOSTILE_TITLES]
    if kind == "csv":
        lines = ["Tittel;Beskrivelse"] + ['"{}";"{}"'.format(t.replace('"', '""'), d.replace('"', '""'))
                                         for t, d in zip(HOSTILE_TITLES, descriptions, strict=True)]
        file = SimpleUploadedFile("<img src=x onerror=alert(1)>.csv", "\r\n".join(lines).encode())
    else:
        sheet = [row(1, inline("A1", "Tittel"), inline("B1", "Beskrivelse"))] + [
            row(n, inline(f"A{n}", t), inline(f"B{n}", d))
            for n, (t, d) in enumerate(zip(HOSTILE_TITLES, descriptions, strict=True), start=2)]
        file = SimpleUploadedFile("<img src=x onerror=alert(1)>.xlsx", xlsx(sheet))
    before = Measure.objects.count()
    preview_url = upload(client, file)
    body = client.get(preview_url).content.decode()
    assert f"{len(HOSTILE_TITLES)} tiltak blir opprettet" in body
    for title in HOSTILE_TITLES:
        assert html.escape(title) in body
    for raw in ("<script>alert", '<a href="javascript:', "<img src=x"):
        assert raw not in body
    assert "{{7*7}}" in body and "49 og" not in body
    assert client.post(confirm_url(preview_url)).status_code == 302
    stored = dict(Measure.objects.filter(title__in=HOSTILE_TITLES).values_list("title", "description"))
    assert Measure.objects.count() == before + len(HOSTILE_TITLES)
    for title, description in zip(HOSTILE_TITLES, descriptions, strict=True):
        assert stored[title] == description
    export = client.get(reverse("measures_csv", args=["nord-troms"])).content.decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in export and "'@SUM(1+1)" in export and "'+47 1+1" in export


# ---------------------------------------------------------------- mangled workbooks

def _mangled(data: bytes, generator: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(generator.randint(1, 4)):
        at = generator.randrange(len(data))
        action = generator.choice(["flip", "insert", "delete", "digits"])
        if action == "flip":
            data[at] = generator.randrange(256)
        elif action == "insert":
            data[at:at] = generator.choice([b"<", b">", b"&", b'"', b"\x00", b"9" * 5000, b"<x>", b"</row>",
                                            b"\xff\xfe", b"_x0000_", b"\xe2\x80\xae"])
        elif action == "delete":
            del data[at:at + generator.randint(1, 40)]
        else:
            data[at:at] = "".join(generator.choice("0123456789٣²-+.eE") for _ in range(12)).encode()
    return bytes(data)


def test_a_thousand_mangled_workbooks_give_a_message_or_rows_never_an_exception():
    """Random damage, inside the XML (re-zipped) and to the zip bytes: parse
    either reads rows or refuses with a Norwegian message. Seeded, so a
    failure can be reproduced."""
    generator = random.Random(9)
    header = row(1, *(inline(f"{c}1", h) for c, h in zip("ABCDE", ["Tittel", "Frist", "Budsjett", "Potensial",
                                                                     "Beskrivelse"], strict=True)))
    body = [row(n, shared(f"A{n}", n % 3), f'<c r="B{n}" s="1"><v>{45000 + n}</v></c>', number(f"C{n}", n * 1.5),
                formula(f"D{n}", "1+1", 2), inline(f"E{n}", "æøå <b>"))
            for n in range(2, 12)]
    sheet = sheet_xml([header, *body], after='<mergeCells count="1"><mergeCell ref="E2:E3"/></mergeCells>')
    styles = (b'<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<numFmts count="1"><numFmt numFmtId="164" formatCode="dd.mm.yyyy"/></numFmts><cellXfs count="2">'
              b'<xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>')
    members = parts([("xl/worksheets/sheet1.xml", [(sheet, 1)]), ("xl/styles.xml", [(styles, 1)])],
                    strings=["Felles IKT", "Brann", "Klima"])
    members["xl/_rels/workbook.xml.rels"] = [(members["xl/_rels/workbook.xml.rels"][0][0].replace(
        b"</Relationships>", b'<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/styles" Target="styles.xml"/></Relationships>'), 1)]
    good = zip_file(members)
    parsed = parse(SimpleUploadedFile("plan.xlsx", good))
    assert parsed.rows[0].values["follow_up_due"] == dt.date(2023, 3, 17) and len(parsed.rows) == 10
    outcomes = {"read": 0, "refused": 0}
    for attempt in range(1000):
        if attempt % 2:
            data = _mangled(good, generator)
        else:
            part = generator.choice(list(members))
            data = zip_file({**members, part: [(_mangled(members[part][0][0], generator), 1)]})
        try:
            parse(SimpleUploadedFile("plan.xlsx", data))
            outcomes["read"] += 1
        except ImportRejected as rejected:
            assert all(e.message for e in rejected.errors)
            outcomes["refused"] += 1
    assert outcomes["read"] > 50 and outcomes["refused"] > 50, outcomes
