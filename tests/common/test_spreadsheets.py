"""Reading an uploaded .xlsx without trusting it (common.spreadsheets)."""

from __future__ import annotations

import datetime as dt
import io
import time
import tracemalloc

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from collaborations.common import spreadsheets
from collaborations.common.spreadsheets import UNCOMPUTED, ExcelError, SpreadsheetError, XlsxReader
from tests.common.workbooks import MB, formula, inline, number, parts, row, shared, sheet_xml, xlsx, zip_bomb, zip_file

UNREADABLE = "Filen kunne ikke leses som et Excel-ark (.xlsx)."


def read(data: bytes, **kwargs) -> list[tuple[int, dict[int, object]]]:
    return list(XlsxReader(data, **kwargs).rows())


def refusal(data: bytes) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as caught:
        read(data)
    return caught.value


def test_it_reads_cells_as_openpyxl_does():
    book = Workbook()
    sheet = book.active
    sheet.append(["Tittel", "Frist", "Budsjett", "Ja", "Tid", "Rik tekst"])
    sheet.append(["Kåfjord æøå", dt.datetime(2025, 12, 31), 100000.5, True, dt.time(12, 30),
                  CellRichText([TextBlock(InlineFont(b=True), "Fet"), " vanlig"])])
    sheet.append([None] * 6)
    sheet.append(["  mellomrom ", dt.date(2024, 2, 29), 3, False, dt.timedelta(hours=30), None])
    sheet["H6"] = "langt ute"
    book.create_sheet("Annet").append(["ikke dette arket"])
    out = io.BytesIO()
    book.save(out)

    reference = load_workbook(io.BytesIO(out.getvalue()), read_only=True, data_only=True).active
    reference.reset_dimensions()
    expected = [(number_, cells) for number_, cells in (
        (i, {j: v for j, v in enumerate(values, start=1) if v is not None})
        for i, values in enumerate(reference.iter_rows(values_only=True), start=1)) if cells]
    assert read(out.getvalue()) == expected
    assert expected[1][1][2] == dt.datetime(2025, 12, 31) and expected[3][0] == 6


def test_it_gives_a_formulas_saved_value_and_says_when_there_is_none():
    data = xlsx([row(1, inline("A1", "Tittel"), inline("B1", "Budsjett")),
                 row(2, formula("A2", 'CONCAT("Felles ","IKT")', "Felles IKT", kind="str"), formula("B2", "1000*2", 2000)),
                 row(3, formula("A3", 'CONCAT("a","b")', kind="str"), formula("B3", "1/0", "#DIV/0!", kind="e"))])
    assert list(load_workbook(io.BytesIO(data), data_only=True).active.values)[1] == ("Felles IKT", 2000)
    assert read(data)[1:] == [(2, {1: "Felles IKT", 2: 2000}), (3, {1: UNCOMPUTED, 2: ExcelError("#DIV/0!")})]


def test_it_reads_the_merged_ranges_after_the_rows():
    reader = XlsxReader(xlsx([row(1, inline("A1", "Tittel")), row(2, inline("A2", "x"))],
                             after='<mergeCells count="2"><mergeCell ref="A2:A4"/><mergeCell ref="B1:C1"/></mergeCells>'))
    assert list(reader.rows()) == [(1, {1: "Tittel"}), (2, {1: "x"})]
    assert reader.merged == [(1, 2, 1, 4), (2, 1, 3, 1)]


def test_it_stops_reading_where_the_caller_stops():
    """Rows are read as they are asked for: what comes after row 2000 (here
    broken XML) is never read when the caller stops at row 1001."""
    rows = [row(n, inline(f"A{n}", f"Tiltak {n}")) for n in range(1, 2001)]
    data = zip_file(parts([("xl/worksheets/sheet1.xml", [(sheet_xml(rows)[:-len("</sheetData></worksheet>")], 1),
                                                          (b"<row><c><<< broken", 1)])]))
    taken = []
    for number_, cells in XlsxReader(data).rows():
        taken.append(number_)
        if len(taken) == 1001:
            break
    assert taken[-1] == 1001
    assert refusal(data).message == UNREADABLE  # reading on does reach the broken end


def test_it_refuses_a_zip_bomb_before_unpacking_it():
    """The finding's file: a valid workbook with 1.2 GiB of spaces in its
    sheet, 1.2 MB zipped. Refused from the archive's directory alone."""
    data = zip_bomb(1200 * MB)
    assert len(data) < 2 * MB
    tracemalloc.start()
    try:
        error = refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.message == ("Filen blir 1,2\xa0GB når den pakkes ut; høyst 20,0\xa0MB er tillatt. Den blir ikke "
                             "lest. Lagre tiltakene i en egen, mindre arbeidsbok.")
    assert peak < 10 * MB


def test_it_refuses_a_member_that_unpacks_far_more_than_it_weighs():
    data = zip_bomb(2 * MB)  # 2 MB of spaces in 2 KB: within the total, not within the ratio
    assert refusal(data).message.startswith("Delen xl/worksheets/sheet1.xml i filen pakkes ut til ")


