"""Host agreements (vertskommuneavtaler) and cost keys in the portal.

Published agreements are public; internal ones only for those the policy
lets see them (404 for everyone else). Creating and changing agreements,
their participants and cost keys is the secretariat's (Action.MANAGE on
the collaboration), always through economy.services with a reason."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..access import policy
from ..access.policy import Action
from ..common.concurrency import latest_history_id, save_unless_changed
from ..common.forms import form_after_conflict, submit
from ..common.responses import saved_and_back
from ..meetings.selectors import council_cases_about
from . import selectors
from .forms import AdoptionForm, AgreementForm, CostKeyForm, LeaveForm, ParticipantAddForm
from .services import (
    agreement_adoption_record,
    agreement_participant_join,
    agreement_participant_leave,
    agreement_save,
    cost_key_save,
)


def _agreement(request: HttpRequest, slug: str, agreement_id: int, action: Action = Action.VIEW):
    """The collaboration and the agreement, or 404 (missing and hidden alike); 403 when seen but not `action`."""
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    agreement = selectors.agreement_for(request.user, collaboration, agreement_id)
    if agreement is None:
        raise Http404(_("Fant ikke avtalen."))
    if action != Action.VIEW:
        policy.require(request.user, action, agreement, _("Bare sekretariatet kan endre avtalen."))
    return collaboration, agreement


def _to_agreement(request: HttpRequest, agreement, message: str) -> HttpResponse:
    """After a save: back to the agreement's page, with `message` in focus."""
    return saved_and_back(request, message, "agreement_detail", agreement.collaboration.slug, agreement.pk)


# ---------------------------------------------------------------- pages anyone may read

