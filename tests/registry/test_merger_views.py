"""Mergers in the portal: to an existing successor or a new one, all or
nothing; the old municipality's page says when it ended and links to the
successor; members as of a day show the old names before and the new after.
And the collaboration page lists the collaborations nested in it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from collaborations.access.models import AuditEvent
from collaborations.common.errors import DomainError
from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.economy.selectors import distribution
from collaborations.registry.models import Collaboration, Municipality, PopulationFigure
from collaborations.registry.selectors import members_on, memberships_on
from collaborations.registry.services import merger_apply
from tests.factories import make_collaboration, make_county, make_measure, make_municipality

D = dt.date


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def merger_url(world):
    return reverse("merger", args=[world.collaboration.slug])


def test_the_secretariat_merges_two_members_into_a_new_municipality(world):
    client = client_for(world.secretariat)
    form = client.get(merger_url(world)).content.decode()
    assert "Kåfjord" in form and "Loppa" not in form.split('name="predecessors"')[-1].split("</fieldset>")[0]
    response = client.post(merger_url(world), {
        "predecessors": [world.kafjord.pk, world.lyngen.pk], "new_number": "5599", "new_name": "Lyngsalpan",
        "new_county": make_county().pk, "on_date": "2024-01-01", "reason": "Vedtatt av Stortinget 2022"})
    assert response.status_code == 302
    successor = Municipality.objects.get(name="Lyngsalpan")
    kafjord = Municipality.objects.get(pk=world.kafjord.pk)
    assert (kafjord.valid_to, kafjord.successor) == (D(2023, 12, 31), successor)
    assert successor.valid_from == D(2024, 1, 1)
    assert kafjord.history.latest().history_change_reason == "Vedtatt av Stortinget 2022"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MUNICIPALITY_MERGED, acting_user=world.secretariat,
                                     collaboration=world.collaboration).count() == 1
    # Members as of a day: the old names before, the new after.
    assert [m.name for m in members_on(world.collaboration, D(2023, 12, 31))] == ["Kåfjord", "Lyngen"]
    assert [m.name for m in members_on(world.collaboration, D(2024, 1, 1))] == ["Lyngsalpan"]
    assert memberships_on(D(2024, 1, 1)).get(collaboration=world.collaboration).is_original_member
    # The shared measure's participants move too (history kept).
    assert set(world.shared.participations.filter(left_on__isnull=True)
               .values_list("municipality__name", flat=True)) == {"Lyngsalpan"}
    listing = client.get(response.url).content.decode()
    assert "Sammenslåingen er registrert: Kåfjord, Lyngen ble Lyngsalpan fra 01.01.2024." in listing
    page = client.get(reverse("dashboard_municipality", args=[world.collaboration.slug, "5426"])).content.decode()
    successor_url = reverse("dashboard_municipality", args=[world.collaboration.slug, "5599"])
    assert "Opphørte 31.12.2023" in page and f'href="{successor_url}">Lyngsalpan</a>' in page


def test_a_refused_merger_creates_no_new_municipality(world):
    other = make_municipality("Nordreisa", "5544")
    other.successor, other.valid_to = world.outsider, D(2019, 12, 31)
    other.save()
    with pytest.raises(DomainError):
        merger_apply(acting_user=world.secretariat, predecessors=[other], on_date=D(2024, 1, 1), reason="x",
                     new_successor=Municipality(number="5598", name="Ny", county=make_county()))
    assert not Municipality.objects.filter(name="Ny").exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.MUNICIPALITY_MERGED).exists()


def test_the_merger_form_refuses_both_or_neither_successor_in_norwegian(world):
    client = client_for(world.secretariat)
    neither = client.post(merger_url(world), {"predecessors": [world.kafjord.pk], "on_date": "2024-01-01",
                                              "reason": "x"}).content.decode()
    assert "Velg etterfølgeren, eller fyll ut nummer, navn og fylke for en ny kommune." in neither
    both = client.post(merger_url(world), {"predecessors": [world.kafjord.pk], "successor": world.lyngen.pk,
                                           "new_name": "Ny", "on_date": "2024-01-01", "reason": "x"}).content.decode()
    assert "Velg en eksisterende etterfølger eller opprett en ny, ikke begge." in both
    itself = client.post(merger_url(world), {"predecessors": [world.kafjord.pk, world.lyngen.pk],
                                             "successor": world.lyngen.pk, "on_date": "2024-01-01",
                                             "reason": "x"}).content.decode()
    assert "Etterfølgeren kan ikke være en av kommunene som slås sammen." in itself
    assert Municipality.objects.filter(successor__isnull=False).count() == 0


def test_a_merger_into_an_existing_municipality(world):
    senja = make_municipality("Senja", "5530")
    response = client_for(world.superuser).post(merger_url(world), {
        "predecessors": [world.lyngen.pk], "successor": senja.pk, "on_date": "2020-01-01", "reason": "Reformen"})
    assert response.status_code == 302
    assert Municipality.objects.get(pk=world.lyngen.pk).successor == senja
    assert [m.name for m in members_on(world.collaboration, D(2020, 1, 1))] == ["Kåfjord", "Senja"]


def test_only_the_secretariat_and_the_superuser_apply_mergers(world):
    for user in (world.admin_kafjord, world.coordinator, world.politician_kafjord):
        assert client_for(user).post(merger_url(world), {}).status_code == 403
    foreign = reverse("merger", args=[world.other_collaboration.slug])
    assert client_for(world.secretariat).get(foreign).status_code == 403


def test_the_collaboration_page_lists_the_collaborations_inside_it_and_its_parent(db, client):
    trondelag = make_collaboration("Trøndelag", kind=Collaboration.Kind.COUNTY_WIDE)
    fosen = make_collaboration("Fosen", parent=trondelag)
    make_collaboration("Indre Namdal", parent=trondelag)
    body = client.get(reverse("collaboration_detail", args=[trondelag.slug])).content.decode()
    assert "Samarbeid inni dette" in body
    assert f'href="{reverse("collaboration_detail", args=["fosen"])}">Fosen</a>' in body and "Indre Namdal" in body
    child = client.get(reverse("collaboration_detail", args=[fosen.slug])).content.decode()
    assert f'href="{reverse("collaboration_detail", args=[trondelag.slug])}">Trøndelag</a>' in child


def test_payments_before_the_merger_fall_on_the_old_municipalities_and_after_it_on_the_successor(world):
    agreement = HostAgreement.objects.create(collaboration=world.collaboration, service="Barnevern",
                                             host=world.kafjord, annual_cost=Decimal("1000000"),
                                             cost_key=world.cost_key, starts_on=D(2020, 1, 1))
    for m in (world.kafjord, world.lyngen):
        HostAgreementParticipant.objects.create(agreement=agreement, municipality=m)
    successor = merger_apply(acting_user=world.secretariat, predecessors=[world.kafjord, world.lyngen],
                             on_date=D(2024, 1, 1), reason="Reformen",
                             new_successor=Municipality(number="5599", name="Lyngsalpan", county=make_county()))
    PopulationFigure.objects.create(municipality=successor, year=2024, population=4800, source="SSB, test")
    before = distribution(world.secretariat, world.collaboration, 2023)
    after = distribution(world.secretariat, world.collaboration, 2025)
    assert before.payer_ids == {world.kafjord.pk, world.lyngen.pk}
    assert after.payer_ids == {successor.pk}
    assert after.total_ore(successor.pk) == 100_000_000
    assert HostAgreement.objects.get(pk=agreement.pk).host == successor


def test_the_overview_with_nested_collaborations_counts_each_measure_once_and_hides_internal_ones(db, client):
    trondelag = make_collaboration("Trøndelag", kind=Collaboration.Kind.COUNTY_WIDE)
    fosen = make_collaboration("Fosen", parent=trondelag)
    namdal = make_collaboration("Indre Namdal", parent=trondelag)
    inner = make_collaboration("Grong vertskommune", parent=namdal)
    make_measure(trondelag, title="Felles digitalisering")
    make_measure(fosen, title="Fosen barnevern")
    make_measure(inner, title="Plan og byggesak")
    make_measure(namdal, title="Intern ROS Namdal", visibility="internal")
    url = reverse("collaboration_detail", args=[trondelag.slug])
    plain = client.get(url).content.decode()
    assert "Fosen barnevern" not in plain and "med undersamarbeid" in plain
    body = client.get(url + "?med=undersamarbeid").content.decode()
    assert "Fosen barnevern" in body and "Plan og byggesak" in body and "Intern ROS Namdal" not in body
    assert "3 tiltak i alt, med samarbeidene inni dette (hvert tiltak telt én gang)." in body
