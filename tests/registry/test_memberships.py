import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from collaborations.access import policy
from collaborations.access.policy import Action
from collaborations.common.errors import DomainError
from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.portfolio.models import Participation
from collaborations.registry.models import Collaboration, Membership
from collaborations.registry.services import membership_add, membership_end, municipality_merge
from tests.factories import make_collaboration, make_measure, make_municipality, make_user

D = dt.date


@pytest.fixture
def varanger(db):
    names = ["Berlevåg", "Båtsfjord", "Nesseby", "Tana"]
    members = [make_municipality(n, f"56{i:02d}") for i, n in enumerate(names, start=30)]
    c = make_collaboration("Vestre Varanger", members=members, kind=Collaboration.Kind.FRAMEWORK)
    return c, members


def test_it_takes_in_a_member_when_all_original_members_consent(varanger):
    c, members = varanger
    vardo = make_municipality("Vardø", "5634")
    m = membership_add(acting_user=None, collaboration=c, municipality=vardo, joined_on=D(2024, 1, 1),
                       consenting_municipality_ids=[x.pk for x in members], reason="Vedtak i styringsgruppen.")
    assert not m.is_original_member
    assert m.note == "Tatt opp med samtykke fra Berlevåg, Båtsfjord, Nesseby, Tana. Vedtak i styringsgruppen."


def test_it_refuses_a_member_without_consent_of_all_and_names_the_missing(varanger):
    c, members = varanger
    vardo = make_municipality("Vardø", "5634")
    with pytest.raises(DomainError) as exc:
        membership_add(acting_user=None, reason="Vedtak i kommunestyrene", collaboration=c, municipality=vardo, joined_on=D(2024, 1, 1),
                       consenting_municipality_ids=[members[0].pk, members[2].pk])
    assert exc.value.messages == [
        "Nye medlemmer kan bare tas opp med samtykke fra alle opprinnelige deltakere. "
        "Mangler samtykke fra Båtsfjord, Tana."]
    assert not Membership.objects.filter(municipality=vardo).exists()


def test_it_does_not_need_consent_of_later_members_or_those_who_left(varanger):
    c, members = varanger
    vardo, batsfjord = make_municipality("Vardø", "5634"), members[1]
    membership_add(acting_user=None, reason="Vedtak i kommunestyrene", collaboration=c, municipality=vardo, joined_on=D(2024, 1, 1),
                   consenting_municipality_ids=[x.pk for x in members])
    membership_end(acting_user=None, membership=c.memberships.get(municipality=batsfjord), left_on=D(2024, 6, 30),
                   reason="Vedtak i kommunestyret.")
    vadso = make_municipality("Vadsø", "5607")
    m = membership_add(acting_user=None, reason="Vedtak i kommunestyrene", collaboration=c, municipality=vadso, joined_on=D(2025, 1, 1),
                       consenting_municipality_ids=[members[0].pk, members[2].pk, members[3].pk])
    assert m.pk


def test_it_refuses_a_municipality_that_is_already_a_member(varanger):
    c, members = varanger
    with pytest.raises(DomainError) as exc:
        membership_add(acting_user=None, reason="Vedtak i kommunestyrene", collaboration=c, municipality=members[0], joined_on=D(2024, 1, 1),
                       consenting_municipality_ids=[x.pk for x in members])
    assert exc.value.messages == ["Berlevåg er allerede medlem av Vestre Varanger."]


def test_it_takes_the_first_member_in_as_founding_member(db):
    c = make_collaboration("Nytt samarbeid")
    m = membership_add(acting_user=None, reason="Vedtak i kommunestyrene", collaboration=c, municipality=make_municipality("Tana", "5636"),
                       joined_on=D(2024, 1, 1), consenting_municipality_ids=[])
    assert m.is_original_member and m.note == "Stiftende medlem. Vedtak i kommunestyrene"


