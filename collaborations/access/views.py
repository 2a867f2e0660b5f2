"""Log-in and password reset (Django's own views, with a rate limit on the
POSTs by django-ratelimit and the reset e-mail in text and HTML), and the
audit trail of a collaboration."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django_ratelimit.decorators import ratelimit

from . import policy, selectors
from .filters import AuditEventFilter
from .policy import Action

LOGIN_RATE_PER_USERNAME = "10/m"
LOGIN_RATE_PER_ADDRESS = "60/m"
RESET_RATE_PER_ADDRESS = "10/h"

_login = auth_views.LoginView.as_view()
_password_reset = auth_views.PasswordResetView.as_view(
    email_template_name="registration/password_reset_email.txt",
    html_email_template_name="registration/password_reset_email.html",
    subject_template_name="registration/password_reset_subject.txt",
)


@ratelimit(key="ip", rate=LOGIN_RATE_PER_ADDRESS, method="POST", block=False)
@ratelimit(key="post:username", rate=LOGIN_RATE_PER_USERNAME, method="POST", block=False)
def login(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return render(request, "registration/login.html", {
            "form": AuthenticationForm(request), "limited": True,
            "next": request.POST.get("next", ""),
        }, status=429)
    return _login(request)


@ratelimit(key="ip", rate=RESET_RATE_PER_ADDRESS, method="POST", block=False)
def password_reset(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return render(request, "registration/password_reset_form.html", {"limited": True}, status=429)
    return _password_reset(request)


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
