"""Celery tasks for reports. They take ids, load rows and call services.

`render_report` is safe to run twice and to be killed at any point:
* acks_late + reject_on_worker_lost: the message is acknowledged only after
  the task finished, so a worker that dies mid-render leaves it to be
  redelivered (at once if only the child died, after the broker's visibility
  timeout if the whole worker died);
* the hard time limit stays well under that visibility timeout (settings
  enforce it), so a task still running is never delivered a second time;
* the service is idempotent and fenced by the attempt number, and writes to
  one deterministic archive name: one file per job, whatever happened;
* a job whose whole worker died stays "rendering" until the broker redelivers
  its message (the visibility timeout, an hour by default), so
  `take_over_stalled_reports` (beat, every minute) queues it again once it has
  been rendering longer than the hard time limit and a margin: a live worker
  would have stopped it by then. The late redelivery then finds it done.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import services

log = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, OSError)


class ReportTask(Task):
    """Base class that records each job's outcome on its row."""

    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2            # 2, 4, 8, 16 ... seconds
    retry_backoff_max = 120
    retry_jitter = True
    max_retries = 5
    time_limit = settings.CELERY_TASK_TIME_LIMIT
    soft_time_limit = settings.CELERY_TASK_SOFT_TIME_LIMIT

    def on_success(self, retval, task_id, args, kwargs):
        if retval and not retval.get("skipped"):
            services.report_mark_done(job_id=retval["job_id"], attempt=retval["attempt"])

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        services.report_mark_retrying(
            job_id=_job_id(args, kwargs),
            error=_("Midlertidig feil, prøver igjen (forsøk %(n)s): %(error)s")
            % {"n": self.request.retries + 1, "error": exc})

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.report_mark_failed(job_id=_job_id(args, kwargs), error=failure_message(exc, self.max_retries))


def _job_id(args, kwargs) -> int:
    return kwargs.get("job_id") if "job_id" in kwargs else args[0]


def failure_message(exc: BaseException, retries: int) -> str:
    """Why a report failed, in Norwegian, for the archive page."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("Rapporten tok for lang tid og ble stoppet etter %(s)s sekunder.") % {
            "s": settings.CELERY_TASK_SOFT_TIME_LIMIT}
    if isinstance(exc, TRANSIENT_ERRORS):
        return _("Rapporten kunne ikke lages på grunn av en feil i databasen eller lagringen, "
                 "heller ikke etter %(n)s nye forsøk: %(error)s") % {"n": retries, "error": exc}
    return _("Rapporten kunne ikke lages: %(error)s") % {"error": exc}


@shared_task(bind=True, base=ReportTask, name="reporting.tasks.render_report")
def render_report(self, job_id: int) -> dict:
    # Reports go to the councils' archives in bokmål, whatever language the
    # person who ordered them uses (eagerly, the task runs inside their request).
    with translation.override(settings.LANGUAGE_CODE):
        return services.report_render(job_id=job_id)


def enqueue_render(job_id: int) -> None:
    """Send the render task (called on commit). REPORTS_QUEUE routes it to a
    named queue; the worker tests use a queue of their own."""
    queue = getattr(settings, "REPORTS_QUEUE", "") or None
    render_report.apply_async(args=[job_id], queue=queue)


@shared_task(name="reporting.tasks.take_over_stalled_reports")
def take_over_stalled_reports() -> list[int]:
    """Beat, every minute: report jobs whose worker is gone are queued again."""
    with translation.override(settings.LANGUAGE_CODE):
        taken = services.reports_take_over_stalled()
    if taken:
        log.warning("took over stalled report jobs %s", taken)
    return taken


@shared_task(name="reporting.tasks.generate_yearly_reports")
def generate_yearly_reports(year: int | None = None) -> list[int]:
    """Beat: in January, last year's reports for every collaboration."""
    year = year or timezone.localdate().year - 1
    batches = services.reports_generate_yearly(year=year)
    log.info("yearly reports %s: %s batches", year, len(batches))
    return [b.pk for b in batches]

