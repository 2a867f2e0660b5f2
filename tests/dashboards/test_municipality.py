from decimal import Decimal

import pytest
from django.urls import reverse

from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.registry.models import PopulationFigure
from tests.dashboards.helpers import (
    assert_every_number_links_to_its_list,
    assert_hidden_from_the_public,
    assert_same_queries_at_ten_times_the_data,
)


def url(world, number="5426"):
    return reverse("dashboard_municipality", args=[world.collaboration.slug, number])


@pytest.fixture
def it_service(world):
    a = HostAgreement.objects.create(collaboration=world.collaboration, service="IT-drift", host=world.lyngen,
                                     positions=Decimal("3.5"), annual_cost=Decimal("1000000"),
                                     cost_key=world.cost_key)
    for m in (world.kafjord, world.lyngen):
        HostAgreementParticipant.objects.create(agreement=a, municipality=m, case_number="12/24")
    return a


def test_it_shows_official_names_and_the_measures(world, client):
    content = client.get(url(world)).content.decode()
    assert "Kåfjord i samarbeidet" in content
    assert "Kåfjord – Gáivuotna – Kaivuono" in content
    assert "Nytt sak- og arkivsystem" in content
    assert "Arkivnettverk" not in content        # Lyngen's, not Kåfjord's
    assert "Fagnettverk arkivledere" in content


def test_it_shows_what_it_buys_and_pays_with_key_and_population_year(world, client, it_service):
    content = client.get(url(world)).content.decode()
    assert "IT-drift" in content and "Lyngen" in content
    assert "Regionrådsnøkkel (20/80), innbyggertall per 1.1.2024, 2 betalere" in content
    # 20 % split equally (100 000 each), 80 % by population 2000 / 4800 of 800 000 = 333 333,33
    assert "433\xa0333,33\xa0kr" in content


def test_it_shows_what_a_host_hosts_and_for_whom(world, client, it_service):
    content = client.get(url(world, "5424")).content.decode()
    assert "Lyngen er vertskommune for" in content
    assert "3,5" in content


def test_it_shows_a_missing_population_as_the_error_text(world, client, it_service):
    PopulationFigure.objects.filter(municipality=world.lyngen).delete()
    content = client.get(url(world)).content.decode()
    assert "Mangler innbyggertall per 1.1.2024 for Lyngen." in content
    assert "(ufullstendig)" in content


def test_it_hides_internal_measures_from_anonymous_and_politicians(world, client):
    assert_hidden_from_the_public(world, client, url(world), "Helhetlig ROS-analyse", insider="admin_kafjord")


def test_it_answers_404_for_a_municipality_outside_the_collaboration(world, client):
    assert client.get(url(world, world.outsider.number)).status_code == 404


@pytest.mark.parametrize("user", [None, "admin_kafjord"], ids=["anonymous", "admin"])
def test_it_links_every_number_to_the_list_it_counts(world, client, user):
    assert_every_number_links_to_its_list(world, client, url(world), links=3, user=user)


def test_it_runs_the_same_number_of_queries_at_ten_times_the_data(world, client, it_service):
    assert_same_queries_at_ten_times_the_data(world, client, url(world))


def test_it_shows_the_municipalitys_own_part_beside_the_overall_status(client, world):
    """Kåfjord's politicians see that Kåfjord's own part is red although the
    measure as a whole is on track, and how all parts stand."""
    import datetime as dt

    from collaborations.portfolio.selectors import attach_parts
    from collaborations.portfolio.services import measure_post_status_update

    today = dt.date.today()
    measure_post_status_update(acting_user=world.admin_kafjord, measure=world.shared, reported_on=today,
                               municipality=world.kafjord, phase="in_progress", traffic_light="red",
                               light_reason="Mangler saksbehandler")
    measure_post_status_update(acting_user=world.admin_lyngen, measure=world.shared, reported_on=today,
                               municipality=world.lyngen, phase="in_progress", traffic_light="green")
    body = client.get(reverse("dashboard_municipality", args=["nord-troms", world.kafjord.number])).content.decode()
    assert "Delen til Kåfjord" in body
    shared_row = body.split("Nytt sak- og arkivsystem")[1].split("</tr>")[0]
    assert "light-green" in shared_row and "light-red" in shared_row       # overall green, own part red
    assert "Delene: 1 i rute, 1 ikke i rute" in shared_row
    measure = attach_parts([world.network_measure], world.kafjord)[0]
    assert measure.parts is None and measure.own_part is None            # one participant: no spread
