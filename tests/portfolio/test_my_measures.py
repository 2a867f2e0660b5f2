import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaborations.portfolio.services import measure_post_status_update
from collaborations.rounds.models import ReportingRound
from tests.factories import make_measure

URL = reverse("my_measures")


def titles(response) -> list[str]:
    return [m.title for m in response.context["page"].object_list]


def test_it_sends_anonymous_visitors_to_the_login_page(client, world):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_what_my_municipality_owns_or_takes_part_in(client, world):
    client.force_login(world.admin_kafjord)

    response = client.get(URL)

    assert response.status_code == 200
    assert sorted(titles(response)) == ["Helhetlig ROS-analyse", "Nytt sak- og arkivsystem"]


def test_it_lists_nothing_from_other_collaborations_for_an_outsider(client, world):
    client.force_login(world.admin_outsider)

    response = client.get(URL)

    assert sorted(titles(response)) == ["IKT-samarbeid Vestre Varanger", "ROS Vestre Varanger"]


def test_it_lists_the_network_measures_for_the_coordinator(client, world):
    client.force_login(world.coordinator)

    assert titles(client.get(URL)) == ["Arkivnettverk"]


def test_it_lists_nothing_for_a_politician(client, world):
    client.force_login(world.politician_kafjord)

    response = client.get(URL)

    assert titles(response) == []
    assert ('Du har ingen tiltak å rapportere status på. Kommunens tiltak, hva den betaler og rapportene til '
            'kommunestyret finner du under <a href="/mine-samarbeid/">Mine samarbeid</a>.') in response.content.decode()


def test_it_says_when_a_filter_finds_nothing(client, world):
    client.force_login(world.admin_kafjord)

    assert "Ingen tiltak passer med filteret." in client.get(URL, {"q": "finnes ikke"}).content.decode()


def test_it_shows_phase_light_as_text_and_icon_and_due_flag(client, world):
    client.force_login(world.admin_kafjord)

    body = client.get(URL).content.decode()

    assert '<span class="badge phase phase-proposed">Foreslått</span>' in body
    assert 'class="badge light light-green"><svg class="icon"' in body
    assert "<span>I rute</span>" in body
    assert '<span class="badge due">Må oppdateres</span>' in body  # never updated


def test_it_filters_by_phase_light_and_text(client, world):
    measure_post_status_update(acting_user=world.admin_kafjord, measure=world.shared, reported_on=timezone.localdate(),
                               phase="in_progress", traffic_light="red", light_reason="Forsinket")
    client.force_login(world.admin_kafjord)

    assert titles(client.get(URL, {"phase": "in_progress"})) == ["Nytt sak- og arkivsystem"]
    assert titles(client.get(URL, {"traffic_light": "green"})) == ["Helhetlig ROS-analyse"]
    assert titles(client.get(URL, {"q": "ros analyse"})) == ["Helhetlig ROS-analyse"]
    assert titles(client.get(URL, {"q": "finnes ikke"})) == []


def test_it_filters_by_collaboration_and_strategy(client, world):
    client.force_login(world.superuser)

    response = client.get(URL, {"collaboration": world.other_collaboration.pk})

    assert sorted(titles(response)) == ["IKT-samarbeid Vestre Varanger", "ROS Vestre Varanger"]
    assert len(titles(client.get(URL, {"strategy": world.strategy.pk}))) == 3


def test_it_filters_on_update_due_within_an_open_round(client, world):
    today = timezone.localdate()
    ReportingRound.objects.create(collaboration=world.collaboration, title="Runde", starts_on=today - dt.timedelta(days=10),
                                  deadline=today + dt.timedelta(days=10))
    measure_post_status_update(acting_user=world.admin_kafjord, measure=world.shared, reported_on=today,
                               phase="in_progress", traffic_light="green")
    client.force_login(world.admin_kafjord)

    assert titles(client.get(URL, {"due": "yes"})) == ["Helhetlig ROS-analyse"]
    assert titles(client.get(URL, {"due": "no"})) == ["Nytt sak- og arkivsystem"]


def test_it_counts_an_update_before_the_round_as_due(client, world):
    today = timezone.localdate()
    measure_post_status_update(acting_user=world.admin_kafjord, measure=world.shared,
                               reported_on=today - dt.timedelta(days=20), phase="in_progress", traffic_light="green")
    ReportingRound.objects.create(collaboration=world.collaboration, title="Runde", starts_on=today - dt.timedelta(days=5),
                                  deadline=today + dt.timedelta(days=10))
    client.force_login(world.admin_kafjord)

    assert sorted(titles(client.get(URL, {"due": "yes"}))) == ["Helhetlig ROS-analyse", "Nytt sak- og arkivsystem"]


def test_it_paginates_25_per_page_and_keeps_the_filter(client, world):
    for i in range(27):
        make_measure(world.collaboration, title=f"Ekstra {i:02d}", participants=[world.kafjord])
    client.force_login(world.admin_kafjord)

    first = client.get(URL, {"q": "Ekstra"})
    second = client.get(URL, {"q": "Ekstra", "side": 2})

    assert len(titles(first)) == 25
    assert len(titles(second)) == 2
    assert 'href="?q=Ekstra&amp;side=2"' in first.content.decode()
    assert "Side 2 av 2" in second.content.decode()


def _count(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("params", [{}, {"q": "Tiltak", "due": "yes", "phase": "proposed"}])
def test_it_runs_the_same_number_of_queries_for_3_and_30_measures(client, world, params):
    client.force_login(world.admin_kafjord)
    make_measure(world.collaboration, participants=[world.kafjord, world.lyngen])
    client.get(URL)  # warm the process-wide caches (content types), as in a running server
    small = _count(client, **params)
    for _ in range(27):
        make_measure(world.collaboration, participants=[world.kafjord, world.lyngen], strategy=world.strategy)

    large = _count(client, **params)

    assert small == large
    assert large <= 8, f"Mine tiltak ran {large} queries"


def test_it_links_the_secretariat_to_its_reporting_rounds(client, world):
    client.force_login(world.secretariat)
    secretariat = client.get(URL).content.decode()
    client.force_login(world.admin_kafjord)
    admin = client.get(URL).content.decode()

    link = f'href="{reverse("round_list", args=[world.collaboration.slug])}"'
    assert link in secretariat and "Rapporteringsrunder i Nord-Troms" in secretariat
    assert link not in admin
