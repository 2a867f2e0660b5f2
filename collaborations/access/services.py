"""Roles granted and revoked from a collaboration's roles page, and
invitations by e-mail.

Each keeps to the collaboration it is made from: the scope of a role must be
one of the collaboration's members today, the collaboration itself, one of
its networks, or an outside partner taking part in its measures, and the
acting user must be allowed to grant it there (policy.may_grant_role). The
grant and revoke themselves are `roles.role_grant` / `roles.role_revoke`
(permissions and audit events); an invitation also creates the user and the
person, and sends a link to choose a password that is valid for
PASSWORD_RESET_TIMEOUT.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..common.errors import DomainError
from ..registry.models import Collaboration, Municipality, Network, OutsidePartner, Person
from . import policy, selectors
from .audit import audit_record, require_reason, user_or_none
from .models import AuditEvent, Role, RoleAssignment
from .roles import permissions_sync_person, role_grant, role_revoke, scope_label

SECONDS_PER_DAY = 24 * 60 * 60


@dataclass(frozen=True)
class Scope:
    """What a role granted from a collaboration's page applies to: the keyword
    arguments of `role_grant`, found inside the collaboration only."""

    municipality: Municipality | None = None
    collaboration: Collaboration | None = None
    network: Network | None = None
    partner: OutsidePartner | None = None

    def grant_kwargs(self) -> dict:
        return {"municipality": self.municipality, "collaboration": self.collaboration, "network": self.network,
                "partner": self.partner}


def scope_in(collaboration: Collaboration, role: str, kind: str, pk: int) -> Scope:
    """The scope `kind:pk` of `role`, if it lies inside `collaboration`; else refuse."""
    outside = DomainError({"scope": _("Velg en kommune, et nettverk eller en partner i dette samarbeidet.")})
    if kind == "m":
        municipality = next((m for m in selectors.members_now(collaboration) if m.pk == pk), None)
        if municipality is None:
            raise outside
        return Scope(municipality=municipality)
    if kind == "c":
        if pk != collaboration.pk:
            raise outside
        return Scope(collaboration=collaboration)
    if kind == "n":
        network = collaboration.networks.filter(pk=pk).first()
        if network is None:
            raise outside
        return Scope(network=network)
    if kind == "p":
        partner = selectors.partners_in(collaboration).filter(pk=pk).first()
        if partner is None:
            raise outside
        # A partner's role reaches the measures of this collaboration only.
        return Scope(partner=partner, collaboration=collaboration)
    raise outside


def _require_may_grant(acting_user, role: str, scope: Scope) -> None:
    if role not in Role.values:
        raise DomainError({"role": _("Velg en rolle.")})
    expected = {Role.MUNICIPAL_ADMIN: "municipality", Role.POLITICIAN: "municipality",
                Role.SECRETARIAT: "collaboration", Role.NETWORK_COORDINATOR: "network", Role.PARTNER: "partner"}[role]
    if getattr(scope, expected) is None:
        raise DomainError({"scope": _("Rollen passer ikke til det du valgte at den gjelder.")})
    if not policy.may_grant_role(acting_user, role, **scope.grant_kwargs()):
        raise DomainError(policy.refusal_to_grant(role))


@transaction.atomic
def role_grant_in(*, acting_user, collaboration: Collaboration, user, role: str, kind: str, pk: int,
                  reason: str) -> RoleAssignment:
    """Grant `role` on the scope `kind:pk` (m, c, n or p and a primary key),
    from the roles page of `collaboration`. Refused when the scope is not the
    collaboration's or the acting user may not grant the role there."""
    require_reason(reason, _("Skriv kort hvorfor personen får rollen."))
    scope = scope_in(collaboration, role, kind, pk)
    _require_may_grant(acting_user, role, scope)
    if RoleAssignment.objects.active().filter(user=user, role=role, **scope.grant_kwargs()).exists():
        raise DomainError(_("%(user)s har allerede denne rollen.") % {"user": _name(user)})
    return role_grant(acting_user=acting_user, user=user, role=role, reason=reason, in_collaboration=collaboration,
                      **scope.grant_kwargs())


@transaction.atomic
def role_revoke_in(*, acting_user, collaboration: Collaboration, assignment: RoleAssignment,
                   reason: str) -> RoleAssignment:
    """Revoke a role that concerns `collaboration`, from its roles page."""
    require_reason(reason, _("Skriv kort hvorfor rollen fjernes."))
    if not selectors.roles_in(collaboration).filter(pk=assignment.pk).exists():
        raise DomainError(_("Rollen er allerede fjernet, eller den gjelder ikke dette samarbeidet."))
    if not policy.may_grant_role(acting_user, assignment.role, municipality=assignment.municipality,
                                 collaboration=assignment.collaboration, network=assignment.network,
                                 partner=assignment.partner):
        raise DomainError(policy.refusal_to_grant(assignment.role))
    return role_revoke(acting_user=acting_user, assignment=assignment, reason=reason, in_collaboration=collaboration)


