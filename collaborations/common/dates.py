"""Dates as the portal writes and reads them, and "active on a day".

Norwegians write 31.12.2025; that format is set once here and used by Django's
`date` filter everywhere (portal/formats), by the Python helpers below, and by
the forms that accept typed dates.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import formats, timezone

DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = r"d.m.Y \k\l. H.i"
TIME_FORMAT = "H.i"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]


def norwegian_date(day: dt.date | dt.datetime | None) -> str:
    """31.12.2025, or "" for no date. A datetime is shown as its local date."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    return formats.date_format(day, DATE_FORMAT)


def norwegian_datetime(moment: dt.datetime | None) -> str:
    """31.12.2025 kl. 14.05 in local time, or ""."""
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, DATETIME_FORMAT)


def parse_date(value: str | None) -> dt.date | None:
    """dd.mm.åååå (as Norwegians write it), ISO åååå-mm-dd or dd.mm.åå; None if none fits."""
    value = (value or "").strip()
    for fmt in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def start_of(day: dt.date) -> dt.datetime:
    """The first instant of `day` in the portal's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def end_of(day: dt.date) -> dt.datetime:
    """The last instant of `day` in the portal's time zone: "as it stood on `day`"."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or the month's last day if it has no such day."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# ---------------------------------------------------------------- active on a day
#
# Memberships, participations, agreements and their participants all have an
# optional first and last day; empty means "open". One rule for all of them,
# in Python and in SQL.

def is_active_on(starts_on: dt.date | None, ends_on: dt.date | None, day: dt.date) -> bool:
    return (starts_on is None or starts_on <= day) and (ends_on is None or day <= ends_on)


def overlaps_year(starts_on: dt.date | None, ends_on: dt.date | None, year: int) -> bool:
    return (starts_on is None or starts_on <= dt.date(year, 12, 31)) and (
        ends_on is None or ends_on >= dt.date(year, 1, 1))


def active_on_q(day: dt.date, start: str, end: str, prefix: str = "") -> Q:
    """Rows whose `start`..`end` (both inclusive, empty = open) contains `day`."""
    return (Q(**{f"{prefix}{start}__isnull": True}) | Q(**{f"{prefix}{start}__lte": day})) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gte": day}))
