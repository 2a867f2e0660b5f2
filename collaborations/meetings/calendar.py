"""The annual wheel as an iCalendar feed (RFC 5545, written by the
icalendar library): one all-day event per entry, with the entry's stable
UID, so that a subscribed calendar updates an event in place when its date
changes; and the personal feed's secret."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .wheel import WheelEntry


def feed(entries: list[WheelEntry], name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Samarbeidsportalen//Årshjul//NB")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    site = settings.SITE_URL.rstrip("/")
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day)
        event.add("summary", entry.title)
        event.add("categories", [entry.kind_label])
        event.add("transp", "TRANSPARENT")
        description = "\n".join(filter(None, [entry.responsible and f"{entry.responsible}", entry.description]))
        if description:
            event.add("description", description)
        if entry.url:
            event.add("url", site + entry.url)
        if entry.internal:
            event.add("class", "CONFIDENTIAL")
        calendar.add_component(event)
    return calendar.to_ical()


def new_token() -> str:
    return secrets.token_urlsafe(32)
