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
    assert not update.on_behalf
    before = world.shared.last_status_at
    world.shared.refresh_from_db()
    # A part is the municipality's report on its part: the measure's status and
    # "last updated" stay as they were (the measure is still stale, still due in a round).
    assert world.shared.traffic_light == "green" and world.shared.version == 1
    assert world.shared.last_status_at == before


def test_it_refuses_the_owner_another_municipalitys_part(client, world):
    """The owner reports the overall status; Lyngen reports Lyngen's part."""
    client.force_login(world.admin_kafjord)

    assert client.get(url(world.shared, world.lyngen)).status_code == 403
    assert client.post(url(world.shared, world.lyngen), status_data()).status_code == 403
    assert not StatusUpdate.objects.exists()
    assert client.post(url(world.shared, world.kafjord), status_data()).status_code == 302


def test_it_lets_the_secretariat_report_a_part_on_the_municipalitys_behalf(client, world):
    client.force_login(world.secretariat)

    page = client.get(url(world.shared, world.lyngen)).content.decode()
    assert "Du registrerer delen på vegne av Lyngen." in page

    assert client.post(url(world.shared, world.lyngen), status_data(status_text="Etter telefon")).status_code == 302

    update = StatusUpdate.objects.get()
    assert (update.municipality, update.author, update.on_behalf) == (world.lyngen, world.secretariat, True)
    timeline = client.get(reverse("measure_detail", args=[world.shared.pk])).content.decode()
    assert "Siri Sekretær på vegne av Lyngen" in timeline
    assert "(registrert av sekretariatet)" in timeline


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


def test_it_shows_what_changed_since_the_municipalitys_previous_part(client, world):
    client.force_login(world.admin_lyngen)
    client.post(url(world.shared, world.lyngen), status_data(phase="in_progress"))
    client.post(url(world.shared, world.lyngen), status_data(phase="in_progress", traffic_light="red",
                                                             light_reason="Mangler folk"))

    timeline = client.get(reverse("measure_detail", args=[world.shared.pk])).context["timeline"]
    newest, first = [e for e in timeline if e.kind == "part"]
    assert ("Trafikklys", "I rute", "Ikke i rute") in newest.changes
    assert ("Begrunnelse for trafikklys", "endret", "") in newest.changes
    assert first.changes == ()  # the first report has nothing to compare with


def test_it_shows_the_overall_status_and_each_part_updated_apart(client, world):
    client.force_login(world.admin_lyngen)
    client.post(url(world.shared, world.lyngen), status_data())
    page = client.get(reverse("measure_detail", args=[world.shared.pk])).content.decode()
    assert "Samlet status oppdatert" in page
    assert "Delen til Lyngen oppdatert" in page


def test_it_swaps_the_parts_in_place_with_htmx(client, world):
    client.force_login(world.admin_lyngen)

    response = client.post(url(world.shared, world.lyngen), status_data(traffic_light="red", light_reason="Stans"),
                           headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="measure-live"')
    assert "Delen til Lyngen er lagret." in body
    assert response.context["rollup"] == "red"
