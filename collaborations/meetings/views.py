"""Meetings: a collaboration's meetings and minutes (public, internal items for
the administration), and the secretariat's forms for meetings, cases and
follow-ups, and its list of follow-ups across all meetings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..access import policy
from ..access.policy import Action
from ..common.concurrency import latest_history_id
from ..common.forms import record_form_again, submit_unless_changed
from ..common.responses import record_form_page, saved_and_back
from . import selectors
from .forms import CaseForm, FollowUpForm, MeetingForm
from .services import case_save, follow_up_save, meeting_save


def _manage(request: HttpRequest, slug: str):
    return policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)


def _meeting_url(meeting, anchor: str = "") -> str:
    return reverse("meeting_detail", args=[meeting.body.collaboration.slug, meeting.pk]) + anchor


# ---------------------------------------------------------------- reading

def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    return render(request, "collaborations/meetings/meeting_list.html", {
        "collaboration": collaboration, "years": selectors.meetings_by_year(request.user, collaboration),
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
        "counts": selectors.follow_up_counts(request.user, collaboration, timezone.localdate()),
    })


def meeting_detail(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    meeting = selectors.meeting_for_user(request.user, collaboration, meeting_id)
    return render(request, "collaborations/meetings/meeting_detail.html", {
        "collaboration": collaboration, "meeting": meeting, "cases": list(meeting.cases.all()),
        "today": timezone.localdate(), "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
    })


def follow_up_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow-ups from every meeting of the collaboration: open, overdue, done. Everyone reads those of
    the cases they may see; the secretariat records them done from here."""
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    today = timezone.localdate()
    state = request.GET.get("vis", selectors.FollowUpState.OPEN)
    if state not in selectors.FOLLOW_UP_STATES:
        state = selectors.FollowUpState.OPEN
    return render(request, "collaborations/meetings/follow_up_list.html", {
        "collaboration": collaboration, "follow_ups": selectors.follow_ups_of(request.user, collaboration,
                                                                              selectors.FollowUpState(state), today),
        "state": state, "states": selectors.FOLLOW_UP_STATES.items(), "today": today,
        "counts": selectors.follow_up_counts(request.user, collaboration, today),
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
    })


# ---------------------------------------------------------------- meetings

def _meeting_form(collaboration, data, meeting):
    return MeetingForm(data, instance=meeting, bodies=selectors.body_choices(collaboration),
                       initial={"history_id": latest_history_id(meeting)})


def _meeting_page(request, collaboration, form, meeting, conflict=None) -> HttpResponse:
    back = _meeting_url(meeting) if meeting else reverse("meeting_list", args=[collaboration.slug])
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("møtet"),
                            title=_("Endre møtet") if meeting else _("Nytt møte"),
                            lead=None if meeting else _("Registrer møtet først; sakene legges til på møtesiden. "
                                                        "Før møtet er sakene sakslisten, etter møtet referatet."),
                            submit=_("Lagre endringene") if meeting else _("Registrer møtet"),
                            back_url=back, back_label=_("Møtet") if meeting else _("Møter"))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = _manage(request, slug)
    meeting = selectors.new_meeting(collaboration)
    form = _meeting_form(collaboration, request.POST or None, meeting)
    saved = submit_unless_changed(form, meeting, lambda: meeting_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], meeting=form.instance))
    if saved:
        return saved_and_back(request, _("Møtet «%(title)s» er registrert. Legg til sakene.") % {
            "title": saved.value.title}, "meeting_detail", slug, saved.value.pk)
    return _meeting_page(request, collaboration, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    meeting = selectors.meeting_to_manage(collaboration, meeting_id)
    form = _meeting_form(collaboration, request.POST or None, meeting)
    saved = submit_unless_changed(form, meeting, lambda: meeting_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], meeting=form.instance))
    if saved:
        return saved_and_back(request, _("Endringene i møtet er lagret."), "meeting_detail", slug, meeting.pk)
    if saved.conflict:
        form = record_form_again(request.POST, lambda data, fresh: _meeting_form(collaboration, data, fresh),
                                 selectors.meeting_to_manage(collaboration, meeting_id))
    return _meeting_page(request, collaboration, form, meeting, saved.conflict)


# ---------------------------------------------------------------- cases

def _case_form(collaboration, data, case):
    return CaseForm(data, instance=case, links=selectors.link_choices(collaboration),
                    initial={"history_id": latest_history_id(case)})


