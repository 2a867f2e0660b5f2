"""The roles page's forms: grant a role, invite a person, revoke a role.

The scope of a role is one choice among what the collaboration has: its
member municipalities today, the collaboration itself, its networks and the
outside partners taking part in its measures. A value from anywhere else is
not a choice, so a forged form is refused before any service is asked (and
the service refuses it again)."""

from __future__ import annotations

import unicodedata

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ..common.forms import LENGTH_MESSAGES, NoColonMixin, limit_text
from . import selectors
from .models import Role

USERNAME_LIMIT = 150  # the user model's


class LoginForm(AuthenticationForm):
    """Django's login form, whose user name has its limit in the browser only:
    a longer name is refused here, before authenticate() (and the login lock's
    record of the attempt) sees it."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        limit_text(self.fields["username"], USERNAME_LIMIT)


def normalised_username(value) -> str | None:
    """A user name as the login form reads it (Django's UsernameField: spaces
    around it stripped, then NFKC, so a fullwidth "ａｄｍｉｎ" is "admin"), and
    case-folded on top: every spelling that could log in as one user, and any
    case of it, is one name to the login lock."""
    if value is None:
        return None
    # Cut to the longest name a user can have: the lock's record has room for no more.
    return unicodedata.normalize("NFKC", str(value).strip()).strip().casefold()[:USERNAME_LIMIT]


def lockout_username(request, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the name django-axes counts failed logins
    against, from what authenticate() was given or else from the POST."""
    if credentials:
        return normalised_username(credentials.get("username"))
    return normalised_username(request.POST.get("username"))


# The kind of scope each role needs, as the prefix of the scope's choice value.
SCOPE_KIND = {Role.MUNICIPAL_ADMIN: "m", Role.POLITICIAN: "m", Role.SECRETARIAT: "c",
              Role.NETWORK_COORDINATOR: "n", Role.PARTNER: "p"}
SCOPE_NEEDED = {
    "m": _("Rollen gjelder en kommune: velg en medlemskommune."),
    "c": _("Sekretariatet gjelder samarbeidet: velg samarbeidet."),
    "n": _("Koordinatoren gjelder et nettverk: velg et nettverk."),
    "p": _("Rollen gjelder en ekstern partner: velg partneren."),
}
REASON_LABEL = _("Hvorfor får personen rollen?")
REASON_REQUIRED = _("Skriv kort hvorfor personen får rollen.")


def scope_choices(collaboration) -> list:
    """Grouped choices: (group label, [(value, label), ...])."""
    groups = [
        (_("Medlemskommuner"), [(f"m:{m.pk}", m.name) for m in selectors.members_now(collaboration)]),
        (_("Samarbeidet"), [(f"c:{collaboration.pk}", collaboration.name)]),
        (_("Nettverk"), [(f"n:{n.pk}", n.name) for n in collaboration.networks.order_by("name")]),
        (_("Eksterne partnere i samarbeidets tiltak"),
         [(f"p:{p.pk}", p.name) for p in selectors.partners_in(collaboration)]),
    ]
    return [("", _("Velg hva rollen gjelder")), *[(label, items) for label, items in groups if items]]


class ScopedRoleMixin(forms.Form):
    """Role and scope fields; `cleaned_data["scope"]` becomes (kind, pk)."""

    role = forms.ChoiceField(label=_("Rolle"), choices=[("", _("Velg rolle")), *Role.choices],
                             error_messages={"required": _("Velg en rolle.")})
    scope = forms.ChoiceField(label=_("Gjelder"), error_messages={
        "required": _("Velg hva rollen gjelder."),
        "invalid_choice": _("Velg en kommune, et nettverk eller en partner i dette samarbeidet.")},
        help_text=_("Bare medlemmene, nettverkene og partnerne i dette samarbeidet kan velges."))

    def _set_scope_choices(self, collaboration) -> None:
        self.fields["scope"].choices = scope_choices(collaboration)

    def clean(self):
        cleaned = super().clean()
        role, scope = cleaned.get("role"), cleaned.get("scope")
        if role and scope:
            kind, _sep, pk = scope.partition(":")
            if SCOPE_KIND[role] != kind:
                self.add_error("scope", SCOPE_NEEDED[SCOPE_KIND[role]])
            else:
                cleaned["scope"] = (kind, int(pk))
        return cleaned


class RoleGrantForm(NoColonMixin, ScopedRoleMixin):
    user = forms.CharField(label=_("Brukernavn eller e-post"), max_length=254, error_messages={
        "required": _("Skriv brukernavnet eller e-postadressen til personen."), **LENGTH_MESSAGES},
        help_text=_("Personen må ha en bruker. Har personen ikke det, inviter personen i stedet."))
    reason = forms.CharField(label=REASON_LABEL, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": REASON_REQUIRED, **LENGTH_MESSAGES})

    field_order = ["user", "role", "scope", "reason"]

    def __init__(self, *args, collaboration, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_scope_choices(collaboration)

    def clean_user(self):
        user = selectors.find_user(self.cleaned_data["user"])
        if user is None:
            raise forms.ValidationError(_("Fant ingen aktiv bruker med dette brukernavnet eller denne "
                                          "e-postadressen. Inviter personen i stedet."))
        return user


class InviteForm(NoColonMixin, ScopedRoleMixin):
    name = forms.CharField(label=_("Navn"), max_length=200,
                           error_messages={"required": _("Skriv navnet til personen."), **LENGTH_MESSAGES})
    email = forms.EmailField(label=_("E-post"), max_length=254, error_messages={
        "required": _("Skriv e-postadressen invitasjonen skal sendes til."),
        "invalid": _("Skriv en gyldig e-postadresse, for eksempel navn@kommune.no."), **LENGTH_MESSAGES})
    title = forms.CharField(label=_("Stilling"), max_length=200, required=False, error_messages=LENGTH_MESSAGES)
    organisation = forms.CharField(label=_("Organisasjon"), max_length=200, required=False,
                                   error_messages=LENGTH_MESSAGES,
                                   help_text=_("Når personen ikke er ansatt i en medlemskommune, for eksempel UNN HF."))
    municipality = forms.ChoiceField(label=_("Kommune"), required=False,
                                     help_text=_("Kommunen personen er ansatt i, om det er en medlemskommune."),
                                     error_messages={"invalid_choice": _("Velg en av medlemskommunene.")})
    reason = forms.CharField(label=_("Hvorfor inviteres personen?"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Skriv kort hvorfor personen inviteres."),
                                             **LENGTH_MESSAGES})

    field_order = ["name", "email", "title", "organisation", "municipality", "role", "scope", "reason"]

    def __init__(self, *args, collaboration, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_scope_choices(collaboration)
        self.members = {m.pk: m for m in selectors.members_now(collaboration)}
        self.fields["municipality"].choices = [("", _("Ingen (annen organisasjon)")),
                                               *[(m.pk, m.name) for m in self.members.values()]]

    def clean_municipality(self):
        value = self.cleaned_data["municipality"]
        return self.members.get(int(value)) if value else None


class RevokeForm(NoColonMixin, forms.Form):
    reason = forms.CharField(label=_("Hvorfor fjernes rollen?"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Skriv kort hvorfor rollen fjernes."), **LENGTH_MESSAGES})
