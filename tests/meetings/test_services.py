"""Meetings' services: a case's number is unique within its body and year, a
case concerns only its own collaboration's items, follow-ups are done after
the meeting; every save leaves history and an audit event with the reason."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from collaborations.access.models import AuditEvent
from collaborations.common.errors import DomainError
from collaborations.meetings.models import FollowUp, Meeting, MeetingCase
from collaborations.meetings.services import case_save, follow_up_done, follow_up_save, meeting_save
from collaborations.registry.models import Body

REASON = "Referat fra møtet"


@pytest.fixture
def meeting(world):
    body = Body.objects.create(collaboration=world.collaboration, kind=Body.Kind.REGIONAL_COUNCIL, name="Regionrådet")
    return meeting_save(acting_user=world.secretariat, reason=REASON, meeting=Meeting(
        body=body, title="Fellesmøte", held_on=dt.date(2024, 3, 14), place="Storslett"))


def test_a_meeting_is_saved_with_history_and_an_audit_event(world, meeting):
    assert meeting.history.latest().history_change_reason == REASON
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.MEETING_SAVED).latest("pk")
    assert (event.acting_user, event.collaboration, event.reason) == (world.secretariat, world.collaboration, REASON)


def test_a_case_links_measures_and_its_reference_names_the_year(world, meeting):
    case = case_save(acting_user=world.secretariat, reason=REASON, measures=[world.shared, world.internal],
                     case=MeetingCase(meeting=meeting, number=7, title="IT-samarbeid"))
    assert case.reference == "7/2024" and str(case) == "Sak 7/2024: IT-samarbeid"
    assert set(case.measures.all()) == {world.shared, world.internal}
    assert set(world.shared.meeting_cases.all()) == {case}


def test_a_case_number_is_unique_within_the_body_and_year_across_meetings(world, meeting):
    case_save(acting_user=world.secretariat, reason=REASON, case=MeetingCase(meeting=meeting, number=3, title="A"))
    autumn = meeting_save(acting_user=world.secretariat, reason=REASON, meeting=Meeting(
        body=meeting.body, title="Høstmøte", held_on=dt.date(2024, 10, 17)))
    with pytest.raises(DomainError) as refused:
        case_save(acting_user=world.secretariat, reason=REASON, case=MeetingCase(meeting=autumn, number=3, title="B"))
    assert "Regionrådet har allerede sak 3/2024 (møtet 14.03.2024)" in str(refused.value.message_dict["number"])
    assert not MeetingCase.objects.filter(meeting=autumn).exists()
    next_year = meeting_save(acting_user=world.secretariat, reason=REASON, meeting=Meeting(
        body=meeting.body, title="Vårmøte", held_on=dt.date(2025, 3, 1)))
    assert case_save(acting_user=world.secretariat, reason=REASON,
                     case=MeetingCase(meeting=next_year, number=3, title="C")).reference == "3/2025"


def test_a_case_refuses_a_measure_of_another_collaboration_and_saves_nothing(world, meeting):
    with pytest.raises(DomainError) as refused:
        case_save(acting_user=world.secretariat, reason=REASON, measures=[world.shared, world.foreign],
                  case=MeetingCase(meeting=meeting, number=1, title="Feil"))
    assert "IKT-samarbeid Vestre Varanger" in str(refused.value.message_dict["measures"])
    assert not MeetingCase.objects.exists()


def test_a_case_without_a_reason_is_refused(world, meeting):
    with pytest.raises(DomainError) as refused:
        case_save(acting_user=world.secretariat, reason=" ", case=MeetingCase(meeting=meeting, number=1, title="A"))
    assert "reason" in refused.value.message_dict
    assert not MeetingCase.objects.exists()


def test_a_follow_up_is_marked_done_once_and_not_before_the_meeting(world, meeting):
    case = case_save(acting_user=world.secretariat, reason=REASON, case=MeetingCase(meeting=meeting, number=1,
                                                                                    title="Årsrapport"))
    follow_up = follow_up_save(acting_user=world.secretariat, reason=REASON, follow_up=FollowUp(
        case=case, responsible="Sekretariatet", due_on=dt.date(2024, 4, 30)))
    assert follow_up.overdue_on(dt.date(2024, 5, 1)) and not follow_up.overdue_on(dt.date(2024, 4, 30))
    with pytest.raises(DomainError) as refused:
        follow_up_done(acting_user=world.secretariat, reason="Sendt", follow_up=follow_up, done_on=dt.date(2024, 1, 1))
    assert "Kan ikke være utført før møtet (14.03.2024)" in str(refused.value.message_dict["done_on"])
    follow_up = FollowUp.objects.get(pk=follow_up.pk)
    assert follow_up.done_on is None
    follow_up_done(acting_user=world.secretariat, reason="Sendt kommunene", follow_up=follow_up,
                   done_on=dt.date(2024, 4, 22))
    follow_up.refresh_from_db()
    assert follow_up.done_on == dt.date(2024, 4, 22) and not follow_up.overdue_on(dt.date(2025, 1, 1))
    assert follow_up.history.latest().history_change_reason == "Sendt kommunene"
    with pytest.raises(DomainError, match="allerede registrert som utført 22.04.2024"):
        follow_up_done(acting_user=world.secretariat, reason="Igjen", follow_up=follow_up, done_on=dt.date(2024, 5, 1))


def test_a_follow_up_needs_someone_responsible(world, meeting):
    case = case_save(acting_user=world.secretariat, reason=REASON, case=MeetingCase(meeting=meeting, number=1,
                                                                                    title="A"))
    with pytest.raises(ValidationError) as refused:
        follow_up_save(acting_user=world.secretariat, reason=REASON, follow_up=FollowUp(case=case, responsible=""))
    assert "responsible" in refused.value.message_dict
    assert not FollowUp.objects.exists()
