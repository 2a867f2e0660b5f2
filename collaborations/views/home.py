from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from .. import policy, selectors
from ..models import Collaboration


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for compose health checks, and the floor of the dashboard benchmark."""
    return HttpResponse("ok", content_type="text/plain")


def home(request: HttpRequest) -> HttpResponse:
    collaborations = Collaboration.objects.select_related("parent").order_by("name")
    return render(request, "collaborations/home.html", {"collaborations": collaborations})


def collaboration_detail(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = get_object_or_404(Collaboration.objects.select_related("parent"), slug=slug)
    measures = selectors.measures_for_list(request.user, collaboration.measures.all())
    bodies = collaboration.bodies.select_related("municipality").order_by("kind", "name")
    return render(request, "collaborations/collaboration_detail.html", {
        "collaboration": collaboration,
        "measures": measures,
        "bodies": bodies,
        "members": collaboration.memberships.select_related("municipality").order_by("municipality__name"),
        "can_manage": policy.allows(request.user, policy.Action.MANAGE, collaboration),
    })
