"""Report jobs whose whole worker died are taken over within minutes
(reporting.services.report_take_over, the beat task take_over_stalled_reports,
and "Lag på nytt"), still with exactly one file per job. The same on a real
worker killed with SIGKILL: tests/jobs/test_worker.py."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from collaborations.access.models import AuditEvent
from collaborations.common.errors import DomainError
from reporting import services
from reporting.models import ReportJob, stalled_after
from reporting.tasks import render_report, take_over_stalled_reports
from tests.reporting.helpers import eager_celery  # noqa: F401

pytestmark = pytest.mark.usefixtures("eager_celery")

STOPPED = "Arbeidsprosessen stoppet; rapporten lages på nytt."


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def _left_rendering(world, media, *, seconds_ago: float) -> ReportJob:
    """A job as a worker killed with kill -9 leaves it: "rendering", attempt 1
    claimed `seconds_ago`, half a file at its archive name, no outcome."""
    job = ReportJob.objects.create(collaboration=world.collaboration, report_type="regional", year=2024,
                                   cutoff=dt.date(2024, 12, 31), requested_by=world.secretariat)
    partial = media / job.archive_name()
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"%PDF-1.7 half a report")
    ReportJob.objects.filter(pk=job.pk).update(
        status="rendering", attempts=1, started_at=timezone.now() - dt.timedelta(seconds=seconds_ago))
    return job


def _abandoned(world, media) -> ReportJob:
    return _left_rendering(world, media, seconds_ago=stalled_after().total_seconds() + 5)


def test_the_limit_is_the_hard_time_limit_and_a_margin(settings):
    settings.CELERY_TASK_TIME_LIMIT = 900
    assert stalled_after() == dt.timedelta(seconds=960)
    settings.CELERY_TASK_TIME_LIMIT = 10  # the worker tests
    assert stalled_after() == dt.timedelta(seconds=15)


def test_the_beat_task_takes_over_a_job_whose_worker_is_gone(world, media, django_capture_on_commit_callbacks):
    job = _abandoned(world, media)
    assert job.pk in ReportJob.objects.stalled().values_list("pk", flat=True)
    with django_capture_on_commit_callbacks() as enqueued:
        assert take_over_stalled_reports() == [job.pk]
    job.refresh_from_db()
    # What the archive shows until a worker picks it up.
    assert (job.status, job.error, job.attempts) == ("queued", STOPPED, 1)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.REPORTS_ORDERED)
    assert event.acting_user is None and event.reason == STOPPED and f"(rapport {job.pk})" in event.object_repr
    assert event.new_value == {"Status": "I kø", "Forsøk så langt": "1"}

    assert len(enqueued) == 1
    enqueued[0]()  # the render message, on commit; eager here
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts) == ("done", "", 2)
    assert _files(media) == [job.file.name]
    data = (media / job.file.name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == job.sha256 and job.size == len(data)


def test_a_job_still_within_the_time_limit_is_left_alone(world, media, django_capture_on_commit_callbacks):
    live = _left_rendering(world, media, seconds_ago=stalled_after().total_seconds() - 30)
    others = [ReportJob.objects.create(collaboration=world.collaboration, report_type="regional", year=2024,
                                       cutoff=dt.date(2024, 12, 31), status=status,
                                       started_at=timezone.now() - dt.timedelta(days=1))
              for status in ("queued", "done", "failed")]
    with django_capture_on_commit_callbacks() as enqueued:
        assert take_over_stalled_reports() == []
        assert services.report_take_over(job_id=live.pk) is None
    assert enqueued == [] and not AuditEvent.objects.filter(kind=AuditEvent.Kind.REPORTS_ORDERED).exists()
    live.refresh_from_db()
    assert (live.status, live.attempts, live.error) == ("rendering", 1, "")
    assert not live.is_stalled and [j.is_stalled for j in others] == [False, False, False]


def test_a_job_is_taken_over_once(world, media, django_capture_on_commit_callbacks):
    job = _abandoned(world, media)
    with django_capture_on_commit_callbacks() as enqueued:
        assert services.report_take_over(job_id=job.pk) is not None
        assert services.report_take_over(job_id=job.pk) is None  # the next beat run, or "Lag på nytt" meanwhile
        assert take_over_stalled_reports() == []
    assert len(enqueued) == 1 and AuditEvent.objects.filter(kind=AuditEvent.Kind.REPORTS_ORDERED).count() == 1


def test_the_late_redelivery_of_the_lost_message_writes_nothing(world, media, django_capture_on_commit_callbacks):
    job = _abandoned(world, media)
    with django_capture_on_commit_callbacks(execute=True):
        take_over_stalled_reports()
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2
    before = (job.sha256, job.finished_at, (media / job.file.name).stat().st_mtime_ns)

    render_report.delay(job.pk)  # the broker redelivers the dead worker's message after its visibility timeout
    services.report_mark_done(job_id=job.pk, attempt=1)  # and whatever the lost attempt would still record
    job.refresh_from_db()
    assert (job.sha256, job.finished_at, (media / job.file.name).stat().st_mtime_ns) == before
    assert job.attempts == 2 and _files(media) == [job.file.name]


def test_lag_pa_nytt_is_allowed_once_the_worker_is_gone(world, media, django_capture_on_commit_callbacks):
    live = _left_rendering(world, media, seconds_ago=60)
    with pytest.raises(DomainError) as e:
        services.report_regenerate(acting_user=world.secretariat, job=live)
    live.refresh_from_db()
    at = timezone.localtime(live.started_at + stalled_after())
    assert e.value.messages == [
        f"Rapporten lages allerede. Har arbeidsprosessen stoppet, lages den på nytt av seg selv like etter "
        f"{at:%H:%M}."]

    job = _abandoned(world, media)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_regenerate(acting_user=world.secretariat, job=job)
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2 and job.error == ""
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.REPORTS_ORDERED)
    assert event.acting_user == world.secretariat
    assert event.reason == "Lag på nytt: arbeidsprosessen hadde stoppet."
    assert [f for f in _files(media) if f.endswith(f"-{job.pk}.pdf")] == [job.file.name]


def test_lag_pa_nytt_in_the_archive_takes_over_a_stalled_job(world, media, client,
                                                              django_capture_on_commit_callbacks):
    job = _abandoned(world, media)
    client.force_login(world.secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:regenerate", args=[job.pk]), follow=True)
    assert response.status_code == 200
    assert f"Rapport {job.pk} lages på nytt." in response.content.decode()
    job.refresh_from_db()
    assert job.status == "done" and _files(media) == [job.file.name]


def test_only_the_secretariat_takes_over_by_hand(world, media):
    job = _abandoned(world, media)
    with pytest.raises(PermissionDenied):
        services.report_take_over(job_id=job.pk, acting_user=world.politician_kafjord)
    job.refresh_from_db()
    assert job.status == "rendering" and not AuditEvent.objects.filter(kind=AuditEvent.Kind.REPORTS_ORDERED).exists()


def test_the_archive_offers_lag_pa_nytt_only_once_the_worker_is_gone(world, media, client):
    live = _left_rendering(world, media, seconds_ago=60)
    stalled = _abandoned(world, media)
    client.force_login(world.secretariat)
    regenerate = 'action="{}"'
    live_row = client.get(reverse("reporting:job_row", args=[live.pk])).content.decode()
    stalled_row = client.get(reverse("reporting:job_row", args=[stalled.pk])).content.decode()
    assert regenerate.format(reverse("reporting:regenerate", args=[live.pk])) not in live_row
    assert regenerate.format(reverse("reporting:regenerate", args=[stalled.pk])) in stalled_row
    # A stalled job is not finished: it can be made again, not deleted.
    assert reverse("reporting:delete", args=[stalled.pk]) not in stalled_row