def test_it_gives_the_new_members_administration_access(world):
    newcomer = make_municipality("Skjervøy", "5427")
    from collaborations.access.models import Role
    from collaborations.access.roles import role_grant
    admin = make_user("admin_skjervoy")
    role_grant(acting_user=None, reason="Testdata", user=admin, role=Role.MUNICIPAL_ADMIN, municipality=newcomer)
    assert not policy.allows(admin, Action.VIEW_INTERNAL, world.collaboration)
    membership_add(acting_user=world.secretariat, reason="Vedtak i kommunestyrene", collaboration=world.collaboration, municipality=newcomer,
                   joined_on=D(2024, 1, 1), consenting_municipality_ids=[world.kafjord.pk, world.lyngen.pk])
    admin = type(admin).objects.get(pk=admin.pk)  # fresh permission cache
    assert policy.allows(admin, Action.VIEW_INTERNAL, world.collaboration)


def test_it_records_exit_and_shows_notice_periods_of_agreements(world):
    a = HostAgreement.objects.create(collaboration=world.collaboration, service="IT-drift", host=world.kafjord,
                                     annual_cost=Decimal(100), notice_months=12)
    HostAgreementParticipant.objects.create(agreement=a, municipality=world.lyngen)
    b = HostAgreement.objects.create(collaboration=world.collaboration, service="Arkiv", host=world.kafjord)
    HostAgreementParticipant.objects.create(agreement=b, municipality=world.lyngen)
    membership = world.collaboration.memberships.get(municipality=world.lyngen)
    result = membership_end(acting_user=world.secretariat, membership=membership, left_on=D(2025, 12, 31),
                            reason="Vedtak i Lyngen kommunestyre.")
    membership.refresh_from_db()
    assert membership.left_on == D(2025, 12, 31)
    assert result.notices == [
        "«Arkiv» (vert: Kåfjord): avtalen oppgir ingen oppsigelsestid; kommuneloven § 20-4 gjelder.",
        "«IT-drift» (vert: Kåfjord): 12 måneders oppsigelsestid.",
    ]
    admin = type(world.admin_lyngen).objects.get(pk=world.admin_lyngen.pk)
    assert not policy.allows(admin, Action.VIEW_INTERNAL, world.collaboration)


def test_it_refuses_exit_without_reason_twice_or_before_joining(world):
    membership = world.collaboration.memberships.get(municipality=world.lyngen)
    with pytest.raises(DomainError) as exc:
        membership_end(acting_user=None, membership=membership, left_on=D(2025, 1, 1), reason=" ")
    assert exc.value.message_dict == {"reason": ["Skriv kort hvorfor kommunen trer ut."]}
    with pytest.raises(ValidationError) as exc:
        membership_end(acting_user=None, membership=membership, left_on=D(2017, 1, 1), reason="Feil")
    assert "«Medlem til» kan ikke være før «medlem fra»." in exc.value.messages
    membership_end(acting_user=None, membership=membership, left_on=D(2025, 1, 1), reason="Vedtak")
    with pytest.raises(DomainError) as exc:
        membership_end(acting_user=None, membership=membership, left_on=D(2025, 2, 1), reason="Igjen")
    assert exc.value.messages == ["Lyngen trådte allerede ut 01.01.2025."]


@pytest.fixture
def senja(db):
    names = [("Lenvik", "1931"), ("Berg", "1929"), ("Torsken", "1928"), ("Tranøy", "1927")]
    old = [make_municipality(n, num) for n, num in names]
    senja = make_municipality("Senja", "5421")
    c = make_collaboration("Senja-kommunene", members=old, kind=Collaboration.Kind.MERGER)
    return c, old, senja


