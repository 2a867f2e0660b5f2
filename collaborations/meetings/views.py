"""Meetings: a collaboration's meetings and minutes (public, internal items for
the administration), and the secretariat's forms for meetings, cases and
follow-ups, and its list of follow-ups across all meetings."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..access import policy
from ..access.policy import Action
from ..common.concurrency import latest_history_id
from ..common.forms import submit
from ..common.responses import RecordPages, record_form_page, saved_and_back
from . import calendar, selectors
from . import wheel as annual_wheel
from .adoption import adoption_of
from .forms import AttachmentForm, CaseForm, CouncilCaseForm, CouncilDecisionForm, FollowUpForm, MeetingForm, WheelItemForm
from .services import (
    calendar_feed_reset,
    case_save,
    council_case_attach,
    council_case_save,
    council_decision_save,
    follow_up_save,
    meeting_save,
    wheel_item_save,
)


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


def _meeting_page(request, collaboration, form, meeting, conflict) -> HttpResponse:
    back = _meeting_url(meeting) if meeting else reverse("meeting_list", args=[collaboration.slug])
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("møtet"),
                            title=_("Endre møtet") if meeting else _("Nytt møte"),
                            lead=None if meeting else _("Registrer møtet først; sakene legges til på møtesiden. "
                                                        "Før møtet er sakene sakslisten, etter møtet referatet."),
                            submit=_("Lagre endringene") if meeting else _("Registrer møtet"),
                            back_url=back, back_label=_("Møtet") if meeting else _("Møter"))


MEETING_PAGES = RecordPages(
    form=_meeting_form, page=_meeting_page,
    save=lambda request, collaboration, form: lambda: meeting_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], meeting=form.instance))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = _manage(request, slug)
    return MEETING_PAGES.create(request, collaboration, selectors.new_meeting(collaboration), lambda meeting: (
        saved_and_back(request, _("Møtet «%(title)s» er registrert. Legg til sakene.") % {"title": meeting.title},
                       "meeting_detail", slug, meeting.pk)))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    return MEETING_PAGES.edit(
        request, collaboration, selectors.meeting_to_manage(collaboration, meeting_id),
        lambda: selectors.meeting_to_manage(collaboration, meeting_id),
        lambda meeting: saved_and_back(request, _("Endringene i møtet er lagret."), "meeting_detail", slug, meeting.pk))


# ---------------------------------------------------------------- cases

def _case_form(collaboration, data, case):
    return CaseForm(data, instance=case, links=selectors.link_choices(collaboration),
                    initial={"history_id": latest_history_id(case)})


def _case_page(request, collaboration, form, case, conflict) -> HttpResponse:
    meeting = form.instance.meeting
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("saken"),
                            title=_("Endre sak %(ref)s") % {"ref": case.reference} if case else
                            _("Ny sak i %(meeting)s") % {"meeting": meeting},
                            submit=_("Lagre endringene") if case else _("Registrer saken"),
                            back_url=_meeting_url(meeting), back_label=_("Møtet"))


CASE_PAGES = RecordPages(
    form=_case_form, page=_case_page,
    save=lambda request, collaboration, form: lambda: case_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], case=form.instance, **form.links()))


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    meeting = selectors.meeting_to_manage(collaboration, meeting_id)
    return CASE_PAGES.create(request, collaboration, selectors.new_case(meeting), lambda case: saved_and_back(
        request, _("Sak %(ref)s er registrert.") % {"ref": case.reference}, "meeting_detail", slug, meeting.pk))


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, slug: str, meeting_id: int, case_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    meeting = selectors.meeting_to_manage(collaboration, meeting_id)
    return CASE_PAGES.edit(
        request, collaboration, selectors.case_to_manage(meeting, case_id),
        lambda: selectors.case_to_manage(meeting, case_id),
        lambda case: saved_and_back(request, _("Endringene i sak %(ref)s er lagret.") % {"ref": case.reference},
                                    "meeting_detail", slug, meeting.pk))


# ---------------------------------------------------------------- follow-ups

def _follow_up_form(collaboration, data, follow_up, mark_done=False):
    """`mark_done`: opened from «Registrer utført», with today as the day it was done."""
    initial = {"history_id": latest_history_id(follow_up)}
    if mark_done and follow_up.done_on is None:
        initial["done_on"] = timezone.localdate()
    return FollowUpForm(data, instance=follow_up, people=selectors.people_choices(collaboration), initial=initial)


def _follow_up_page(request, collaboration, form, follow_up, conflict) -> HttpResponse:
    case = form.instance.case
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("oppfølgingen"),
                            title=(_("Endre oppfølging av sak %(ref)s") if follow_up else
                                   _("Ny oppfølging av sak %(ref)s")) % {"ref": case.reference},
                            lead=case.title,
                            submit=_("Lagre endringene") if follow_up else _("Registrer oppfølgingen"),
                            back_url=_meeting_url(case.meeting, f"#sak-{case.pk}"), back_label=_("Møtet"))


FOLLOW_UP_PAGES = RecordPages(
    form=_follow_up_form, page=_follow_up_page,
    save=lambda request, collaboration, form: lambda: follow_up_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], follow_up=form.instance))


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest, slug: str, meeting_id: int, case_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    case = selectors.case_to_manage(selectors.meeting_to_manage(collaboration, meeting_id), case_id)
    return FOLLOW_UP_PAGES.create(request, collaboration, selectors.new_follow_up(case), lambda _saved: saved_and_back(
        request, _("Oppfølgingen av sak %(ref)s er registrert.") % {"ref": case.reference},
        "meeting_detail", slug, meeting_id))


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request: HttpRequest, slug: str, meeting_id: int, case_id: int, follow_up_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    case = selectors.case_to_manage(selectors.meeting_to_manage(collaboration, meeting_id), case_id)
    pages = FOLLOW_UP_PAGES
    if "utfort" in request.GET:  # from «Registrer utført»: today as the day it was done
        pages = replace(pages, form=partial(_follow_up_form, mark_done=True))
    return pages.edit(
        request, collaboration, selectors.follow_up_to_manage(case, follow_up_id),
        lambda: selectors.follow_up_to_manage(case, follow_up_id),
        lambda _saved: saved_and_back(request, _("Endringene i oppfølgingen av sak %(ref)s er lagret.") % {
            "ref": case.reference}, "meeting_detail", slug, meeting_id))


# ---------------------------------------------------------------- joint council cases

def council_case_list(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    return render(request, "collaborations/meetings/council_case_list.html", {
        "collaboration": collaboration, "cases": selectors.council_cases_of(request.user, collaboration),
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
    })


def council_case_detail(request: HttpRequest, slug: str, council_case_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    council_case = selectors.council_case_for_user(request.user, collaboration, council_case_id)
    origin = council_case.origin
    return render(request, "collaborations/meetings/council_case_detail.html", {
        "collaboration": collaboration, "case": council_case,
        "adoption": adoption_of(council_case, list(council_case.decisions.all())),
        "origin": origin if origin and policy.allows(request.user, Action.VIEW, origin) else None,
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
    })


@login_required
@require_http_methods(["GET", "POST"])
def council_case_attachment_add(request: HttpRequest, slug: str, council_case_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    council_case = selectors.council_case_to_manage(collaboration, council_case_id)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    saved = submit(form, lambda: council_case_attach(
        acting_user=request.user, council_case=council_case, file=form.cleaned_data["file"],
        title=form.cleaned_data["title"], reason=form.cleaned_data["reason"]))
    if saved:
        return saved_and_back(request, _("Vedlegget «%(t)s» er lastet opp.") % {"t": saved.value.title},
                              "council_case_detail", slug, council_case.pk)
    return record_form_page(request, collaboration, form, thing=_("vedlegget"), multipart=True,
                            title=_("Nytt vedlegg"), lead=council_case.title, submit=_("Last opp vedlegget"),
                            back_url=reverse("council_case_detail", args=[slug, council_case.pk]),
                            back_label=_("Saken"))


def council_case_attachment(request: HttpRequest, slug: str, council_case_id: int, attachment_id: int):
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    attachment = selectors.attachment_for_user(request.user, collaboration, council_case_id, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Fant ikke vedlegget.")) from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.filename)
    if attachment.council_case.visibility != "published":
        response["Cache-Control"] = "private, no-store"
    return response


def _council_case_form(collaboration, data, council_case):
    return CouncilCaseForm(data, instance=council_case, links=selectors.council_case_link_choices(collaboration),
                           councils=selectors.council_choices(collaboration, council_case),
                           initial={"history_id": latest_history_id(council_case)})


def _council_case_page(request, collaboration, form, council_case, conflict) -> HttpResponse:
    back = reverse("council_case_detail", args=[collaboration.slug, council_case.pk]) if council_case else \
        reverse("council_case_list", args=[collaboration.slug])
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("saken"),
                            title=_("Endre den felles saken") if council_case else _("Ny felles kommunestyresak"),
                            lead=None if council_case else _(
                                "Ett forslag til vedtak, sendt til hvert kommunestyre det gjelder. Hvert "
                                "kommunestyres behandling registreres på sakens side."),
                            submit=_("Lagre endringene") if council_case else _("Registrer saken"),
                            back_url=back, back_label=_("Saken") if council_case else _("Felles kommunestyresaker"))


COUNCIL_CASE_PAGES = RecordPages(
    form=_council_case_form, page=_council_case_page,
    save=lambda request, collaboration, form: lambda: council_case_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], council_case=form.instance,
        councils=form.cleaned_data["councils"]))


@login_required
@require_http_methods(["GET", "POST"])
def council_case_create(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = _manage(request, slug)
    return COUNCIL_CASE_PAGES.create(
        request, collaboration, selectors.new_council_case(collaboration), lambda council_case: saved_and_back(
            request, _("Saken «%(title)s» er registrert med ett vedtak per kommunestyre.") % {
                "title": council_case.title}, "council_case_detail", slug, council_case.pk))


@login_required
@require_http_methods(["GET", "POST"])
def council_case_edit(request: HttpRequest, slug: str, council_case_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    return COUNCIL_CASE_PAGES.edit(
        request, collaboration, selectors.council_case_to_manage(collaboration, council_case_id),
        lambda: selectors.council_case_to_manage(collaboration, council_case_id),
        lambda council_case: saved_and_back(request, _("Endringene i saken er lagret."), "council_case_detail",
                                            slug, council_case.pk))


def _decision_form(collaboration, data, decision):
    return CouncilDecisionForm(data, instance=decision, initial={"history_id": latest_history_id(decision)})


def _decision_page(request, collaboration, form, decision, conflict) -> HttpResponse:
    council_case = decision.council_case
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("vedtaket"),
                            title=_("Behandlingen i %(m)s kommunestyre") % {"m": decision.municipality.name},
                            lead=council_case.title, submit=_("Lagre behandlingen"),
                            back_url=reverse("council_case_detail", args=[collaboration.slug, council_case.pk]),
                            back_label=_("Saken"))


DECISION_PAGES = RecordPages(
    form=_decision_form, page=_decision_page,
    save=lambda request, collaboration, form: lambda: council_decision_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], decision=form.instance))


@login_required
@require_http_methods(["GET", "POST"])
def council_decision_edit(request: HttpRequest, slug: str, council_case_id: int, decision_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    council_case = selectors.council_case_to_manage(collaboration, council_case_id)
    return DECISION_PAGES.edit(
        request, collaboration, selectors.decision_to_manage(council_case, decision_id),
        lambda: selectors.decision_to_manage(council_case, decision_id),
        lambda decision: saved_and_back(request, _("Behandlingen i %(m)s er registrert.") % {
            "m": decision.municipality.name}, "council_case_detail", slug, council_case.pk))


# ---------------------------------------------------------------- the annual wheel and calendar feeds

def _year(request: HttpRequest) -> int:
    """The year asked for (?ar=2027), within reason; this year otherwise."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("ar", this_year))
    except ValueError:
        return this_year
    return year if this_year - 50 <= year <= this_year + 50 else this_year


