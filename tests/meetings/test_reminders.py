"""Reminders to whoever answers for a follow-up: a week before the deadline
and once after it, to a registered person with an e-mail address, once per
follow-up and kind, never for one that is done."""

import datetime as dt

import pytest
from django.core import mail

from collaborations.meetings.models import FollowUp, FollowUpReminder, Meeting, MeetingCase
from collaborations.meetings.services import follow_ups_send_reminders
from collaborations.meetings.tasks import send_follow_up_reminders
from collaborations.registry.models import Body, Person

TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def case(world):
    body = Body.objects.create(collaboration=world.collaboration, kind=Body.Kind.REGIONAL_COUNCIL, name="Regionrådet")
    meeting = Meeting.objects.create(body=body, title="Høstmøte", held_on=dt.date(2026, 10, 17))
    return MeetingCase.objects.create(meeting=meeting, number=4, title="IT-strategi")


@pytest.fixture
def willy(world):
    return Person.objects.create(name="Willy Ørnebakk", municipality=world.kafjord, email="willy@kafjord.kommune.no")


def follow_up(case, person, due_on, **extra):
    return FollowUp.objects.create(case=case, responsible=person.name if person else "KDU", person=person,
                                   due_on=due_on, action="Legge fram sak om IT-strategien", **extra)


def test_the_responsible_hears_a_week_before_the_deadline_once(case, willy):
    f = follow_up(case, willy, TODAY + dt.timedelta(days=5))
    assert follow_ups_send_reminders(today=TODAY) == 1
    (message,) = mail.outbox
    assert message.to == ["willy@kafjord.kommune.no"]
    assert message.subject == "Påminnelse: oppfølging av sak 4/2026 innen 05.12.2026"
    assert "Du har ansvaret for å følge opp sak 4/2026 «IT-strategi» i Regionrådet innen 05.12.2026." in message.body
    assert "Legge fram sak om IT-strategien" in message.body and f"/moter/{case.meeting.pk}/#sak-{case.pk}" in message.body
    assert follow_ups_send_reminders(today=TODAY + dt.timedelta(days=1)) == 0
    assert list(FollowUpReminder.objects.values_list("follow_up", "kind")) == [(f.pk, "before")]


def test_an_overdue_follow_up_gets_one_reminder_after_the_deadline(case, willy):
    follow_up(case, willy, TODAY - dt.timedelta(days=2))
    assert follow_ups_send_reminders(today=TODAY) == 1
    assert mail.outbox[0].subject == "Fristen er ute: oppfølging av sak 4/2026"
    assert "var 28.11.2026, og den er ikke registrert som utført" in mail.outbox[0].body
    assert follow_ups_send_reminders(today=TODAY) == 0


def test_nothing_is_sent_for_done_far_off_or_unaddressed_follow_ups(case, willy, world):
    follow_up(case, willy, TODAY + dt.timedelta(days=3), done_on=TODAY)
    follow_up(case, willy, TODAY + dt.timedelta(days=30))
    follow_up(case, willy, TODAY - dt.timedelta(days=30))
    follow_up(case, None, TODAY + dt.timedelta(days=1))
    follow_up(case, Person.objects.create(name="Uten adresse", municipality=world.kafjord), TODAY)
    assert follow_ups_send_reminders(today=TODAY) == 0 and mail.outbox == []


def test_the_daily_task_sends_what_is_due_today(case, willy, settings):
    follow_up(case, willy, dt.date.today() + dt.timedelta(days=2))
    schedule = settings.CELERY_BEAT_SCHEDULE["send-follow-up-reminders"]
    assert schedule["task"] == send_follow_up_reminders.name == "collaborations.send_follow_up_reminders"
    assert send_follow_up_reminders.apply().get() == 1 and len(mail.outbox) == 1
