"""The access matrix shared by tests/test_permission_matrix.py: one world with
every kind of object, the roles, and a helper that asserts the HTTP answer a
role gets at a URL (and that internal titles never leak in the body)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client

from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.meetings.models import CouncilCase, CouncilDecision, FollowUp, Meeting, MeetingCase, WheelItem
from collaborations.registry.models import Body
from reporting.models import ReportJob

ROLES = ["anonymous", "stranger", "politician", "admin_participant", "admin_outsider", "coordinator", "partner",
         "secretariat", "superuser"]
INTERNAL_TITLES = ["Helhetlig ROS-analyse", "ROS Vestre Varanger", "Intern risikovurdering møte"]


def make_matrix_world():
    from tests.factories import make_partner_user, make_world

    world = make_world()
    # An outside partner (UNN HF) taking part in the published shared measure, and its user.
    world.partner, world.partner_user = make_partner_user(world)
    agreement = HostAgreement.objects.create(
        collaboration=world.collaboration, service="IT-drift", host=world.kafjord, positions=Decimal("4.0"),
        annual_cost=Decimal("1000000"), cost_key=world.cost_key, notice_months=12)
    HostAgreementParticipant.objects.create(agreement=agreement, municipality=world.lyngen)
    body = Body.objects.create(collaboration=world.collaboration, kind=Body.Kind.CHIEF_EXECUTIVES, name="KDU")
    meeting = Meeting.objects.create(body=body, title="KDU-møte", held_on=dt.date(2024, 3, 1))
    internal_case = MeetingCase.objects.create(meeting=meeting, number=1, title="Intern risikovurdering møte",
                                               visibility="internal")
    published_case = MeetingCase.objects.create(meeting=meeting, number=2, title="Handlingsplan")
    published_case.measures.add(world.shared, world.internal)
    follow_up = FollowUp.objects.create(case=internal_case, responsible="Intern risikovurdering møte: ansvarlig",
                                        due_on=dt.date(2024, 4, 1))
    council_case = CouncilCase.objects.create(collaboration=world.collaboration, title="Felles IT-strategi",
                                              proposed_decision="Kommunestyret vedtar strategien.")
    council_decision = CouncilDecision.objects.create(council_case=council_case, municipality=world.kafjord)
    CouncilDecision.objects.create(council_case=council_case, municipality=world.lyngen, outcome="adopted",
                                   decided_on=dt.date(2024, 2, 1))
    internal_council_case = CouncilCase.objects.create(
        collaboration=world.collaboration, title="Intern risikovurdering møte: budsjett", visibility="internal",
        proposed_decision="Intern risikovurdering møte: forslag")
    wheel_item = WheelItem.objects.create(collaboration=world.collaboration, title="Intern risikovurdering møte: årshjul",
                                          month=9, visibility="internal")
    draft_report = ReportJob.objects.create(collaboration=world.collaboration, report_type="council",
                                            municipality=world.kafjord, year=2024, cutoff=dt.date(2024, 12, 31),
                                            status=ReportJob.Status.DONE, requested_by=world.secretariat)
    objects = {
        "published_measure": world.shared, "internal_measure": world.internal,
        "network_measure": world.network_measure, "foreign_measure": world.foreign,
        "foreign_internal": world.foreign_internal, "collaboration": world.collaboration,
        "network": world.network, "host_agreement": agreement, "meeting": meeting,
        "internal_case": internal_case, "published_case": published_case, "follow_up": follow_up,
        "council_case": council_case, "internal_council_case": internal_council_case,
        "council_decision": council_decision, "wheel_item": wheel_item, "cost_key": world.cost_key,
        "draft_report": draft_report,
    }
    return world, objects


def users(world) -> dict:
    return {**world.users_by_role(), "partner": world.partner_user, "superuser": world.superuser}


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back at the
    end; each test runs in its own savepoint on top of it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            world, objects = make_matrix_world()
            yield world, objects
            transaction.set_rollback(True)


def client_for(world, role: str) -> Client:
    client = Client()
    user = users(world)[role]
    if user is not None:
        client.force_login(user)
    return client


def assert_access(client: Client, url: str, expected_status: int, *, method: str = "get",
                  hidden: list[str] | tuple[str, ...] = ()) -> None:
    """`client` gets `expected_status` at `url`, and none of `hidden` appears in the body."""
    response = getattr(client, method)(url)
    assert response.status_code == expected_status, f"{method.upper()} {url}: {response.status_code}"
    if hidden and not response.streaming:
        body = response.content.decode("utf-8", errors="replace")
        for title in hidden:
            assert title not in body, f"{title!r} leaked in {url}"
