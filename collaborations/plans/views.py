"""Plan periods and strategies: the list of a collaboration's plans (public),
a plan with its strategies and their history (public), and the secretariat's
forms: a plan, closing it, a strategy, and revising the plan ("rullering").

Every view asks the policy first and writes only through the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..access import policy
from ..access.policy import Action
from ..common.concurrency import latest_history_id
from ..common.dates import norwegian_date
from ..common.forms import form_after_conflict, submit
from ..common.responses import saved_and_back
from ..meetings.selectors import council_cases_about
from . import selectors
from .forms import PlanCloseForm, PlanForm, PlanRevisionForm, StrategyForm
from .services import plan_close, plan_create, plan_revise, plan_update, strategy_create, strategy_update


def _plan(collaboration, plan_id: int):
    plan = selectors.plan_in(collaboration, plan_id)
    if plan is None:
        raise Http404(_("Fant ikke planen."))
    return plan


def _to_plan(request: HttpRequest, plan, message: str) -> HttpResponse:
    return saved_and_back(request, message, "plan_detail", plan.collaboration.slug, plan.pk)


def _after_conflict(form_class, request: HttpRequest, fresh, collaboration):
    """The form again with what the user typed, opened on the newest history row of `fresh`."""
    return form_after_conflict(request.POST, lambda data: form_class(data, instance=fresh, collaboration=collaboration),
                               history_id=latest_history_id(fresh) or "")


def plan_list(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    return render(request, "collaborations/plans/plan_list.html", {
        "collaboration": collaboration, "plans": selectors.plans_of(collaboration),
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
    })


def plan_detail(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    plan = _plan(collaboration, plan_id)
    strategies = selectors.plan_strategies(request.user, plan)
    return render(request, "collaborations/plans/plan_detail.html", {
        "collaboration": collaboration, "plan": plan, "strategies": strategies,
        "histories": selectors.strategy_histories(strategies),
        "measure_total": sum(s.measure_count for s in strategies),
        "newer": selectors.newer_plan(plan), "revision": selectors.revision_of(plan),
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
        "council_cases": council_cases_about(request.user, plan=plan),
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    form = PlanForm(request.POST or None, collaboration=collaboration)
    saved = submit(form, lambda: plan_create(acting_user=request.user, reason=form.cleaned_data["reason"],
                                             collaboration=collaboration, **form.changes()))
    if saved:
        return _to_plan(request, saved.value, _("Planen er registrert."))
    return render(request, "collaborations/plans/plan_form.html", {
        "collaboration": collaboration, "form": form, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    plan = _plan(collaboration, plan_id)
    form = PlanForm(request.POST or None, instance=plan, collaboration=collaboration,
                    initial={"history_id": latest_history_id(plan)})
    saved = submit(form, lambda: plan_update(acting_user=request.user, reason=form.cleaned_data["reason"], plan=plan,
                                             expected_history_id=form.cleaned_data["history_id"], **form.changes()))
    if saved:
        return _to_plan(request, saved.value, _("Endringene i planen er lagret."))
    if saved.conflict:
        form = _after_conflict(PlanForm, request, _plan(collaboration, plan_id), collaboration)
    return render(request, "collaborations/plans/plan_form.html", {
        "collaboration": collaboration, "form": form, "plan": plan, "conflict": saved.conflict})


@login_required
@require_http_methods(["GET", "POST"])
def plan_close_view(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    plan = _plan(collaboration, plan_id)
    form = PlanCloseForm(request.POST or None, initial={"closed_on": f"{plan.end_year}-12-31"})
    if submit(form, lambda: plan_close(acting_user=request.user, plan=plan, **form.cleaned_data)):
        return _to_plan(request, plan, _("Planen er avsluttet."))
    return render(request, "collaborations/plans/plan_close.html", {
        "collaboration": collaboration, "plan": plan, "form": form,
        "open_count": selectors.open_measures(plan).count()})


@login_required
@require_http_methods(["GET", "POST"])
def strategy_create_view(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    plan = _plan(collaboration, plan_id)
    next_number = max((s.number for s in selectors.plan_strategies(request.user, plan)), default=0) + 1
    form = StrategyForm(request.POST or None, collaboration=collaboration, initial={"number": next_number})
    if submit(form, lambda: strategy_create(acting_user=request.user, reason=form.cleaned_data["reason"], plan=plan,
                                            **form.changes())):
        return _to_plan(request, plan, _("Strategien er registrert."))
    return render(request, "collaborations/plans/strategy_form.html", {
        "collaboration": collaboration, "plan": plan, "form": form, "strategy": None})


@login_required
@require_http_methods(["GET", "POST"])
def strategy_edit(request: HttpRequest, slug: str, strategy_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    strategy = selectors.strategy_in(collaboration, strategy_id)
    if strategy is None:
        raise Http404(_("Fant ikke strategien."))
    form = StrategyForm(request.POST or None, instance=strategy, collaboration=collaboration,
                        initial={"history_id": latest_history_id(strategy)})
    saved = submit(form, lambda: strategy_update(
        acting_user=request.user, reason=form.cleaned_data["reason"], strategy=strategy,
        expected_history_id=form.cleaned_data["history_id"], **form.changes()))
    if saved:
        return _to_plan(request, strategy.plan, _("Endringene i strategien er lagret."))
    if saved.conflict:
        form = _after_conflict(StrategyForm, request, selectors.strategy_in(collaboration, strategy_id), collaboration)
    return render(request, "collaborations/plans/strategy_form.html", {
        "collaboration": collaboration, "plan": strategy.plan, "form": form, "strategy": strategy,
        "conflict": saved.conflict})


@login_required
@require_http_methods(["GET", "POST"])
def plan_revise_view(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    plan = _plan(collaboration, plan_id)
    if plan.closed_on is not None:
        messages.info(request, _("Planen er avsluttet og kan ikke rulleres."))
        return redirect(reverse("plan_detail", args=[slug, plan.pk]) + "#melding")
    outline = selectors.revision_outline(plan)
    form = PlanRevisionForm(request.POST or None, plan=plan, outline=outline)
    saved = submit(form, lambda: plan_revise(acting_user=request.user, plan=plan, **form.service_kwargs()))
    if saved:
        return _to_plan(request, saved.value, _("Planen er rullert. Den gamle planen er avsluttet %(date)s.") % {
            "date": norwegian_date(saved.value.revises.closed_on)})
    if saved.conflict:
        outline = selectors.revision_outline(plan)
        versions = {f"version_{m.pk}": m.version for row in outline for m in row.measures}
        form = form_after_conflict(request.POST,
                                   lambda data: PlanRevisionForm(data, plan=plan, outline=outline), **versions)
    return render(request, "collaborations/plans/plan_revise.html", {
        "collaboration": collaboration, "plan": plan, "form": form, "conflict": saved.conflict})

