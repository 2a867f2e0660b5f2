"""HTML and PDF for a report.

The report body (`content_html`) depends only on the content as of the
cut-off, so two renders of the same content give the same HTML; the document
around it (`document_html`) adds the cover's order details (job number,
who ordered it, when). WeasyPrint turns the document into PDF/A-2a: tagged,
with the fonts vendored in static/fonts embedded, language nb and metadata.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .content import ReportContent

PDF_VARIANT = "pdf/a-2a"
# WeasyPrint reports every layout step at INFO; the worker log needs none of it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "report.css"


@dataclass
class RenderedReport:
    pdf: bytes
    page_count: int
    content_html: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def content_sha256(self) -> str:
        return hashlib.sha256(self.content_html.encode()).hexdigest()


def content_html(content: ReportContent) -> str:
    return render_to_string("reporting/pdf/content.html", {"c": content})


def document_html(content: ReportContent, body: str, *, job=None) -> str:
    return render_to_string("reporting/pdf/document.html", {
        "c": content, "body": body, "job": job,
        "generated_at": timezone.localtime(job.started_at) if job and job.started_at else timezone.localtime(),
    })


def layout(html: str):
    """WeasyPrint's laid-out document (pages and boxes) for the final HTML."""
    from weasyprint import CSS, HTML  # imported late: heavy, and only workers need it
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()  # the @font-face fonts vendored in static/fonts, never the host's
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[CSS(filename=str(STYLESHEET), font_config=fonts)], font_config=fonts)


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """WeasyPrint alone: the final HTML to PDF/A-2a bytes and the page count."""
    document = layout(html)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
    return pdf, len(document.pages)


def render(content: ReportContent, *, job=None) -> RenderedReport:
    body = content_html(content)
    pdf, pages = html_to_pdf(document_html(content, body, job=job))
    return RenderedReport(pdf=pdf, page_count=pages, content_html=body)


def minutes_pdf(*, collaboration, meeting, cases, internal: bool) -> tuple[bytes, int]:
    """The minutes of a meeting as PDF/A-2a, as the reader may see them
    (`cases`: the visible ones; `internal`: the meeting or a case is internal)."""
    html = render_to_string("reporting/pdf/minutes.html", {
        "collaboration": collaboration, "meeting": meeting, "cases": cases, "internal": internal,
        "generated_at": timezone.localtime()})
    return html_to_pdf(html)
