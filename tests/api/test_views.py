"""The read-only JSON API: policy-filtered, fixed number of queries, rate-limited."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaborations.portfolio.services import measure_post_status_update
from tests.factories import make_measure


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def measures_url(world):
    return reverse("api_measures", args=[world.collaboration.slug])


def test_it_lists_collaborations_with_members(client, world):
    data = client.get(reverse("api_collaborations")).json()
    nord = next(c for c in data["collaborations"] if c["slug"] == "nord-troms")
    assert nord["members"] == [{"number": "5426", "name": "Kåfjord"}, {"number": "5424", "name": "Lyngen"}]
    assert nord["kind_label"] == "Interkommunalt politisk råd (kommuneloven § 18)"
    assert nord["measures_url"] == "/api/samarbeid/nord-troms/tiltak/"


def test_it_shows_anonymous_visitors_published_measures_only(client, world):
    response = client.get(measures_url(world))
    assert response.status_code == 200
    rows = response.json()["measures"]
    assert {r["title"] for r in rows} == {"Nytt sak- og arkivsystem", "Arkivnettverk"}
    assert "ROS" not in response.content.decode()
    assert all("visibility" not in r for r in rows)


def test_it_shows_the_administration_internal_measures_with_visibility(client, world):
    client.force_login(world.admin_kafjord)
    rows = client.get(measures_url(world)).json()["measures"]
    assert {(r["title"], r["visibility"]) for r in rows} == {
        ("Nytt sak- og arkivsystem", "published"), ("Helhetlig ROS-analyse", "internal"),
        ("Arkivnettverk", "published")}


def test_it_hides_internal_measures_from_politicians(client, world):
    client.force_login(world.politician_kafjord)
    response = client.get(measures_url(world))
    assert "Helhetlig ROS-analyse" not in response.content.decode()


def test_it_describes_a_measure_row(client, world):
    measure_post_status_update(acting_user=world.admin_kafjord, measure=world.shared,
                               reported_on=dt.date(2024, 5, 2), phase="in_progress", traffic_light="amber",
                               light_reason="Forsinket levering", status_text="Leverandør valgt")
    row = next(r for r in client.get(measures_url(world)).json()["measures"] if r["id"] == world.shared.pk)
    assert row["strategy"] == {"number": 1, "title": "Stabstjenester"}
    assert (row["phase"], row["phase_label"], row["light"], row["light_label"]) == (
        "in_progress", "Under gjennomføring", "amber", "Risiko")
    assert row["participants"] == [{"number": "5426", "name": "Kåfjord"}, {"number": "5424", "name": "Lyngen"}]
    assert row["last_update"] is not None


def test_it_lists_measures_in_a_fixed_number_of_queries(client, world):
    client.force_login(world.admin_kafjord)
    url = measures_url(world)
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(8):
        make_measure(world.collaboration, strategy=world.strategy, participants=[world.kafjord, world.lyngen],
                     visibility="internal" if i % 2 else "published")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()["measures"]) == 11
    assert len(many) == len(few) <= 10


def test_it_lists_measures_for_anonymous_in_three_queries(client, world, django_assert_num_queries):
    for _ in range(5):
        make_measure(world.collaboration, participants=[world.kafjord])
    with django_assert_num_queries(3):  # collaboration, measures, participants
        client.get(measures_url(world))


def test_it_shows_a_measure_with_its_status_updates_who_and_why_to_everyone_who_sees_it(client, world):
    """Who wrote a status update and why are part of the timeline, as on the
    measure page: anonymous visitors and politicians read them too."""
    measure_post_status_update(acting_user=world.admin_kafjord, measure=world.shared,
                               reported_on=dt.date(2024, 5, 2), phase="in_progress", traffic_light="green",
                               status_text="Godt i gang", reason="Vårens rapportering")
    for user in (None, world.politician_kafjord, world.secretariat):
        if user is not None:
            client.force_login(user)
        data = client.get(reverse("api_measure", args=[world.shared.pk])).json()
        assert data["title"] == "Nytt sak- og arkivsystem"
        update = data["status_updates"][0]
        assert update["status_text"] == "Godt i gang"
        assert (update["author"], update["reason"]) == ("Kari Kåfjord", "Vårens rapportering")
        assert (update["reported_on"], update["kind"], update["municipality"]) == ("2024-05-02", "status", None)
        assert data["timeline"][0] == update  # the newest entry of the timeline is that update


def test_it_answers_404_in_json_for_internal_and_missing_measures(client, world):
    for pk in (world.internal.pk, 999999):
        response = client.get(reverse("api_measure", args=[pk]))
        assert response.status_code == 404
        assert response.json() == {"error": "Fant ikke tiltaket."}
    client.force_login(world.admin_outsider)
    assert client.get(reverse("api_measure", args=[world.internal.pk])).status_code == 404
    assert client.get(reverse("api_measure", args=[world.foreign_internal.pk])).status_code == 200


def test_it_refuses_writes(client, world):
    client.force_login(world.secretariat)
    assert client.post(measures_url(world)).status_code == 405


def test_it_rate_limits_anonymous_callers(client, world, settings):
    settings.API_ANONYMOUS_RATE = "3/m"
    url = reverse("api_collaborations")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert response.json() == {"error": "For mange forespørsler fra din adresse. Vent et minutt og prøv igjen."}
    assert response["Retry-After"] == "60"
    other = client.get(url, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_it_does_not_rate_limit_logged_in_users(client, world, settings):
    settings.API_ANONYMOUS_RATE = "2/m"
    client.force_login(world.politician_kafjord)
    assert {client.get(reverse("api_collaborations")).status_code for _ in range(5)} == {200}


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 11), ("secretariat", 14)])
def test_it_shows_a_measure_and_its_timeline_in_a_fixed_number_of_queries(client, world, role, expected):
    """The timeline is built once (measure_timeline) whatever its length."""
    user = world.users_by_role()[role]
    if user:
        client.force_login(user)
    url = reverse("api_measure", args=[world.shared.pk])

    def post(n):
        for i in range(n):
            measure_post_status_update(acting_user=world.admin_kafjord, measure=world.shared,
                                       reported_on=dt.date(2024, 1, 1) + dt.timedelta(days=i), phase="in_progress",
                                       traffic_light="green", status_text=f"Oppdatering {i}",
                                       municipality=world.lyngen if i % 2 else None, reason=f"Runde {i}")
            world.shared.refresh_from_db()

    post(2)
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    post(18)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()["status_updates"]) == 20
    assert len(many) == len(few) <= expected, f"api_measure ran {len(many)} queries"
