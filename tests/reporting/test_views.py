"""The report archive (/rapporter/): who sees, orders, downloads and publishes what."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from reporting import services
from reporting.models import ReportJob
from tests.reporting.helpers import eager_celery  # noqa: F401

pytestmark = pytest.mark.usefixtures("eager_celery")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def reports(world, media, django_capture_on_commit_callbacks):
    """A published public report, an unpublished draft and a published internal one."""
    with django_capture_on_commit_callbacks(execute=True):
        public = services.report_request(acting_user=world.secretariat, collaboration=world.collaboration,
                                         report_type="regional", year=2024).jobs.get()
        draft = services.report_request(acting_user=world.secretariat, collaboration=world.collaboration,
                                        report_type="council", year=2024, municipality=world.kafjord).jobs.get()
        internal = services.report_request(acting_user=world.secretariat, collaboration=world.collaboration,
                                           report_type="regional", year=2024, include_internal=True).jobs.get()
    services.report_publish(acting_user=world.secretariat, job=public)
    services.report_publish(acting_user=world.secretariat, job=internal)
    return {name: ReportJob.objects.get(pk=job.pk)
            for name, job in {"public": public, "draft": draft, "internal": internal}.items()}


def _client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


# A finished public report reaches the politicians and administrations of the
# members before it is published (READ_REPORTS); the public waits for publishing.
VISIBLE = {
    "anonymous": {"public"},
    "stranger": {"public"},
    "politician": {"public", "draft"},
    "admin_outsider": {"public"},
    "admin_participant": {"public", "draft", "internal"},
    "coordinator": {"public", "draft"},
    "secretariat": {"public", "draft", "internal"},
}


def test_it_shows_each_role_only_its_reports(world, reports):
    users = {**world.users_by_role(), "admin_outsider": world.admin_outsider}
    for role, expected in VISIBLE.items():
        c = _client_for(Client(), users[role])
        page = c.get(reverse("reporting:archive")).content.decode()
        shown = {name for name, job in reports.items() if f'id="job-{job.pk}"' in page}
        assert shown == expected, role
        for name, job in reports.items():
            response = c.get(reverse("reporting:download", args=[job.pk]))
            assert response.status_code == (200 if name in expected else 404), (role, name)


def test_it_downloads_the_archived_pdf(world, reports, client):
    job = reports["public"]
    response = client.get(reverse("reporting:download", args=[job.pk]))
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and len(body) == job.size
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''%C3%85rsrapport%20til%20regionr%C3%A5det%202024%20%28rapport%20{job.pk}%29.pdf")


def test_it_shows_who_when_parameters_pages_size_and_checksum(world, reports, client):
    client.force_login(world.secretariat)
    page = client.get(reverse("reporting:archive") + "?samarbeid=nord-troms").content.decode()
    job = reports["draft"]
    assert "Årsrapport til kommunestyret 2024 – Nord-Troms" in page
    assert "Skjæringsdato 31.12.2024." in page
    assert "Bestilt av Siri Sekretær" in page
    assert job.sha256 in page
    assert "Kåfjord kommunestyre" in page
    assert f'<td class="num" data-label="Sider">{job.page_count}</td>' in page
    assert "Lag rapporter" in page  # the order form


def test_it_hides_the_order_form_from_others(world, reports, client):
    client.force_login(world.politician_kafjord)
    page = client.get(reverse("reporting:archive")).content.decode()
    assert 'id="order-heading"' not in page and "/publiser/" not in page


def test_it_orders_all_member_councils_with_one_click(world, media, client, django_capture_on_commit_callbacks):
    client.force_login(world.secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:generate"), {
            "collaboration": world.collaboration.pk, "report_type": "council", "year": 2024, "cutoff": "2024-12-31",
            "municipality": ""}, follow=True)
    assert response.redirect_chain[-1][0] == "/rapporter/?samarbeid=nord-troms"
    assert "2 rapporter er bestilt. Framdriften vises under." in response.content.decode()
    jobs = ReportJob.objects.filter(report_type="council")
    assert sorted(j.municipality.name for j in jobs) == ["Kåfjord", "Lyngen"]
    assert all(j.status == "done" for j in jobs)


def test_it_shows_form_errors_in_norwegian(world, media, client):
    client.force_login(world.secretariat)
    response = client.post(reverse("reporting:generate"), {
        "collaboration": world.collaboration.pk, "report_type": "council", "year": 2024, "cutoff": "2023-06-30"})
    assert response.status_code == 400
    assert "Skjæringsdatoen må ligge i rapportåret eller året etter." in response.content.decode()
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("role", ["politician", "admin_participant", "stranger"])
def test_it_refuses_orders_from_others(world, media, client, role):
    client.force_login(world.users_by_role()[role])
    response = client.post(reverse("reporting:generate"), {
        "collaboration": world.collaboration.pk, "report_type": "regional", "year": 2024})
    assert response.status_code == 403
    assert "Bare sekretariatet kan lage og publisere rapporter." in response.content.decode()
    assert not ReportJob.objects.exists()


def test_it_polls_every_2_seconds_until_the_job_is_finished(world, media, client):
    job = ReportJob.objects.create(collaboration=world.collaboration, report_type="regional", year=2024,
                                   cutoff=dt.date(2024, 12, 31), requested_by=world.secretariat)
    client.force_login(world.secretariat)
    row = client.get(reverse("reporting:job_row", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in row and "I kø" in row
    ReportJob.objects.filter(pk=job.pk).update(status="rendering")
    row = client.get(reverse("reporting:job_row", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in row and "Lages" in row
    ReportJob.objects.filter(pk=job.pk).update(status="failed", error="Rapporten kunne ikke lages: feil")
    row = client.get(reverse("reporting:job_row", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in row and "Feilet" in row and "Rapporten kunne ikke lages: feil" in row


def test_it_publishes_and_then_offers_only_a_corrected_version(world, reports, client,
                                                              django_capture_on_commit_callbacks):
    client.force_login(world.secretariat)
    draft = reports["draft"]
    response = client.post(reverse("reporting:publish", args=[draft.pk]), follow=True)
    assert f"Rapport {draft.pk} er publisert. Den kan ikke lenger endres eller slettes." in response.content.decode()
    response = client.post(reverse("reporting:delete", args=[draft.pk]), follow=True)
    assert "Publiserte rapporter kan ikke slettes." in response.content.decode()
    response = client.post(reverse("reporting:regenerate", args=[draft.pk]), follow=True)
    assert "Publiserte rapporter kan ikke lages på nytt. Lag en ny, rettet versjon." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:correct", args=[draft.pk]), follow=True)
    new = ReportJob.objects.get(supersedes=draft)
    page = response.content.decode()
    assert f"Ny, rettet versjon er bestilt (rapport {new.pk})." in page
    assert f"erstatter rapport {draft.pk}" in page and f"erstattet av rapport {new.pk}" in page


@pytest.mark.parametrize("action", ["publish", "correct", "regenerate", "delete"])
def test_it_refuses_changes_from_politicians_and_hides_drafts(world, reports, client, action):
    client.force_login(world.politician_kafjord)
    assert client.post(reverse(f"reporting:{action}", args=[reports["public"].pk])).status_code == 403
    assert client.post(reverse(f"reporting:{action}", args=[reports["draft"].pk])).status_code == 403
    unfinished = ReportJob.objects.create(collaboration=world.collaboration, report_type="regional", year=2024,
                                          cutoff=dt.date(2024, 12, 31), requested_by=world.secretariat)
    assert client.post(reverse(f"reporting:{action}", args=[unfinished.pk])).status_code == 404
    assert client.get(reverse("reporting:download", args=[unfinished.pk])).status_code == 404


def test_it_orders_this_years_report_with_the_cut_off_left_blank(world, media, client,
                                                                 django_capture_on_commit_callbacks):
    """The cut-off the user never filled is not refused as lying in the future: it is today."""
    client.force_login(world.secretariat)
    this_year = dt.date.today().year
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:generate"), {
            "collaboration": world.collaboration.pk, "report_type": "council", "year": this_year, "cutoff": "",
            "municipality": world.kafjord.pk}, follow=True)

    assert "1 rapport er bestilt. Framdriften vises under." in response.content.decode()
    assert ReportJob.objects.get().cutoff == min(dt.date.today(), dt.date(this_year, 12, 31))


def test_it_asks_before_publishing_and_says_what_it_means(world, reports, client):
    job = reports["draft"]
    client.force_login(world.secretariat)

    page = client.get(reverse("reporting:publish", args=[job.pk])).content.decode()

    assert "<h1>Publisere rapporten?</h1>" in page
    assert "Den kan ikke endres, lages på nytt eller slettes etterpå. Publiseringen kan ikke angres." in page
    assert ReportJob.objects.get(pk=job.pk).published_at is None


def test_the_archive_shows_a_batch_the_system_ordered(world, media, client, django_capture_on_commit_callbacks):
    """The yearly beat run and `manage.py generate_reports` order without a user:
    the archive says "systemet" instead of failing for everyone."""
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(acting_user=None, collaboration=world.collaboration,
                                      report_type="regional", year=2024).jobs.get()
    assert job.batch.requested_by is None
    services.report_publish(acting_user=world.secretariat, job=ReportJob.objects.get(pk=job.pk))
    for user in (None, world.secretariat):
        response = _client_for(client, user).get(reverse("reporting:archive") + "?samarbeid=nord-troms")
        assert response.status_code == 200
        assert "Bestilt av systemet" in response.content.decode()
