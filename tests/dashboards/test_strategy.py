import datetime as dt

import pytest
from django.urls import reverse

from collaborations.portfolio.services import measure_post_status_update
from tests.dashboards.support import grow, linked_numbers, list_count, queries_for


def url(world, number=1):
    return reverse("dashboard_strategy", args=[world.collaboration.slug, number])


def test_it_shows_goal_expected_result_and_measures_with_last_update(world, client):
    measure_post_status_update(acting_user=world.secretariat, measure=world.shared, reported_on=dt.date(2025, 3, 4),
                               phase="in_progress", traffic_light="amber", light_reason="Forsinket",
                               status_text="Leverandør valgt.")
    content = client.get(url(world)).content.decode()
    assert "Strategi 1: Stabstjenester" in content
    assert "Tettere samarbeid." in content and "Redusert sårbarhet." in content
    assert "Nytt sak- og arkivsystem" in content and "Arkivnettverk" in content
    assert "04.03.2025" in content and "Leverandør valgt." in content
    assert "Under gjennomføring" in content


def test_it_hides_internal_measures_from_anonymous_and_politicians(world, client):
    assert "Helhetlig ROS-analyse" not in client.get(url(world)).content.decode()
    client.force_login(world.politician_kafjord)
    assert "Helhetlig ROS-analyse" not in client.get(url(world)).content.decode()
    client.force_login(world.secretariat)
    content = client.get(url(world)).content.decode()
    assert "Helhetlig ROS-analyse" in content and "Intern" in content


def test_it_answers_404_for_a_missing_strategy(world, client):
    assert client.get(url(world, 9)).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_it_links_every_number_to_the_list_it_counts(world, client, who):
    grow(world, factor=1)
    if who == "secretariat":
        client.force_login(world.secretariat)
    links = linked_numbers(client.get(url(world)).content.decode())
    assert len(links) == 4
    for href, number in links:
        assert list_count(client, href) == number, href


def test_it_runs_the_same_number_of_queries_at_ten_times_the_data(world, client):
    client.force_login(world.politician_kafjord)
    grow(world, factor=1)   # the same shape of data at both sizes
    small = queries_for(client, url(world))
    grow(world, factor=10)
    assert queries_for(client, url(world)) == small
