"""Log-in and password reset (Django's own views; failed logins are counted
and locked by django-axes, see AXES_* in portal/settings.py; the reset POST
is rate-limited per address by django-ratelimit and its e-mail is sent by a
job), the audit trail of a collaboration, its roles page (grant, invite,
revoke) and a person's page."""

from __future__ import annotations

from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from ..common.forms import submit
from ..common.history import who
from ..common.responses import saved_and_back
from . import policy, selectors, services
from .filters import AuditEventFilter
from .forms import InviteForm, LoginForm, RevokeForm, RoleGrantForm, normalised_username
from .policy import Action

RESET_RATE_PER_ADDRESS = "10/h"

login = auth_views.LoginView.as_view(authentication_form=LoginForm)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page, in Norwegian, saying the user
    name is locked for a while and how to get in sooner (status 429). Used for
    the portal's login and the admin's alike."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    return render(request, "registration/login.html", {
        "form": LoginForm(request), "limited": True, "cooloff_minutes": minutes,
        "next": request.POST.get("next", ""),
    }, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, but the e-mail is built and sent by a job
    (tasks.send_password_reset): the request does the same work, and takes
    the same time, whether the address belongs to a user or not."""

    def form_valid(self, form):
        services.password_reset_request(form.cleaned_data["email"], domain=self.request.get_host(),
                                        use_https=self.request.is_secure(), language=get_language())
        return HttpResponseRedirect(self.get_success_url())


_password_reset = PasswordResetView.as_view()


@ratelimit(key="ip", rate=RESET_RATE_PER_ADDRESS, method="POST", block=False)
def password_reset(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return render(request, "registration/password_reset_form.html", {"limited": True}, status=429)
    return _password_reset(request)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password through the e-mailed link also lifts a login
    lock on the user name: whoever holds the link owns the account's e-mail."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if username := normalised_username(form.user.get_username()):  # never reset(username=None): all
            axes_reset(username=username)
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()


NOT_SECRETARIAT = gettext_lazy("Bare sekretariatet for samarbeidet kan lese revisjonssporet.")


@login_required
def audit_trail(request: HttpRequest, slug: str) -> HttpResponse:
    """Every role, membership, agreement and portfolio change in the
    collaboration: who, when, what (old → new) and why."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE, str(NOT_SECRETARIAT))
    filterset = AuditEventFilter(request.GET, queryset=selectors.audit_events(collaboration),
                                 people=selectors.people_in(collaboration))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(request, "collaborations/access/audit_trail.html", {
        "collaboration": collaboration, "filter": filterset, "page": page, "query": query.urlencode(),
    })


def start(request: HttpRequest) -> HttpResponse:
    """Where each role's work is, after logging in: the secretariat on its
    collaboration's page, whoever reports status on "Mine tiltak", a
    politician on the municipality's page in its collaboration (or a start
    page when the municipality is in several)."""
    user = request.user
    if not user.is_authenticated:
        return redirect("home")
    managed = list(policy.collaborations_where(user, Action.MANAGE).order_by("name")[:2])
    if len(managed) == 1 and not user.is_superuser:
        return redirect("collaboration_detail", slug=managed[0].slug)
    if selectors.has_measures_to_report(user):
        return redirect("my_measures")
    if selectors.is_politician(user):
        memberships = selectors.municipal_memberships(user)
        if len(memberships) == 1:
            m = memberships[0]
            return redirect("dashboard_municipality", slug=m.collaboration.slug, number=m.municipality.number)
        return redirect("my_collaborations")
    return redirect("home")


@login_required
def my_collaborations(request: HttpRequest) -> HttpResponse:
    """A politician's (or administrator's) start page: their municipality in
    each collaboration it is a member of, with the pages and reports for it."""
    return render(request, "collaborations/access/my_collaborations.html",
                  {"memberships": selectors.municipal_memberships(request.user)})


# ---------------------------------------------------------------- people and roles

NOT_SECRETARIAT_ROLES = gettext_lazy("Bare sekretariatet for samarbeidet kan tildele og fjerne roller.")


def _managed(request: HttpRequest, slug: str):
    return policy.get_collaboration_for_user(request.user, slug, Action.MANAGE, str(NOT_SECRETARIAT_ROLES))