def agreement_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The collaboration's host agreements, or (?kommune=<nr>) one municipality's: hosted and bought."""
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    choices = selectors.municipalities_in_agreements(request.user, collaboration)
    number = request.GET.get("kommune", "").strip()
    municipality = next((m for m in choices if m.number == number), None) if number else None
    if number and municipality is None:
        raise Http404(_("Fant ikke kommunen."))
    rows = selectors.agreement_rows(request.user, collaboration, municipality)
    return render(request, "collaborations/economy/agreement_list.html", {
        "collaboration": collaboration, "rows": rows, "municipality": municipality, "choices": choices,
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
    })


def agreement_detail(request: HttpRequest, slug: str, agreement_id: int) -> HttpResponse:
    collaboration, agreement = _agreement(request, slug, agreement_id)
    participants = selectors.participants_of(agreement)
    year = timezone.localdate().year
    allocation = selectors.agreement_payments(agreement, year)
    shares = (allocation.shares or {}) if allocation else {}
    return render(request, "collaborations/economy/agreement_detail.html", {
        "collaboration": collaboration, "agreement": agreement,
        "participants": [(p, shares.get(p.municipality_id)) for p in participants],
        "not_adopted": selectors.not_adopted(participants), "year": year, "allocation": allocation,
        "history": selectors.agreement_history(agreement),
        "can_manage": policy.allows(request.user, Action.MANAGE, agreement),
        "council_cases": council_cases_about(request.user, agreement=agreement),
    })


# ---------------------------------------------------------------- the secretariat's forms

@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    form = AgreementForm(request.POST or None, instance=selectors.new_agreement(collaboration))
    saved = submit(form, lambda: agreement_save(acting_user=request.user, agreement=form.instance,
                                                reason=form.cleaned_data["reason"]))
    if saved:
        return _to_agreement(request, saved.value, _("Avtalen er registrert. Legg til deltakerne."))
    return render(request, "collaborations/economy/agreement_form.html", {
        "collaboration": collaboration, "form": form, "agreement": None})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, slug: str, agreement_id: int) -> HttpResponse:
    collaboration, agreement = _agreement(request, slug, agreement_id, Action.MANAGE)
    form = AgreementForm(request.POST or None, instance=selectors.fresh_agreement(agreement),
                         initial={"version": agreement.version})
    form.fields["version"].required = True
    saved = submit(form, lambda: agreement_save(acting_user=request.user, agreement=form.instance,
                                                reason=form.cleaned_data["reason"],
                                                expected_version=form.cleaned_data["version"]))
    if saved:
        return _to_agreement(request, agreement, _("Endringene er lagret."))
    if saved.conflict:
        fresh = selectors.fresh_agreement(agreement)
        form = form_after_conflict(request.POST, lambda data: AgreementForm(data, instance=fresh),
                                   version=fresh.version)
    return render(request, "collaborations/economy/agreement_form.html", {
        "collaboration": collaboration, "form": form, "agreement": agreement, "conflict": saved.conflict})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_participant_add(request: HttpRequest, slug: str, agreement_id: int) -> HttpResponse:
    collaboration, agreement = _agreement(request, slug, agreement_id, Action.MANAGE)
    original = selectors.original_participants(agreement, on=timezone.localdate())
    form = ParticipantAddForm(request.POST or None, agreement=agreement, original=original)
    saved = submit(form, lambda: agreement_participant_join(
        acting_user=request.user, agreement=agreement, municipality=form.cleaned_data["municipality"],
        joined_on=form.cleaned_data["joined_on"], adopted_on=form.cleaned_data["adopted_on"],
        case_number=form.cleaned_data["case_number"], consenting_municipality_ids=form.cleaned_data["consenting"],
        reason=form.cleaned_data["reason"]))
    if saved:
        return _to_agreement(request, agreement, _("%(m)s er med i avtalen.") % {"m": saved.value.municipality})
    return render(request, "collaborations/economy/participant_add.html", {
        "collaboration": collaboration, "agreement": agreement, "form": form,
        "late_from": agreement.starts_on})


def _participant(agreement, participant_id: int):
    participant = selectors.participant_for(agreement, participant_id)
    if participant is None:
        raise Http404(_("Fant ikke deltakeren."))
    return participant


@login_required
@require_http_methods(["GET", "POST"])
def agreement_adoption(request: HttpRequest, slug: str, agreement_id: int, participant_id: int) -> HttpResponse:
    collaboration, agreement = _agreement(request, slug, agreement_id, Action.MANAGE)
    participant = _participant(agreement, participant_id)
    form = AdoptionForm(request.POST or None, initial={"adopted_on": participant.adopted_on,
                                                       "case_number": participant.case_number})
    if submit(form, lambda: agreement_adoption_record(acting_user=request.user, participant=participant,
                                                      **form.cleaned_data)):
        return _to_agreement(request, agreement,
                             _("Vedtaket i %(m)s er registrert.") % {"m": participant.municipality})
    return render(request, "collaborations/economy/participant_adoption.html", {
        "collaboration": collaboration, "agreement": agreement, "participant": participant, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_participant_leave_view(request: HttpRequest, slug: str, agreement_id: int,
                                     participant_id: int) -> HttpResponse:
    collaboration, agreement = _agreement(request, slug, agreement_id, Action.MANAGE)
    participant = _participant(agreement, participant_id)
    today = timezone.localdate()
    form = LeaveForm(request.POST or None, initial={"notice_given_on": today})
    if submit(form, lambda: agreement_participant_leave(acting_user=request.user, participant=participant,
                                                        **form.cleaned_data)):
        return _to_agreement(request, agreement,
                             _("Uttreden for %(m)s er registrert.") % {"m": participant.municipality})
    notice_on = (form.cleaned_data.get("notice_given_on") if form.is_bound else None) or today
    return render(request, "collaborations/economy/participant_leave.html", {
        "collaboration": collaboration, "agreement": agreement, "participant": participant, "form": form,
        "notice_on": notice_on, "earliest": selectors.earliest_exit(notice_on, agreement.notice_months)})


# ---------------------------------------------------------------- cost keys

@login_required
def cost_key_list(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    return render(request, "collaborations/economy/cost_key_list.html", {
        "collaboration": collaboration, "keys": selectors.cost_keys(collaboration)})


@login_required
@require_http_methods(["GET", "POST"])
def cost_key_form(request: HttpRequest, slug: str, key_id: int | None = None) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    if key_id is None:
        key = selectors.new_cost_key(collaboration)
    else:
        key = selectors.cost_key_for(collaboration, key_id)
        if key is None:
            raise Http404(_("Fant ikke kostnadsnøkkelen."))
    form = CostKeyForm(request.POST or None, instance=key)
    saved = submit(form, lambda: save_unless_changed(key, form.cleaned_data["history_id"], lambda: cost_key_save(
        acting_user=request.user, cost_key=form.instance, reason=form.cleaned_data["reason"])))
    if saved:
        return saved_and_back(request, _("Kostnadsnøkkelen er lagret."), "cost_key_list", collaboration.slug)
    if saved.conflict:
        fresh = selectors.cost_key_for(collaboration, key_id)
        form = form_after_conflict(request.POST, lambda data: CostKeyForm(data, instance=fresh),
                                   history_id=latest_history_id(fresh))
    return render(request, "collaborations/economy/cost_key_form.html", {
        "collaboration": collaboration, "form": form, "key": key if key_id else None, "conflict": saved.conflict})
