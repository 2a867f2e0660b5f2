"""The closing step on the measure page ("avslutning"): /tiltak/<id>/avslutt/."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from collaborations.portfolio.models import Measure, Phase, StatusUpdate
from collaborations.portfolio.selectors import my_measures
from collaborations.portfolio.services import measure_close, measure_update

pytestmark = pytest.mark.django_db


def url(measure) -> str:
    return reverse("measure_close", args=[measure.pk])


def close_data(measure, **overrides) -> dict:
    measure.refresh_from_db()
    data = {"final_phase": "completed", "closed_on": "2025-06-30", "reason": "Systemet er i drift i alle kommuner",
            "traffic_light": "green", "light_reason": "", "version": measure.version}
    data.update(overrides)
    return data


def test_the_owner_closes_the_measure_and_the_page_shows_it(client, world):
    client.force_login(world.admin_kafjord)
    assert "Avslutt tiltaket" in client.get(reverse("measure_detail", args=[world.shared.pk])).content.decode()

    response = client.post(url(world.shared), close_data(world.shared), follow=True)

    measure = Measure.objects.get(pk=world.shared.pk)
    assert (measure.phase, measure.closed_on, measure.closing_reason) == (
        Phase.COMPLETED, dt.date(2025, 6, 30), "Systemet er i drift i alle kommuner")
    body = response.content.decode()
    assert "Tiltaket er avsluttet." in body
    assert "Avsluttet 30.06.2025:</strong> Systemet er i drift i alle kommuner" in body
    assert 'id="form-heading"' not in body and reverse("measure_status", args=[measure.pk]) not in body
    assert reverse("measure_part_status", args=[measure.pk, world.lyngen.pk]) not in body
    assert url(measure) not in body


def test_a_stopped_measure_says_so(client, world):
    client.force_login(world.secretariat)

    client.post(url(world.shared), close_data(world.shared, final_phase="stopped", traffic_light="red",
                                              light_reason="Ingen leverandør"))

    body = client.get(reverse("measure_detail", args=[world.shared.pk])).content.decode()
    assert "Stanset 30.06.2025:</strong>" in body
    assert StatusUpdate.objects.filter(measure=world.shared).first().traffic_light == "red"


@pytest.mark.parametrize("overrides, field, message", [
    ({"reason": ""}, "reason", "Skriv kort hvorfor tiltaket avsluttes."),
    ({"final_phase": ""}, "final_phase", "Velg «Avsluttet» eller «Stanset»."),
    ({"closed_on": "2999-01-01"}, "closed_on", "Datoen kan ikke være frem i tid."),
    ({"traffic_light": "amber"}, "light_reason", "må ha en begrunnelse"),
])
def test_it_refuses_an_invalid_closing_and_changes_nothing(client, world, overrides, field, message):
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), close_data(world.shared, **overrides))

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    measure = Measure.objects.get(pk=world.shared.pk)
    assert (measure.closed_on, measure.version, StatusUpdate.objects.count()) == (None, 1, 0)


def test_it_refuses_a_date_before_the_start_on_the_field(client, world):
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=1, reason="Start",
                   starts_on=dt.date(2025, 1, 1))
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), close_data(world.shared, closed_on="2024-12-31"))

    assert "før det startet (01.01.2025)" in str(response.context["form"].errors["closed_on"])
    assert Measure.objects.get(pk=world.shared.pk).closed_on is None


def test_it_detects_a_concurrent_edit(client, world):
    client.force_login(world.admin_kafjord)
    opened = close_data(world.shared)
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=1, reason="Annen endring",
                   description="Sekretariatets tekst")

    response = client.post(url(world.shared), opened)

    body = response.content.decode()
    assert "Siri Sekretær har endret tiltaket etter at du åpnet skjemaet." in body
    assert "Systemet er i drift i alle kommuner" in body
    assert Measure.objects.get(pk=world.shared.pk).closed_on is None


@pytest.mark.parametrize("user", ["admin_lyngen", "politician_kafjord", "stranger"])
def test_it_refuses_those_who_may_not_edit(client, world, user):
    client.force_login(getattr(world, user))

    assert client.post(url(world.shared), close_data(world.shared)).status_code == 403
    assert Measure.objects.get(pk=world.shared.pk).closed_on is None


def test_a_closed_measure_takes_no_more_updates_and_is_closed_once(client, world):
    measure_close(acting_user=world.secretariat, measure=world.shared, final_phase=Phase.COMPLETED,
                  closed_on=dt.date(2025, 6, 30), reason="Ferdig")
    client.force_login(world.admin_kafjord)
    today = timezone.localdate().isoformat()

    for target, data in [(url(world.shared), close_data(world.shared)),
                         (reverse("measure_status", args=[world.shared.pk]),
                          {"reported_on": today, "phase": "in_progress", "traffic_light": "green", "version": 3}),
                         (reverse("measure_part_status", args=[world.shared.pk, world.kafjord.pk]),
                          {"reported_on": today, "phase": "in_progress", "traffic_light": "green"})]:
        response = client.post(target, data, follow=True)
        assert "Tiltaket ble avsluttet 30.06.2025 og tar ikke imot flere oppdateringer." in response.content.decode()
    measure = Measure.objects.get(pk=world.shared.pk)
    assert (measure.phase, measure.closed_on, StatusUpdate.objects.filter(measure=measure).count()) == (
        Phase.COMPLETED, dt.date(2025, 6, 30), 1)


def test_a_closed_measure_is_never_due_in_mine_tiltak_or_a_round(client, world):
    from collaborations.rounds.models import ReportingRound
    from collaborations.rounds.selectors import round_measures

    today = timezone.localdate()
    round_ = ReportingRound.objects.create(collaboration=world.collaboration, title="Runde",
                                           starts_on=today - dt.timedelta(days=5),
                                           deadline=today + dt.timedelta(days=20))
    assert my_measures(world.admin_kafjord).get(pk=world.shared.pk).update_due
    assert world.shared in round_measures(round_)

    measure_close(acting_user=world.secretariat, measure=world.shared, final_phase=Phase.STOPPED,
                  closed_on=today - dt.timedelta(days=30), reason="Lagt ned")

    assert not my_measures(world.admin_kafjord).get(pk=world.shared.pk).update_due
    assert world.shared not in round_measures(round_)
    client.force_login(world.admin_kafjord)
    due = client.get(reverse("my_measures") + "?due=yes").content.decode()
    assert "Nytt sak- og arkivsystem" not in due