def _case_page(request, collaboration, form, meeting, case, conflict=None) -> HttpResponse:
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("saken"),
                            title=_("Endre sak %(ref)s") % {"ref": case.reference} if case else
                            _("Ny sak i %(meeting)s") % {"meeting": meeting},
                            submit=_("Lagre endringene") if case else _("Registrer saken"),
                            back_url=_meeting_url(meeting), back_label=_("Møtet"))


def _save_case(request, form):
    return lambda: case_save(acting_user=request.user, reason=form.cleaned_data["reason"], case=form.instance,
                             **form.links())


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    meeting = selectors.meeting_to_manage(collaboration, meeting_id)
    case = selectors.new_case(meeting)
    form = _case_form(collaboration, request.POST or None, case)
    saved = submit_unless_changed(form, case, _save_case(request, form))
    if saved:
        return saved_and_back(request, _("Sak %(ref)s er registrert.") % {"ref": saved.value.reference},
                              "meeting_detail", slug, meeting.pk)
    return _case_page(request, collaboration, form, meeting, None)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, slug: str, meeting_id: int, case_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    meeting = selectors.meeting_to_manage(collaboration, meeting_id)
    case = selectors.case_to_manage(meeting, case_id)
    form = _case_form(collaboration, request.POST or None, case)
    saved = submit_unless_changed(form, case, _save_case(request, form))
    if saved:
        return saved_and_back(request, _("Endringene i sak %(ref)s er lagret.") % {"ref": saved.value.reference},
                              "meeting_detail", slug, meeting.pk)
    if saved.conflict:
        form = record_form_again(request.POST, lambda data, fresh: _case_form(collaboration, data, fresh),
                                 selectors.case_to_manage(meeting, case_id))
    return _case_page(request, collaboration, form, meeting, case, saved.conflict)


# ---------------------------------------------------------------- follow-ups

def _follow_up_form(collaboration, data, follow_up, mark_done=False):
    """`mark_done`: opened from «Registrer utført», with today as the day it was done."""
    initial = {"history_id": latest_history_id(follow_up)}
    if mark_done and follow_up.done_on is None:
        initial["done_on"] = timezone.localdate()
    return FollowUpForm(data, instance=follow_up, people=selectors.people_choices(collaboration), initial=initial)


def _follow_up_page(request, collaboration, form, case, follow_up, conflict=None) -> HttpResponse:
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("oppfølgingen"),
                            title=(_("Endre oppfølging av sak %(ref)s") if follow_up else
                                   _("Ny oppfølging av sak %(ref)s")) % {"ref": case.reference},
                            lead=case.title,
                            submit=_("Lagre endringene") if follow_up else _("Registrer oppfølgingen"),
                            back_url=_meeting_url(case.meeting, f"#sak-{case.pk}"), back_label=_("Møtet"))


def _save_follow_up(request, form):
    return lambda: follow_up_save(acting_user=request.user, reason=form.cleaned_data["reason"],
                                  follow_up=form.instance)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest, slug: str, meeting_id: int, case_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    case = selectors.case_to_manage(selectors.meeting_to_manage(collaboration, meeting_id), case_id)
    follow_up = selectors.new_follow_up(case)
    form = _follow_up_form(collaboration, request.POST or None, follow_up)
    saved = submit_unless_changed(form, follow_up, _save_follow_up(request, form))
    if saved:
        return saved_and_back(request, _("Oppfølgingen av sak %(ref)s er registrert.") % {"ref": case.reference},
                              "meeting_detail", slug, meeting_id)
    return _follow_up_page(request, collaboration, form, case, None)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request: HttpRequest, slug: str, meeting_id: int, case_id: int, follow_up_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    case = selectors.case_to_manage(selectors.meeting_to_manage(collaboration, meeting_id), case_id)
    follow_up = selectors.follow_up_to_manage(case, follow_up_id)
    form = _follow_up_form(collaboration, request.POST or None, follow_up, mark_done="utfort" in request.GET)
    saved = submit_unless_changed(form, follow_up, _save_follow_up(request, form))
    if saved:
        return saved_and_back(request, _("Endringene i oppfølgingen av sak %(ref)s er lagret.") % {
            "ref": case.reference}, "meeting_detail", slug, meeting_id)
    if saved.conflict:
        form = record_form_again(request.POST, lambda data, fresh: _follow_up_form(collaboration, data, fresh),
                                 selectors.follow_up_to_manage(case, follow_up_id))
    return _follow_up_page(request, collaboration, form, case, follow_up, saved.conflict)
