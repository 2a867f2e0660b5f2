"""People and roles in the portal: the roles page (who holds what, members
without an administrator, grant), revoking, invitations by e-mail, a
person's page and the workspace section."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from collaborations.access import policy
from collaborations.access.models import AuditEvent, Role, RoleAssignment
from collaborations.access.policy import Action
from collaborations.access.services import person_invite, role_grant_in, role_revoke_in
from collaborations.common.errors import DomainError
from collaborations.registry.models import Membership, Network, Person
from tests.factories import client_for, make_measure, make_municipality, make_partner_user, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()



def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def storfjord(world):
    """A member without an administrator (like Kvænangen and Storfjord in the demo)."""
    m = make_municipality("Storfjord", "5425")
    Membership.objects.create(collaboration=world.collaboration, municipality=m)
    return m


# ---------------------------------------------------------------- services: grant and revoke

def test_the_secretariat_grants_a_coordinator_role_in_its_collaboration(world):
    user = make_user("ny")
    a = role_grant_in(acting_user=world.secretariat, collaboration=world.collaboration, user=user,
                      role=Role.NETWORK_COORDINATOR, kind="n", pk=world.network.pk, reason="Ny koordinator")
    assert a.granted_by == world.secretariat
    assert policy.allows(fresh(user), Action.COORDINATE, world.network)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ROLE_GRANTED, modified_user=user)
    assert (event.acting_user, event.reason, event.collaboration) == (world.secretariat, "Ny koordinator",
                                                                       world.collaboration)


def test_the_secretariat_grants_an_administrator_for_a_member_only_in_its_collaboration(world, storfjord):
    user = make_user("admin_storfjord")
    a = role_grant_in(acting_user=world.secretariat, collaboration=world.collaboration, user=user,
                      role=Role.MUNICIPAL_ADMIN, kind="m", pk=storfjord.pk, reason="Ny saksbehandler")
    assert a.municipality == storfjord
    assert policy.allows(fresh(user), Action.VIEW_INTERNAL, world.collaboration)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ROLE_GRANTED, modified_user=user)
    assert event.collaboration == world.collaboration  # the trail of the collaboration it was granted from


def test_a_forged_scope_from_another_collaboration_is_refused_and_nothing_saved(world):
    user = make_user("ny")
    foreign_network = Network.objects.create(collaboration=world.other_collaboration, name="Fremmed nettverk")
    for role, kind, pk in [(Role.MUNICIPAL_ADMIN, "m", world.outsider.pk),
                           (Role.SECRETARIAT, "c", world.other_collaboration.pk),
                           (Role.NETWORK_COORDINATOR, "n", foreign_network.pk)]:
        with pytest.raises(DomainError):
            role_grant_in(acting_user=world.secretariat, collaboration=world.collaboration, user=user, role=role,
                          kind=kind, pk=pk, reason="Forsøk")
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(modified_user=user).exists()


def test_a_municipality_also_in_a_collaboration_the_secretariat_does_not_manage_is_refused(world):
    Membership.objects.create(collaboration=world.other_collaboration, municipality=world.kafjord)
    user = make_user("ny")
    with pytest.raises(DomainError, match="hovedadministrator"):
        role_grant_in(acting_user=world.secretariat, collaboration=world.collaboration, user=user,
                      role=Role.MUNICIPAL_ADMIN, kind="m", pk=world.kafjord.pk, reason="Ny")
    a = role_grant_in(acting_user=world.superuser, collaboration=world.collaboration, user=user,
                      role=Role.MUNICIPAL_ADMIN, kind="m", pk=world.kafjord.pk, reason="Ny")
    assert a.granted_by == world.superuser


def test_granting_needs_a_reason_and_a_matching_scope(world):
    user = make_user("ny")
    with pytest.raises(DomainError):
        role_grant_in(acting_user=world.secretariat, collaboration=world.collaboration, user=user,
                      role=Role.NETWORK_COORDINATOR, kind="n", pk=world.network.pk, reason=" ")
    with pytest.raises(DomainError):
        role_grant_in(acting_user=world.secretariat, collaboration=world.collaboration, user=user,
                      role=Role.NETWORK_COORDINATOR, kind="c", pk=world.collaboration.pk, reason="Ny")
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_a_non_secretariat_may_not_grant(world):
    with pytest.raises(DomainError):
        role_grant_in(acting_user=world.admin_kafjord, collaboration=world.collaboration, user=make_user("ny"),
                      role=Role.SECRETARIAT, kind="c", pk=world.collaboration.pk, reason="Ny")


def test_revoking_from_the_collaboration_keeps_the_row_and_records_why(world):
    assignment = RoleAssignment.objects.get(user=world.coordinator)
    role_revoke_in(acting_user=world.secretariat, collaboration=world.collaboration, assignment=assignment,
                   reason="Gikk av")
    assignment.refresh_from_db()
    assert assignment.revoked_by == world.secretariat
    assert not policy.allows(fresh(world.coordinator), Action.COORDINATE, world.network)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ROLE_REVOKED)
    assert (event.reason, event.collaboration) == ("Gikk av", world.collaboration)
    with pytest.raises(DomainError):
        role_revoke_in(acting_user=world.secretariat, collaboration=world.collaboration, assignment=assignment,
                       reason="Igjen")


def test_a_role_of_another_collaboration_cannot_be_revoked_from_this_one(world):
    foreign = RoleAssignment.objects.get(user=world.admin_outsider)
    with pytest.raises(DomainError):
        role_revoke_in(acting_user=world.secretariat, collaboration=world.collaboration, assignment=foreign,
                       reason="Forsøk")
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


# ---------------------------------------------------------------- services: invitations

def invite(world, **extra):
    data = {"acting_user": world.secretariat, "collaboration": world.collaboration, "name": "Pia Partner",
            "email": "Pia.Partner@unn.no", "role": Role.SECRETARIAT, "kind": "c", "pk": world.collaboration.pk,
            "reason": "Ny i sekretariatet", "site_url": "http://testserver/", "organisation": "UNN HF"}
    data.update(extra)
    return person_invite(**data)


def test_an_invitation_creates_the_user_the_person_and_the_role_and_sends_a_link(world):
    invitation = invite(world)
    user = invitation.user
    assert invitation.created
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "pia.partner@unn.no", "pia.partner@unn.no", "Pia", "Partner")
    assert not user.has_usable_password()
    person = Person.objects.get(user=user)
    assert (person.name, person.organisation) == ("Pia Partner", "UNN HF")
    assert person.history.first().history_change_reason == "Ny i sekretariatet"
    assert RoleAssignment.objects.active().filter(user=user, role=Role.SECRETARIAT).exists()
    invited = AuditEvent.objects.get(kind=AuditEvent.Kind.USER_INVITED)
    assert (invited.acting_user, invited.modified_user, invited.reason, invited.collaboration) == (
        world.secretariat, user, "Ny i sekretariatet", world.collaboration)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_GRANTED, modified_user=user).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pia.partner@unn.no"]
    assert "Nord-Troms" in message.subject
    assert "3 dager" in message.body
    assert "/konto/reset/" in message.body
    assert message.alternatives and "Velg passord" in message.alternatives[0][0]


def test_the_link_lets_the_invited_person_choose_a_password(world, client):
    invite(world)
    link = re.search(r"http://testserver(/konto/reset/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    response = client.post(page.redirect_chain[-1][0], {"new_password1": "et-godt-passord-123",
                                                         "new_password2": "et-godt-passord-123"})
    assert response.status_code == 302
    assert User.objects.get(username="pia.partner@unn.no").check_password("et-godt-passord-123")


def test_reinviting_an_existing_user_grants_the_role_and_sends_a_login_link(world):
    user = world.admin_kafjord
    invitation = invite(world, email=user.email, name="Kari Kåfjord")
    assert not invitation.created and invitation.user == user
    assert User.objects.filter(email__iexact=user.email).count() == 1
    assert RoleAssignment.objects.active().filter(user=user, role=Role.SECRETARIAT).exists()
    assert "/konto/login/" in mail.outbox[0].body and "/konto/reset/" not in mail.outbox[0].body


def test_an_invitation_links_an_existing_person_without_a_login(world):
    person = Person.objects.create(name="Pia Partner", email="pia.partner@unn.no")
    measure = make_measure(world.collaboration, title="Ansvarlig tiltak", responsible=person)
    invitation = invite(world)
    assert invitation.person == person
    assert policy.allows(fresh(invitation.user), Action.EDIT, measure)


def test_an_invitation_refused_saves_nothing_and_sends_nothing(world):
    with pytest.raises(DomainError):
        invite(world, role=Role.MUNICIPAL_ADMIN, kind="m", pk=world.outsider.pk)
    with pytest.raises(DomainError):
        invite(world, reason="")
    assert not User.objects.filter(email="pia.partner@unn.no").exists()
    assert not Person.objects.filter(name="Pia Partner").exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.USER_INVITED).exists()
    assert mail.outbox == []


def test_a_failing_mail_saves_nothing(world, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def broken(self, *args, **kwargs):
        raise OSError("SMTP nede")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with pytest.raises(OSError):
        invite(world)
    assert not User.objects.filter(email="pia.partner@unn.no").exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.USER_INVITED).exists()


def test_a_partner_is_invited_to_report_in_this_collaboration(world):
    from collaborations.registry.models import OutsidePartner

    partner, _user = make_partner_user(world)
    invitation = invite(world, role=Role.PARTNER, kind="p", pk=partner.pk, email="lege@unn.no", name="Lege Lund")
    assert invitation.assignment.partner == partner
    assert invitation.assignment.collaboration == world.collaboration
    assert policy.reportable_partner_ids(fresh(invitation.user), world.shared) == {partner.pk}
    not_taking_part = OutsidePartner.objects.create(name="Universitetet")
    with pytest.raises(DomainError):
        invite(world, role=Role.PARTNER, kind="p", pk=not_taking_part.pk, email="x@uit.no", name="X")


# ---------------------------------------------------------------- views

def roles_url(world):
    return reverse("collaboration_roles", args=[world.collaboration.slug])


def test_the_roles_page_lists_roles_and_flags_members_without_an_administrator(world, storfjord):
    response = client_for(world.secretariat).get(roles_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ingen kommuneadministrator: får ingen påminnelser" in body
    assert "1 medlemskommune har ingen kommuneadministrator" in body and "Storfjord" in body
    assert "Kari Kåfjord" in body and "Kristin Koordinator" in body and "Siri Sekretær" in body
    assert reverse("person_detail", args=[world.admin_kafjord.pk]) in body
    assert "Ola Loppa" not in body  # another collaboration's administrator
    choices = dict(response.context["form"].fields["scope"].choices)
    assert f"m:{world.outsider.pk}" not in str(choices)


def test_the_roles_page_grants_a_role(world):
    user = make_user("ny")
    response = client_for(world.secretariat).post(roles_url(world), {
        "user": "NY@example.no", "role": Role.NETWORK_COORDINATOR, "scope": f"n:{world.network.pk}",
        "reason": "Overtar koordineringen"})
    assert response.status_code == 302
    assert RoleAssignment.objects.active().filter(user=user, network=world.network).exists()


def test_the_roles_page_refuses_a_forged_municipality_of_another_collaboration(world):
    user = make_user("ny")
    response = client_for(world.secretariat).post(roles_url(world), {
        "user": "ny", "role": Role.MUNICIPAL_ADMIN, "scope": f"m:{world.outsider.pk}", "reason": "Forsøk"})
    assert response.status_code == 200
    assert "Velg en kommune, et nettverk eller en partner i dette samarbeidet." in response.content.decode()
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_the_roles_page_keeps_what_was_typed_and_says_what_is_wrong(world):
    response = client_for(world.secretariat).post(roles_url(world), {
        "user": "finnes-ikke", "role": Role.SECRETARIAT, "scope": f"n:{world.network.pk}", "reason": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="finnes-ikke"' in body
    assert "Fant ingen aktiv bruker" in body
    assert "Skriv kort hvorfor personen får rollen." in body
    assert RoleAssignment.objects.count() == 6


def test_the_roles_page_says_when_the_user_already_has_the_role(world):
    response = client_for(world.secretariat).post(roles_url(world), {
        "user": "koordinator", "role": Role.NETWORK_COORDINATOR, "scope": f"n:{world.network.pk}",
        "reason": "Igjen"})
    assert "har allerede denne rollen" in response.content.decode()


def test_the_invite_form_sends_an_invitation(world):
    client = client_for(world.secretariat)
    url = reverse("person_invite", args=[world.collaboration.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Nina Ny", "email": "nina@storfjord.kommune.no", "title": "Rådgiver",
                                 "organisation": "", "municipality": str(world.lyngen.pk),
                                 "role": Role.MUNICIPAL_ADMIN, "scope": f"m:{world.lyngen.pk}",
                                 "reason": "Ny saksbehandler"}, follow=True)
    assert "Invitasjonen er sendt til nina@storfjord.kommune.no" in response.content.decode()
    user = User.objects.get(email="nina@storfjord.kommune.no")
    assert RoleAssignment.objects.active().filter(user=user, municipality=world.lyngen).exists()
    assert Person.objects.get(user=user).municipality == world.lyngen
    assert mail.outbox[0].to == ["nina@storfjord.kommune.no"]
    assert "http://testserver/konto/reset/" in mail.outbox[0].body


def test_the_invite_form_keeps_what_was_typed_on_an_error(world):
    url = reverse("person_invite", args=[world.collaboration.slug])
    response = client_for(world.secretariat).post(url, {
        "name": "Nina Ny", "email": "ikke-en-adresse", "role": Role.PARTNER, "scope": f"c:{world.collaboration.pk}",
        "reason": ""})
    body = response.content.decode()
    assert 'value="Nina Ny"' in body
    assert "Skriv en gyldig e-postadresse" in body
    assert "Rollen gjelder en ekstern partner: velg partneren." in body
    assert mail.outbox == []


def test_the_revoke_page_revokes_with_a_reason(world):
    assignment = RoleAssignment.objects.get(user=world.coordinator)
    url = reverse("role_revoke", args=[world.collaboration.slug, assignment.pk])
    client = client_for(world.secretariat)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert "Skriv kort hvorfor rollen fjernes." in refused.content.decode()
    assignment.refresh_from_db()
    assert assignment.revoked_at is None
    assert client.post(url, {"reason": "Sluttet"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None
    # revoked twice (a second tab): not found among the active roles any more
    assert client.post(url, {"reason": "Igjen"}).status_code == 404


def test_the_revoke_page_404s_for_a_role_of_another_collaboration(world):
    foreign = RoleAssignment.objects.get(user=world.admin_outsider)
    url = reverse("role_revoke", args=[world.collaboration.slug, foreign.pk])
    assert client_for(world.secretariat).post(url, {"reason": "Forsøk"}).status_code == 404


def test_the_person_page_shows_roles_with_who_when_and_why_and_measures(world):
    assignment = RoleAssignment.objects.get(user=world.coordinator)
    role_revoke_in(acting_user=world.secretariat, collaboration=world.collaboration, assignment=assignment,
                   reason="Gikk av i mars")
    person = Person.objects.get(user=world.coordinator)
    make_measure(world.collaboration, title="Arkivplan", responsible=person)
    response = client_for(world.secretariat).get(reverse("person_detail", args=[world.coordinator.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kristin Koordinator" in body and "Fjernet" in body and "Gikk av i mars" in body
    assert "Arkivplan" in body and "koordinator@example.no" in body


def test_the_person_page_is_hidden_from_everyone_else(world):
    url = reverse("person_detail", args=[world.admin_outsider.pk])
    assert client_for(world.secretariat).get(url).status_code == 404  # a role in another collaboration only
    assert client_for(world.superuser).get(url).status_code == 200
    assert client_for(world.admin_kafjord).get(reverse("person_detail", args=[world.secretariat.pk])).status_code == 404
    assert client_for(world.secretariat).get(reverse("person_detail", args=[999999])).status_code == 404


def test_the_workspace_section_links_and_counts_members_without_an_administrator(world, storfjord):
    body = client_for(world.secretariat).get(reverse("workspace", args=[world.collaboration.slug])).content.decode()
    assert reverse("collaboration_roles", args=[world.collaboration.slug]) in body
    assert reverse("person_invite", args=[world.collaboration.slug]) in body
    assert "1 medlemskommune uten kommuneadministrator" in body and "Storfjord" in body
