import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaborations.portfolio.models import Measure
from collaborations.portfolio.services import measure_post_status_update, measure_set_participants, measure_update
from collaborations.registry.models import Person


def url(measure) -> str:
    return reverse("measure_detail", args=[measure.pk])


def post(world, measure, *, user=None, municipality=None, light="green", reason="", **extra):
    return measure_post_status_update(acting_user=user or world.admin_kafjord, measure=measure,
                                      reported_on=timezone.localdate(), phase=extra.pop("phase", "in_progress"),
                                      traffic_light=light, light_reason=reason, municipality=municipality, **extra)


def test_it_shows_a_published_measure_to_anonymous_visitors_read_only(client, world):
    response = client.get(url(world.shared))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Nytt sak- og arkivsystem</h1>" in body
    assert 'class="status-form"' not in body
    assert "Endre tiltaket" not in body
    assert "Last opp dokument" not in body


@pytest.mark.parametrize("role", ["anonymous", "politician", "admin_outsider", "stranger"])
def test_it_hides_an_internal_measure_with_404(client, world, role):
    user = world.users_by_role()[role]
    if user:
        client.force_login(user)

    assert client.get(url(world.internal)).status_code == 404


def test_it_gives_404_for_a_measure_that_does_not_exist(client, world):
    assert client.get(reverse("measure_detail", args=[99999])).status_code == 404


def test_it_shows_what_the_action_plan_says(client, world):
    person = Person.objects.create(name="Rådmann Rita", title="Kommunedirektør")
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=world.shared.version,
                   reason="Fra planen", responsible=person, organisation_kind="project_group",
                   organisation="Prosjektgruppe med prosjektleder", cost_key=world.cost_key, potential=8,
                   feasibility=6, budget=250000, budget_recurrence="yearly")

    body = client.get(url(world.shared)).content.decode()

    for text in ["Strategi 1: Stabstjenester", "Tettere samarbeid.", "Rådmann Rita, Kommunedirektør",
                 "Kåfjord, Lyngen", "Prosjektgruppe", "Prosjektgruppe med prosjektleder", "Regionrådsnøkkel",
                 "8 × 6 = <strong>48</strong>", "250\xa0000,00\xa0kr (hvert år i perioden)"]:
        assert text in body, text


def test_it_shows_a_timeline_with_field_by_field_changes_including_phase_and_light(client, world):
    post(world, world.shared, light="red", reason="Leverandøren er forsinket", phase="decided")
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=world.shared.version + 1,
                   reason="Nytt navn etter vedtak", title="Felles sak- og arkivsystem")

    response = client.get(url(world.shared))

    body = response.content.decode()
    kinds = [e.kind for e in response.context["timeline"]]
    assert kinds == ["change", "status", "created"]
    assert "<tr><th scope=\"row\">Fase</th><td><del>Foreslått</del></td><td><ins>Vedtatt</ins></td></tr>" in body
    assert "<tr><th scope=\"row\">Trafikklys</th><td><del>I rute</del></td><td><ins>Ikke i rute</ins></td></tr>" in body
    assert ("<tr><th scope=\"row\">Tittel</th><td><del>Nytt sak- og arkivsystem</del></td>"
            "<td><ins>Felles sak- og arkivsystem</ins></td></tr>") in body
    assert "<strong>Hvorfor:</strong> Nytt navn etter vedtak" in body
    assert "Siri Sekretær" in body and "Kari Kåfjord" in body


def test_it_names_related_objects_in_the_diff(client, world):
    person = Person.objects.create(name="Rådmann Rita")
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=world.shared.version,
                   reason="Ny ansvarlig", responsible=person)

    body = client.get(url(world.shared)).content.decode()

    assert "<tr><th scope=\"row\">Ansvarlig</th><td><del>—</del></td><td><ins>Rådmann Rita</ins></td></tr>" in body


def test_it_shows_participants_joining_and_leaving(client, world):
    measure_set_participants(acting_user=world.secretariat, measure=world.shared,
                             municipality_ids=[world.kafjord.pk], reason="Lyngen trer ut")

    body = client.get(url(world.shared)).content.decode()

    assert "Lyngen gikk ut av tiltaket" in body
    assert "<strong>Hvorfor:</strong> Lyngen trer ut" in body


def test_it_shows_each_participants_part_and_the_worst_light_as_suggestion(client, world):
    post(world, world.shared, user=world.admin_lyngen, municipality=world.lyngen, light="amber", reason="Lite folk")
    post(world, world.shared, user=world.admin_kafjord, municipality=world.kafjord, light="green")

    response = client.get(url(world.shared))

    assert response.context["rollup"] == "amber"
    body = response.content.decode()
    parts = body[body.index('id="parts-heading"'):body.index('id="tidslinje"')]
    assert "Forslag til samlet trafikklys (det svakeste av delene):" in parts
    assert re.search(r"<h3>Kåfjord</h3>.*?<span>I rute</span>", parts, re.DOTALL)
    assert re.search(r"<h3>Lyngen</h3>.*?<span>Risiko</span>.*?Lite folk", parts, re.DOTALL)


