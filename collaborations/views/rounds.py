"""Reporting rounds (secretariat): list and open rounds, see readiness."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import policy
from ..forms import RoundForm
from ..models import Collaboration, ReportingRound
from ..policy import Action
from ..selectors_rounds import round_readiness
from ..services.errors import DomainError
from ..services.rounds import round_open

NOT_SECRETARIAT = _("Bare sekretariatet for samarbeidet kan se og åpne rapporteringsrunder.")


def _collaboration_for_secretariat(request: HttpRequest, slug: str) -> Collaboration:
    collaboration = get_object_or_404(Collaboration, slug=slug)
    policy.require(request.user, Action.MANAGE, collaboration, str(NOT_SECRETARIAT))
    return collaboration


@login_required
@require_http_methods(["GET", "POST"])
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = _collaboration_for_secretariat(request, slug)
    form = RoundForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            rnd = round_open(acting_user=request.user, collaboration=collaboration, **form.cleaned_data)
            messages.success(request, _("Rapporteringsrunden «%(title)s» er åpnet.") % {"title": rnd.title})
            return redirect("round_detail", slug=collaboration.slug, round_id=rnd.pk)
        except DomainError as error:
            form.add_error(None, error)
    rounds = collaboration.reporting_rounds.select_related("opened_by").order_by("-deadline", "-id")
    return render(request, "collaborations/round_list.html", {
        "collaboration": collaboration, "rounds": rounds, "form": form,
    })


@login_required
def round_detail(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    collaboration = _collaboration_for_secretariat(request, slug)
    rnd = get_object_or_404(ReportingRound.objects.select_related("opened_by"), pk=round_id,
                            collaboration=collaboration)
    return render(request, "collaborations/round_detail.html", {
        "collaboration": collaboration, "round": rnd, "readiness": round_readiness(rnd),
    })
