import pytest
from django.urls import reverse

from collaborations.portfolio.models import StatusUpdate
from tests.status_helpers import errors_of, status_data


def url(measure, municipality) -> str:
    return reverse("measure_part_status", args=[measure.pk, municipality.pk])


def test_it_lets_a_participant_report_its_own_part(client, world):
    client.force_login(world.admin_lyngen)

    response = client.post(url(world.shared, world.lyngen), status_data(traffic_light="amber", light_reason="Få folk"))

    assert response.status_code == 302
    update = StatusUpdate.objects.get()
    assert (update.municipality, update.traffic_light, update.author) == (world.lyngen, "amber", world.admin_lyngen)
    world.shared.refresh_from_db()
    assert world.shared.traffic_light == "green" and world.shared.version == 1  # overall untouched
    assert world.shared.last_status_at is not None


def test_it_lets_the_owner_report_any_participants_part(client, world):
    client.force_login(world.admin_kafjord)

    assert client.post(url(world.shared, world.lyngen), status_data()).status_code == 302


def test_it_refuses_reporting_another_municipalitys_part(client, world):
    client.force_login(world.admin_lyngen)

    response = client.post(url(world.shared, world.kafjord), status_data())

    assert response.status_code == 403
    assert "Du kan ikke rapportere for denne kommunen i dette tiltaket." in response.content.decode()
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize("role", ["admin_outsider", "politician", "stranger"])
def test_it_refuses_those_not_taking_part(client, world, role):
    client.force_login(world.users_by_role()[role])

    response = client.post(url(world.shared, world.lyngen), status_data())

    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()


def test_it_refuses_a_municipality_that_does_not_take_part(client, world):
    client.force_login(world.secretariat)

    assert client.post(url(world.shared, world.outsider), status_data()).status_code == 403


def test_it_requires_a_reason_for_red_parts_too(client, world):
    client.force_login(world.admin_lyngen)

    response = client.post(url(world.shared, world.lyngen), status_data(traffic_light="red"))

    assert errors_of(response, "light_reason") == ["Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse."]
    assert "<h1>Rapporter delen til Lyngen</h1>" in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_it_swaps_the_parts_in_place_with_htmx(client, world):
    client.force_login(world.admin_lyngen)

    response = client.post(url(world.shared, world.lyngen), status_data(traffic_light="red", light_reason="Stans"),
                           headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="measure-live"')
    assert "Delen til Lyngen er lagret." in body
    assert response.context["rollup"] == "red"
