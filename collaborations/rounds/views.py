"""Reporting rounds (secretariat): list and open rounds, see readiness."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ..access.policy import Action, get_collaboration_for_user
from ..common.errors import DomainError
from . import selectors
from .forms import RoundForm
from .services import round_open

NOT_SECRETARIAT = gettext_lazy("Bare sekretariatet for samarbeidet kan se og åpne rapporteringsrunder.")


@login_required
@require_http_methods(["GET", "POST"])
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = get_collaboration_for_user(request.user, slug, Action.MANAGE, str(NOT_SECRETARIAT))
    form = RoundForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            rnd = round_open(acting_user=request.user, collaboration=collaboration, **form.cleaned_data)
            messages.success(request, _("Rapporteringsrunden «%(title)s» er åpnet.") % {"title": rnd.title})
            return redirect("round_detail", slug=collaboration.slug, round_id=rnd.pk)
        except DomainError as error:
            form.add_error(None, error)
    return render(request, "collaborations/rounds/round_list.html", {
        "collaboration": collaboration, "rounds": selectors.rounds_of(collaboration), "form": form,
    })


@login_required
def round_detail(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    collaboration = get_collaboration_for_user(request.user, slug, Action.MANAGE, str(NOT_SECRETARIAT))
    rnd = selectors.round_of(collaboration, round_id)
    if rnd is None:
        raise Http404(_("Fant ikke rapporteringsrunden."))
    return render(request, "collaborations/rounds/round_detail.html", {
        "collaboration": collaboration, "round": rnd, "readiness": selectors.round_readiness(rnd),
    })
