"""The start page, a collaboration's page, and the health check."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from ..access import policy
from ..access.policy import Action
from ..portfolio.selectors import measures_for_list
from . import selectors


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for compose health checks, and the floor of the dashboard benchmark."""
    return HttpResponse("ok", content_type="text/plain")


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "collaborations/registry/home.html", {"collaborations": selectors.collaborations()})


def collaboration_detail(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    return render(request, "collaborations/registry/collaboration_detail.html", {
        "collaboration": collaboration,
        "measures": measures_for_list(request.user, collaboration),
        "bodies": selectors.bodies(collaboration),
        "members": selectors.memberships(collaboration),
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
    })


@login_required
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    """The secretariat's workspace ("Forvaltning"): every record the
    secretariat keeps, one section per feature, each with its pages and forms."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    return render(request, "collaborations/workspace/workspace.html", {"collaboration": collaboration})
