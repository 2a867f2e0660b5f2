"""Pages of host agreements: the list (per collaboration and per
municipality), the detail page, and the secretariat's forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from collaborations.access.models import AuditEvent
from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.economy.services import agreement_participant_join, agreement_save
from tests.factories import client_for

K = AuditEvent.Kind
SLUG = "nord-troms"



@pytest.fixture
def agreement(world):
    a = HostAgreement(collaboration=world.collaboration, service="IT-drift", host=world.kafjord, legal_basis="20-2",
                      positions=Decimal("4.0"), annual_cost=Decimal("1000000"), cost_key=world.cost_key,
                      notice_months=12, starts_on=dt.date(2025, 1, 1), delegated_authority="Drift av IT")
    agreement_save(acting_user=world.secretariat, agreement=a, reason="Vedtatt i regionrådet")
    for m, adopted in ((world.kafjord, dt.date(2024, 12, 1)), (world.lyngen, None)):
        agreement_participant_join(acting_user=world.secretariat, agreement=a, municipality=m,
                                   joined_on=dt.date(2025, 1, 1), adopted_on=adopted,
                                   case_number="7/24" if adopted else "", reason="Fra start")
    return a


@pytest.fixture
def internal(world):
    return HostAgreement.objects.create(collaboration=world.collaboration, service="Intern innkjøpsavtale",
                                        host=world.lyngen, visibility="internal")


def detail_url(a, *rest):
    return reverse("agreement_detail", args=[SLUG, a.pk]) if not rest else reverse(rest[0], args=[SLUG, a.pk, *rest[1:]])


# ---------------------------------------------------------------- list and detail

def test_the_list_shows_published_agreements_to_everyone_and_internal_ones_to_the_administration(
        world, agreement, internal):
    anonymous = client_for().get(reverse("agreement_list", args=[SLUG]))
    body = anonymous.content.decode()
    assert "IT-drift" in body and "Intern innkjøpsavtale" not in body
    assert "Ny vertskommuneavtale" not in body
    assert "Ikke vedtatt i:" in body and "Lyngen" in body
    body = client_for(world.secretariat).get(reverse("agreement_list", args=[SLUG])).content.decode()
    assert "Intern innkjøpsavtale" in body and "Ny vertskommuneavtale" in body
    assert "Intern innkjøpsavtale" in client_for(world.admin_kafjord).get(
        reverse("agreement_list", args=[SLUG])).content.decode()
    assert "Intern innkjøpsavtale" not in client_for(world.politician_kafjord).get(
        reverse("agreement_list", args=[SLUG])).content.decode()


def test_the_list_for_one_municipality_shows_what_it_hosts_and_buys(world, agreement, internal):
    url = reverse("agreement_list", args=[SLUG])
    body = client_for(world.secretariat).get(url, {"kommune": "5424"}).content.decode()
    assert "Vertskommuneavtaler for Lyngen" in body
    assert "IT-drift" in body and "Deltaker" in body and "Intern innkjøpsavtale" in body
    body = client_for(world.secretariat).get(url, {"kommune": "5426"}).content.decode()
    assert "IT-drift" in body and "Intern innkjøpsavtale" not in body
    assert client_for().get(url, {"kommune": "9999"}).status_code == 404


def test_the_detail_page_shows_everything_and_who_has_not_adopted(world, agreement):
    response = client_for().get(detail_url(agreement))
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("Kåfjord", "Administrativt vertskommunesamarbeid (§ 20-2)", "Drift av IT", "4,0",
                 "Regionrådsnøkkel (20/80), etter innbyggertall 1. januar 2024", "12 måneder",
                 "01.12.2024, sak 7/24", "Ikke behandlet i kommunestyret ennå", "Vedtatt i regionrådet", "Historikk"):
        assert text in body, text
    assert "Endre avtalen" not in body and "Registrer vedtak" not in body
    assert "Registrer vedtak i Lyngen" in client_for(world.secretariat).get(detail_url(agreement)).content.decode()


def test_each_participant_pays_what_the_one_payments_function_says(world, agreement):
    from django.utils import timezone

    from collaborations.economy import selectors
    from collaborations.templatetags.portal_tags import nok

    year = timezone.localdate().year
    distribution = selectors.distribution(None, world.collaboration, year)
    body = client_for().get(detail_url(agreement)).content.decode()
    for m in (world.kafjord, world.lyngen):
        line = distribution.lines_for(m.pk)[0]
        assert nok(line.share_ore) in body


def test_an_internal_agreement_is_404_for_those_who_may_not_see_it(world, internal):
    for user in (None, world.politician_kafjord, world.admin_outsider, world.stranger):
        assert client_for(user).get(detail_url(internal)).status_code == 404
    assert client_for(world.admin_kafjord).get(detail_url(internal)).status_code == 200
    assert client_for(world.politician_kafjord).get(detail_url(internal, "agreement_edit")).status_code == 404


def test_an_agreement_of_another_collaboration_is_404(world, agreement):
    url = reverse("agreement_detail", args=["vestre-varanger", agreement.pk])
    assert client_for(world.superuser).get(url).status_code == 404


# ---------------------------------------------------------------- create and edit

def form_data(world, **extra):
    data = {"service": "Lønn og regnskap", "host": world.lyngen.pk, "legal_basis": "20-2", "positions": "2,5",
            "annual_cost": "800000", "cost_key": world.cost_key.pk, "starts_on": "2026-01-01", "ends_on": "",
            "notice_months": "12", "exit_terms": "", "delegated_authority": "", "visibility": "published",
            "reason": "Vedtak i regionrådet sak 3/26"}
    data.update(extra)
    return data


def test_the_secretariat_creates_an_agreement(world):
    url = reverse("agreement_create", args=[SLUG])
    client = client_for(world.secretariat)
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(world))
    a = HostAgreement.objects.get(service="Lønn og regnskap")
    assert response.status_code == 302 and response.url.startswith(detail_url(a))
    assert a.positions == Decimal("2.5") and a.version == 1
    assert AuditEvent.objects.filter(kind=K.AGREEMENT_SAVED, object_id=a.pk, reason="Vedtak i regionrådet sak 3/26")


def test_an_invalid_agreement_keeps_what_was_typed_and_says_what_is_wrong(world):
    response = client_for(world.secretariat).post(reverse("agreement_create", args=[SLUG]),
                                                  form_data(world, reason="", ends_on="2025-01-01"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Skriv kort hvorfor avtalen registreres." in body
    assert "«Gjelder til» kan ikke være før «gjelder fra»." in body
    assert 'value="Lønn og regnskap"' in body
    assert not HostAgreement.objects.filter(service="Lønn og regnskap").exists()


def test_the_secretariat_edits_an_agreement_and_a_stale_form_shows_the_conflict(world, agreement):
    url = detail_url(agreement, "agreement_edit")
    client = client_for(world.secretariat)
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(world, service="IT-drift", host=world.kafjord.pk, version=1,
                                          positions="5", reason="Ett årsverk til"))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.positions == Decimal("5") and agreement.version == 2
    response = client.post(url, form_data(world, service="IT-drift", host=world.kafjord.pk, version=1,
                                          positions="7", reason="Gammelt skjema"))
    body = response.content.decode()
    assert response.status_code == 200 and "har endret avtalen etter at du åpnet skjemaet" in body
    assert "Årsverk hos vertskommunen" in body and 'value="7"' in body
    agreement.refresh_from_db()
    assert agreement.positions == Decimal("5")


def test_others_may_not_create_or_edit(world, agreement):
    for user in (world.politician_kafjord, world.admin_kafjord, world.coordinator):
        assert client_for(user).post(reverse("agreement_create", args=[SLUG]), form_data(world)).status_code == 403
        assert client_for(user).post(detail_url(agreement, "agreement_edit"), form_data(world)).status_code == 403
    assert client_for().get(reverse("agreement_create", args=[SLUG])).status_code == 302
    assert not HostAgreement.objects.filter(service="Lønn og regnskap").exists()


# ---------------------------------------------------------------- participants

def test_adding_a_participant(world):
    a = HostAgreement.objects.create(collaboration=world.collaboration, service="Brann", host=world.kafjord,
                                     notice_months=6)
    url = detail_url(a, "agreement_participant_add")
    client = client_for(world.secretariat)
    assert client.get(url).status_code == 200
    response = client.post(url, {"municipality": world.lyngen.pk, "joined_on": "2026-01-01", "adopted_on": "",
                                 "case_number": "", "reason": ""})
    assert "Skriv kort hvorfor kommunen blir med i avtalen" in response.content.decode()
    assert not a.participants.exists()
    response = client.post(url, {"municipality": world.lyngen.pk, "joined_on": "2026-01-01",
                                 "adopted_on": "2025-11-05", "case_number": "33/25", "reason": "Fra start"})
    assert response.status_code == 302
    p = a.participants.get()
    assert (p.municipality, p.adopted_on, p.case_number) == (world.lyngen, dt.date(2025, 11, 5), "33/25")
    assert AuditEvent.objects.filter(kind=K.AGREEMENT_JOINED, municipality=world.lyngen).exists()


def test_a_late_joiner_without_consent_is_refused_on_the_consent_field(world, agreement):
    from collaborations.registry.models import Membership
    from tests.factories import make_municipality

    storfjord = make_municipality("Storfjord", "5428")
    Membership.objects.create(collaboration=world.collaboration, municipality=storfjord, joined_on=dt.date(2018, 1, 1))
    response = client_for(world.secretariat).post(detail_url(agreement, "agreement_participant_add"), {
        "municipality": storfjord.pk, "joined_on": "2026-06-01", "consenting": [world.kafjord.pk],
        "reason": "Storfjord vil bli med"})
    body = response.content.decode()
    assert response.status_code == 200 and "Mangler samtykke fra Lyngen" in body
    assert 'id="id_consenting_error"' in body or "has-error" in body
    assert not agreement.participants.filter(municipality=storfjord).exists()


def test_recording_a_councils_adoption(world, agreement):
    p = agreement.participants.get(municipality=world.lyngen)
    url = detail_url(agreement, "agreement_adoption", p.pk)
    client = client_for(world.secretariat)
    assert client.get(url).status_code == 200
    response = client.post(url, {"adopted_on": "2025-02-12", "case_number": "", "reason": "Protokoll"})
    assert "Oppgi saksnummeret i kommunestyret." in response.content.decode()
    p.refresh_from_db()
    assert p.adopted_on is None
    response = client.post(url, {"adopted_on": "2025-02-12", "case_number": "12/25", "reason": "Protokoll"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.adopted_on, p.case_number) == (dt.date(2025, 2, 12), "12/25")
    assert "Ikke behandlet i kommunestyret ennå" not in client.get(detail_url(agreement)).content.decode()


def test_leaving_shows_the_earliest_exit_and_refuses_an_earlier_date(world, agreement):
    p = agreement.participants.get(municipality=world.lyngen)
    url = detail_url(agreement, "agreement_participant_leave", p.pk)
    client = client_for(world.secretariat)
    body = client.get(url).content.decode()
    assert "12 måneders oppsigelsestid" in body and "tidligste uttreden" in body
    response = client.post(url, {"notice_given_on": "2025-03-15", "left_on": "2025-12-31", "reason": "Sier opp"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tidligste uttreden er 15.03.2026" in body
    assert "Med oppsigelse 15.03.2025 er tidligste uttreden 15.03.2026." in body
    p.refresh_from_db()
    assert p.left_on is None
    response = client.post(url, {"notice_given_on": "2025-03-15", "left_on": "2026-03-15", "reason": "Sier opp"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.left_on == dt.date(2026, 3, 15)
    assert AuditEvent.objects.filter(kind=K.AGREEMENT_LEFT, municipality=world.lyngen).exists()


def test_a_participant_of_another_agreement_is_404(world, agreement):
    other = HostAgreement.objects.create(collaboration=world.collaboration, service="Annet", host=world.lyngen)
    p = HostAgreementParticipant.objects.create(agreement=other, municipality=world.kafjord)
    url = detail_url(agreement, "agreement_adoption", p.pk)
    assert client_for(world.secretariat).get(url).status_code == 404


def test_the_workspace_counts_agreements_waiting_for_a_council(world, agreement):
    body = client_for(world.secretariat).get(reverse("workspace", args=[SLUG])).content.decode()
    assert "1 avtale mangler vedtak i et kommunestyre" in body
    assert reverse("agreement_list", args=[SLUG]) in body and reverse("cost_key_list", args=[SLUG]) in body