def test_it_gives_the_owner_the_overall_form_and_a_participant_its_own_part(client, world):
    client.force_login(world.admin_kafjord)
    owner = client.get(url(world.shared)).content.decode()
    client.force_login(world.admin_lyngen)
    participant = client.get(url(world.shared)).content.decode()

    assert f'action="{reverse("measure_status", args=[world.shared.pk])}"' in owner
    assert f'action="{reverse("measure_part_status", args=[world.shared.pk, world.lyngen.pk])}"' in participant
    assert "Rapporter delen til Lyngen" in participant
    assert f'href="{reverse("measure_part_status", args=[world.shared.pk, world.kafjord.pk])}"' not in participant


@pytest.mark.parametrize("role", ["anonymous", "politician", "admin_outsider", "stranger"])
def test_it_shows_no_form_to_those_who_may_not_post(client, world, role):
    user = world.users_by_role()[role]
    if user:
        client.force_login(user)

    body = client.get(url(world.shared)).content.decode()

    assert 'class="status-form"' not in body
    assert "Rapporter delen til" not in body


def _count(client, measure) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(measure)).status_code == 200
    return len(ctx)


def _add_updates(world, n: int, start: int) -> None:
    for i in range(start, start + n):
        day = timezone.localdate() - dt.timedelta(days=100 - i)
        light = ["green", "amber", "red"][i % 3]
        municipality = [None, world.kafjord, world.lyngen][i % 3]
        measure_post_status_update(acting_user=world.admin_kafjord, measure=world.shared, reported_on=day,
                                   phase="in_progress", traffic_light=light, light_reason="" if light == "green" else "x",
                                   municipality=municipality, status_text=f"Oppdatering {i}")
    world.shared.refresh_from_db()
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=world.shared.version,
                   reason=f"Endring {start}", title=f"Tittel {start}", cost_key=world.cost_key)


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 13), ("politician", 20), ("admin_participant", 21),
                                                ("secretariat", 21)])
def test_it_runs_the_same_number_of_queries_for_2_and_20_updates(client, world, role, expected):
    user = world.users_by_role()[role]
    if user:
        client.force_login(user)
    _add_updates(world, 3, 0)
    client.get(url(world.shared))  # warm the process-wide caches (content types), as in a running server
    small = _count(client, world.shared)
    _add_updates(world, 18, 3)

    large = _count(client, world.shared)

    assert len(client.get(url(world.shared)).context["timeline"]) > 20
    assert small == large
    assert large <= expected, f"measure page ran {large} queries"


def test_it_writes_the_year_of_a_one_off_budget_as_a_year(client, world):
    """Not "2 026": the thousands separator is for amounts, never for years."""
    Measure.objects.filter(pk=world.shared.pk).update(budget=Decimal(250_000), budget_recurrence="once",
                                                       budget_year=2026)

    body = " ".join(client.get(url(world.shared)).content.decode().split())

    assert "250 000,00 kr (engangsbeløp 2026)" in body.replace("\xa0", " ")


def test_what_was_recorded_while_internal_stays_internal_once_published(client, world):
    """A measure drafted internal, then published under a new title: the public
    timeline starts at publishing; the administration still reads all of it."""
    from tests.factories import make_measure

    draft = make_measure(world.collaboration, participants=[world.kafjord], acting_user=world.secretariat,
                         title="Hemmelig arbeidstittel", description="Hemmelig beskrivelse", visibility="internal")
    post(world, draft, user=world.secretariat, status_text="Intern vurdering av risiko")
    draft.refresh_from_db()
    measure_update(acting_user=world.secretariat, measure=draft, expected_version=draft.version,
                   reason="Vedtatt i regionrådet", title="Felles legevakt", description="Offentlig beskrivelse",
                   visibility="published")
    def timeline(page: str) -> str:
        return page[page.index('<ol class="timeline">'):]

    public = client.get(url(draft)).content.decode()
    assert "Felles legevakt" in public
    for secret in ("Hemmelig arbeidstittel", "Hemmelig beskrivelse"):
        assert secret not in public, secret
    for secret in ("Intern vurdering av risiko", "Intern"):  # the update posted while internal, the old visibility
        assert secret not in timeline(public), secret
    api = reverse("api_measure", args=[draft.pk])
    assert client.get(api).json()["status_updates"] == []  # the API follows the same rule
    client.force_login(world.politician_kafjord)
    assert "Hemmelig arbeidstittel" not in client.get(url(draft)).content.decode()
    client.force_login(world.secretariat)
    assert [u["status_text"] for u in client.get(api).json()["status_updates"]] == ["Intern vurdering av risiko"]
    inside = timeline(client.get(url(draft)).content.decode())
    assert "Hemmelig arbeidstittel" in inside and "Intern vurdering av risiko" in inside
