"""Creating a measure in the portal: the secretariat, every field of the action plan, with a reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from collaborations.access.models import AuditEvent
from collaborations.portfolio.models import Measure, PlanPeriod, Strategy
from collaborations.registry.models import OutsidePartner

pytestmark = pytest.mark.django_db


def url(world) -> str:
    return reverse("measure_create", args=[world.collaboration.slug])


def create_data(world, **overrides) -> dict:
    data = {"strategy": world.strategy.pk, "number": "1.4", "title": "Felles innkjøp", "description": "Samkjøpe IKT.",
            "participants": [world.kafjord.pk, world.lyngen.pk], "partners": [], "participants_note": "alle",
            "responsible": "", "owner_municipality": world.kafjord.pk, "organisation_kind": "project_group",
            "organisation": "Prosjektgruppe", "network": world.network.pk, "host_municipality": world.lyngen.pk,
            "host_agreement": "", "cost_key": world.cost_key.pk, "budget": "250000", "budget_recurrence": "yearly",
            "budget_year": "", "potential": "8", "feasibility": "6", "visibility": "published",
            "starts_on": "2025-01-01", "ends_on": "", "reason": "Vedtatt i KDU 12.03.2025"}
    data.update(overrides)
    return data


def test_it_shows_the_form_with_the_strategies_by_plan_and_the_members(client, world):
    newer = PlanPeriod.objects.create(collaboration=world.collaboration, title="Handlingsplan", start_year=2024,
                                      end_year=2027)
    Strategy.objects.create(plan=newer, number=1, title="Digitalisering")
    client.force_login(world.secretariat)

    body = client.get(url(world)).content.decode()

    assert body.index("Handlingsplan 2024–2027") < body.index("Strategi- og handlingsplan 2019–2023")
    assert 'type="checkbox" name="participants"' in body and "Lyngen" in body
    assert "Loppa" not in body  # not a member: an outside partner, if anything
    assert "Hvorfor opprettes tiltaket?" in body


def test_it_creates_the_measure_with_participants_partners_history_and_an_audit_event(client, world):
    unn = OutsidePartner.objects.create(name="UNN HF", kind=OutsidePartner.Kind.HEALTH_TRUST)
    client.force_login(world.secretariat)

    response = client.post(url(world), create_data(world, partners=[unn.pk]), follow=True)

    measure = Measure.objects.get(title="Felles innkjøp")
    assert response.redirect_chain[-1][0] == reverse("measure_detail", args=[measure.pk]) + "#melding"
    assert "Tiltaket «Felles innkjøp» er opprettet." in response.content.decode()
    assert (measure.collaboration, measure.strategy, measure.number, measure.owner_municipality, measure.network,
            measure.host_municipality, measure.cost_key, measure.budget, measure.budget_recurrence,
            measure.priority, measure.starts_on) == (
        world.collaboration, world.strategy, "1.4", world.kafjord, world.network, world.lyngen, world.cost_key,
        Decimal("250000"), "yearly", 48, dt.date(2025, 1, 1))
    assert sorted(p.municipality.name for p in measure.participations.all()) == ["Kåfjord", "Lyngen"]
    assert list(measure.partners.all()) == [unn]
    record = measure.history.get()
    assert (record.history_user, record.history_change_reason) == (world.secretariat, "Vedtatt i KDU 12.03.2025")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.MEASURE_CREATED, object_id=measure.pk)
    assert event.acting_user == world.secretariat and event.reason == "Vedtatt i KDU 12.03.2025"


@pytest.mark.parametrize("overrides, field, message", [
    ({"title": "", "reason": ""}, "reason", "Skriv kort hvorfor tiltaket opprettes."),
    ({"title": ""}, "title", "Skriv tittelen på tiltaket."),
    ({"potential": "11"}, "potential", "Må være mellom 1 og 10."),
    ({"budget_recurrence": "once", "starts_on": ""}, "budget_year", "Oppgi året engangsbeløpet betales"),
    ({"participants": ["OUTSIDER"]}, "participants", "Velg et gyldig valg"),
])
def test_it_refuses_an_invalid_form_and_keeps_what_was_typed(client, world, overrides, field, message):
    if overrides.get("participants") == ["OUTSIDER"]:
        overrides = {**overrides, "participants": [world.outsider.pk]}
    client.force_login(world.secretariat)
    before = Measure.objects.count()

    response = client.post(url(world), create_data(world, **overrides))

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert "Samkjøpe IKT." in response.content.decode()
    assert Measure.objects.count() == before


@pytest.mark.parametrize("role", ["admin_participant", "coordinator", "politician", "stranger"])
def test_it_is_for_the_secretariat_only(client, world, role):
    client.force_login(world.users_by_role()[role])
    before = Measure.objects.count()

    assert client.post(url(world), create_data(world)).status_code == 403
    assert Measure.objects.count() == before


@pytest.mark.parametrize("role, shown", [("secretariat", True), ("admin_participant", False), ("anonymous", False)])
def test_the_measure_list_links_to_the_form_for_the_secretariat_only(client, world, role, shown):
    """The link sits outside the list's cached body, which the secretariat shares with the members'
    administrators (both see internal measures)."""
    user = world.users_by_role()[role]
    if user:
        client.force_login(user)
    create = f'href="{url(world)}"'

    assert (create in client.get(reverse("collaboration_measures", args=[world.collaboration.slug]))
            .content.decode()) is shown


def test_the_workspace_section_counts_the_measures_and_links_to_the_form(client, world):
    client.force_login(world.secretariat)

    body = client.get(reverse("workspace", args=[world.collaboration.slug])).content.decode()

    assert "3 tiltak i handlingsplanen" in body and f'href="{url(world)}"' in body
