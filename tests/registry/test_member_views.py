"""The members page, taking in a member with every original member's
consent, and a member's exit with the agreements' notice periods."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from collaborations.access.models import AuditEvent
from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.registry.models import Membership
from collaborations.registry.selectors import exit_notices
from tests.factories import client_for, make_municipality

D = dt.date



@pytest.fixture
def tana(world):
    return make_municipality("Tana", "5636")


def add_url(world):
    return reverse("member_add", args=[world.collaboration.slug])


def test_the_member_list_is_public_and_shows_dates_and_original_members(world, client):
    response = client.get(reverse("member_list", args=[world.collaboration.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kåfjord" in body and "Lyngen" in body and "01.01.2018" in body
    assert "Ta opp nytt medlem" not in body  # anonymous visitors change nothing
    secretariat = client_for(world.secretariat).get(reverse("member_list", args=[world.collaboration.slug]))
    assert "Ta opp nytt medlem" in secretariat.content.decode()


def test_the_add_form_asks_each_original_member_for_consent(world, tana):
    response = client_for(world.secretariat).get(add_url(world))
    body = response.content.decode()
    assert "Kåfjord samtykker" in body and "Lyngen samtykker" in body
    assert "Vedtak i kommunestyret i Kåfjord (dato og saksnummer)" in body


def test_it_refuses_without_every_consent_names_the_missing_and_keeps_what_was_typed(world, tana):
    data = {"municipality": tana.pk, "joined_on": "2026-01-01", "reason": "Vedtak i regionrådet 12.11.2025",
            f"consent_{world.kafjord.pk}": "on", f"decision_{world.kafjord.pk}": "PS 12/25, 01.10.2025"}
    response = client_for(world.secretariat).post(add_url(world), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert ("Nye medlemmer kan bare tas opp med samtykke fra alle opprinnelige deltakere. "
            "Mangler samtykke fra Lyngen.") in body
    assert "PS 12/25, 01.10.2025" in body and "Vedtak i regionrådet 12.11.2025" in body
    assert not Membership.objects.filter(municipality=tana).exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.MEMBERSHIP_ADDED).exists()


def test_it_takes_in_a_member_with_every_consent_and_keeps_the_decisions(world, tana):
    data = {"municipality": tana.pk, "joined_on": "2026-01-01", "reason": "Vedtak i regionrådet",
            f"consent_{world.kafjord.pk}": "on", f"decision_{world.kafjord.pk}": "PS 12/25",
            f"consent_{world.lyngen.pk}": "on", f"decision_{world.lyngen.pk}": "PS 40/25"}
    client = client_for(world.secretariat)
    response = client.post(add_url(world), data)
    assert response.status_code == 302
    membership = Membership.objects.get(municipality=tana)
    assert (membership.joined_on, membership.is_original_member) == (D(2026, 1, 1), False)
    assert membership.history.latest().history_user == world.secretariat
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.MEMBERSHIP_ADDED)
    assert event.acting_user == world.secretariat
    assert event.reason == "Vedtak i regionrådet Samtykke: Kåfjord: PS 12/25; Lyngen: PS 40/25."
    page = client.get(response.url)
    assert "Tana er tatt opp som medlem fra 01.01.2026." in page.content.decode()


def test_the_add_form_says_in_norwegian_what_is_missing(world, tana):
    response = client_for(world.secretariat).post(add_url(world), {"reason": ""})
    body = response.content.decode()
    assert "Velg kommunen som skal tas opp." in body and "Skriv datoen kommunen blir medlem." in body
    assert Membership.objects.count() == 3


def test_a_politician_may_not_take_in_members(world, tana):
    assert client_for(world.politician_kafjord).get(add_url(world)).status_code == 403


@pytest.fixture
def agreement(world):
    a = HostAgreement.objects.create(collaboration=world.collaboration, service="Barnevern", host=world.kafjord,
                                     positions=Decimal(3), notice_months=12,
                                     exit_terms="Oppsigelse skriftlig til vertskommunen.")
    HostAgreementParticipant.objects.create(agreement=a, municipality=world.lyngen)
    return a


def exit_url(world, municipality):
    return reverse("member_exit", args=[world.collaboration.slug, municipality.pk])


def test_an_exit_shows_the_notice_periods_and_the_earliest_exit_date(world, agreement):
    client = client_for(world.secretariat)
    form = client.get(exit_url(world, world.lyngen)).content.decode()
    assert "Barnevern" in form and "12 måneders oppsigelsestid" in form
    response = client.post(exit_url(world, world.lyngen), {"left_on": "2026-12-31", "reason": "K-sak 33/26"})
    assert response.status_code == 302
    membership = world.collaboration.memberships.get(municipality=world.lyngen)
    assert membership.left_on == D(2026, 12, 31)
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.MEMBERSHIP_ENDED).reason == "K-sak 33/26"
    body = client.get(response.url).content.decode()
    assert "Uttreden er registrert." in body
    assert "«Barnevern» (vert: Kåfjord): 12 måneders oppsigelsestid." in body
    notice = exit_notices(membership)[0]
    assert notice.earliest_exit_on == max(D(2026, 12, 31), notice.notice_given_on.replace(
        year=notice.notice_given_on.year + 1))
    assert f"Tidligste uttreden: {notice.earliest_exit_on:%d.%m.%Y}" in body
    assert "Oppsigelse skriftlig til vertskommunen." in body


def test_the_earliest_exit_counts_the_notice_from_the_day_notice_is_given(world, agreement):
    membership = world.collaboration.memberships.get(municipality=world.lyngen)
    membership.left_on = D(2025, 3, 31)
    notice = exit_notices(membership, notice_given_on=D(2025, 1, 31))[0]
    assert notice.earliest_exit_on == D(2026, 1, 31)
    agreement.notice_months = None
    agreement.save()
    assert exit_notices(membership, notice_given_on=D(2025, 1, 31))[0].earliest_exit_on is None


def test_an_exit_before_joining_is_refused_on_the_field(world):
    response = client_for(world.secretariat).post(exit_url(world, world.lyngen),
                                                  {"left_on": "2017-12-31", "reason": "Feil"})
    assert "Siste dag kan ikke være før kommunen ble medlem." in response.content.decode()
    assert world.collaboration.memberships.get(municipality=world.lyngen).left_on is None


def test_an_exit_without_a_reason_saves_nothing(world):
    response = client_for(world.secretariat).post(exit_url(world, world.lyngen), {"left_on": "2026-12-31"})
    assert response.status_code == 200 and "Skriv en kort begrunnelse." in response.content.decode()
    assert world.collaboration.memberships.get(municipality=world.lyngen).left_on is None
