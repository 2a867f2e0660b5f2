import pytest
from django.urls import reverse

from collaborations.portfolio.models import Measure
from collaborations.portfolio.services import measure_update


def url(measure) -> str:
    return reverse("measure_edit", args=[measure.pk])


def edit_data(measure, **overrides) -> dict:
    measure.refresh_from_db()
    data = {"title": measure.title, "description": "", "responsible": "", "organisation_kind": "",
            "organisation": "", "starts_on": "", "ends_on": "", "budget": "", "budget_recurrence": "once",
            "budget_year": "", "cost_key": "", "potential": "",
            "feasibility": "", "visibility": measure.visibility, "reason": "Oppdatert etter møte",
            "version": measure.version}
    data.update(overrides)
    return data


def test_it_lets_the_owner_edit_with_a_reason_and_leaves_history(client, world):
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), edit_data(world.shared, title="Felles arkiv", potential="7",
                                                        feasibility="5", cost_key=world.cost_key.pk))

    assert response.status_code == 302
    measure = Measure.objects.get(pk=world.shared.pk)
    assert (measure.title, measure.priority, measure.cost_key, measure.version) == ("Felles arkiv", 35,
                                                                                   world.cost_key, 2)
    last = measure.history.latest("history_date")
    assert (last.history_user, last.history_change_reason) == (world.admin_kafjord, "Oppdatert etter møte")


@pytest.mark.parametrize("role", ["admin_outsider", "politician", "stranger"])
def test_it_refuses_those_who_may_not_edit(client, world, role):
    client.force_login(world.users_by_role()[role])

    assert client.post(url(world.shared), edit_data(world.shared, title="Hack")).status_code == 403
    assert Measure.objects.get(pk=world.shared.pk).title == "Nytt sak- og arkivsystem"


def test_it_refuses_a_participant_that_only_reports(client, world):
    client.force_login(world.admin_lyngen)

    assert client.get(url(world.shared)).status_code == 403


def test_it_requires_a_reason(client, world):
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), edit_data(world.shared, title="Ny", reason=""))

    assert response.context["form"].errors["reason"] == ["Skriv kort hvorfor tiltaket endres."]
    assert Measure.objects.get(pk=world.shared.pk).title == "Nytt sak- og arkivsystem"


def test_it_checks_the_scores_and_dates(client, world):
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), edit_data(world.shared, potential="11", starts_on="2025-05-01",
                                                        ends_on="2025-01-01"))

    errors = response.context["form"].errors
    assert "Må være mellom 1 og 10." in errors["potential"]
    assert "Sluttdato kan ikke være før startdato." in str(errors)
    assert Measure.objects.get(pk=world.shared.pk).version == 1


def test_it_refuses_a_cost_key_of_another_collaboration(client, world):
    from collaborations.economy.models import CostKey

    other = CostKey.objects.create(collaboration=world.other_collaboration, name="Annen", fixed_share_percent=50,
                                   population_share_percent=50, population_year=2024)
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), edit_data(world.shared, cost_key=other.pk))

    assert "cost_key" in response.context["form"].errors


def test_it_detects_a_concurrent_edit_and_keeps_the_input(client, world):
    client.force_login(world.admin_kafjord)
    opened = edit_data(world.shared, title="Min tittel", description="Min beskrivelse")
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=opened["version"],
                   reason="Annen endring", description="Sekretariatets tekst")

    response = client.post(url(world.shared), opened)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Siri Sekretær har endret tiltaket etter at du åpnet skjemaet." in body
    assert "<ins>Sekretariatets tekst</ins>" in body
    assert 'value="Min tittel"' in body and "Min beskrivelse" in body
    measure = Measure.objects.get(pk=world.shared.pk)
    assert (measure.title, measure.description) == ("Nytt sak- og arkivsystem", "Sekretariatets tekst")


def test_it_takes_the_right_to_edit_from_a_former_responsible_person(client, world):
    """The edit form lets an editor change who answers for a measure; the
    former responsible person must lose the right to edit it at once."""
    from collaborations.access import policy
    from collaborations.access.policy import Action
    from collaborations.registry.models import Person
    from tests.factories import make_user

    former, successor = make_user("rita_radmann"), make_user("per_prosjektleder")
    rita = Person.objects.create(name="Rita Rådmann", user=former)
    per = Person.objects.create(name="Per Prosjektleder", user=successor)
    client.force_login(world.secretariat)
    assert client.post(url(world.shared), edit_data(world.shared, responsible=rita.pk)).status_code == 302
    assert policy.allows(type(former).objects.get(pk=former.pk), Action.EDIT, world.shared)

    assert client.post(url(world.shared), edit_data(world.shared, responsible=per.pk)).status_code == 302

    assert not policy.allows(type(former).objects.get(pk=former.pk), Action.EDIT, world.shared)
    assert policy.allows(type(successor).objects.get(pk=successor.pk), Action.EDIT, world.shared)
    client.force_login(former)
    assert client.post(url(world.shared), edit_data(world.shared, title="Fortsatt min?")).status_code == 403
    assert Measure.objects.get(pk=world.shared.pk).title == "Nytt sak- og arkivsystem"


def test_its_empty_choices_read_in_norwegian(client, world):
    client.force_login(world.admin_kafjord)

    body = client.get(url(world.shared)).content.decode()

    assert "Select an option" not in body
    assert body.count('<option value="" selected>– Velg –</option>') == 3  # kind, scores
