"""Workbooks written by hand for the tests of uploaded spreadsheets: cells
openpyxl does not write (a formula with its saved value), broken or hostile
archives, and a real zip bomb built without ever holding it in memory.

`xlsx(rows)` builds a minimal valid workbook (openpyxl and Excel read it)
from sheet rows written with `inline`, `shared`, `number` and `formula`; `zip_file`
writes any archive from members given as repeated pieces, each piece
deflated once, so that gigabytes of spaces cost milliseconds and
kilobytes."""

from __future__ import annotations

import struct
import zlib
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
MB = 1024 * 1024


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def number(ref: str, value) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def formula(ref: str, expression: str, saved=None, kind: str = "") -> str:
    """A formula cell; `saved` is the value Excel keeps beside it (None: a
    file from a program that does not calculate)."""
    t = f' t="{kind}"' if kind else ""
    v = f"<v>{escape(str(saved))}</v>" if saved is not None else ""
    return f'<c r="{ref}"{t}><f>{escape(expression)}</f>{v}</c>'


def row(number_: int, *cells: str) -> str:
    return f'<row r="{number_}">{"".join(cells)}</row>'


def sheet_xml(rows: list[str], after: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
            f'xmlns:r="{RELS}"><sheetData>{"".join(rows)}</sheetData>{after}</worksheet>').encode()


def shared(ref: str, index: int) -> str:
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def parts(sheet_members: list[tuple[str, list[tuple[bytes, int]]]] | None = None,
          strings: list[str] | None = None) -> dict[str, list[tuple[bytes, int]]]:
    """The parts of a workbook with one sheet (xl/worksheets/sheet1.xml,
    given as pieces by the caller) and, when `strings` are given, a table of
    shared strings as Excel writes it."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
        'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    package_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship '
                    f'Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
                f'<sheet name="Tiltak" sheetId="1" r:id="rId1"/></sheets></workbook>')
    strings_rel = (f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
                   if strings is not None else "")
    workbook_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship '
                     f'Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>{strings_rel}</Relationships>')
    members = {"[Content_Types].xml": [(content_types.encode(), 1)], "_rels/.rels": [(package_rels.encode(), 1)],
               "xl/workbook.xml": [(workbook.encode(), 1)], "xl/_rels/workbook.xml.rels": [(workbook_rels.encode(), 1)]}
    if strings is not None:
        table = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in strings)
        members["xl/sharedStrings.xml"] = [(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" '
                                            f'count="{len(strings)}" uniqueCount="{len(strings)}">{table}</sst>'
                                            .encode(), 1)]
    members.update(sheet_members or [])
    return members


def xlsx(rows: list[str], after: str = "", strings: list[str] | None = None) -> bytes:
    return zip_file(parts([("xl/worksheets/sheet1.xml", [(sheet_xml(rows, after), 1)])], strings))


def zip_bomb(spaces: int) -> bytes:
    """A valid workbook whose sheet holds `spaces` bytes of spaces before a
    header row: the 6 KB file of the finding (1.2 GiB of spaces) is
    zip_bomb(1200 * MB); it deflates at 1:1000, the most deflate does."""
    head, tail = sheet_xml([row(1, inline("A1", "Tittel"))]).split(b"<sheetData>")
    pieces = [(head + b"<sheetData>", 1), (b" " * MB, spaces // MB), (b" " * (spaces % MB), 1), (tail, 1)]
    return zip_file(parts([("xl/worksheets/sheet1.xml", pieces)]))


def zip_file(members: dict[str, list[tuple[bytes, int]]], *, declared: dict[str, int] | None = None) -> bytes:
    """A zip archive written by hand. Each member is a list of (piece,
    times); every piece is deflated once on its own (a full flush makes the
    blocks independent), so repeating it repeats the compressed bytes.
    `declared` overrides a member's declared unpacked size (a lie)."""
    out, directory = bytearray(), bytearray()
    for name, pieces in members.items():
        encoded = name.encode()
        crc, size, data = 0, 0, bytearray()
        for piece, times in pieces:
            if not times:
                continue
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            block = compressor.compress(piece) + compressor.flush(zlib.Z_FULL_FLUSH)
            data += block * times
            for _ in range(times):
                crc = zlib.crc32(piece, crc)
            size += len(piece) * times
        data += zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # the final, empty block
        size = (declared or {}).get(name, size)
        offset = len(out)
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + encoded
    count = len(members)
    return bytes(out + directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory),
                                               len(out), 0))
