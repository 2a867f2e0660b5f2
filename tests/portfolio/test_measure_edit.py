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
    # responsible, organisation kind, host municipality, host agreement, cost key
    assert body.count('<option value="" selected>– Velg –</option>') == 5


# ---------------------------------------------------------------- every field; who changes what

def manager_data(measure, **overrides) -> dict:
    """What the secretariat's form posts: the editor's fields plus strategy, number, participants,
    partners, owner, network and visibility."""
    measure.refresh_from_db()
    data = edit_data(measure, strategy=measure.strategy_id or "", number=measure.number,
                     participants=[p.municipality_id for p in measure.participations.all()],
                     partners=[p.pk for p in measure.partners.all()], participants_note=measure.participants_note,
                     owner_municipality=measure.owner_municipality_id or "", network=measure.network_id or "",
                     host_municipality=measure.host_municipality_id or "", host_agreement="")
    data.update(overrides)
    return data


def test_the_secretariat_changes_participants_partners_and_fields_in_one_save_with_one_reason(client, world):
    from collaborations.access.models import AuditEvent
    from collaborations.registry.models import OutsidePartner
    from tests.factories import make_strategy

    unn = OutsidePartner.objects.create(name="UNN HF", kind=OutsidePartner.Kind.HEALTH_TRUST)
    other_strategy = make_strategy(world.collaboration, number=2, title="Helse")
    client.force_login(world.secretariat)

    response = client.post(url(world.shared), manager_data(
        world.shared, participants=[world.kafjord.pk], partners=[unn.pk], strategy=other_strategy.pk, number="2.1",
        visibility="internal", network=world.network.pk, reason="Lyngen trekker seg"))

    assert response.status_code == 302
    measure = Measure.objects.get(pk=world.shared.pk)
    assert (measure.strategy, measure.number, measure.visibility, measure.network) == (
        other_strategy, "2.1", "internal", world.network)
    assert [p.municipality for p in measure.participations.all()] == [world.kafjord]
    assert list(measure.partners.all()) == [unn]
    kinds = set(AuditEvent.objects.filter(object_id=measure.pk, reason="Lyngen trekker seg")
                .values_list("kind", flat=True))
    assert kinds == {AuditEvent.Kind.MEASURE_CHANGED, AuditEvent.Kind.PARTICIPANTS_CHANGED}


def test_the_owner_gets_no_strategy_participants_owner_or_visibility_fields(client, world):
    client.force_login(world.admin_kafjord)

    form = client.get(url(world.shared)).context["form"]

    assert {"strategy", "number", "participants", "partners", "owner_municipality", "network",
            "visibility"}.isdisjoint(form.fields)
    assert {"title", "responsible", "cost_key", "budget", "host_municipality", "host_agreement"} <= set(form.fields)


def test_a_post_from_an_editor_changes_none_of_the_secretariats_fields(client, world):
    from tests.factories import make_strategy

    other_strategy = make_strategy(world.collaboration, number=2, title="Helse")
    client.force_login(world.admin_kafjord)

    response = client.post(url(world.shared), manager_data(
        world.shared, title="Ny tittel", participants=[world.kafjord.pk], strategy=other_strategy.pk,
        visibility="internal", owner_municipality=world.lyngen.pk, network=world.network.pk))

    assert response.status_code == 302
    measure = Measure.objects.get(pk=world.shared.pk)
    assert measure.title == "Ny tittel"  # the editor's own field is saved
    assert (measure.strategy, measure.visibility, measure.owner_municipality, measure.network) == (
        world.strategy, "published", world.kafjord, None)
    assert sorted(p.municipality.name for p in measure.participations.all()) == ["Kåfjord", "Lyngen"]


def test_the_service_refuses_an_editor_the_secretariats_fields_and_writes_nothing(world):
    from collaborations.common.errors import DomainError
    from collaborations.portfolio.services import measure_change

    with pytest.raises(DomainError, match="Bare sekretariatet"):
        measure_change(acting_user=world.admin_kafjord, measure=world.shared, expected_version=1, reason="Forsøk",
                       title="Endret", participant_ids=[world.kafjord.pk])
    with pytest.raises(DomainError, match="Bare sekretariatet"):
        measure_change(acting_user=world.admin_kafjord, measure=world.shared, expected_version=1, reason="Forsøk",
                       visibility="internal")
    measure = Measure.objects.get(pk=world.shared.pk)
    assert (measure.title, measure.visibility, measure.version, measure.participations.count()) == (
        "Nytt sak- og arkivsystem", "published", 1, 2)


def test_a_stale_form_changes_neither_fields_nor_participants(client, world):
    client.force_login(world.secretariat)
    opened = manager_data(world.shared, title="Min tittel", participants=[world.kafjord.pk])
    measure_update(acting_user=world.admin_kafjord, measure=world.shared, expected_version=opened["version"],
                   reason="Annen endring", description="Eierens tekst")

    response = client.post(url(world.shared), opened)

    assert "Kari Kåfjord har endret tiltaket etter at du åpnet skjemaet." in response.content.decode()
    measure = Measure.objects.get(pk=world.shared.pk)
    assert measure.title == "Nytt sak- og arkivsystem" and measure.participations.count() == 2


def test_a_failing_participant_change_rolls_the_field_changes_back(world, monkeypatch):
    from collaborations.common.errors import DomainError
    from collaborations.portfolio import services

    def broken(**kwargs):
        raise DomainError("Feil")

    monkeypatch.setattr(services, "measure_set_participants", broken)
    with pytest.raises(DomainError):
        services.measure_change(acting_user=world.secretariat, measure=world.shared, expected_version=1,
                                reason="Begge deler", title="Halvveis", participant_ids=[world.kafjord.pk])
    measure = Measure.objects.get(pk=world.shared.pk)
    assert (measure.title, measure.version, measure.history.count()) == ("Nytt sak- og arkivsystem", 1, 1)
