"""The annual wheel and its calendar feeds: items entered once ("every year in
March"), the meetings, round deadlines (administration only), follow-up
deadlines, the annual report and municipal elections; the collaboration's
public feed and a personal feed at a secret address, parsed back with the
icalendar library; a moved date keeps its event's UID."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from collaborations.access.models import AuditEvent
from collaborations.meetings import wheel
from collaborations.meetings.models import CalendarFeed, FollowUp, Meeting, MeetingCase, WheelItem
from collaborations.meetings.services import calendar_feed_reset, meeting_save, wheel_item_save
from collaborations.registry.models import Body, Person
from collaborations.rounds.models import ReportingRound
from tests.factories import client_for

D = dt.date
Y = timezone.localdate().year  # the feeds cover last year, this year and next year: the data is this year's


def item(world, **fields):
    fields.setdefault("title", "Fellesmøte regionråd og KDU (vår)")
    fields.setdefault("kind", WheelItem.Kind.MEETING)
    fields.setdefault("month", 3)
    return wheel_item_save(acting_user=world.secretariat, reason="Årshjulet",
                           wheel_item=WheelItem(collaboration=world.collaboration, **fields))


def events(response) -> dict[str, dict]:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): {"summary": str(e["SUMMARY"]), "start": e.decoded("DTSTART"),
                            "class": str(e.get("CLASS", ""))} for e in calendar.walk("VEVENT")}


@pytest.fixture
def world_with_wheel(world):
    body = Body.objects.create(collaboration=world.collaboration, kind=Body.Kind.REGIONAL_COUNCIL, name="Regionrådet")
    meeting = Meeting.objects.create(body=body, title="Vårmøte", held_on=D(Y, 3, 12))
    case = MeetingCase.objects.create(meeting=meeting, number=1, title="IT-strategi")
    willy = Person.objects.create(name="Willy", municipality=world.kafjord, user=world.admin_kafjord)
    FollowUp.objects.create(case=case, responsible="Willy", person=willy, due_on=D(Y, 5, 2))
    FollowUp.objects.create(case=case, responsible="KDU", due_on=D(Y, 6, 1))
    ReportingRound.objects.create(collaboration=world.collaboration, title="Vårrunden", starts_on=D(Y, 3, 1),
                                  deadline=D(Y, 4, 15))
    item(world)
    item(world, title="Intern budsjettprosess", kind="budget", month=9, day=1, visibility="internal")
    item(world, title="Oppstartsmøte med ny politisk ledelse", kind="election", month=11, recurrence="once",
         year=Y + 1)
    return world, meeting


def test_an_item_falls_on_its_day_every_year_or_once():
    yearly = WheelItem(month=2, day=29)
    assert yearly.on(2024) == D(2024, 2, 29) and yearly.on(2026) == D(2026, 2, 28)
    assert WheelItem(month=3).on(2026) == D(2026, 3, 1)
    once = WheelItem(month=11, recurrence="once", year=2027)
    assert once.on(2026) is None and once.on(2027) == D(2027, 11, 1)


def test_an_item_on_a_day_its_month_has_not_or_once_without_a_year_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        item(world, month=4, day=31)
    assert refused.value.message_dict["day"] == ["Måned 4 har ikke dag 31."]
    with pytest.raises(ValidationError) as refused:
        item(world, recurrence="once")
    assert refused.value.message_dict["year"] == ["Skriv året det skjer."]
    assert not WheelItem.objects.exists()


def test_the_wheel_holds_meetings_deadlines_the_annual_report_and_elections(world_with_wheel):
    world, meeting = world_with_wheel
    anonymous = {(e.day, e.title) for e in wheel.entries(None, world.collaboration, [Y, Y + 1])}
    assert (D(Y, 3, 12), "Vårmøte") in anonymous
    assert (D(Y, 3, 1), "Fellesmøte regionråd og KDU (vår)") in anonymous
    assert (D(Y + 1, 3, 1), "Fellesmøte regionråd og KDU (vår)") in anonymous  # entered once, every year
    assert (D(Y, 5, 2), f"Oppfølging av sak 1/{Y}: IT-strategi") in anonymous
    assert (D(Y, 1, 15), f"Årsrapportene for {Y - 1} lages til kommunestyrene og regionrådet") in anonymous
    assert (D(Y, 12, 31), f"Skjæringsdato for årsrapporten for {Y}") in anonymous
    assert (D(Y + 1, 11, 1), "Oppstartsmøte med ny politisk ledelse") in anonymous
    assert (D(Y, 11, 1), "Oppstartsmøte med ny politisk ledelse") not in anonymous
    assert not any("budsjett" in t or "rapporteringsrunden" in t for _d, t in anonymous)
    administration = {e.title for e in wheel.entries(world.admin_kafjord, world.collaboration, [Y])}
    assert {"Intern budsjettprosess", "Frist i rapporteringsrunden «Vårrunden»"} <= administration


def test_municipal_elections_are_on_the_second_monday_of_september_every_four_years():
    assert wheel.municipal_election_day(2023) == D(2023, 9, 11)
    assert wheel.municipal_election_day(2027) == D(2027, 9, 13)
    assert wheel.municipal_election_day(2026) is None


def test_the_wheel_page_shows_the_year_month_by_month(world_with_wheel):
    world, _meeting = world_with_wheel
    page = client_for(None).get(reverse("wheel", args=[world.collaboration.slug]) + f"?ar={Y}").content.decode()
    assert f"Årshjul {Y}" in page and "Mars" in page and "Vårmøte" in page and "Intern budsjettprosess" not in page
    assert "Nytt punkt i årshjulet" not in page
    earlier = client_for(None).get(reverse("wheel", args=[world.collaboration.slug]) + f"?ar={Y - 3}").content.decode()
    assert f"Årshjul {Y - 3}" in earlier and "Vårmøte" not in earlier and "Fellesmøte regionråd og KDU (vår)" in earlier
    odd = client_for(None).get(reverse("wheel", args=[world.collaboration.slug]) + "?ar=<script>")
    assert odd.status_code == 200 and "<script>" not in odd.content.decode()


def test_the_secretariat_enters_an_item_once_and_edits_it(world):
    client = client_for(world.secretariat)
    url = reverse("wheel_item_create", args=[world.collaboration.slug])
    refused = client.post(url, {"title": "Budsjettinnspill", "kind": "budget", "recurrence": "yearly", "month": "4",
                                "day": "31", "visibility": "published", "reason": "Årshjulet"})
    assert refused.status_code == 200 and "Måned 4 har ikke dag 31." in refused.content.decode()
    assert not WheelItem.objects.exists()
    response = client.post(url, {"title": "Budsjettinnspill", "kind": "budget", "recurrence": "yearly", "month": "4",
                                 "day": "30", "responsible": "Kommunedirektørene", "visibility": "published",
                                 "reason": "Årshjulet"})
    saved = WheelItem.objects.get()
    assert response.status_code == 302 and (saved.month, saved.day) == (4, 30)
    assert saved.history.latest().history_change_reason == "Årshjulet"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.WHEEL_SAVED, collaboration=world.collaboration).exists()


def test_the_public_feed_parses_and_a_moved_meeting_keeps_its_uid(world_with_wheel):
    world, meeting = world_with_wheel
    url = reverse("wheel_ics", args=[world.collaboration.slug])
    before = events(client_for(None).get(url))
    uid = f"meeting-{meeting.pk}@samarbeidsportalen"
    assert before[uid] == {"summary": "Vårmøte", "start": D(Y, 3, 12), "class": ""}
    assert before[f"wheel-{WheelItem.objects.get(month=3).pk}-{Y + 1}@samarbeidsportalen"]["start"] == D(Y + 1, 3, 1)
    assert not any("Intern budsjettprosess" in e["summary"] or "Vårrunden" in e["summary"] for e in before.values())
    meeting.held_on = D(Y, 3, 19)
    meeting_save(acting_user=world.secretariat, reason="Flyttet", meeting=meeting)
    after = events(client_for(None).get(url))
    assert after[uid]["start"] == D(Y, 3, 19) and set(after) == set(before)


def test_the_personal_feed_is_at_a_secret_address_that_can_be_replaced(world_with_wheel):
    world, _meeting = world_with_wheel
    client = client_for(world.admin_kafjord)
    assert "Du har ingen kalenderadresse ennå." in client.get(reverse("my_calendar")).content.decode()
    response = client.post(reverse("my_calendar"))
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=world.admin_kafjord)
    address = reverse("personal_ics", args=[feed.token])
    assert address in client.get(reverse("my_calendar")).content.decode()
    mine = events(client_for(None).get(address))  # a calendar cannot log in: the address is the key
    titles = [e["summary"] for e in mine.values()]
    assert [t for t in titles if t.startswith("Oppfølging")] == [f"Oppfølging av sak 1/{Y}: IT-strategi"]  # Willy's
    assert "Frist i rapporteringsrunden «Vårrunden»" in titles
    internal = [e for e in mine.values() if e["summary"] == "Intern budsjettprosess"]
    assert len(internal) == 3 and {e["class"] for e in internal} == {"CONFIDENTIAL"}  # last, this and next year
    old = feed.token
    calendar_feed_reset(acting_user=world.admin_kafjord, reason="Kom på avveie")
    assert client_for(None).get(reverse("personal_ics", args=[old])).status_code == 404
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CALENDAR_FEED_RESET,
                                     acting_user=world.admin_kafjord).count() == 2
    world.admin_kafjord.is_active = False
    world.admin_kafjord.save()
    feed.refresh_from_db()
    assert client_for(None).get(reverse("personal_ics", args=[feed.token])).status_code == 404
