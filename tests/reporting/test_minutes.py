"""A meeting's minutes as a PDF for the archive: PDF/A-2a like the annual
reports, with the cases, conclusions and follow-ups the reader may see; the
public's copy leaves out internal cases, the administration's is marked
internal."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from collaborations.meetings.models import FollowUp, Meeting, MeetingCase
from collaborations.registry.models import Body
from tests.factories import client_for


@pytest.fixture
def meeting(world):
    body = Body.objects.create(collaboration=world.collaboration, kind=Body.Kind.REGIONAL_COUNCIL, name="Regionrådet")
    meeting = Meeting.objects.create(body=body, title="Fellesmøte", held_on=dt.date(2024, 3, 14), place="Storslett",
                                     minutes_by="Sekretariatet", others_attending="Willy Ørnebakk (sak 3)")
    case = MeetingCase.objects.create(meeting=meeting, number=3, title="IT-samarbeid: status og budsjett",
                                      conclusion="Regionrådet ber om en egen sak om IT-strategien.")
    FollowUp.objects.create(case=case, responsible="Willy Ørnebakk", due_on=dt.date(2024, 10, 15))
    MeetingCase.objects.create(meeting=meeting, number=4, title="ROS-analyse for IT-driften", visibility="internal",
                               conclusion="Sårbarheter i nettverket.")
    return meeting


def pdf_of(client, world, meeting):
    response = client.get(reverse("reporting:minutes", args=[world.collaboration.slug, meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, " ".join((p.extract_text() or "").replace("\n", " ") for p in reader.pages)


def test_the_public_copy_has_the_published_cases_and_follow_ups_only(world, meeting):
    reader, text = pdf_of(client_for(None), world, meeting)
    assert reader.metadata.title == "Referat: Fellesmøte 14.03.2024"
    for expected in ("Regionrådet", "Storslett", "Willy Ørnebakk (sak 3)", "3/2024", "IT-samarbeid: status og budsjett",
                     "Regionrådet ber om en egen sak om IT-strategien.", "innen 15.10.2024", "Offentlig"):
        assert expected in text, expected
    assert "ROS-analyse" not in text and "Sårbarheter" not in text and "4/2024" not in text


def test_the_administrations_copy_is_marked_internal(world, meeting):
    _reader, text = pdf_of(client_for(world.admin_kafjord), world, meeting)
    assert "ROS-analyse for IT-driften (intern)" in text and "Intern – ikke offentlig" in text


def test_an_internal_meetings_minutes_are_not_found_by_the_public(world, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(visibility="internal")
    url = reverse("reporting:minutes", args=[world.collaboration.slug, meeting.pk])
    assert client_for(None).get(url).status_code == 404
    assert client_for(world.secretariat).get(url).status_code == 200
    assert client_for(None).get(reverse("reporting:minutes", args=["vestre-varanger", meeting.pk])).status_code == 404
