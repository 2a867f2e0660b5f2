"""Network pages: the list and the page (members inside and outside the
region, the measures it runs that the visitor may see), and editing by the
coordinator and the secretariat with concurrent edits detected."""

import pytest
from django.urls import reverse

from collaborations.access.models import AuditEvent
from collaborations.common.errors import ConcurrentEditError
from collaborations.registry.models import Network, OutsidePartner
from collaborations.registry.selectors import network_fingerprint
from collaborations.registry.services import network_save
from tests.factories import client_for, make_measure, make_municipality


@pytest.fixture
def outside(world):
    balsfjord = make_municipality("Balsfjord", "5532")
    partner = OutsidePartner.objects.create(name="Karlsøy kommune", kind=OutsidePartner.Kind.MUNICIPALITY)
    return balsfjord, partner


def detail_url(world):
    return reverse("network_detail", args=[world.collaboration.slug, world.network.pk])


def edit_url(world):
    return reverse("network_edit", args=[world.collaboration.slug, world.network.pk])


def test_the_network_page_splits_members_and_shows_only_visible_measures(world, outside, client):
    balsfjord, karlsoy = outside
    world.network.member_municipalities.add(balsfjord)
    world.network.outside_members.add(karlsoy)
    make_measure(world.collaboration, title="Intern nettverksanalyse", network=world.network, visibility="internal")
    body = client.get(detail_url(world)).content.decode()
    inside, outside_part = body.split("Deltakere utenfor samarbeidet")[0], body.split("Deltakere utenfor samarbeidet")[1]
    assert "Kristin Koordinator" in body
    assert "Kåfjord" in inside and "Lyngen" in inside
    assert "Balsfjord" in outside_part and "Karlsøy kommune" in outside_part
    assert "Arkivnettverk" in body and "Intern nettverksanalyse" not in body
    assert "Endre nettverket" not in body
    list_body = client.get(reverse("network_list", args=[world.collaboration.slug])).content.decode()
    assert "Fagnettverk arkivledere" in list_body and "Balsfjord, Karlsøy kommune" in list_body


def test_an_internal_network_is_hidden_from_the_public(world, client):
    world.network.visibility = "internal"
    world.network.save()
    assert client.get(detail_url(world)).status_code == 404
    assert "Fagnettverk arkivledere" not in client.get(
        reverse("network_list", args=[world.collaboration.slug])).content.decode()
    assert client_for(world.secretariat).get(detail_url(world)).status_code == 200


def edit_data(world, **changes):
    data = {"name": world.network.name, "meeting_rhythm": "To møter i året", "description": "Arkivlederne",
            "member_municipalities": [world.kafjord.pk, world.lyngen.pk], "outside_members": [],
            "fingerprint": network_fingerprint(world.network), "reason": "Nytt medlem fra Balsfjord",
            "visibility": "published"}
    data.update(changes)
    return data


def test_the_coordinator_adds_a_member_outside_the_region(world, outside):
    balsfjord, karlsoy = outside
    client = client_for(world.coordinator)
    form = client.get(edit_url(world)).content.decode()
    assert 'name="coordinator"' not in form  # the secretariat names the coordinator
    data = edit_data(world, member_municipalities=[world.kafjord.pk, world.lyngen.pk, balsfjord.pk],
                     outside_members=[karlsoy.pk])
    response = client.post(edit_url(world), data)
    assert response.status_code == 302
    network = Network.objects.get(pk=world.network.pk)
    assert set(network.member_municipalities.values_list("name", flat=True)) == {"Kåfjord", "Lyngen", "Balsfjord"}
    assert list(network.outside_members.values_list("name", flat=True)) == ["Karlsøy kommune"]
    assert network.meeting_rhythm == "To møter i året"
    record = network.history.latest()
    assert (record.history_user, record.history_change_reason) == (world.coordinator, "Nytt medlem fra Balsfjord")
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.NETWORK_SAVED, acting_user=world.coordinator)
    members_event = next(e for e in events if "Deltakende kommuner" in (e.new_value or {}))
    assert members_event.new_value["Deltakende kommuner"] == "Balsfjord, Kåfjord, Lyngen"
    assert members_event.new_value["Deltakere utenfor samarbeidet"] == "Karlsøy kommune"
    assert "Balsfjord" in client.get(response.url).content.decode()


def test_a_stale_form_is_refused_with_what_changed_and_keeps_what_was_typed(world):
    client = client_for(world.secretariat)
    stale = edit_data(world, meeting_rhythm="Månedlig")
    world.network.meeting_rhythm = "Hver høst"
    network_save(acting_user=world.coordinator, network=world.network, reason="Ny rytme",
                 member_municipality_ids=[world.kafjord.pk])
    response = client.post(edit_url(world), stale)
    body = response.content.decode()
    assert response.status_code == 200
    assert "har endret nettverket etter at du åpnet skjemaet" in body and "Hver høst" in body
    assert 'value="Månedlig"' in body
    assert Network.objects.get(pk=world.network.pk).meeting_rhythm == "Hver høst"


def test_the_service_detects_a_change_of_members_alone(world):
    opened = network_fingerprint(world.network)
    network_save(acting_user=None, network=world.network, reason="Lyngen går ut", member_municipality_ids=[
        world.kafjord.pk])
    with pytest.raises(ConcurrentEditError):
        network_save(acting_user=None, network=world.network, reason="x", expected_fingerprint=opened,
                     member_municipality_ids=[world.kafjord.pk, world.lyngen.pk])
    assert list(world.network.member_municipalities.values_list("name", flat=True)) == ["Kåfjord"]


def test_an_invalid_edit_saves_nothing_and_says_why_in_norwegian(world):
    response = client_for(world.secretariat).post(edit_url(world), edit_data(world, name="", reason=""))
    body = response.content.decode()
    assert "Skriv navnet på nettverket." in body and "Skriv en kort begrunnelse." in body
    assert Network.objects.get(pk=world.network.pk).name == "Fagnettverk arkivledere"


def test_others_may_not_edit_the_network(world):
    assert client_for(world.admin_kafjord).get(edit_url(world)).status_code == 403
    assert client_for(world.politician_kafjord).post(edit_url(world), edit_data(world)).status_code == 403


def test_the_secretariat_creates_a_network(world):
    client = client_for(world.secretariat)
    url = reverse("network_create", args=[world.collaboration.slug])
    response = client.post(url, {"name": "Fagnettverk for kommunepsykologer", "visibility": "published",
                                 "member_municipalities": [world.kafjord.pk], "reason": "Vedtak i KDU"})
    assert response.status_code == 302
    network = Network.objects.get(name="Fagnettverk for kommunepsykologer")
    assert network.collaboration == world.collaboration and network.history.count() == 1
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.NETWORK_SAVED, object_id=network.pk).exists()
    duplicate = client.post(url, {"name": "Fagnettverk arkivledere", "visibility": "published", "reason": "x"})
    assert duplicate.status_code == 200
    assert Network.objects.filter(name="Fagnettverk arkivledere").count() == 1
    assert client_for(world.coordinator).get(url).status_code == 403