def test_it_refuses_an_archive_that_lies_about_a_members_size():
    members = parts([("xl/worksheets/sheet1.xml", [(sheet_xml([row(1, inline("A1", "Tittel"))]), 1),
                                                   (b" " * MB, 50)])])
    data = zip_file(members, declared={"xl/worksheets/sheet1.xml": 1000})
    tracemalloc.start()
    try:
        error = refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.message == UNREADABLE and peak < 10 * MB


@pytest.mark.parametrize("members, message", [
    ({f"x/{i}.xml": [(b"<a/>", 1)] for i in range(201)},
     "Filen består av 201 deler; et regneark har sjelden over 200. Den blir ikke lest. Lagre regnearket på nytt som "
     "Excel-arbeidsbok (.xlsx)."),
    ({**parts(), "xl/embeddings/inni.zip": [(b"PK", 1)]},
     "Filen inneholder en annen pakket fil (xl/embeddings/inni.zip). Lagre regnearket på nytt som Excel-arbeidsbok "
     "(.xlsx)."),
    ({**parts(), "../utenfor.xml": [(b"<a/>", 1)]}, UNREADABLE),
    (parts(), "Arbeidsboken har ingen regneark."),  # nothing behind the workbook's relationship
])
def test_it_refuses_archives_no_workbook_looks_like(members, message):
    assert refusal(zip_file(members)).message == message


@pytest.mark.parametrize("data, message", [
    (b"PK\x03\x04 and then nothing", UNREADABLE),
    (b"Tittel;Fase\r\nA;B\r\n", UNREADABLE),
    (bytes(range(256)) * 8, UNREADABLE),
    (spreadsheets.OLE_SIGNATURE + b"\x00" * 504,
     "Filen er passordbeskyttet eller lagret i det gamle .xls-formatet. Lagre den som Excel-arbeidsbok (.xlsx) uten "
     "passord og prøv igjen."),
])
def test_it_refuses_what_is_not_a_workbook(data, message):
    assert refusal(data).message == message


def test_it_refuses_a_truncated_workbook():
    book = Workbook()
    book.active.append(["Tittel"])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 30):
        assert refusal(data[:cut]).message == UNREADABLE


def test_it_refuses_entity_declarations():
    laughs = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
              '<c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>')
    assert refusal(zip_file(parts([("xl/worksheets/sheet1.xml", [(laughs.encode(), 1)])]))).message == UNREADABLE


def test_it_refuses_a_value_beyond_the_last_column_it_reads():
    error = refusal(xlsx([row(1, inline("A1", "Tittel")), row(2, inline("A2", "x"), number("HZ2", 1))]))
    assert (error.row, error.column) == (2, 234)
    assert error.message == "Regnearket har en verdi i kolonne HZ; bare de første 200 kolonnene kan leses."


def test_it_refuses_rows_out_of_order():
    assert refusal(xlsx([row(2, inline("A2", "x")), row(1, inline("A1", "Tittel"))])).message == UNREADABLE


def test_it_reads_shared_strings_as_excel_writes_them():
    data = xlsx([row(1, shared("A1", 0)), row(2, shared("A2", 1))], strings=["Tittel", "Linje 1_x000D_\nLinje 2"])
    assert read(data) == [(1, {1: "Tittel"}), (2, {1: "Linje 1\r\nLinje 2"})]
    assert refusal(xlsx([row(1, shared("A1", 5))], strings=["Tittel"])).message == UNREADABLE


def test_it_refuses_too_many_shared_strings(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_SHARED_STRINGS", 3)
    data = xlsx([row(1, shared("A1", 0))], strings=["Tittel", "a", "b", "c"])
    assert read(xlsx([row(1, shared("A1", 0))], strings=["Tittel", "a", "b"])) == [(1, {1: "Tittel"})]
    assert refusal(data).message == ("Arbeidsboken har mer enn 3 ulike tekster. Lagre tiltakene i en egen, "
                                               "mindre arbeidsbok.")


def test_it_stops_at_its_deadline():
    with pytest.raises(SpreadsheetError) as caught:
        read(xlsx([row(1, inline("A1", "Tittel"))]), deadline=time.monotonic() - 1)
    assert caught.value.message == "Det tok for lang tid å lese regnearket. Del det opp i mindre filer og prøv igjen."


def test_it_reads_a_sheet_whose_producer_prefixes_the_namespace():
    prefixed = ('<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
                'spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Tittel</x:t>'
                '</x:is></x:c></x:row><x:row r="2"><x:c r="A2"><x:v>7</x:v></x:c></x:row></x:sheetData>'
                '</x:worksheet>')
    assert read(zip_file(parts([("xl/worksheets/sheet1.xml", [(prefixed.encode(), 1)])]))) == [
        (1, {1: "Tittel"}), (2, {1: 7})]
