"""Reads behind the records pages (who are a collaboration's people, which
partners its secretariat may edit) and common.concurrency (a save over
someone else's newer history row is refused and saves nothing)."""

import pytest
from django.http import Http404

from collaborations.access.models import AuditEvent
from collaborations.common.concurrency import latest_history_id, refuse_if_changed, save_unless_changed
from collaborations.common.errors import ConcurrentEditError
from collaborations.registry import selectors
from collaborations.registry.models import Body, BodyMember, OutsidePartner, Person
from collaborations.registry.services import body_save, person_save
from tests.factories import make_measure


def test_a_collaborations_people_are_those_connected_to_it(world):
    member = Person.objects.create(name="Kari Kåfjord", municipality=world.kafjord)
    outside = Person.objects.create(name="Ola Loppa", municipality=world.outsider)
    in_body = Person.objects.create(name="Nina NTSS", organisation="NTSS")
    body = Body.objects.create(collaboration=world.collaboration, kind="steering_group", name="Styringsgruppa")
    BodyMember.objects.create(body=body, person=in_body, role="Medlem")
    responsible = Person.objects.create(name="Rolf Ansvarlig", organisation="UNN HF")
    make_measure(world.collaboration, title="Velferdsteknologi", responsible=responsible)
    registered = person_save(acting_user=world.secretariat, reason="Prosjektleder",
                             person=Person(name="Pål Prosjekt", organisation="Prosjektkontoret"))
    elsewhere = person_save(acting_user=world.superuser, reason="Annet samarbeid",
                            person=Person(name="Vera Varanger", organisation="Varanger"))
    people = set(selectors.collaboration_people(world.collaboration).values_list("name", flat=True))
    assert {"Kari Kåfjord", "Nina NTSS", "Rolf Ansvarlig", "Kristin Koordinator", "Pål Prosjekt"} <= people
    assert {outside.name, elsewhere.name}.isdisjoint(people)
    assert selectors.person_of(world.collaboration, member.pk) == member
    assert selectors.person_of(world.collaboration, registered.pk) == registered
    with pytest.raises(Http404):
        selectors.person_of(world.collaboration, outside.pk)
    assert [p.name for p in selectors.collaboration_people(world.other_collaboration)] == ["Ola Loppa"]


def test_which_partners_a_secretariat_may_edit(world):
    from collaborations.portfolio.services import measure_update

    used_here = OutsidePartner.objects.create(name="UNN HF")
    used_elsewhere = OutsidePartner.objects.create(name="Varanger skole")
    unused = OutsidePartner.objects.create(name="Fylkeskommunen")
    world.network.outside_members.add(used_here)
    world.foreign.refresh_from_db()
    measure_update(acting_user=None, measure=world.foreign, expected_version=world.foreign.version,
                   reason="Testdata", partner_ids=[used_elsewhere.pk])
    c = world.collaboration
    assert selectors.partner_for_manager(c, used_here.pk, installation_wide=False) == used_here
    assert selectors.partner_for_manager(c, unused.pk, installation_wide=False) == unused
    with pytest.raises(Http404):
        selectors.partner_for_manager(c, used_elsewhere.pk, installation_wide=False)
    assert selectors.partner_for_manager(c, used_elsewhere.pk, installation_wide=True) == used_elsewhere
    assert list(selectors.unused_partners()) == [unused]
    partners = selectors.collaboration_partners(None, c)
    assert [(p.name, [n.name for n in p.network_list], p.measure_list) for p in partners] == [
        ("UNN HF", ["Fagnettverk arkivledere"], [])]


def test_a_save_over_a_newer_history_row_is_refused_and_saves_nothing(world):
    body = body_save(acting_user=world.secretariat, reason="Nytt organ",
                     body=Body(collaboration=world.collaboration, kind="regional_council", name="Regionrådet"))
    opened = latest_history_id(body)
    refuse_if_changed(body, opened)  # nothing since: no refusal
    refuse_if_changed(body, None)  # a form without the field checks nothing
    body.mandate = "Politisk organ"
    body_save(acting_user=world.superuser, reason="Mandat", body=body)
    events = AuditEvent.objects.count()
    mine = Body.objects.get(pk=body.pk)
    mine.mandate = "Mitt mandat"
    with pytest.raises(ConcurrentEditError) as refused:
        save_unless_changed(mine, opened, lambda: body_save(acting_user=world.secretariat, reason="x", body=mine))
    assert refused.value.changes == [("Mandat", "—", "Politisk organ")]
    assert refused.value.changed_by == world.superuser.username
    assert Body.objects.get(pk=body.pk).mandate == "Politisk organ" and AuditEvent.objects.count() == events
    saved = save_unless_changed(mine, latest_history_id(body), lambda: body_save(
        acting_user=world.secretariat, reason="Eget mandat", body=mine))
    assert saved.mandate == "Mitt mandat" and body.history.latest().history_change_reason == "Eget mandat"


def test_a_new_record_has_no_history_to_compare(world):
    person = selectors.new_person()
    assert latest_history_id(person) is None
    person.name, person.organisation = "Ny Person", "NTSS"
    saved = save_unless_changed(person, None, lambda: person_save(acting_user=world.secretariat, reason="Ny",
                                                                   person=person))
    assert saved.pk and saved.history.count() == 1