def wheel(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    year = _year(request)
    entries = annual_wheel.entries(request.user, collaboration, [year])
    return render(request, "collaborations/meetings/wheel.html", {
        "collaboration": collaboration, "year": year, "months": annual_wheel.by_month(entries, year),
        "today": timezone.localdate(), "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
        "feed_url": request.build_absolute_uri(reverse("wheel_ics", args=[slug])),
    })


def wheel_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """The collaboration's public calendar: what an anonymous visitor sees in its wheel."""
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    entries = annual_wheel.entries(AnonymousUser(), collaboration, selectors.feed_years(timezone.localdate()))
    name = _("Årshjul: %(c)s") % {"c": collaboration.name}
    return _ics(calendar.feed(entries, name), f"arshjul-{slug}.ics")


def personal_ics(request: HttpRequest, token: str) -> HttpResponse:
    """A user's own calendar, at a secret address (no log-in: calendars cannot log in)."""
    user = selectors.feed_user(token)
    years = selectors.feed_years(timezone.localdate())
    entries = [e for c in selectors.personal_collaborations(user)
               for e in annual_wheel.entries(user, c, years, own_follow_ups=True)]
    return _ics(calendar.feed(sorted(entries, key=lambda e: (e.day, e.title)), _("Samarbeidsportalen")),
                "samarbeidsportalen.ics")


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_calendar(request: HttpRequest) -> HttpResponse:
    """The user's personal calendar address; a POST makes a new one (the old one stops working)."""
    if request.method == "POST":
        calendar_feed_reset(acting_user=request.user, reason=_("Ny lenke fra «Kalenderen din»"))
        return saved_and_back(request, _("Du har en ny kalenderlenke. Den gamle virker ikke lenger."), "my_calendar")
    feed = selectors.calendar_feed_of(request.user)
    return render(request, "collaborations/meetings/my_calendar.html", {
        "feed_url": request.build_absolute_uri(reverse("personal_ics", args=[feed.token])) if feed else None,
        "collaborations": selectors.personal_collaborations(request.user),
    })


def _wheel_item_form(collaboration, data, item):
    return WheelItemForm(data, instance=item, bodies=selectors.body_choices(collaboration),
                         initial={"history_id": latest_history_id(item)})


def _wheel_item_page(request, collaboration, form, item, conflict) -> HttpResponse:
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("punktet"),
                            title=_("Endre punktet i årshjulet") if item else _("Nytt punkt i årshjulet"),
                            lead=None if item else _("Skriv inn det som går igjen én gang, for eksempel «hvert år i "
                                                     "mars». Møter, rapporteringsfrister og årsrapporten kommer med "
                                                     "av seg selv."),
                            submit=_("Lagre endringene") if item else _("Registrer punktet"),
                            back_url=reverse("wheel", args=[collaboration.slug]), back_label=_("Årshjul"))


WHEEL_ITEM_PAGES = RecordPages(
    form=_wheel_item_form, page=_wheel_item_page,
    save=lambda request, collaboration, form: lambda: wheel_item_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], wheel_item=form.instance))


@login_required
@require_http_methods(["GET", "POST"])
def wheel_item_create(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = _manage(request, slug)
    return WHEEL_ITEM_PAGES.create(request, collaboration, selectors.new_wheel_item(collaboration), lambda item: (
        saved_and_back(request, _("«%(t)s» er lagt inn i årshjulet.") % {"t": item.title}, "wheel", slug)))


@login_required
@require_http_methods(["GET", "POST"])
def wheel_item_edit(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    collaboration = _manage(request, slug)
    return WHEEL_ITEM_PAGES.edit(
        request, collaboration, selectors.wheel_item_to_manage(collaboration, item_id),
        lambda: selectors.wheel_item_to_manage(collaboration, item_id),
        lambda _item: saved_and_back(request, _("Endringene i årshjulet er lagret."), "wheel", slug))
