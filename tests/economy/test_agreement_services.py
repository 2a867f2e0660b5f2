"""Services of host agreements: saving with a version, participants joining
(with the consent rule), a council's adoption, and leaving with notice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from collaborations.access.models import AuditEvent
from collaborations.common.errors import ConcurrentEditError, DomainError
from collaborations.economy import selectors
from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.economy.services import (
    agreement_adoption_record,
    agreement_participant_join,
    agreement_participant_leave,
    agreement_save,
)
from collaborations.registry.models import Membership
from tests.factories import make_municipality

K = AuditEvent.Kind


@pytest.fixture
def agreement(world):
    a = HostAgreement(collaboration=world.collaboration, service="IT-drift", host=world.kafjord,
                      legal_basis="20-2", positions=Decimal("4.0"), annual_cost=Decimal("1200000"),
                      cost_key=world.cost_key, notice_months=12, starts_on=dt.date(2025, 1, 1))
    return agreement_save(acting_user=world.secretariat, agreement=a, reason="Vedtatt i regionrådet")


@pytest.fixture
def storfjord(world):
    m = make_municipality("Storfjord", "5428", population=1800)
    Membership.objects.create(collaboration=world.collaboration, municipality=m, joined_on=dt.date(2018, 1, 1))
    return m


def join(world, agreement, municipality, joined_on=dt.date(2025, 1, 1), **extra):
    return agreement_participant_join(acting_user=world.secretariat, agreement=agreement, municipality=municipality,
                                      joined_on=joined_on, reason=extra.pop("reason", "Med fra start"), **extra)


# ---------------------------------------------------------------- agreement_save

def test_saving_keeps_history_audit_and_a_new_version(world, agreement):
    assert agreement.version == 1
    event = AuditEvent.objects.get(kind=K.AGREEMENT_SAVED, object_id=agreement.pk)
    assert event.reason == "Vedtatt i regionrådet" and event.acting_user == world.secretariat
    agreement.positions = Decimal("5.0")
    agreement_save(acting_user=world.secretariat, agreement=agreement, reason="Ett årsverk til",
                   expected_version=1)
    agreement.refresh_from_db()
    assert agreement.version == 2
    last = agreement.history.latest()
    assert last.history_change_reason == "Ett årsverk til" and last.history_user == world.secretariat
    assert AuditEvent.objects.filter(kind=K.AGREEMENT_SAVED, object_id=agreement.pk).count() == 2


def test_a_stale_save_is_refused_with_what_changed(world, agreement):
    first = HostAgreement.objects.get(pk=agreement.pk)
    first.annual_cost = Decimal("1300000")
    agreement_save(acting_user=world.secretariat, agreement=first, reason="Ny pris", expected_version=1)
    stale = HostAgreement.objects.get(pk=agreement.pk)
    stale.positions = Decimal("9.0")
    with pytest.raises(ConcurrentEditError) as caught:
        agreement_save(acting_user=world.admin_kafjord, agreement=stale, reason="Mitt forslag", expected_version=1)
    assert any(label == "Årlig kostnad (NOK)" for label, _old, _new in caught.value.changes)
    assert caught.value.changed_by == "Siri Sekretær"
    assert HostAgreement.objects.get(pk=agreement.pk).positions == Decimal("4.0")


def test_saving_without_a_reason_is_refused_and_nothing_saved(world):
    a = HostAgreement(collaboration=world.collaboration, service="Lønn", host=world.lyngen)
    with pytest.raises(DomainError):
        agreement_save(acting_user=world.secretariat, agreement=a, reason="  ")
    assert not HostAgreement.objects.filter(service="Lønn").exists()


# ---------------------------------------------------------------- joining

def test_participants_from_the_start_join_without_consent(world, agreement):
    p = join(world, agreement, world.lyngen, adopted_on=dt.date(2024, 11, 20), case_number="45/24")
    assert p.joined_on == dt.date(2025, 1, 1) and p.case_number == "45/24"
    event = AuditEvent.objects.get(kind=K.AGREEMENT_JOINED)
    assert event.municipality == world.lyngen and event.reason == "Med fra start"
    assert event.new_value["Kommunestyrevedtak"] == "20.11.2024, sak 45/24"
    assert p.history.latest().history_change_reason == "Med fra start"


def test_a_late_joiner_needs_the_consent_of_the_host_and_every_original_participant(world, agreement, storfjord):
    join(world, agreement, world.lyngen)
    with pytest.raises(DomainError) as caught:
        join(world, agreement, storfjord, joined_on=dt.date(2026, 1, 1), consenting_municipality_ids=[world.kafjord.pk])
    assert "Mangler samtykke fra Lyngen" in str(caught.value)
    assert not HostAgreementParticipant.objects.filter(municipality=storfjord).exists()
    assert not AuditEvent.objects.filter(kind=K.AGREEMENT_JOINED, municipality=storfjord).exists()
    join(world, agreement, storfjord, joined_on=dt.date(2026, 1, 1),
         consenting_municipality_ids=[world.kafjord.pk, world.lyngen.pk])
    event = AuditEvent.objects.get(kind=K.AGREEMENT_JOINED, municipality=storfjord)
    assert event.new_value["Samtykke"] == "Tatt inn med samtykke fra Kåfjord, Lyngen."


def test_a_municipality_cannot_join_twice_nor_adopt_in_the_future(world, agreement):
    join(world, agreement, world.lyngen)
    with pytest.raises(DomainError) as caught:
        join(world, agreement, world.lyngen)
    assert "allerede med i avtalen" in str(caught.value)
    with pytest.raises(DomainError) as caught:
        join(world, agreement, world.kafjord, adopted_on=dt.date(2099, 1, 1))
    assert "fram i tid" in str(caught.value)
    assert agreement.participants.count() == 1


# ---------------------------------------------------------------- adoption

def test_a_council_adoption_is_recorded_with_history_and_audit(world, agreement):
    p = join(world, agreement, world.lyngen)
    assert selectors.not_adopted(selectors.participants_of(agreement)) == [p]
    agreement_adoption_record(acting_user=world.secretariat, participant=p, adopted_on=dt.date(2025, 2, 12),
                              case_number="12/25", reason="Protokoll fra kommunestyret")
    p.refresh_from_db()
    assert (p.adopted_on, p.case_number) == (dt.date(2025, 2, 12), "12/25")
    assert selectors.not_adopted(selectors.participants_of(agreement)) == []
    event = AuditEvent.objects.filter(kind=K.AGREEMENT_SAVED, municipality=world.lyngen).get()
    assert event.old_value == {"Kommunestyrevedtak i Lyngen": "Ikke behandlet i kommunestyret ennå"}
    assert event.new_value == {"Kommunestyrevedtak i Lyngen": "12.02.2025, sak 12/25"}
    assert p.history.latest().history_change_reason == "Protokoll fra kommunestyret"


def test_an_adoption_needs_a_case_number(world, agreement):
    p = join(world, agreement, world.lyngen)
    with pytest.raises(DomainError) as caught:
        agreement_adoption_record(acting_user=world.secretariat, participant=p, adopted_on=dt.date(2025, 2, 12),
                                  case_number=" ", reason="Protokoll")
    assert caught.value.error_dict["case_number"]
    p.refresh_from_db()
    assert p.adopted_on is None


# ---------------------------------------------------------------- leaving

def test_earliest_exit_is_the_notice_date_plus_the_notice_period():
    assert selectors.earliest_exit(dt.date(2025, 3, 15), 12) == dt.date(2026, 3, 15)
    assert selectors.earliest_exit(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert selectors.earliest_exit(dt.date(2025, 3, 15), None) == dt.date(2025, 3, 15)


def test_an_exit_before_the_earliest_date_is_refused_naming_it(world, agreement):
    p = join(world, agreement, world.lyngen)
    with pytest.raises(DomainError) as caught:
        agreement_participant_leave(acting_user=world.secretariat, participant=p,
                                    notice_given_on=dt.date(2025, 3, 15), left_on=dt.date(2025, 12, 31),
                                    reason="Lyngen sier opp")
    assert "Tidligste uttreden er 15.03.2026" in str(caught.value.error_dict["left_on"])
    p.refresh_from_db()
    assert p.left_on is None and not AuditEvent.objects.filter(kind=K.AGREEMENT_LEFT).exists()


def test_an_exit_after_the_notice_period_is_recorded(world, agreement):
    p = join(world, agreement, world.lyngen)
    agreement_participant_leave(acting_user=world.secretariat, participant=p, notice_given_on=dt.date(2025, 3, 15),
                                left_on=dt.date(2026, 3, 15), reason="Lyngen sier opp")
    p.refresh_from_db()
    assert (p.left_on, p.notice_given_on) == (dt.date(2026, 3, 15), dt.date(2025, 3, 15))
    event = AuditEvent.objects.get(kind=K.AGREEMENT_LEFT)
    assert event.new_value["Tidligste uttreden"] == "15.03.2026"
    assert event.new_value["Oppsigelse gitt"] == "15.03.2025"
    assert event.collaboration == world.collaboration and event.reason == "Lyngen sier opp"
    assert p.history.latest().history_change_reason == "Lyngen sier opp"
    with pytest.raises(DomainError):
        agreement_participant_leave(acting_user=world.secretariat, participant=p,
                                    notice_given_on=dt.date(2026, 3, 15), left_on=dt.date(2027, 3, 15),
                                    reason="To ganger")


def test_the_history_lists_the_agreement_and_its_participants(world, agreement):
    p = join(world, agreement, world.lyngen)
    agreement_adoption_record(acting_user=world.secretariat, participant=p, adopted_on=dt.date(2025, 2, 12),
                              case_number="12/25", reason="Protokoll")
    history = selectors.agreement_history(agreement)
    assert [(e.subject, e.reason) for e in history] == [
        ("Lyngen", "Protokoll"), ("Lyngen", "Med fra start"), ("IT-drift", "Vedtatt i regionrådet")]
    assert ("Saksnummer", "—", "12/25") in history[0].changes