def test_it_merges_municipalities_and_moves_memberships_forward(senja):
    c, old, new = senja
    user = make_user("fellesnemnd")
    municipality_merge(acting_user=user, reason="Stortingets vedtak om sammenslåing", predecessors=old, successor=new, on_date=D(2020, 1, 1))
    for m in old:
        m.refresh_from_db()
        assert (m.valid_to, m.successor_id) == (D(2019, 12, 31), new.pk)
    new.refresh_from_db()
    assert new.valid_from == D(2020, 1, 1)
    rows = {(ms.municipality.name, ms.joined_on, ms.left_on, ms.is_original_member)
            for ms in c.memberships.select_related("municipality")}
    assert rows == {
        ("Lenvik", D(2018, 1, 1), D(2019, 12, 31), True), ("Berg", D(2018, 1, 1), D(2019, 12, 31), True),
        ("Torsken", D(2018, 1, 1), D(2019, 12, 31), True), ("Tranøy", D(2018, 1, 1), D(2019, 12, 31), True),
        ("Senja", D(2020, 1, 1), None, True),
    }


def test_it_moves_participations_and_ownership_forward_with_history(senja):
    c, old, new = senja
    lenvik, berg = old[0], old[1]
    user = make_user("fellesnemnd")
    running = make_measure(c, title="Felles IKT", participants=[lenvik, berg], owner_municipality=lenvik)
    done = make_measure(c, title="Utredning", participants=[lenvik], phase="completed")
    municipality_merge(acting_user=user, predecessors=old, successor=new, on_date=D(2020, 1, 1),
                       reason="Kongelig resolusjon")
    rows = {(p.measure.title, p.municipality.name, p.left_on) for p in Participation.objects.select_related(
        "measure", "municipality")}
    assert rows == {
        ("Felles IKT", "Lenvik", D(2019, 12, 31)), ("Felles IKT", "Berg", D(2019, 12, 31)),
        ("Felles IKT", "Senja", None), ("Utredning", "Lenvik", None),
    }
    running.refresh_from_db()
    assert running.owner_municipality == new and running.version == 2
    last = running.history.first()
    assert (last.history_user, last.history_change_reason) == (user, "Kongelig resolusjon")
    assert done.participations.get().municipality == lenvik


def test_it_refuses_a_merger_into_itself_or_a_second_merger(senja):
    c, old, new = senja
    with pytest.raises(DomainError) as exc:
        municipality_merge(acting_user=None, reason="Stortingets vedtak om sammenslåing", predecessors=[old[0], new], successor=new, on_date=D(2020, 1, 1))
    assert exc.value.messages == ["Senja kan ikke være sin egen etterfølger."]
    municipality_merge(acting_user=None, reason="Stortingets vedtak om sammenslåing", predecessors=old, successor=new, on_date=D(2020, 1, 1))
    other = make_municipality("Tromsø", "5401")
    with pytest.raises(DomainError) as exc:
        municipality_merge(acting_user=None, reason="Stortingets vedtak om sammenslåing", predecessors=[old[0]], successor=other, on_date=D(2021, 1, 1))
    assert exc.value.messages == ["Lenvik er allerede slått sammen med en annen kommune."]


def test_it_gives_and_takes_access_on_the_days_a_membership_begins_and_ends(world):
    """An exit decided now for the end of the year keeps access until then;
    the daily task takes it the day after, and gives it on a joining day."""
    from collaborations.access import policy
    from collaborations.access.policy import Action
    from collaborations.access.roles import permissions_sync_memberships_changing
    from collaborations.access.tasks import sync_membership_permissions

    membership = world.collaboration.memberships.get(municipality=world.lyngen)
    last_day = dt.date.today() + dt.timedelta(days=30)
    membership_end(acting_user=world.secretariat, membership=membership, left_on=last_day, reason="Oppsagt")
    admin = type(world.admin_lyngen).objects.get(pk=world.admin_lyngen.pk)
    assert policy.allows(admin, Action.VIEW_INTERNAL, world.collaboration)  # still a member until then

    assert permissions_sync_memberships_changing(last_day + dt.timedelta(days=1)) == 1
    admin = type(world.admin_lyngen).objects.get(pk=world.admin_lyngen.pk)
    assert not policy.allows(admin, Action.VIEW_INTERNAL, world.collaboration)
    assert sync_membership_permissions.delay().get() == 0  # nothing begins or ends today
