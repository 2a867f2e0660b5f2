"""The render task in eager mode (no REDIS_URL): idempotent, one file per
job, retries transient errors, records the outcome. The real worker is in
tests/jobs/test_worker.py."""

import datetime as dt
import hashlib

import pytest
from django.conf import settings as django_settings

from reporting.models import ReportJob
from reporting.tasks import ReportTask, render_report
from tests.reporting.helpers import eager_celery  # noqa: F401

pytestmark = pytest.mark.usefixtures("eager_celery")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _job(world, **kw):
    kw.setdefault("report_type", "regional")
    return ReportJob.objects.create(collaboration=world.collaboration, year=2024, cutoff=dt.date(2024, 12, 31), **kw)


def _files(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def test_it_renders_once_and_then_does_nothing(world, media):
    job = _job(world)
    render_report.delay(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1
    first = (job.sha256, job.finished_at)
    render_report.delay(job.pk)
    job.refresh_from_db()
    assert (job.sha256, job.finished_at) == first and job.attempts == 1
    assert _files(media) == [job.file.name]


def test_it_overwrites_a_partial_file_from_a_killed_attempt(world, media):
    job = _job(world)
    partial = media / job.archive_name()
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"%PDF-1.7 half a report")
    ReportJob.objects.filter(pk=job.pk).update(status="rendering", attempts=1)  # as a killed worker leaves it
    render_report.delay(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2
    assert _files(media) == [job.archive_name()]
    data = (media / job.file.name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == job.sha256 and job.size == len(data)


def test_it_records_a_failure_in_norwegian(world, media):
    job = _job(world, report_type="ukjent")
    render_report.delay(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None
    assert job.error.startswith("Rapporten kunne ikke lages: ")
    assert _files(media) == []


def test_it_retries_transient_errors_and_then_gives_up(world, settings, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("x")
    settings.MEDIA_ROOT = blocked  # saving under a file raises OSError every time
    job = _job(world)
    render_report.delay(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.attempts == ReportTask.max_retries + 1
    assert job.error.startswith("Rapporten kunne ikke lages på grunn av en feil i databasen eller lagringen, "
                                "heller ikke etter 5 nye forsøk: ")


def test_it_is_configured_for_redelivery_without_duplicates():
    assert render_report.acks_late is True and render_report.reject_on_worker_lost is True
    assert render_report.retry_backoff and render_report.autoretry_for
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert render_report.time_limit <= visibility / 2
    assert render_report.soft_time_limit < render_report.time_limit


def test_it_renders_in_bokmal_even_when_ordered_in_english(world, media):
    from django.utils import translation
    from pypdf import PdfReader

    job = _job(world)
    with translation.override("en"):
        render_report.delay(job.pk)
    job.refresh_from_db()
    text = "".join(page.extract_text() for page in PdfReader(job.file.open("rb")).pages)
    assert "Innhold" in text and "Contents" not in text
