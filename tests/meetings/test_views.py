"""The meeting pages: minutes for everyone (internal meetings and cases only
for the administration, without a trace for the rest), and the secretariat's
forms for meetings, cases and follow-ups: each asks why, keeps what was typed
on an error (Norwegian, on the field), saves nothing half, detects a
concurrent edit, and saves through the meetings' services."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaborations.common.concurrency import latest_history_id
from collaborations.meetings.models import FollowUp, Meeting, MeetingCase
from collaborations.meetings.services import case_save, follow_up_save, meeting_save
from collaborations.registry.models import Body
from tests.factories import client_for

REASON = "Fra referatet"


def url(name, world, *args):
    return reverse(name, args=[world.collaboration.slug, *args])


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def body(world):
    return Body.objects.create(collaboration=world.collaboration, kind=Body.Kind.REGIONAL_COUNCIL, name="Regionrådet")


@pytest.fixture
def meeting(world, body):
    meeting = meeting_save(acting_user=world.secretariat, reason=REASON, meeting=Meeting(
        body=body, title="Fellesmøte regionråd og KDU", held_on=dt.date(2024, 3, 14), place="Storslett"))
    published = case_save(acting_user=world.secretariat, reason=REASON, measures=[world.shared, world.internal],
                          case=MeetingCase(meeting=meeting, number=1, title="IT-samarbeid: status",
                                           conclusion="Egen sak om IT-strategien."))
    follow_up_save(acting_user=world.secretariat, reason=REASON, follow_up=FollowUp(
        case=published, responsible="Willy Ørnebakk", due_on=dt.date(2024, 10, 15)))
    secret = case_save(acting_user=world.secretariat, reason=REASON, case=MeetingCase(
        meeting=meeting, number=2, title="ROS-analyse for beredskap", visibility="internal"))
    follow_up_save(acting_user=world.secretariat, reason=REASON, follow_up=FollowUp(
        case=secret, responsible="Beredskapskoordinator", due_on=dt.date(2024, 5, 1)))
    return meeting


# ---------------------------------------------------------------- reading

def test_the_public_reads_the_minutes_without_the_internal_case_or_internal_measure(world, meeting):
    page = text(client_for(None).get(url("meeting_detail", world, meeting.pk)))
    assert "Sak 1/2024: IT-samarbeid: status" in page and "Egen sak om IT-strategien." in page
    assert "Willy Ørnebakk" in page and "Over fristen 15.10.2024" in page
    assert "Nytt sak- og arkivsystem" in page  # the published measure the case concerns
    for hidden in ("ROS-analyse for beredskap", "Beredskapskoordinator", "Helhetlig ROS-analyse", "Intern"):
        assert hidden not in page
    listing = text(client_for(None).get(url("meeting_list", world)))
    assert "Fellesmøte regionråd og KDU" in listing and "14.03.2024" in listing


def test_the_administration_reads_the_internal_case_marked_internal(world, meeting):
    page = text(client_for(world.admin_kafjord).get(url("meeting_detail", world, meeting.pk)))
    assert "Sak 2/2024: ROS-analyse for beredskap" in page and "Beredskapskoordinator" in page
    assert "Helhetlig ROS-analyse" in page and 'badge internal' in page
    assert "Endre møtet" not in page  # reading only: the forms are the secretariat's


def test_an_internal_meeting_is_not_found_by_the_public(world, meeting):
    meeting.visibility = "internal"
    meeting_save(acting_user=world.secretariat, reason="Intern", meeting=meeting)
    assert client_for(None).get(url("meeting_detail", world, meeting.pk)).status_code == 404
    assert client_for(world.politician_kafjord).get(url("meeting_detail", world, meeting.pk)).status_code == 404
    assert "Fellesmøte" not in text(client_for(None).get(url("meeting_list", world)))
    assert client_for(world.secretariat).get(url("meeting_detail", world, meeting.pk)).status_code == 200


def test_the_measure_page_shows_the_cases_that_concern_it(world, meeting):
    page = text(client_for(None).get(reverse("measure_detail", args=[world.shared.pk])))
    assert "Behandlet i møter" in page and "Sak 1/2024: IT-samarbeid: status" in page
    assert reverse("meeting_detail", args=[world.collaboration.slug, meeting.pk]) in page
    other = text(client_for(None).get(reverse("measure_detail", args=[world.network_measure.pk])))
    assert "Ingen møtesaker gjelder tiltaket." in other


def test_the_meeting_page_reads_a_fixed_number_of_queries(world, meeting):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client_for(None).get(url("meeting_detail", world, meeting.pk)).status_code == 200
        return len(queries)

    before = count()
    for n in range(3, 13):
        case = case_save(acting_user=world.secretariat, reason=REASON, measures=[world.shared],
                         case=MeetingCase(meeting=meeting, number=n, title=f"Sak {n}"))
        follow_up_save(acting_user=world.secretariat, reason=REASON,
                       follow_up=FollowUp(case=case, responsible=f"Ansvarlig {n}"))
    assert count() == before <= 12


# ---------------------------------------------------------------- meetings

def test_the_secretariat_registers_a_meeting(world, body):
    client = client_for(world.secretariat)
    form = text(client.get(url("meeting_create", world)))
    assert 'name="body"' in form and 'name="others_attending"' in form and 'name="reason"' in form
    response = client.post(url("meeting_create", world), {
        "body": body.pk, "title": "Vårmøte", "held_on": "2026-03-12", "place": "Skjervøy",
        "present": "Regionrådet", "others_attending": "Vegard Bogstrand (sak 6 og 7)", "visibility": "published",
        "reason": "Møteplan 2026"})
    meeting = Meeting.objects.get(title="Vårmøte")
    assert response.status_code == 302 and response.url.startswith(url("meeting_detail", world, meeting.pk))
    assert (meeting.held_on, meeting.others_attending) == (dt.date(2026, 3, 12), "Vegard Bogstrand (sak 6 og 7)")
    assert meeting.history.latest().history_change_reason == "Møteplan 2026"
    page = text(client.get(response.url))
    assert "Møtet «Vårmøte» er registrert." in page and "Vegard Bogstrand (sak 6 og 7)" in page


def test_a_meeting_with_errors_saves_nothing_and_says_what_is_wrong(world, body):
    response = client_for(world.secretariat).post(url("meeting_create", world), {
        "body": "", "title": "Møte uten dato", "held_on": "31.02.2026", "visibility": "published", "reason": ""})
    page = text(response)
    assert response.status_code == 200 and not Meeting.objects.exists()
    for message in ("Velg organet som møtes.", "Skriv en gyldig dato.", "Skriv en kort begrunnelse."):
        assert message in page
    assert 'value="Møte uten dato"' in page


def test_a_meeting_of_another_collaborations_body_is_refused(world):
    foreign = Body.objects.create(collaboration=world.other_collaboration, kind=Body.Kind.STEERING_GROUP, name="Styret")
    response = client_for(world.secretariat).post(url("meeting_create", world), {
        "body": foreign.pk, "title": "Møte", "held_on": "2026-03-12", "visibility": "published", "reason": "x"})
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "Velg et av samarbeidets organer." in text(response)


def test_a_concurrent_edit_of_a_meeting_is_detected_not_overwritten(world, meeting):
    client = client_for(world.secretariat)
    opened = latest_history_id(meeting)
    meeting.place = "Skjervøy"
    meeting_save(acting_user=world.superuser, reason="Flyttet", meeting=meeting)
    response = client.post(url("meeting_edit", world, meeting.pk), {
        "body": meeting.body_id, "title": "Fellesmøte", "held_on": "2024-03-14", "place": "Olderdalen",
        "visibility": "published", "reason": "Rettet sted", "history_id": opened})
    assert response.status_code == 200 and "Skjervøy" in text(response)
    meeting.refresh_from_db()
    assert meeting.place == "Skjervøy"
    assert 'value="Olderdalen"' in text(response)


# ---------------------------------------------------------------- cases

def test_the_secretariat_adds_a_case_numbered_after_the_last_linked_to_a_measure(world, meeting):
    client = client_for(world.secretariat)
    form = text(client.get(url("case_create", world, meeting.pk)))
    assert 'name="number" value="3"' in form and "Helhetlig ROS-analyse" in form  # the secretariat links internal items
    response = client.post(url("case_create", world, meeting.pk), {
        "number": "3", "title": "Rullering av handlingsplanen", "conclusion": "KDU legger fram forslag i høst.",
        "visibility": "published", "measures": [world.shared.pk], "reason": "Referat"})
    case = MeetingCase.objects.get(title="Rullering av handlingsplanen")
    assert response.status_code == 302 and list(case.measures.all()) == [world.shared]
    assert "Sak 3/2024 er registrert." in text(client.get(response.url))


def test_a_case_number_taken_that_year_is_refused_on_the_field(world, meeting):
    response = client_for(world.secretariat).post(url("case_create", world, meeting.pk), {
        "number": "1", "title": "Dobbel", "visibility": "published", "reason": "Referat"})
    assert response.status_code == 200 and not MeetingCase.objects.filter(title="Dobbel").exists()
    assert "Regionrådet har allerede sak 1/2024" in text(response)


def test_a_case_of_another_collaborations_measure_cannot_be_chosen(world, meeting):
    response = client_for(world.secretariat).post(url("case_create", world, meeting.pk), {
        "number": "5", "title": "Fremmed", "visibility": "published", "measures": [world.foreign.pk],
        "reason": "Referat"})
    assert response.status_code == 200 and not MeetingCase.objects.filter(title="Fremmed").exists()
    assert f"Velg bare blant samarbeidets egne ({world.foreign.pk} er ikke et av dem)." in text(response)


def test_a_concurrent_edit_of_a_case_is_detected(world, meeting):
    case = meeting.cases.get(number=1)
    opened = latest_history_id(case)
    case.conclusion = "Endret av en annen."
    case_save(acting_user=world.superuser, reason="Rettet", case=case)
    response = client_for(world.secretariat).post(url("case_edit", world, meeting.pk, case.pk), {
        "number": "1", "title": case.title, "conclusion": "Min tekst", "visibility": "published",
        "reason": "Rettet", "history_id": opened})
    assert response.status_code == 200 and "Endret av en annen." in text(response)
    case.refresh_from_db()
    assert case.conclusion == "Endret av en annen."


# ---------------------------------------------------------------- follow-ups

def test_the_secretariat_adds_a_follow_up_and_marks_it_done_from_the_list(world, meeting):
    client = client_for(world.secretariat)
    case = meeting.cases.get(number=1)
    response = client.post(url("follow_up_create", world, meeting.pk, case.pk), {
        "responsible": "Sekretariatet", "action": "Sende årsrapporten til kommunestyrene", "due_on": "2024-04-30",
        "reason": "Referat"})
    follow_up = FollowUp.objects.get(responsible="Sekretariatet")
    assert response.status_code == 302 and follow_up.due_on == dt.date(2024, 4, 30)

    listing = text(client.get(url("follow_up_list", world) + "?vis=overdue"))
    assert "Sende årsrapporten til kommunestyrene" in listing and "Over fristen 30.04.2024" in listing
    assert "3 åpne oppfølginger, 3 over fristen, 0 utført" in listing  # the internal case's too, for the secretariat
    mark = reverse("follow_up_edit", args=[world.collaboration.slug, meeting.pk, case.pk, follow_up.pk]) + "?utfort=1"
    assert mark.replace("&", "&amp;") in listing
    form = text(client.get(mark))
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in form  # today, ready to save
    client.post(mark, {"responsible": "Sekretariatet", "action": follow_up.action, "due_on": "2024-04-30",
                       "done_on": "2024-04-22", "reason": "Sendt", "history_id": latest_history_id(follow_up)})
    follow_up.refresh_from_db()
    assert follow_up.done_on == dt.date(2024, 4, 22)
    done = text(client.get(url("follow_up_list", world) + "?vis=done"))
    assert "Utført 22.04.2024" in done and "Sende årsrapporten" in done


def test_a_follow_up_done_before_the_meeting_is_refused_on_the_field(world, meeting):
    case = meeting.cases.get(number=1)
    follow_up = case.follow_ups.get()
    response = client_for(world.secretariat).post(
        url("follow_up_edit", world, meeting.pk, case.pk, follow_up.pk),
        {"responsible": "Willy Ørnebakk", "done_on": "2024-01-01", "reason": "Ferdig",
         "history_id": latest_history_id(follow_up)})
    assert response.status_code == 200 and "Kan ikke være utført før møtet (14.03.2024)" in text(response)
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_an_unknown_list_filter_shows_the_open_follow_ups(world, meeting):
    page = text(client_for(world.secretariat).get(url("follow_up_list", world) + "?vis=<script>"))
    assert "Willy Ørnebakk" in page and "<script>" not in page


def test_everyone_reads_the_follow_ups_of_the_cases_they_may_see_and_only_the_secretariat_records_them(world, meeting):
    public = text(client_for(None).get(url("follow_up_list", world) + "?vis=all"))
    assert "Willy Ørnebakk" in public and "Beredskapskoordinator" not in public
    assert "1 åpen oppfølging, 1 over fristen, 0 utført" in public
    assert "Registrer utført" not in public
    secretariat = text(client_for(world.secretariat).get(url("follow_up_list", world) + "?vis=all"))
    assert "Beredskapskoordinator" in secretariat and "Registrer utført" in secretariat


def test_the_overview_counts_overdue_follow_ups_from_meetings_and_forgets_them_when_done(world, meeting, settings):
    settings.DASHBOARD_CACHE_SECONDS = 300  # cached as in production: the fingerprint must see the follow-up
    overview = reverse("dashboard_overview", args=[world.collaboration.slug])
    page = text(client_for(None).get(overview))
    assert "<strong>1</strong> oppfølging fra møtene over fristen" in page  # not the internal case's
    assert "<strong>2</strong> oppfølginger fra møtene over fristen" in text(client_for(world.secretariat).get(overview))
    follow_up = FollowUp.objects.get(responsible="Willy Ørnebakk")
    follow_up.done_on = dt.date(2024, 10, 1)
    follow_up_save(acting_user=world.secretariat, reason="Gjort", follow_up=follow_up)
    assert "fra møtene over fristen" not in text(client_for(None).get(overview))


def test_a_case_names_documents_only_to_those_who_may_see_them(world, meeting, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from collaborations.portfolio.services import document_upload

    settings.MEDIA_ROOT = str(tmp_path)

    def pdf(name):
        return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", "application/pdf")

    public = document_upload(acting_user=world.secretariat, measure=world.shared, file=pdf("a.pdf"),
                             title="Kravspesifikasjon arkiv")
    secret = document_upload(acting_user=world.secretariat, measure=world.shared, file=pdf("b.pdf"),
                             title="Sårbarhetsvurdering arkiv", visibility="internal")
    ros = document_upload(acting_user=world.secretariat, measure=world.internal, file=pdf("c.pdf"), title="ROS-notat")
    case = meeting.cases.get(number=1)
    client = client_for(world.secretariat)
    form = text(client.get(url("case_edit", world, meeting.pk, case.pk)))
    assert "Kravspesifikasjon arkiv (Nytt sak- og arkivsystem)" in form and "ROS-notat" in form
    response = client.post(url("case_edit", world, meeting.pk, case.pk), {
        "number": "1", "title": case.title, "conclusion": case.conclusion, "visibility": "published",
        "measures": [world.shared.pk], "documents": [public.pk, secret.pk, ros.pk], "reason": "Vedlegg til saken",
        "history_id": latest_history_id(case)})
    assert response.status_code == 302 and set(case.documents.all()) == {public, secret, ros}
    anonymous = text(client_for(None).get(url("meeting_detail", world, meeting.pk)))
    assert "Kravspesifikasjon arkiv" in anonymous
    assert "Sårbarhetsvurdering arkiv" not in anonymous and "ROS-notat" not in anonymous
    administration = text(client_for(world.admin_kafjord).get(url("meeting_detail", world, meeting.pk)))
    assert "Sårbarhetsvurdering arkiv" in administration and "ROS-notat" in administration
