from django.urls import reverse

from tests.dashboards.helpers import assert_hidden_from_the_public, assert_same_queries_at_ten_times_the_data
from tests.factories import make_measure


def url(world):
    return reverse("dashboard_priority", args=[world.collaboration.slug])


def test_it_ranks_measures_by_potential_times_feasibility(world, client):
    make_measure(world.collaboration, title="Lavthengende frukt", potential=6, feasibility=9)   # 54
    make_measure(world.collaboration, title="Stort løft", potential=9, feasibility=5)           # 45
    make_measure(world.collaboration, title="Lite og vanskelig", potential=2, feasibility=2)    # 4
    content = client.get(url(world)).content.decode()
    assert content.index("Lavthengende frukt") < content.index("Stort løft") < content.index("Lite og vanskelig")
    assert "<strong>54</strong>" in content
    assert 'role="img"' in content and "Punktdiagram med 3 tiltak" in content
    assert "Ikke vurdert ennå" in content and "Nytt sak- og arkivsystem" in content


def test_it_leaves_internal_measures_out_of_the_public_matrix(world, client):
    make_measure(world.collaboration, title="Intern vurdering", potential=9, feasibility=9, visibility="internal")
    assert_hidden_from_the_public(world, client, url(world), "Intern vurdering", insider="secretariat")


def test_it_runs_the_same_number_of_queries_at_ten_times_the_data(world, client):
    assert_same_queries_at_ten_times_the_data(world, client, url(world))
