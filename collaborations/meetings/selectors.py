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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import policy
from ..economy.models import HostAgreement
from ..portfolio.models import Document, Measure, PlanPeriod
from ..registry.models import Body, Collaboration, Municipality, Person, Visibility
from ..registry.selectors import memberships_on
from .adoption import Adoption, adoption_of
from .models import (
    CalendarFeed,
    CouncilCase,
    CouncilCaseAttachment,
    CouncilDecision,
    FollowUp,
    Meeting,
    MeetingCase,
    Subproject,
    WheelItem,
)


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
                               Prefetch("documents", queryset=Document.objects.select_related(
                                   "measure__collaboration", "measure__network").order_by("title")),
                               Prefetch("follow_ups", queryset=_visible_follow_ups(user)),
                               Prefetch("council_cases", queryset=policy.visible(user, CouncilCase.objects.all())
                                        .order_by("pk"))))
    meeting = (policy.visible(user, Meeting.objects.filter(body__collaboration=collaboration, pk=meeting_id))
               .select_related("body").prefetch_related(Prefetch("cases", queryset=cases)).first())
    if meeting is None:
        raise Http404(_("Fant ikke møtet."))
    for case in meeting.cases.all():  # a document follows its measure and its own visibility
        case.visible_documents = [d for d in case.documents.all() if policy.allows(user, policy.Action.VIEW, d)]
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
        "documents": Document.objects.filter(measure__collaboration=collaboration).select_related(
            "measure__collaboration").order_by("measure__title", "title"),
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


# ---------------------------------------------------------------- joint council cases

def _with_decisions(queryset: QuerySet[CouncilCase]) -> QuerySet[CouncilCase]:
    return queryset.select_related("agreement", "plan", "new_member", "origin__meeting__body").prefetch_related(
        Prefetch("decisions", queryset=CouncilDecision.objects.select_related("municipality")
                 .order_by("municipality__name")), "attachments")


def with_adoption(council_cases) -> list[tuple[CouncilCase, Adoption]]:
    return [(c, adoption_of(c, list(c.decisions.all()))) for c in council_cases]


def council_cases_of(user, collaboration: Collaboration) -> list[tuple[CouncilCase, Adoption]]:
    """The joint council cases the user may see, newest first, each with where it stands."""
    return with_adoption(_with_decisions(policy.visible(user, collaboration.council_cases.all())))


def council_cases_about(user, *, agreement=None, plan=None, collaboration=None,
                        subject: str = "") -> list[tuple[CouncilCase, Adoption]]:
    """The visible joint council cases about a host agreement, a plan, or (for
    the collaboration's own pages) the collaboration agreement or admissions."""
    if agreement is not None:
        qs = CouncilCase.objects.filter(agreement=agreement)
    elif plan is not None:
        qs = CouncilCase.objects.filter(plan=plan)
    else:
        qs = CouncilCase.objects.filter(collaboration=collaboration, subject=CouncilCase.Subject(subject))
    return with_adoption(_with_decisions(policy.visible(user, qs)))


def council_case_for_user(user, collaboration: Collaboration, council_case_id: int) -> CouncilCase:
    council_case = _with_decisions(policy.visible(user, collaboration.council_cases.filter(pk=council_case_id))).first()
    if council_case is None:
        raise Http404(_("Fant ikke saken."))
    return council_case


def council_case_to_manage(collaboration: Collaboration, council_case_id: int) -> CouncilCase:
    council_case = collaboration.council_cases.filter(pk=council_case_id).select_related("collaboration").first()
    if council_case is None:
        raise Http404(_("Fant ikke saken."))
    return council_case


def decision_to_manage(council_case: CouncilCase, decision_id: int) -> CouncilDecision:
    decision = council_case.decisions.filter(pk=decision_id).select_related(
        "municipality", "council_case__collaboration").first()
    if decision is None:
        raise Http404(_("Fant ikke vedtaket."))
    return decision


def new_council_case(collaboration: Collaboration) -> CouncilCase:
    return CouncilCase(collaboration=collaboration)


