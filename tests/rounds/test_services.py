import datetime as dt

import pytest
from django.core import mail

from collaborations.common.errors import DomainError
from collaborations.portfolio.services import measure_post_status_update, measure_update
from collaborations.registry.models import Person
from collaborations.rounds.models import RoundReminder
from collaborations.rounds.selectors import round_readiness
from collaborations.rounds.services import reminder_kind, round_open, rounds_send_reminders
from collaborations.rounds.tasks import send_round_reminders

START, DEADLINE = dt.date(2025, 1, 1), dt.date(2025, 6, 15)


@pytest.fixture
def rnd(world):
    return round_open(acting_user=world.secretariat, collaboration=world.collaboration,
                      title="Halvårsrapportering 1. halvår 2025", starts_on=START, deadline=DEADLINE)


def post(world, measure, day, municipality=None):
    return measure_post_status_update(acting_user=world.admin_kafjord, measure=measure, reported_on=day,
                                      phase="in_progress", traffic_light="green", municipality=municipality)


def test_it_refuses_a_round_without_title_or_with_deadline_before_start(world):
    with pytest.raises(DomainError, match="Gi runden en tittel."):
        round_open(acting_user=None, collaboration=world.collaboration, title=" ", starts_on=START, deadline=DEADLINE)
    with pytest.raises(DomainError, match="Fristen kan ikke være før startdatoen."):
        round_open(acting_user=None, collaboration=world.collaboration, title="X", starts_on=DEADLINE, deadline=START)


def test_it_counts_a_measure_ready_only_with_an_overall_update_inside_the_round(world, rnd):
    post(world, world.shared, START - dt.timedelta(days=1))                   # before the round
    post(world, world.network_measure, dt.date(2025, 3, 1), world.lyngen)     # a part only
    post(world, world.internal, dt.date(2025, 3, 1))                          # inside

    readiness = round_readiness(rnd)

    ready = {row.measure.title: row.ready for row in readiness.measures}
    assert ready == {"Nytt sak- og arkivsystem": False, "Arkivnettverk": False, "Helhetlig ROS-analyse": True}
    assert (readiness.ready_count, readiness.total, readiness.percent) == (1, 3, 33)


def test_it_marks_an_update_after_the_deadline_as_late_but_delivered(world, rnd):
    post(world, world.shared, DEADLINE + dt.timedelta(days=2))

    row = next(r for r in round_readiness(rnd).measures if r.measure == world.shared)

    assert row.ready and row.late


def test_it_leaves_completed_and_stopped_measures_out(world, rnd):
    measure_update(acting_user=None, measure=world.internal, expected_version=1, reason="Ferdig", phase="completed")

    assert [r.measure.title for r in round_readiness(rnd).measures] == ["Arkivnettverk", "Nytt sak- og arkivsystem"]


def test_it_computes_readiness_per_municipality(world, rnd):
    post(world, world.shared, dt.date(2025, 3, 1), world.lyngen)   # Lyngen's part of the shared one

    per = {e.municipality.name: (e.done, e.total, [m.title for m in e.missing])
           for e in round_readiness(rnd).municipalities}

    assert per == {
        "Kåfjord": (0, 2, ["Helhetlig ROS-analyse", "Nytt sak- og arkivsystem"]),
        "Lyngen": (1, 2, ["Arkivnettverk"]),
    }


def test_it_computes_readiness_in_a_fixed_number_of_queries(world, rnd, django_assert_num_queries):
    post(world, world.shared, dt.date(2025, 3, 1))
    with django_assert_num_queries(3):
        round_readiness(rnd)


@pytest.mark.parametrize(("day", "kind"), [
    (DEADLINE - dt.timedelta(days=8), None),
    (DEADLINE - dt.timedelta(days=7), "before"),
    (DEADLINE, "before"),
    (DEADLINE + dt.timedelta(days=1), "after"),
    (DEADLINE + dt.timedelta(days=7), "after"),
    (DEADLINE + dt.timedelta(days=8), None),
])
def test_it_knows_which_reminder_is_due(rnd, day, kind):
    assert reminder_kind(rnd, day) == kind


def test_it_reminds_owners_and_missing_participants_once(world, rnd):
    person = Person.objects.create(name="Rådmann Rita", email="rita@kafjord.kommune.no")
    measure_update(acting_user=None, measure=world.shared, expected_version=1, reason="Ansvarlig", responsible=person)
    post(world, world.network_measure, dt.date(2025, 3, 1))  # ready: nobody hears about it

    sent = rounds_send_reminders(today=DEADLINE - dt.timedelta(days=7))

    by_address = {m.to[0]: m for m in mail.outbox}
    assert sent == 3
    assert sorted(by_address) == ["admin_kafjord@example.no", "admin_lyngen@example.no", "rita@kafjord.kommune.no"]
    kari = by_address["admin_kafjord@example.no"]
    assert kari.subject == ("Påminnelse: statusoppdatering i «Halvårsrapportering 1. halvår 2025» innen 15.06.2025")
    assert "Hei Kari Kåfjord," in kari.body
    assert "- Helhetlig ROS-analyse" in kari.body and "- Nytt sak- og arkivsystem" in kari.body
    assert f"/tiltak/{world.shared.pk}/" in kari.body
    html, mimetype = kari.alternatives[0]
    assert mimetype == "text/html" and "Nytt sak- og arkivsystem</a>" in html
    assert "Arkivnettverk" not in by_address["admin_lyngen@example.no"].body

    assert rounds_send_reminders(today=DEADLINE - dt.timedelta(days=6)) == 0
    assert len(mail.outbox) == 3
    assert RoundReminder.objects.filter(kind="before").count() == 3


def test_it_sends_the_day_after_reminder_too(world, rnd):
    rounds_send_reminders(today=DEADLINE - dt.timedelta(days=3))
    mail.outbox.clear()

    sent = rounds_send_reminders(today=DEADLINE + dt.timedelta(days=1))

    assert sent == 2
    assert mail.outbox[0].subject == "Fristen er ute: status mangler i «Halvårsrapportering 1. halvår 2025»"
    assert "var 15.06.2025" in mail.outbox[0].body


def test_it_sends_nothing_when_everything_is_delivered(world, rnd):
    for measure in (world.shared, world.internal, world.network_measure):
        post(world, measure, dt.date(2025, 3, 1))

    assert rounds_send_reminders(today=DEADLINE) == 0
    assert mail.outbox == []


def test_it_sends_nothing_outside_the_reminder_window(world, rnd):
    assert rounds_send_reminders(today=DEADLINE - dt.timedelta(days=30)) == 0
    assert rounds_send_reminders(today=DEADLINE + dt.timedelta(days=30)) == 0
    assert mail.outbox == []


def test_it_runs_as_a_celery_task_scheduled_daily(world, settings):
    from celery.schedules import crontab

    round_open(acting_user=None, collaboration=world.collaboration, title="I dag", starts_on=dt.date.today()
               - dt.timedelta(days=10), deadline=dt.date.today() + dt.timedelta(days=2))

    assert send_round_reminders.delay().get() == 2
    entry = settings.CELERY_BEAT_SCHEDULE["send-round-reminders"]
    assert entry["task"] == "collaborations.send_round_reminders"
    assert entry["schedule"] == crontab(hour=6, minute=0)
