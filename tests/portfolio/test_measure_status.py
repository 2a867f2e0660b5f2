import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from collaborations.portfolio.models import Measure, StatusUpdate
from collaborations.portfolio.services import measure_update
from tests.status_helpers import errors_of, status_data


def url(measure) -> str:
    return reverse("measure_status", args=[measure.pk])


def test_it_lets_the_owner_post_the_overall_status(client, world):
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), status_data(world.shared, traffic_light="amber",
                                                          light_reason="Lite kapasitet"))

    assert response.status_code == 302
    assert response["Location"] == reverse("measure_detail", args=[world.shared.pk]) + "#melding"
    world.shared.refresh_from_db()
    assert (world.shared.phase, world.shared.traffic_light, world.shared.light_reason) == (
        "in_progress", "amber", "Lite kapasitet")
    update = StatusUpdate.objects.get(measure=world.shared)
    assert update.author == world.admin_kafjord and update.municipality is None
    last = world.shared.history.latest("history_date")
    assert last.history_user == world.admin_kafjord
    assert last.history_change_reason.startswith("Statusoppdatering ")


@pytest.mark.parametrize("role", ["secretariat", "admin_participant"])
def test_it_lets_secretariat_and_owner_post(client, world, role):
    client.force_login(world.users_by_role()[role])

    assert client.post(url(world.shared), status_data(world.shared)).status_code == 302


def test_it_lets_the_coordinator_post_on_the_network_measure(client, world):
    client.force_login(world.coordinator)

    assert client.post(url(world.network_measure), status_data(world.network_measure)).status_code == 302


@pytest.mark.parametrize("role", ["admin_outsider", "politician", "stranger", "coordinator"])
def test_it_refuses_those_who_may_not_set_the_overall_status_with_a_friendly_403(client, world, role):
    client.force_login(world.users_by_role()[role])

    response = client.post(url(world.shared), status_data(world.shared))

    assert response.status_code == 403
    assert "Du har ikke tilgang til å endre dette tiltaket." in response.content.decode()
    assert "Ingen tilgang" in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_it_refuses_a_participant_that_is_not_the_owner(client, world):
    client.force_login(world.admin_lyngen)

    assert client.get(url(world.shared)).status_code == 403
    assert client.post(url(world.shared), status_data(world.shared)).status_code == 403


def test_it_hides_an_internal_measure_from_an_outsider_with_404(client, world):
    client.force_login(world.admin_outsider)

    assert client.post(url(world.internal), status_data(world.internal)).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, world):
    response = client.post(url(world.shared), status_data(world.shared))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_requires_a_reason_for_red_and_saves_nothing(client, world):
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), status_data(world.shared, traffic_light="red",
                                                          status_text="Dette skrev jeg"))

    assert response.status_code == 200
    assert errors_of(response, "light_reason") == ["Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse."]
    assert "Dette skrev jeg" in response.content.decode()  # kept
    assert not StatusUpdate.objects.exists()
    world.shared.refresh_from_db()
    assert world.shared.traffic_light == "green" and world.shared.version == 1


def test_it_requires_a_reason_for_amber(client, world):
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), status_data(world.shared, traffic_light="amber", light_reason="   "))

    assert errors_of(response, "light_reason") == ["Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse."]


def test_it_refuses_a_deadline_before_the_update_date(client, world):
    client.force_login(world.admin_kafjord)
    today = timezone.localdate()

    response = client.post(url(world.shared), status_data(
        world.shared, follow_up_due=(today - dt.timedelta(days=1)).isoformat()))

    assert errors_of(response, "follow_up_due") == [
        f"Fristen kan ikke være før datoen oppdateringen gjelder ({today:%d.%m.%Y})."]
    assert not StatusUpdate.objects.exists()


def test_it_refuses_a_date_in_the_future(client, world):
    client.force_login(world.admin_kafjord)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = client.post(url(world.shared), status_data(world.shared, reported_on=tomorrow.isoformat(),
                                                          follow_up_due=""))

    assert errors_of(response, "reported_on") == ["Datoen kan ikke være frem i tid."]


def test_it_refuses_text_over_the_limit(client, world):
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), status_data(world.shared, status_text="x" * 4001))

    assert errors_of(response, "status_text") == ["Teksten er for lang: høyst 4000 tegn (nå 4001)."]
    assert not StatusUpdate.objects.exists()


def test_it_accepts_text_at_the_limit(client, world):
    client.force_login(world.admin_kafjord)

    assert client.post(url(world.shared), status_data(world.shared, status_text="x" * 4000)).status_code == 302


def test_it_refuses_a_concurrent_edit_and_shows_what_changed_keeping_the_input(client, world):
    client.force_login(world.admin_kafjord)
    opened = status_data(world.shared, traffic_light="red", light_reason="Min begrunnelse",
                         status_text="Det jeg skrev")
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=opened["version"],
                   reason="Rettet tittel", title="Felles arkivsystem")

    response = client.post(url(world.shared), opened)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Siri Sekretær har endret tiltaket etter at du åpnet skjemaet." in body
    assert '<span class="diff-field">Tittel:</span> <del>Nytt sak- og arkivsystem</del>' in body
    assert "<ins>Felles arkivsystem</ins>" in body
    assert "Ingenting er lagret." in body
    assert "Det jeg skrev" in body and "Min begrunnelse" in body
    assert not StatusUpdate.objects.exists()
    assert response.context["form"]["version"].value() == "2"


def test_it_saves_after_the_user_has_seen_the_conflict(client, world):
    client.force_login(world.admin_kafjord)
    opened = status_data(world.shared)
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=opened["version"],
                   reason="Rettet tittel", title="Felles arkivsystem")
    first = client.post(url(world.shared), opened)

    second = client.post(url(world.shared), {**opened, "version": first.context["form"]["version"].value()})

    assert second.status_code == 302
    assert StatusUpdate.objects.count() == 1
    assert Measure.objects.get(pk=world.shared.pk).title == "Felles arkivsystem"  # not overwritten


def test_it_refuses_a_post_without_version(client, world):
    client.force_login(world.admin_kafjord)
    data = status_data(world.shared)
    del data["version"]

    response = client.post(url(world.shared), data)

    assert response.status_code == 200
    assert "Skjemaet er utdatert. Last siden på nytt og prøv igjen." in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_it_swaps_the_live_part_in_place_with_htmx(client, world):
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), status_data(world.shared, traffic_light="red", light_reason="Stopp",
                                                          status_text="Ny status"),
                           headers={"HX-Request": "true"})

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="measure-live"')
    assert "<html" not in body
    assert "Statusoppdateringen er lagret." in body
    first = response.context["timeline"][0]
    assert first.kind == "status" and first.status.status_text == "Ny status"
    assert "Ny status" in body[body.index('id="tidslinje"'):]


def test_it_returns_the_form_with_errors_in_place_with_htmx(client, world):
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), status_data(world.shared, traffic_light="red"),
                           headers={"HX-Request": "true"})

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="measure-live"')
    assert "Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse." in body
    assert 'aria-invalid="true"' in body


def test_it_shows_the_form_page_without_javascript(client, world):
    client.force_login(world.admin_kafjord)

    response = client.get(url(world.shared))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Registrer status</h1>" in body
    assert f'name="version" value="{world.shared.version}"' in body
