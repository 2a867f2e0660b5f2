"""The measure services: history with user and reason, versions, conflicts,
status updates, participants."""

import datetime as dt

import pytest

from collaborations.access import policy
from collaborations.access.policy import Action
from collaborations.common.errors import ConcurrentEditError, DomainError
from collaborations.portfolio.models import Measure, TrafficLight
from collaborations.portfolio.services import measure_post_status_update, measure_set_participants, measure_update

D = dt.date


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # without cached permissions


def test_it_keeps_history_with_user_and_reason(world):
    measure_update(acting_user=world.admin_kafjord, measure=world.shared, expected_version=1,
                   reason="Leverandør valgt", status_text="Elements valgt")
    last = world.shared.history.first()
    assert (last.history_user, last.history_change_reason, last.status_text) == (
        world.admin_kafjord, "Leverandør valgt", "Elements valgt")
    assert world.shared.history.count() == 2


def test_it_bumps_the_version_on_every_write(world):
    m = measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=1, reason="a",
                       title="Ny tittel")
    assert m.version == 2
    m = measure_update(acting_user=world.secretariat, measure=m, expected_version=2, reason="b", phase="study")
    assert Measure.objects.get(pk=m.pk).version == 3


def test_it_requires_a_reason(world):
    with pytest.raises(DomainError) as exc:
        measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=1, reason=" ",
                       title="X")
    assert exc.value.message_dict == {"reason": ["Skriv kort hvorfor tiltaket endres."]}


def test_it_refuses_a_stale_version_and_lists_what_changed(world):
    measure_update(acting_user=world.admin_kafjord, measure=world.shared, expected_version=1, reason="Fase",
                   phase="in_progress", follow_up_due=D(2025, 3, 1))
    with pytest.raises(ConcurrentEditError) as exc:
        measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=1, reason="Min endring",
                       title="Overskrevet?")
    assert sorted(exc.value.changes) == [("Fase", "Foreslått", "Under gjennomføring"),
                                         ("Oppfølging: frist", "—", "01.03.2025")]
    assert exc.value.changed_by == "Kari Kåfjord"
    assert Measure.objects.get(pk=world.shared.pk).title == "Nytt sak- og arkivsystem"


def test_it_copies_an_overall_status_update_onto_the_measure(world):
    update = measure_post_status_update(
        acting_user=world.admin_kafjord, measure=world.shared, reported_on=D(2024, 5, 2), phase="in_progress",
        traffic_light="amber", light_reason="Forsinket", status_text="Kontrakt signert",
        follow_up_text="Opplæring", follow_up_due=D(2024, 9, 1), expected_version=1)
    m = Measure.objects.get(pk=world.shared.pk)
    assert (m.phase, m.traffic_light, m.light_reason, m.status_text, m.follow_up_due, m.version) == (
        "in_progress", "amber", "Forsinket", "Kontrakt signert", D(2024, 9, 1), 2)
    assert m.last_status_at is not None
    assert update.author == world.admin_kafjord
    assert m.history.first().history_change_reason == "Statusoppdatering 02.05.2024"


def test_it_keeps_a_part_update_off_the_overall_status(world):
    measure_post_status_update(acting_user=world.admin_lyngen, measure=world.shared, municipality=world.lyngen,
                               reported_on=D(2024, 5, 2), phase="in_progress", traffic_light="red",
                               light_reason="Mangler folk")
    m = Measure.objects.get(pk=world.shared.pk)
    assert (m.phase, m.traffic_light, m.version) == ("proposed", "green", 1)
    assert m.last_status_at == world.shared.last_status_at  # "Sist oppdatert" and the stale flag stay
    assert m.history.count() == 1
    assert m.status_updates.get().municipality == world.lyngen


