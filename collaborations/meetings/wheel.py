"""The annual wheel (årshjul): everything with a date in a collaboration's
year, as the reader may see it. Its entries come from

* the wheel's own items (entered once: every year on a day or in a month, or
  one given year),
* the meetings of the collaboration's bodies,
* the deadlines of reporting rounds (for the administration),
* the deadlines of follow-ups from the meetings that are not done,
* the annual reports: the cut-off on 31 December and the day the reports to
  every council are made (the Celery beat schedule's "yearly-reports"),
* municipal elections (every four years, the second Monday of September),
  after which the collaboration meets the new political leadership.

Each entry has a stable id (`uid`) for the calendar feeds, so that a
calendar updates an event in place when its date changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ..access import policy
from ..access.policy import Action
from ..registry.models import Collaboration
from ..rounds.models import ReportingRound
from .models import FollowUp, Meeting, WheelItem

UID_DOMAIN = "samarbeidsportalen"


@dataclass(frozen=True)
class WheelEntry:
    day: dt.date
    title: str
    kind: str
    kind_label: str
    uid: str
    responsible: str = ""
    description: str = ""
    url: str = ""
    internal: bool = False
    item: WheelItem | None = None      # the wheel's own item, for the secretariat's edit link

    @property
    def month_only(self) -> bool:
        return self.item is not None and self.item.day is None


def _uid(kind: str, *parts) -> str:
    return "-".join([kind, *map(str, parts)]) + f"@{UID_DOMAIN}"


def municipal_election_day(year: int) -> dt.date | None:
    """Municipal and county elections are held every four years (2023, 2027, ...) on the second Monday of September."""
    if year % 4 != 3:
        return None
    first = dt.date(year, 9, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7 + 7)


def annual_report_day(year: int) -> dt.date:
    """The day the annual reports for the year before are made: the Celery beat schedule's "yearly-reports"."""
    schedule = settings.CELERY_BEAT_SCHEDULE["yearly-reports"]["schedule"]
    return dt.date(year, min(schedule.month_of_year), min(schedule.day_of_month))


def entries(user, collaboration: Collaboration, years: list[int], *, own_follow_ups: bool = False) -> list[WheelEntry]:
    """The wheel of `years` as `user` may see it, by date. `own_follow_ups`:
    only the follow-ups the user answers for (the personal feed)."""
    first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
    slug = collaboration.slug
    out: list[WheelEntry] = []
    items = policy.visible(user, collaboration.wheel_items.select_related("body")).filter(
        Q(recurrence=WheelItem.Recurrence.YEARLY) | Q(year__in=years))
    for item in items:
        for year in years:
            day = item.on(year)
            if day is not None:
                out.append(WheelEntry(day, item.title, item.kind, item.get_kind_display(), _uid("wheel", item.pk, year),
                                      responsible=item.responsible or (item.body.name if item.body else ""),
                                      description=item.description, url=reverse("wheel", args=[slug]) + f"?ar={year}",
                                      internal=item.visibility == "internal", item=item))
    meetings = policy.visible(user, Meeting.objects.filter(body__collaboration=collaboration,
                                                          held_on__range=(first, last))).select_related("body")
    for m in meetings:
        out.append(WheelEntry(m.held_on, m.title, "meeting", _("Møte"), _uid("meeting", m.pk), responsible=m.body.name,
                              description=m.place, url=reverse("meeting_detail", args=[slug, m.pk]),
                              internal=m.visibility == "internal"))
    if policy.allows(user, Action.VIEW_INTERNAL, collaboration):
        manages = policy.allows(user, Action.MANAGE, collaboration)
        for r in ReportingRound.objects.filter(collaboration=collaboration, deadline__range=(first, last)):
            out.append(WheelEntry(r.deadline, _("Frist i rapporteringsrunden «%(t)s»") % {"t": r.title}, "deadline",
                                  _("Frist"), _uid("round", r.pk), responsible=_("Alle som rapporterer"),
                                  url=reverse("round_detail", args=[slug, r.pk]) if manages else "", internal=True))
    follow_ups = policy.visible(user, FollowUp.objects.filter(
        case__meeting__body__collaboration=collaboration, done_on__isnull=True, due_on__range=(first, last)))
    if own_follow_ups:
        follow_ups = follow_ups.filter(person__user=user)
    for f in follow_ups.select_related("case__meeting"):
        case = f.case
        out.append(WheelEntry(f.due_on, _("Oppfølging av sak %(ref)s: %(title)s") % {"ref": case.reference,
                                                                                       "title": case.title},
                              "deadline", _("Frist"), _uid("follow-up", f.pk), responsible=f.responsible,
                              description=f.action,
                              url=reverse("meeting_detail", args=[slug, case.meeting_id]) + f"#sak-{case.pk}"))
    for year in years:
        out.append(WheelEntry(annual_report_day(year), _("Årsrapportene for %(y)s lages til kommunestyrene og "
                                                         "regionrådet") % {"y": year - 1},
                              "report", _("Rapportering"), _uid("annual-report", slug, year),
                              responsible=_("Sekretariatet"), url=reverse("reporting:archive") + f"?samarbeid={slug}"))
        out.append(WheelEntry(dt.date(year, 12, 31), _("Skjæringsdato for årsrapporten for %(y)s") % {"y": year},
                              "report", _("Rapportering"), _uid("report-cutoff", slug, year),
                              responsible=_("Alle som rapporterer")))
        election = municipal_election_day(year)
        if election:
            out.append(WheelEntry(election, _("Kommunestyre- og fylkestingsvalg"), "election",
                                  _("Valg og ny politisk ledelse"), _uid("election", slug, year),
                                  description=_("Etter valget møter samarbeidet den nye politiske ledelsen.")))
    return sorted(out, key=lambda e: (e.day, e.title))


MONTHS = [_m for _m in range(1, 13)]


def by_month(wheel: list[WheelEntry], year: int) -> list[tuple[dt.date, list[WheelEntry]]]:
    """The twelve months of `year`, each with its entries."""
    return [(dt.date(year, m, 1), [e for e in wheel if e.day.year == year and e.day.month == m]) for m in MONTHS]
