"""Exports of the portfolio. CSV for Excel as used in Norway: semicolons,
UTF-8 with a byte-order mark, Norwegian headers, dates as dd.mm.åååå.
Filtered by the policy like every page."""

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
from ..portfolio.selectors import measures_for_list

# Excel runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return norwegian_date(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@require_GET
def measures_csv(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    measures = measures_for_list(request.user, collaboration)
    show_visibility = policy.allows(request.user, Action.VIEW_INTERNAL, collaboration)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"tiltak-{collaboration.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
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
