import datetime as dt

import pytest
from django.urls import reverse

from collaborations.portfolio.services import measure_post_status_update
from tests.dashboards.helpers import (
    assert_every_number_links_to_its_list,
    assert_hidden_from_the_public,
    assert_same_queries_at_ten_times_the_data,
)


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
    content = assert_hidden_from_the_public(world, client, url(world), "Helhetlig ROS-analyse", insider="secretariat")
    assert "Intern" in content


def test_it_answers_404_for_a_missing_strategy(world, client):
    assert client.get(url(world, 9)).status_code == 404


@pytest.mark.parametrize("user", [None, "secretariat"], ids=["anonymous", "secretariat"])
def test_it_links_every_number_to_the_list_it_counts(world, client, user):
    assert_every_number_links_to_its_list(world, client, url(world), links=4, user=user)


def test_it_runs_the_same_number_of_queries_at_ten_times_the_data(world, client):
    client.force_login(world.politician_kafjord)
    assert_same_queries_at_ten_times_the_data(world, client, url(world))