def _to_roles(request: HttpRequest, collaboration, message: str) -> HttpResponse:
    """Back to the roles page with the message, which the page scrolls to."""
    return saved_and_back(request, message, "collaboration_roles", collaboration.slug)


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_roles(request: HttpRequest, slug: str) -> HttpResponse:
    """Who holds which role in the collaboration (members without an
    administrator flagged), and the form to grant one."""
    collaboration = _managed(request, slug)
    form = RoleGrantForm(request.POST or None, collaboration=collaboration)
    saved = submit(form, lambda: services.role_grant_in(
        acting_user=request.user, collaboration=collaboration, user=form.cleaned_data["user"],
        role=form.cleaned_data["role"], kind=form.cleaned_data["scope"][0], pk=form.cleaned_data["scope"][1],
        reason=form.cleaned_data["reason"]))
    if saved:
        return _to_roles(request, collaboration, _("%(user)s har fått rollen %(role)s.") % {
            "user": who(saved.value.user), "role": saved.value.get_role_display()})
    members = selectors.members_now(collaboration)
    roles = list(selectors.roles_in(collaboration, members=members))
    rows = selectors.member_roles(collaboration, roles, members)
    return render(request, "collaborations/access/roles.html", {
        "collaboration": collaboration, "form": form, "member_rows": rows, "roles": roles,
        "missing": [r.municipality for r in rows if r.missing_administrator],
        "revocable": {a.pk for a in roles if policy.may_grant_role(
            request.user, a.role, municipality=a.municipality, collaboration=a.collaboration, network=a.network,
            partner=a.partner)},
    })


@login_required
@require_http_methods(["GET", "POST"])
def person_invite_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite a person by e-mail to a role in the collaboration."""
    collaboration = _managed(request, slug)
    form = InviteForm(request.POST or None, collaboration=collaboration, initial=request.GET or None)

    def invite():
        data = form.cleaned_data
        return services.person_invite(
            acting_user=request.user, collaboration=collaboration, name=data["name"], email=data["email"],
            role=data["role"], kind=data["scope"][0], pk=data["scope"][1], reason=data["reason"], title=data["title"],
            organisation=data["organisation"], municipality=data["municipality"],
            site_url=request.build_absolute_uri("/"))

    saved = submit(form, invite)
    if saved:
        if saved.value.created:
            text = _("Invitasjonen er sendt til %(email)s. Lenken for å velge passord virker i %(days)s dager.")
        else:
            text = _("%(email)s hadde allerede en bruker: rollen er gitt, og en innloggingslenke er sendt.")
        return _to_roles(request, collaboration, text % {"email": saved.value.user.email,
                                                         "days": services.invitation_validity_days()})
    return render(request, "collaborations/access/invite.html", {
        "collaboration": collaboration, "form": form, "days": services.invitation_validity_days(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def role_revoke_view(request: HttpRequest, slug: str, assignment_id: int) -> HttpResponse:
    """Revoke one role that concerns the collaboration, with a reason."""
    collaboration = _managed(request, slug)
    assignment = selectors.role_in_collaboration(collaboration, assignment_id)
    form = RevokeForm(request.POST or None)
    if submit(form, lambda: services.role_revoke_in(acting_user=request.user, collaboration=collaboration,
                                                    assignment=assignment, reason=form.cleaned_data["reason"])):
        return _to_roles(request, collaboration, _("Rollen %(role)s er fjernet fra %(user)s.") % {
            "role": assignment.get_role_display(), "user": who(assignment.user)})
    return render(request, "collaborations/access/role_revoke.html", {
        "collaboration": collaboration, "assignment": assignment, "form": form,
    })


@login_required
def person_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    """A person's page: who they are, their roles (active and revoked, with
    who granted and revoked them and when) and the measures they answer for."""
    person_user = policy.get_person_for_user(request.user, user_id)
    person = selectors.person_of(person_user)
    roles = selectors.person_roles(request.user, person_user)
    return render(request, "collaborations/access/person_detail.html", {
        "person_user": person_user, "person": person, "roles": roles,
        "measures": selectors.person_measures(request.user, person),
    })
