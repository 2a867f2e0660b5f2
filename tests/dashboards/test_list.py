import datetime as dt

from django.urls import reverse

from collaborations.portfolio.services import measure_post_status_update
from tests.dashboards.support import grow, list_count, queries_for


def url(world, query=""):
    return reverse("collaboration_measures", args=[world.collaboration.slug]) + (f"?{query}" if query else "")


def test_it_lists_the_visible_measures(world, client):
    assert list_count(client, url(world)) == 2
    client.force_login(world.secretariat)
    assert list_count(client, url(world)) == 3


def test_it_filters_by_light_phase_strategy_and_municipality(world, client):
    measure_post_status_update(acting_user=world.secretariat, measure=world.shared, reported_on=dt.date.today(),
                               phase="study", traffic_light="red", light_reason="Stopp")
    assert list_count(client, url(world, "light=red")) == 1
    assert list_count(client, url(world, "phase=study")) == 1
    assert list_count(client, url(world, f"strategy={world.strategy.pk}")) == 2
    assert list_count(client, url(world, "strategy=none")) == 0
    assert list_count(client, url(world, "municipality=5426")) == 1
    assert list_count(client, url(world, "municipality=5424&role=participant")) == 2
    assert list_count(client, url(world, "municipality=5424&role=owner")) == 0
    assert list_count(client, url(world, "exception=red")) == 1


def test_it_never_lists_internal_measures_to_politicians(world, client):
    client.force_login(world.politician_kafjord)
    assert list_count(client, url(world, "municipality=5426")) == 1
    assert "Helhetlig ROS-analyse" not in client.get(url(world)).content.decode()


def test_it_shows_an_empty_list_for_an_invalid_since_date(world, client):
    assert list_count(client, url(world, "siden=32.13.2024")) == 0


def test_it_runs_the_same_number_of_queries_at_ten_times_the_data(world, client):
    client.force_login(world.politician_kafjord)
    grow(world, factor=1)   # the same shape of data at both sizes
    small = queries_for(client, url(world, "exception=any"))
    grow(world, factor=10)
    assert queries_for(client, url(world, "exception=any")) == small


def test_it_offers_alle_not_dashes_as_the_empty_choice(world, client):
    body = client.get(url(world)).content.decode()
    assert "---------" not in body
    assert '<option value="" selected>Alle</option>' in body
