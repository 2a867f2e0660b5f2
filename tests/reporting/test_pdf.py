"""The PDF: PDF/A-2a, tagged, embedded fonts that carry Sámi and Kven names,
page numbers, repeated table headers, Norwegian formatting."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from collaborations.portfolio.services import measure_create
from reporting.content import build_content
from reporting.pdf import content_html, document_html, layout, render
from tests.reporting.helpers import (
    at,
    build_2024,
    eager_celery,  # noqa: F401
)

pytestmark = pytest.mark.usefixtures("eager_celery")


@pytest.fixture
def kafjord_pdf(world):
    build_2024(world)
    content = build_content(collaboration=world.collaboration, report_type="council", year=2024,
                            cutoff=dt.date(2024, 12, 31), municipality=world.kafjord)
    return render(content)


def _text(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def test_it_is_pdf_a_2a_with_metadata(kafjord_pdf):
    reader = PdfReader(io.BytesIO(kafjord_pdf.pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(=\"|>)2", xmp)
    assert re.search(r"pdfaid:conformance(=\"|>)A", xmp)
    assert reader.metadata.title == "Årsrapport til kommunestyret 2024 – Nord-Troms – Kåfjord kommunestyre"
    assert reader.metadata.author == "Sekretariatet for Nord-Troms"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nb"


def test_it_is_tagged(kafjord_pdf):
    root = PdfReader(io.BytesIO(kafjord_pdf.pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"]) is True


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font the pages use: its name and whether the font program is embedded."""
    fonts = {}
    for page in reader.pages:
        for ref in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            font = ref.get_object()
            descriptors = [font.get("/FontDescriptor")] + [
                d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
            embedded = any(d is not None and any(k in d.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                           for d in descriptors)
            fonts[str(font["/BaseFont"]).split("+")[-1]] = embedded
    return fonts


def test_it_embeds_the_vendored_fonts_that_render_sami_and_kven_names(kafjord_pdf):
    reader = PdfReader(io.BytesIO(kafjord_pdf.pdf))
    text = "\n".join(_text(reader))
    assert "Gáivuotna" in text and "Kaivuono" in text and "Ivgu" in text
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts                      # every font embedded
    # the fonts in static/fonts and never a host's font, also for signs Noto lacks (→ in "changes since")
    assert all(name.startswith(("Noto-Sans-Vendored", "DejaVu-Sans-Vendored")) for name in fonts), fonts
    assert "Noto-Sans-Vendored" in fonts and "Noto-Sans-Vendored-Bold" in fonts


def test_it_has_a_cover_contents_with_page_numbers_and_side_x_av_y(kafjord_pdf):
    pages = _text(PdfReader(io.BytesIO(kafjord_pdf.pdf)))
    assert "Til Kåfjord kommunestyre" in pages[0]
    assert "Side" not in pages[0]  # the cover has no running footer
    n = len(pages)
    assert kafjord_pdf.page_count == n
    assert f"Side 2 av {n}" in pages[1]
    assert "Innhold" in pages[1]
    toc = dict(re.findall(r"(Vedlegg: alle tiltak)\s*\.+\s*(\d+)", pages[1]))
    appendix_page = int(toc["Vedlegg: alle tiltak"])
    assert "Vedlegg: alle tiltak" in pages[appendix_page - 1]
    assert f"Side {appendix_page} av {n}" in pages[appendix_page - 1]
    # Running header on inner pages.
    assert "Årsrapport til kommunestyret 2024 – Nord-Troms" in pages[2]


def test_it_formats_dates_and_money_the_norwegian_way(kafjord_pdf):
    text = "\n".join(_text(PdfReader(io.BytesIO(kafjord_pdf.pdf))))
    assert "31.12.2024" in text
    assert "433 333,33 kr" in text.replace("\u00a0", " ")
    assert "2 024" not in text.replace("\u00a0", " ")


def test_it_repeats_table_headers_when_a_table_breaks(world):
    for i in range(70):
        measure_create(acting_user=None, reason="Testdata", collaboration=world.collaboration, strategy=world.strategy,
                       number=f"9.{i + 1}", title=f"Tiltak nummer {i + 1}", participant_ids=[world.lyngen.pk],
                       recorded_at=at(2024, 3, 1))
    content = build_content(collaboration=world.collaboration, report_type="council", year=2024,
                            cutoff=dt.date(2024, 12, 31), municipality=world.kafjord)
    pages = _text(PdfReader(io.BytesIO(render(content).pdf)))
    appendix = [p for p in pages if "Tiltak nummer" in p]
    assert len(appendix) >= 2
    for page in appendix:
        assert re.search(r"Nr\.\s*Tiltak\s*Fase\s*Status\s*Deltakere", page), page[:300]


def test_it_draws_charts_as_svg_not_images(kafjord_pdf):
    reader = PdfReader(io.BytesIO(kafjord_pdf.pdf))
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        assert all(x.get_object().get("/Subtype") != "/Image" for x in xobjects.values())
    assert "Tiltak per strategi" in "\n".join(_text(reader))


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


@pytest.mark.parametrize("report_type, municipality", [("council", "kafjord"), ("regional", None),
                                                        ("halfyear", None)])
def test_no_text_runs_past_the_right_margin(world, report_type, municipality):
    """Every line of text on every page ends inside the page's content area
    (the cost table's headings once ran 12 pt past it)."""
    build_2024(world)
    content = build_content(collaboration=world.collaboration, report_type=report_type, year=2024,
                            cutoff=dt.date(2024, 12, 31), municipality=getattr(world, municipality or "", None))
    document = layout(document_html(content, content_html(content)))

    outside = []
    for number, page in enumerate(document.pages, 1):
        right = page._page_box.content_box_x() + page._page_box.width
        outside += [(number, box.text, round(box.position_x + box.width - right, 1))
                    for box in _boxes(page._page_box)
                    if type(box).__name__ == "TextBox" and box.position_x + box.width > right + 0.5]
    assert len(document.pages) > 2 and outside == []
