import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from collaborations.portfolio.services import measure_post_status_update
from collaborations.rounds.models import ReportingRound
from collaborations.rounds.services import round_open


def list_url(world) -> str:
    return reverse("round_list", args=[world.collaboration.slug])


def round_data(**overrides) -> dict:
    data = {"title": "Halvårsrapportering 1. halvår 2025", "starts_on": "2025-01-01", "deadline": "2025-06-15",
            "reminder_days_before": 7}
    data.update(overrides)
    return data


def test_it_lets_the_secretariat_open_a_round(client, world):
    client.force_login(world.secretariat)

    response = client.post(list_url(world), round_data())

    rnd = ReportingRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("round_detail", args=[world.collaboration.slug, rnd.pk])
    assert (rnd.collaboration, rnd.deadline, rnd.opened_by) == (world.collaboration, dt.date(2025, 6, 15),
                                                                world.secretariat)
    page = client.get(response["Location"]).content.decode()
    assert "Rapporteringsrunden «Halvårsrapportering 1. halvår 2025» er åpnet." in page


def test_it_lists_the_rounds(client, world):
    round_open(acting_user=world.secretariat, collaboration=world.collaboration, title="Runde A",
               starts_on=dt.date(2025, 1, 1), deadline=dt.date(2025, 6, 15))
    client.force_login(world.secretariat)

    body = client.get(list_url(world)).content.decode()

    assert "Runde A" in body and "15.06.2025" in body and "7 dager før" in body


@pytest.mark.parametrize("role", ["admin_participant", "politician", "coordinator", "admin_outsider", "stranger"])
def test_it_refuses_everyone_but_the_secretariat(client, world, role):
    client.force_login(world.users_by_role()[role])

    response = client.post(list_url(world), round_data())

    assert response.status_code == 403
    assert "Bare sekretariatet for samarbeidet kan se og åpne rapporteringsrunder." in response.content.decode()
    assert not ReportingRound.objects.exists()


def test_it_refuses_the_secretariat_of_another_collaboration(client, world):
    client.force_login(world.secretariat)

    assert client.get(reverse("round_list", args=[world.other_collaboration.slug])).status_code == 403


def test_it_refuses_a_deadline_before_the_start(client, world):
    client.force_login(world.secretariat)

    response = client.post(list_url(world), round_data(starts_on="2025-06-01", deadline="2025-05-01"))

    assert response.context["form"].errors["deadline"] == ["Fristen kan ikke være før startdatoen."]
    assert not ReportingRound.objects.exists()


def test_it_refuses_a_duplicate_title(client, world):
    client.force_login(world.secretariat)
    client.post(list_url(world), round_data())

    response = client.post(list_url(world), round_data())

    assert "Samarbeidet har allerede en runde med denne tittelen." in response.content.decode()
    assert ReportingRound.objects.count() == 1


def test_it_shows_readiness_and_what_is_missing(client, world):
    today = timezone.localdate()
    rnd = round_open(acting_user=world.secretariat, collaboration=world.collaboration, title="Runde",
                     starts_on=today - dt.timedelta(days=30), deadline=today + dt.timedelta(days=5))
    measure_post_status_update(acting_user=world.admin_kafjord, measure=world.shared, reported_on=today,
                               phase="in_progress", traffic_light="green")
    client.force_login(world.secretariat)

    response = client.get(reverse("round_detail", args=[world.collaboration.slug, rnd.pk]))

    body = response.content.decode()
    assert "1 av 3 tiltak er oppdatert (33 %)." in body
    missing = body[body.index('id="missing-heading"'):body.index('id="measure-heading"')]
    assert "Arkivnettverk" in missing and "Helhetlig ROS-analyse" in missing
    assert "Nytt sak- og arkivsystem" not in missing


def test_it_gives_404_for_a_round_of_another_collaboration(client, world):
    rnd = round_open(acting_user=None, collaboration=world.other_collaboration, title="Annen",
                     starts_on=dt.date(2025, 1, 1), deadline=dt.date(2025, 2, 1))
    client.force_login(world.secretariat)

    assert client.get(reverse("round_detail", args=[world.collaboration.slug, rnd.pk])).status_code == 404
