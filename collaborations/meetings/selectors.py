"""Reads of meetings: a collaboration's meetings by year, one meeting with its
cases and follow-ups, the follow-ups across all meetings (open, overdue,
done), and the cases that concern a measure. Everything is filtered by the
policy: an internal meeting or case is left out for whoever may not see
internal items, without a trace (no count, no gap but the case number)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import policy
from ..economy.models import HostAgreement
from ..portfolio.models import Measure
from ..registry.models import Body, Collaboration, Person
from .models import FollowUp, Meeting, MeetingCase, Subproject


def meetings_of(user, collaboration: Collaboration) -> QuerySet[Meeting]:
    """The meetings of the collaboration's bodies the user may see, newest first."""
    return (policy.visible(user, Meeting.objects.filter(body__collaboration=collaboration))
            .select_related("body").order_by("-held_on", "-pk"))


def meetings_by_year(user, collaboration: Collaboration) -> list[tuple[int, list[Meeting]]]:
    years: dict[int, list[Meeting]] = {}
    for meeting in meetings_of(user, collaboration):
        years.setdefault(meeting.held_on.year, []).append(meeting)
    return list(years.items())


def _visible_follow_ups(user) -> QuerySet[FollowUp]:
    return policy.visible(user, FollowUp.objects.all()).select_related("person").order_by("due_on", "pk")


def meeting_for_user(user, collaboration: Collaboration, meeting_id: int) -> Meeting:
    """The meeting with its visible cases (each with its links and follow-ups), or 404."""
    cases = (policy.visible(user, MeetingCase.objects.all()).order_by("number")
             .prefetch_related(Prefetch("measures", queryset=policy.visible_measures(user).order_by("title")),
                               Prefetch("agreements", queryset=policy.visible(user, HostAgreement.objects.all())
                                        .order_by("service")),
                               Prefetch("subprojects", queryset=Subproject.objects.order_by("code")),
                               Prefetch("follow_ups", queryset=_visible_follow_ups(user))))
    meeting = (policy.visible(user, Meeting.objects.filter(body__collaboration=collaboration, pk=meeting_id))
               .select_related("body").prefetch_related(Prefetch("cases", queryset=cases)).first())
    if meeting is None:
        raise Http404(_("Fant ikke møtet."))
    return meeting


def meeting_to_manage(collaboration: Collaboration, meeting_id: int) -> Meeting:
    """A meeting of the collaboration for its secretariat (who sees everything), or 404."""
    meeting = Meeting.objects.filter(body__collaboration=collaboration, pk=meeting_id).select_related(
        "body__collaboration").first()
    if meeting is None:
        raise Http404(_("Fant ikke møtet."))
    return meeting


def case_to_manage(meeting: Meeting, case_id: int) -> MeetingCase:
    case = meeting.cases.filter(pk=case_id).select_related("meeting__body__collaboration").first()
    if case is None:
        raise Http404(_("Fant ikke saken."))
    return case


def follow_up_to_manage(case: MeetingCase, follow_up_id: int) -> FollowUp:
    follow_up = case.follow_ups.filter(pk=follow_up_id).select_related("case__meeting__body").first()
    if follow_up is None:
        raise Http404(_("Fant ikke oppfølgingen."))
    return follow_up


def new_meeting(collaboration: Collaboration) -> Meeting:
    return Meeting()


def new_case(meeting: Meeting) -> MeetingCase:
    """A new case, numbered after the body's last case that year."""
    last = (MeetingCase.objects.filter(meeting__body_id=meeting.body_id, meeting__held_on__year=meeting.held_on.year)
            .order_by("-number").values_list("number", flat=True).first())
    return MeetingCase(meeting=meeting, number=(last or 0) + 1)


def new_follow_up(case: MeetingCase) -> FollowUp:
    return FollowUp(case=case)


def body_choices(collaboration: Collaboration) -> QuerySet[Body]:
    return collaboration.bodies.order_by("kind", "name")


def link_choices(collaboration: Collaboration) -> dict[str, QuerySet]:
    """What a case of the collaboration may concern (the secretariat sees its internal items)."""
    return {
        "measures": Measure.objects.filter(collaboration=collaboration).order_by("title"),
        "agreements": HostAgreement.objects.filter(collaboration=collaboration).order_by("service"),
        "subprojects": Subproject.objects.filter(collaboration=collaboration).order_by("code"),
    }


def people_choices(collaboration: Collaboration) -> QuerySet[Person]:
    """People of the member municipalities and of the collaboration's bodies, for a follow-up's responsible."""
    return Person.objects.filter(Q(municipality__memberships__collaboration=collaboration)
                                 | Q(body_memberships__body__collaboration=collaboration)).distinct().order_by("name")


# ---------------------------------------------------------------- follow-ups across meetings

class FollowUpState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    ALL = "all"


FOLLOW_UP_STATES = {
    FollowUpState.OPEN: gettext_lazy("Åpne"),
    FollowUpState.OVERDUE: gettext_lazy("Over fristen"),
    FollowUpState.DONE: gettext_lazy("Utført"),
    FollowUpState.ALL: gettext_lazy("Alle"),
}


def _state_q(state: FollowUpState, today: dt.date) -> Q:
    return {
        FollowUpState.OPEN: Q(done_on__isnull=True),
        FollowUpState.OVERDUE: Q(done_on__isnull=True, due_on__lt=today),
        FollowUpState.DONE: Q(done_on__isnull=False),
        FollowUpState.ALL: Q(),
    }[state]


@dataclass
class FollowUpCounts:
    open: int
    overdue: int
    done: int


def follow_ups_of(user, collaboration: Collaboration, state: FollowUpState, today: dt.date) -> QuerySet[FollowUp]:
    """The visible follow-ups of the collaboration's meetings in `state`: oldest deadline first, no deadline last."""
    return (_visible_follow_ups(user).filter(_state_q(state, today),
                                             case__meeting__body__collaboration=collaboration)
            .select_related("case__meeting__body")
            .order_by(F("due_on").asc(nulls_last=True), "case__meeting__held_on", "case__number", "pk"))


def follow_up_counts(user, collaboration: Collaboration, today: dt.date) -> FollowUpCounts:
    qs = _visible_follow_ups(user).filter(case__meeting__body__collaboration=collaboration).order_by()
    counts = qs.aggregate(open=Count("pk", filter=_state_q(FollowUpState.OPEN, today)),
                          overdue=Count("pk", filter=_state_q(FollowUpState.OVERDUE, today)),
                          done=Count("pk", filter=_state_q(FollowUpState.DONE, today)))
    return FollowUpCounts(**counts)


def cases_for_measure(user, measure: Measure) -> list[MeetingCase]:
    """The visible cases that concern the measure, newest meeting first."""
    return list(policy.visible(user, measure.meeting_cases.all()).select_related("meeting__body")
                .order_by("-meeting__held_on", "number"))