def council_choices(collaboration: Collaboration, council_case: CouncilCase) -> QuerySet[Municipality]:
    """The councils a case can go to: today's members and those it already went to."""
    members = memberships_on(timezone.localdate()).filter(collaboration=collaboration).values("municipality_id")
    wanted = Q(pk__in=members)
    if council_case.pk:
        wanted |= Q(council_decisions__council_case_id=council_case.pk)
    return Municipality.objects.filter(wanted).distinct().order_by("name")


def council_case_link_choices(collaboration: Collaboration) -> dict[str, QuerySet]:
    members = memberships_on(timezone.localdate()).filter(collaboration=collaboration).values("municipality_id")
    return {
        "agreement": HostAgreement.objects.filter(collaboration=collaboration).order_by("service"),
        "plan": PlanPeriod.objects.filter(collaboration=collaboration).order_by("-start_year"),
        "new_member": Municipality.objects.filter(valid_to__isnull=True).exclude(pk__in=members).order_by("name"),
        "origin": MeetingCase.objects.filter(meeting__body__collaboration=collaboration)
        .select_related("meeting").order_by("-meeting__held_on", "number"),
    }


def council_cases_awaiting(collaboration: Collaboration, day: dt.date, *, municipality: Municipality | None = None,
                           include_internal: bool) -> list[tuple[CouncilCase, list[str]]]:
    """The joint council cases sent by `day` with the councils that had not
    adopted or rejected them by then, for the annual reports: a council
    report lists its own council's, a regional report every council's."""
    qs = CouncilCase.objects.filter(collaboration=collaboration, sent_on__lte=day)
    if not include_internal:
        qs = qs.filter(visibility=Visibility.PUBLISHED)
    decided = (CouncilDecision.Outcome.ADOPTED, CouncilDecision.Outcome.AMENDED, CouncilDecision.Outcome.REJECTED)
    out = []
    for council_case in _with_decisions(qs).order_by("sent_on", "title"):
        waiting = [d.municipality.name for d in council_case.decisions.all()
                   if not (d.outcome in decided and d.decided_on and d.decided_on <= day)
                   and (municipality is None or d.municipality_id == municipality.pk)]
        if waiting:
            out.append((council_case, waiting))
    return out


# ---------------------------------------------------------------- the annual wheel and calendar feeds

def wheel_item_to_manage(collaboration: Collaboration, item_id: int) -> WheelItem:
    item = collaboration.wheel_items.filter(pk=item_id).first()
    if item is None:
        raise Http404(_("Fant ikke punktet i årshjulet."))
    return item


def new_wheel_item(collaboration: Collaboration) -> WheelItem:
    return WheelItem(collaboration=collaboration)


def feed_years(today: dt.date) -> list[int]:
    """What a calendar feed covers: last year, this year and next year."""
    return [today.year - 1, today.year, today.year + 1]


def calendar_feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first() if user.is_authenticated else None


def feed_user(token: str):
    """The active user whose personal feed has this secret, or 404."""
    feed = CalendarFeed.objects.filter(token=token, user__is_active=True).select_related("user").first()
    if feed is None:
        raise Http404(_("Fant ikke kalenderen."))
    return feed.user


def personal_collaborations(user) -> list[Collaboration]:
    """The collaborations a user has a role in: manages, sees internal items
    of, reads reports of, or answers for a follow-up in."""
    ids: set[int] = set()
    for action in (policy.Action.MANAGE, policy.Action.VIEW_INTERNAL, policy.Action.READ_REPORTS):
        ids |= set(policy.collaborations_where(user, action).values_list("pk", flat=True))
    ids |= set(FollowUp.objects.filter(person__user=user).values_list("case__meeting__body__collaboration_id",
                                                                       flat=True))
    return list(Collaboration.objects.filter(pk__in=ids).order_by("name"))


def attachment_for_user(user, collaboration: Collaboration, council_case_id: int, attachment_id: int):
    """An attachment of a joint council case the user may see, or 404 (missing and hidden alike)."""
    attachment = policy.visible(user, CouncilCaseAttachment.objects.filter(
        pk=attachment_id, council_case_id=council_case_id, council_case__collaboration=collaboration)).first()
    if attachment is None:
        raise Http404(_("Fant ikke vedlegget."))
    return attachment
