"""The CSV export of a collaboration's measures."""

import csv
import datetime as dt
import io

from django.urls import reverse

from collaborations.portfolio.services import measure_update
from tests.factories import make_measure


def rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def url(world):
    return reverse("measures_csv", args=[world.collaboration.slug])


def test_it_exports_published_measures_for_excel(client, world):
    measure_update(acting_user=None, measure=world.shared, expected_version=1, reason="Plan",
                   follow_up_due=dt.date(2025, 3, 1), traffic_light="red", light_reason="Mangler midler")
    response = client.get(url(world))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="tiltak-nord-troms-')
    table = rows(response)
    assert table[0] == ["Strategi", "Tiltak", "Ansvarlig", "Ansvarlig kommune", "Deltakere", "Fase", "Trafikklys",
                        "Begrunnelse", "Status", "Oppfølging", "Oppfølging: hvem", "Frist", "Startdato",
                        "Sluttdato", "Sist oppdatert"]
    shared = next(r for r in table if r[1] == "Nytt sak- og arkivsystem")
    assert shared[0] == "1. Stabstjenester"
    assert shared[3:8] == ["Kåfjord", "Kåfjord, Lyngen", "Foreslått", "Ikke i rute", "Mangler midler"]
    assert shared[11] == "01.03.2025"
    assert len(table) == 3
    assert "ROS" not in response.content.decode()


def test_it_exports_internal_measures_with_visibility_to_the_administration(client, world):
    client.force_login(world.admin_lyngen)
    table = rows(client.get(url(world)))
    assert table[0][-1] == "Synlighet"
    assert {(r[1], r[-1]) for r in table[1:]} == {
        ("Nytt sak- og arkivsystem", "Publisert"), ("Helhetlig ROS-analyse", "Intern"), ("Arkivnettverk", "Publisert")}


def test_it_keeps_internal_measures_from_politicians_and_outsiders(client, world):
    for user in (world.politician_kafjord, world.admin_outsider, world.stranger):
        client.force_login(user)
        response = client.get(url(world))
        assert "Helhetlig ROS-analyse" not in response.content.decode()
        assert rows(response)[0][-1] == "Sist oppdatert"


def test_it_neutralises_formulas(client, world):
    make_measure(world.collaboration, title="=HYPERLINK(\"http://x\")", participants=[world.kafjord])
    table = rows(client.get(url(world)))
    assert "'=HYPERLINK(\"http://x\")" in [r[1] for r in table]


def test_it_exports_in_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for _ in range(6):
        make_measure(world.collaboration, strategy=world.strategy, participants=[world.kafjord, world.lyngen])
    with django_assert_num_queries(3):
        client.get(url(world))


def test_it_answers_404_for_an_unknown_collaboration(client, world):
    assert client.get(reverse("measures_csv", args=["finnes-ikke"])).status_code == 404


def test_it_exports_a_measures_timeline_with_who_when_and_why(client, world):
    from collaborations.portfolio.services import measure_post_status_update

    measure_post_status_update(acting_user=world.admin_kafjord, measure=world.shared, reported_on=dt.date(2024, 5, 2),
                               phase="in_progress", traffic_light="green", status_text="Godt i gang",
                               reason="=HYPERLINK(\"http://x\")")
    response = client.get(reverse("measure_timeline_csv", args=[world.shared.pk]))
    assert response["Content-Disposition"].startswith(f'attachment; filename="tidslinje-tiltak-{world.shared.pk}-')
    table = rows(response)
    assert table[0] == ["Tidspunkt", "Hendelse", "Hvem", "Hvorfor", "Gjelder dato", "Fase", "Trafikklys",
                        "Begrunnelse", "Hva har skjedd", "Oppfølging", "Oppfølging: hvem", "Frist", "Endringer"]
    newest = table[1]
    assert newest[1:5] == ["Statusoppdatering", "Kari Kåfjord", "'=HYPERLINK(\"http://x\")", "02.05.2024"]
    assert newest[8] == "Godt i gang" and "Fase: Foreslått → Under gjennomføring" in newest[12]
    assert [r[1] for r in table[1:]] == ["Statusoppdatering", "Tiltaket ble registrert"]
