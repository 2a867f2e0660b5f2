"""Exports of the portfolio. CSV for Excel as used in Norway: semicolons,
UTF-8 with a byte-order mark, Norwegian headers, dates as dd.mm.åååå.
Filtered by the policy like every page; a measure's timeline is written from
the same entries the measure page and the API show (TimelineEntry.as_row)."""

from __future__ import annotations

import csv
import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..access import policy
from ..access.policy import Action
from ..common.dates import norwegian_date
from ..portfolio.history import TIMELINE_COLUMNS
from ..portfolio.selectors import measures_for_list
from . import selectors

# Excel runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return norwegian_date(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_response(filename: str) -> tuple[HttpResponse, object]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response, delimiter=";", lineterminator="\r\n")


@require_GET
def measures_csv(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    measures = measures_for_list(request.user, collaboration)
    show_visibility = policy.allows(request.user, Action.VIEW_INTERNAL, collaboration)
    response, writer = _csv_response(f"tiltak-{collaboration.slug}-{timezone.localdate():%Y-%m-%d}.csv")
    headers = [_("Strategi"), _("Tiltak"), _("Ansvarlig"), _("Ansvarlig kommune"), _("Deltakere"), _("Fase"),
               _("Trafikklys"), _("Begrunnelse"), _("Status"), _("Oppfølging"), _("Oppfølging: hvem"),
               _("Frist"), _("Startdato"), _("Sluttdato"), _("Sist oppdatert")]
    if show_visibility:
        headers.append(_("Synlighet"))
    writer.writerow(headers)
    for m in measures:
        row = [
            f"{m.strategy.number}. {m.strategy.title}" if m.strategy else "", m.title, m.responsible,
            m.owner_municipality, ", ".join(p.municipality.name for p in m.participations.all()),
            m.get_phase_display(), m.get_traffic_light_display(), m.light_reason, m.status_text, m.follow_up_text,
            m.follow_up_responsible, m.follow_up_due, m.starts_on, m.ends_on, m.last_status_at,
        ]
        if show_visibility:
            row.append(m.get_visibility_display())
        writer.writerow([_cell(v) for v in row])
    return response


@require_GET
def measure_timeline_csv(request: HttpRequest, measure_id: int) -> HttpResponse:
    """A measure's timeline as the measure page shows it to the same user:
    who, when, why and what, newest first."""
    measure = policy.get_measure_for_user(request.user, measure_id)
    response, writer = _csv_response(f"tidslinje-tiltak-{measure.pk}-{timezone.localdate():%Y-%m-%d}.csv")
    writer.writerow([str(c) for c in TIMELINE_COLUMNS])
    for entry in selectors.timeline(request.user, measure):
        writer.writerow([_cell(v) for v in entry.as_row()])
    return response
