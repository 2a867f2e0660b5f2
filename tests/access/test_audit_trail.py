"""The audit trail page (/samarbeid/<slug>/revisjonsspor/): every role,
membership and agreement change of the collaboration, with who, when, old →
new and why; filterable by person and date; the secretariat's only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from collaborations.access.models import AuditEvent, Role, RoleAssignment
from collaborations.access.roles import role_grant, role_revoke
from collaborations.economy.models import HostAgreement
from collaborations.economy.services import agreement_save
from collaborations.registry.services import membership_add, membership_end
from tests.factories import make_municipality, make_user


def url(slug="nord-troms", **query) -> str:
    from urllib.parse import urlencode

    return reverse("audit_trail", args=[slug]) + (f"?{urlencode(query)}" if query else "")


@pytest.fixture
def changes(world):
    """A role granted and revoked, a member admitted and leaving, an agreement saved."""
    newcomer = make_user("ny_koordinator", first_name="Nina", last_name="Ny")
    grant = role_grant(acting_user=world.secretariat, user=newcomer, role=Role.NETWORK_COORDINATOR,
                       network=world.network, reason="Overtar arkivnettverket")
    role_revoke(acting_user=world.secretariat, assignment=grant, reason="Sluttet i kommunen")
    storfjord = make_municipality("Storfjord", "5538")
    membership = membership_add(acting_user=world.secretariat, collaboration=world.collaboration,
                                municipality=storfjord, joined_on=dt.date(2025, 1, 1),
                                consenting_municipality_ids={world.kafjord.pk, world.lyngen.pk},
                                reason="Vedtak i alle kommunestyrene, sak 12/24")
    membership_end(acting_user=world.admin_kafjord, membership=membership, left_on=dt.date(2026, 12, 31),
                   reason="Oppsagt etter kommuneloven § 20-4")
    agreement = HostAgreement(collaboration=world.collaboration, service="Felles IT-drift", host=world.kafjord,
                              positions=Decimal("3.5"), annual_cost=Decimal("1000000"), cost_key=world.cost_key)
    agreement_save(acting_user=world.secretariat, agreement=agreement, reason="Avtale vedtatt")
    agreement.annual_cost = Decimal("1200000")
    agreement_save(acting_user=world.secretariat, agreement=agreement, reason="Prisjustering 2026")
    return newcomer


def test_it_lists_role_membership_and_agreement_changes_with_who_and_why(client, world, changes):
    client.force_login(world.secretariat)
    page = client.get(url()).content.decode()
    for text in ("Rolle tildelt", "Overtar arkivnettverket", "Rolle fjernet", "Sluttet i kommunen",
                 "Bruker: Nina Ny", "Medlem tatt opp", "Vedtak i alle kommunestyrene, sak 12/24",
                 "Medlem trådt ut", "Oppsagt etter kommuneloven § 20-4", "Kari Kåfjord",
                 "Vertskommuneavtale lagret", "Prisjustering 2026", "Siri Sekretær"):
        assert text in page, text
    # old → new of the agreement's cost, as a council member would read it
    assert "<del>1\u00a0000\u00a0000,00</del> → 1\u00a0200\u00a0000,00" in page


def test_it_filters_by_person_kind_and_date(client, world, changes):
    client.force_login(world.secretariat)
    by_nina = client.get(url(person=changes.pk)).content.decode()
    assert "Overtar arkivnettverket" in by_nina and "Prisjustering 2026" not in by_nina
    by_kari = client.get(url(person=world.admin_kafjord.pk)).content.decode()
    assert "Oppsagt etter kommuneloven § 20-4" in by_kari and "Overtar arkivnettverket" not in by_kari
    roles = client.get(url(kind="roles")).content.decode()
    assert "Rolle fjernet" in roles and "Vertskommuneavtale lagret" not in roles
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert "Ingen endringer passer til filteret." in client.get(url(since=tomorrow.isoformat())).content.decode()
    today = client.get(url(since=timezone.localdate().isoformat(), until=timezone.localdate().isoformat()))
    assert "Prisjustering 2026" in today.content.decode()


def test_it_shows_each_event_once_per_collaboration(world, changes):
    events = AuditEvent.objects.filter(collaboration=world.collaboration)
    kinds = list(events.order_by("occurred_at", "id").values_list("kind", flat=True))
    assert kinds[-6:] == ["role_granted", "role_revoked", "membership_added", "membership_ended",
                          "agreement_saved", "agreement_saved"]
    assert not AuditEvent.objects.filter(collaboration=world.other_collaboration,
                                         kind__in=["role_granted", "membership_added", "agreement_saved"]).exists()


@pytest.mark.parametrize("role", ["politician", "admin_participant", "coordinator", "stranger"])
def test_it_refuses_everyone_but_the_secretariat(client, world, changes, role):
    client.force_login(world.users_by_role()[role])
    response = client.get(url())
    assert response.status_code == 403
    assert "Overtar arkivnettverket" not in response.content.decode()


def test_it_sends_anonymous_visitors_to_log_in(client, world):
    response = client.get(url())
    assert response.status_code == 302 and "/konto/login/" in response.url


def test_it_keeps_a_revoked_role_with_who_and_when(world, changes):
    revoked = RoleAssignment.objects.get(user=changes)
    assert revoked.revoked_by == world.secretariat and revoked.revoked_at is not None
    assert not RoleAssignment.objects.active().filter(user=changes).exists()


def test_it_links_the_trail_from_the_collaboration_page_for_the_secretariat_only(client, world):
    link = url().encode()
    client.force_login(world.secretariat)
    assert link in client.get(reverse("collaboration_detail", args=["nord-troms"])).content
    client.force_login(world.politician_kafjord)
    assert link not in client.get(reverse("collaboration_detail", args=["nord-troms"])).content