@dataclass(frozen=True)
class Invitation:
    user: object
    person: Person
    assignment: RoleAssignment
    created: bool          # a new user (False: an existing user got the role and a log-in link)


@transaction.atomic
def person_invite(*, acting_user, collaboration: Collaboration, name: str, email: str, role: str, kind: str,
                  pk: int, reason: str, site_url: str, title: str = "", organisation: str = "",
                  municipality: Municipality | None = None) -> Invitation:
    """Invite a person by e-mail to a role in `collaboration`.

    A new address gets a user (the address is the user name) without a
    usable password, a Person linked to it (an existing Person with the
    address and no login is linked instead), the role, and an e-mail with a
    link to choose a password, valid for PASSWORD_RESET_TIMEOUT. An address
    that already has a user just gets the role and a link to log in (or to
    choose a password, if they never did). The invitation is an audit event
    (USER_INVITED) beside the grant's own (ROLE_GRANTED); if the e-mail
    cannot be sent, nothing is saved."""
    reason = require_reason(reason, _("Skriv kort hvorfor personen inviteres."))
    email = (email or "").strip().lower()
    name = (name or "").strip()
    if not email or not name:
        raise DomainError(_("Skriv navnet og e-postadressen til personen."))
    scope = scope_in(collaboration, role, kind, pk)
    _require_may_grant(acting_user, role, scope)
    users = get_user_model().objects
    user = users.filter(email__iexact=email).order_by("pk").first() or users.filter(username__iexact=email).first()
    created = user is None
    if created:
        first, _sep, last = name.rpartition(" ") if " " in name else (name, "", "")
        user = users.create_user(username=email, email=email, first_name=first[:150], last_name=last[:150])
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif not user.is_active:
        raise DomainError({"email": _("Brukeren med denne e-postadressen er deaktivert. Kontakt en "
                                      "hovedadministrator.")})
    person = _person_for(user, acting_user=acting_user, reason=reason, name=name, email=email, title=title,
                         organisation=organisation, municipality=municipality)
    assignment = role_grant(acting_user=acting_user, user=user, role=role, reason=reason,
                            in_collaboration=collaboration, **scope.grant_kwargs())
    audit_record(AuditEvent.Kind.USER_INVITED, acting_user=acting_user, reason=reason, obj=person,
                 collaboration=collaboration, municipality=scope.municipality, modified_user=user,
                 new={_("Navn"): name, _("E-post"): email, _("Rolle"): assignment.get_role_display(),
                      _("Gjelder"): scope_label(assignment),
                      _("Ny bruker"): _("ja") if created else _("nei, fikk rollen og en innloggingslenke")})
    _send_invitation(user=user, person=person, assignment=assignment, collaboration=collaboration,
                     invited_by=acting_user, site_url=site_url, set_password=not user.has_usable_password())
    return Invitation(user=user, person=person, assignment=assignment, created=created)


def _person_for(user, *, acting_user, reason: str, name: str, email: str, title: str, organisation: str,
                municipality: Municipality | None) -> Person:
    """The user's Person: theirs if linked, else one with the address and no
    login (it then answers for its measures as the user), else a new one."""
    person = Person.objects.filter(user=user).first()
    if person is not None:
        return person
    person = Person.objects.filter(email__iexact=email, user__isnull=True).order_by("pk").first()
    linked = person is not None
    if person is None:
        person = Person(name=name, title=title, email=email, organisation=organisation, municipality=municipality)
    person.user = user
    person._history_user, person._change_reason = user_or_none(acting_user), reason
    person.full_clean()
    person.save()
    if linked:
        permissions_sync_person(person)
    return person


def invitation_validity_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // SECONDS_PER_DAY)


def _send_invitation(*, user, person: Person, assignment: RoleAssignment, collaboration: Collaboration,
                     invited_by, site_url: str, set_password: bool) -> None:
    base = site_url.rstrip("/")
    if set_password:
        link = base + reverse("password_reset_confirm", kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
    else:
        link = base + reverse("login")
    context = {
        "name": person.name, "username": user.get_username(), "collaboration": collaboration,
        "role": assignment.get_role_display(), "scope": scope_label(assignment), "link": link,
        "set_password": set_password, "days": invitation_validity_days(),
        "invited_by": _name(invited_by) if user_or_none(invited_by) else _("Samarbeidsportalen"),
        "site_url": base,
    }
    subject = " ".join(render_to_string("emails/invitation_subject.txt", context).split())
    message = EmailMultiAlternatives(subject, render_to_string("emails/invitation.txt", context),
                                     settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    message.send()


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def password_reset_request(email: str, *, domain: str, use_https: bool, language: str) -> None:
    """Ask for a reset link to `email`. The job (tasks.send_password_reset)
    looks the address up and sends the e-mail, once the request's
    transaction has committed: the request does the same work, and takes the
    same time, whether the address belongs to a user or not."""
    from .tasks import send_password_reset

    transaction.on_commit(partial(send_password_reset.delay, email, domain=domain, use_https=use_https,
                                  language=language))