def test_it_refuses_a_part_for_a_municipality_not_taking_part(world):
    with pytest.raises(DomainError) as exc:
        measure_post_status_update(acting_user=world.secretariat, measure=world.shared, municipality=world.outsider,
                                   reported_on=D(2024, 5, 2), phase="study", traffic_light="green")
    assert exc.value.message_dict == {"municipality": ["Loppa deltar ikke i dette tiltaket."]}


@pytest.mark.parametrize("light", ["amber", "red"])
def test_it_requires_a_reason_for_amber_and_red(world, light):
    with pytest.raises(DomainError) as exc:
        measure_post_status_update(acting_user=world.secretariat, measure=world.shared, reported_on=D(2024, 5, 2),
                                   phase="study", traffic_light=light, light_reason="  ")
    assert exc.value.message_dict == {"light_reason": ["Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse."]}


def test_it_accepts_green_without_reason(world):
    measure_post_status_update(acting_user=world.secretariat, measure=world.shared, reported_on=D(2024, 5, 2),
                               phase="study", traffic_light="green")
    assert world.shared.status_updates.count() == 1


def test_it_refuses_a_due_date_before_the_update_date(world):
    with pytest.raises(DomainError) as exc:
        measure_post_status_update(acting_user=world.secretariat, measure=world.shared, reported_on=D(2024, 5, 2),
                                   phase="study", traffic_light="green", follow_up_due=D(2024, 5, 1))
    assert exc.value.message_dict == {
        "follow_up_due": ["Fristen kan ikke være før datoen oppdateringen gjelder (02.05.2024)."]}
    assert world.shared.status_updates.count() == 0


def test_it_refuses_a_status_update_over_a_newer_version(world):
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=1, reason="x", title="Y")
    with pytest.raises(ConcurrentEditError):
        measure_post_status_update(acting_user=world.admin_kafjord, measure=world.shared, reported_on=D(2024, 5, 2),
                                   phase="study", traffic_light="green", expected_version=1)
    assert world.shared.status_updates.count() == 0


def test_it_syncs_permissions_when_participants_change(world):
    assert not policy.allows(fresh(world.admin_lyngen), Action.REPORT_PART, world.internal)
    measure_set_participants(acting_user=world.secretariat, measure=world.internal,
                             municipality_ids=[world.kafjord.pk, world.lyngen.pk], reason="Lyngen blir med")
    assert policy.allows(fresh(world.admin_lyngen), Action.REPORT_PART, world.internal)
    measure_set_participants(acting_user=world.secretariat, measure=world.internal,
                             municipality_ids=[world.lyngen.pk], reason="Kåfjord går ut")
    assert not policy.allows(fresh(world.admin_kafjord), Action.REPORT_PART, world.internal)
    last = world.internal.participations.model.history.filter(municipality=world.kafjord).first()
    assert (last.history_type, last.history_user, last.history_change_reason) == (
        "-", world.secretariat, "Kåfjord går ut")


def test_it_requires_a_reason_to_change_participants(world):
    with pytest.raises(DomainError) as exc:
        measure_set_participants(acting_user=world.secretariat, measure=world.internal, municipality_ids=[],
                                 reason="")
    assert exc.value.message_dict == {"reason": ["Skriv kort hvorfor deltakerne endres."]}


def test_it_rolls_up_the_worst_light():
    assert TrafficLight.worst(["green", "red", "amber"]) == "red"
    assert TrafficLight.worst(["green", "", None]) == "green"
    assert TrafficLight.worst([]) is None


def test_it_names_a_changed_related_object_in_the_conflict(world):
    """The conflict message shows the responsible person's name, not an id."""
    from collaborations.registry.models import Person

    person = Person.objects.create(name="Bjørn Ellefsæter")
    measure_update(acting_user=world.admin_kafjord, measure=world.shared, expected_version=1, reason="Ny ansvarlig",
                   responsible=person)
    with pytest.raises(ConcurrentEditError) as exc:
        measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=1, reason="Min",
                       title="X")
    assert ("Ansvarlig", "—", "Bjørn Ellefsæter") in exc.value.changes
