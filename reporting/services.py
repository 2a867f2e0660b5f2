"""Every write to report jobs: order, render, publish, correct, delete.

Functions are keyword-only and take the acting user; `acting_user=None` is
the system itself (the yearly beat schedule, `manage.py generate_reports`),
which needs no permission. Rendering is started on commit, so a worker never
sees a job row that is not yet committed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from collaborations.access import policy
from collaborations.access.audit import audit_record
from collaborations.access.models import AuditEvent
from collaborations.common.dates import norwegian_date
from collaborations.common.errors import DomainError
from collaborations.registry.models import Collaboration, Municipality
from collaborations.registry.selectors import members_on

from . import content as report_content
from . import pdf
from .models import ReportBatch, ReportJob, ReportType

log = logging.getLogger(__name__)

# A test hook: seconds to wait after a job is marked "rendering", so that the
# worker test can kill the worker mid-render. Never set in production.
RENDER_DELAY_ENV = "REPORTS_TEST_RENDER_DELAY"


def _require(acting_user, collaboration: Collaboration) -> None:
    if acting_user is not None:
        policy.require(acting_user, policy.Action.GENERATE_REPORTS, collaboration,
                       _("Bare sekretariatet kan lage og publisere rapporter."))


def _enqueue(job_id: int) -> None:
    from .tasks import enqueue_render

    transaction.on_commit(lambda: enqueue_render(job_id))


@transaction.atomic
def report_request(*, acting_user, collaboration: Collaboration, report_type: str, year: int,
                   cutoff: dt.date | None = None, municipality: Municipality | None = None,
                   all_members: bool = False, include_internal: bool = False) -> ReportBatch:
    """Order reports: one job, or one per member council with `all_members`.
    Rendering starts when the transaction commits."""
    _require(acting_user, collaboration)
    cutoff = cutoff or report_content.default_cutoff(report_type, year)
    errors = {}
    if not (dt.date(year, 1, 1) <= cutoff <= dt.date(year + 1, 12, 31)):
        errors["cutoff"] = _("Skjæringsdatoen må ligge i rapportåret eller året etter.")
    elif cutoff > timezone.localdate():
        errors["cutoff"] = _("Skjæringsdatoen kan ikke være fram i tid.")
    if include_internal and acting_user is not None \
            and not policy.allows(acting_user, policy.Action.VIEW_INTERNAL, collaboration):
        errors["include_internal"] = _("Du har ikke tilgang til interne tiltak og kan ikke lage en intern rapport.")
    if errors:
        raise DomainError(errors)
    members = members_on(collaboration, cutoff)
    recipients: list[Municipality | None] = [None]
    if report_type == ReportType.COUNCIL:
        if all_members:
            recipients = list(members)
            if not recipients:
                errors["municipality"] = _("Samarbeidet har ingen medlemmer per skjæringsdatoen.")
        elif municipality is None:
            errors["municipality"] = _("Velg en kommune eller alle medlemmene.")
        else:
            recipients = [municipality]
    elif report_type == ReportType.REGIONAL and (municipality is not None or all_members):
        errors["municipality"] = _("Rapporten til regionrådet gjelder hele samarbeidet, ikke én kommune.")
    elif report_type == ReportType.HALFYEAR:
        recipients = list(members) if all_members else [municipality]
    if not errors and any(m is not None and m not in members for m in recipients):
        outsider = next(m for m in recipients if m is not None and m not in members)
        errors["municipality"] = _("%(m)s er ikke medlem av %(c)s per skjæringsdatoen.") % {
            "m": outsider.name, "c": collaboration.name}
    if errors:
        raise DomainError(errors)
    batch = ReportBatch.objects.create(collaboration=collaboration, report_type=report_type, year=year,
                                       cutoff=cutoff, include_internal=include_internal, requested_by=acting_user)
    for recipient in recipients:
        job = ReportJob.objects.create(batch=batch, collaboration=collaboration, report_type=report_type,
                                       municipality=recipient, year=year, cutoff=cutoff,
                                       include_internal=include_internal, requested_by=acting_user)
        _enqueue(job.pk)
    audit_record(AuditEvent.Kind.REPORTS_ORDERED, acting_user=acting_user, reason=str(batch),
                 collaboration=collaboration, object_repr=str(batch),
                 new={_("Rapporter"): str(len(recipients)), _("Skjæringsdato"): norwegian_date(cutoff)})
    return batch


def _locked(acting_user, job: ReportJob, *, published: bool, refusal: str) -> ReportJob:
    """The job's row, locked, if the user may change it and it is (or is not) published."""
    _require(acting_user, job.collaboration)
    job = ReportJob.objects.select_for_update().get(pk=job.pk)
    if job.is_published != published:
        raise DomainError(refusal)
    return job


def _audit(kind: str, *, acting_user, job: ReportJob, reason: str, new: dict | None = None) -> None:
    audit_record(kind, acting_user=acting_user, reason=reason, object_repr=f"{job.title} (rapport {job.pk})",
                 collaboration=job.collaboration, municipality=job.municipality, new=new)


@transaction.atomic
def report_regenerate(*, acting_user, job: ReportJob, reason: str = "") -> ReportJob:
    """Render an unpublished job again (after a failure, or with newer data for
    a cut-off that has not passed). The old file is replaced. A job still
    rendering is refused unless its worker is gone (`ReportJob.is_stalled`):
    then this is a take-over by the user."""
    job = _locked(acting_user, job, published=False,
                  refusal=_("Publiserte rapporter kan ikke lages på nytt. Lag en ny, rettet versjon."))
    if job.status == ReportJob.Status.RENDERING and ReportJob.objects.stalled().filter(pk=job.pk).exists():
        return report_take_over(job_id=job.pk, acting_user=acting_user,
                                reason=reason or _("Lag på nytt: arbeidsprosessen hadde stoppet."))
    if job.status == ReportJob.Status.RENDERING and job.stalled_at is not None:
        raise DomainError(_("Rapporten lages allerede. Har arbeidsprosessen stoppet, lages den på nytt av seg selv "
                            "like etter %(time)s.") % {
            "time": formats.time_format(timezone.localtime(job.stalled_at), "H:i")})
    if job.status in (ReportJob.Status.QUEUED, ReportJob.Status.RENDERING):
        raise DomainError(_("Rapporten lages allerede."))
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.QUEUED, error="", finished_at=None)
    _audit(AuditEvent.Kind.REPORTS_ORDERED, acting_user=acting_user, job=job, reason=reason or _("Lages på nytt"),
           new={_("Status"): str(ReportJob.Status.QUEUED.label)})
    _enqueue(job.pk)
    job.refresh_from_db()
    return job


@transaction.atomic
def report_take_over(*, job_id: int, acting_user=None, reason: str = "") -> ReportJob | None:
    """Queue again a job whose worker is gone (rendering since longer than the
    task's hard time limit and a margin, see `ReportJob.is_stalled`).

    Called every minute by the beat task `take_over_stalled_reports`
    (`acting_user=None`) and by "Lag på nytt". The row is locked and checked
    again, so two callers take a job over once; a job that is no longer
    stalled is left alone (returns None). The new render claims the next
    attempt number, which fences off anything the lost attempt might still
    do; the lost attempt's message, when the broker redelivers it, finds the
    job done and writes nothing. One file per job, as before.
    """
    job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        return None
    _require(acting_user, job.collaboration)
    if job.is_published or not ReportJob.objects.stalled().filter(pk=job_id).exists():
        return None
    message = _("Arbeidsprosessen stoppet; rapporten lages på nytt.")
    ReportJob.objects.filter(pk=job_id).update(status=ReportJob.Status.QUEUED, error=message, finished_at=None)
    log.warning("report job %s: rendering since %s (attempt %s) without a worker; taken over",
                job_id, job.started_at, job.attempts)
    _audit(AuditEvent.Kind.REPORTS_ORDERED, acting_user=acting_user, job=job, reason=reason or message,
           new={_("Status"): str(ReportJob.Status.QUEUED.label), _("Forsøk så langt"): str(job.attempts)})
    _enqueue(job_id)
    job.refresh_from_db()
    return job


def reports_take_over_stalled() -> list[int]:
    """The beat task's run: take over every stalled job (see `report_take_over`)."""
    taken = []
    for job_id in ReportJob.objects.stalled().order_by("pk").values_list("pk", flat=True):
        if report_take_over(job_id=job_id, acting_user=None) is not None:
            taken.append(job_id)
    return taken


@transaction.atomic
def report_publish(*, acting_user, job: ReportJob, reason: str = "") -> ReportJob:
    """Publish a finished report. From now on it never changes and is never deleted."""
    job = _locked(acting_user, job, published=False, refusal=_("Rapporten er allerede publisert."))
    if not job.is_downloadable:
        raise DomainError(_("Bare ferdige rapporter kan publiseres."))
    job.published_at = timezone.now()
    job.published_by = acting_user
    job.save(update_fields=["published_at", "published_by"])
    _audit(AuditEvent.Kind.REPORT_PUBLISHED, acting_user=acting_user, job=job, reason=reason or _("Publisert"),
           new={_("SHA-256"): job.sha256})
    return job


@transaction.atomic
def report_correct(*, acting_user, job: ReportJob, reason: str = "") -> ReportJob:
    """A corrected report: a new job with the same parameters that supersedes
    the published one. The published one stays in the archive, unchanged."""
    job = _locked(acting_user, job, published=True,
                  refusal=_("Bare publiserte rapporter rettes med en ny versjon. Lag denne på nytt i stedet."))
    successor = job.superseded_by.first()
    if successor is not None:
        raise DomainError(_("Rapporten er allerede erstattet av rapport %(n)s.") % {"n": successor.pk})
    batch = ReportBatch.objects.create(collaboration=job.collaboration, report_type=job.report_type, year=job.year,
                                       cutoff=job.cutoff, include_internal=job.include_internal,
                                       requested_by=acting_user)
    new = ReportJob.objects.create(batch=batch, collaboration=job.collaboration, report_type=job.report_type,
                                   municipality=job.municipality, year=job.year, cutoff=job.cutoff,
                                   include_internal=job.include_internal, requested_by=acting_user, supersedes=job)
    _enqueue(new.pk)
    _audit(AuditEvent.Kind.REPORT_CORRECTED, acting_user=acting_user, job=job, reason=reason or _("Ny, rettet versjon"),
           new={_("Erstattes av"): str(new.pk)})
    return new


@transaction.atomic
def report_delete(*, acting_user, job: ReportJob, reason: str = "") -> None:
    """Delete an unpublished report and its file."""
    job = _locked(acting_user, job, published=False, refusal=_("Publiserte rapporter kan ikke slettes."))
    if job.superseded_by.exists():
        raise DomainError(_("Rapporten er erstattet av en nyere versjon og kan ikke slettes."))
    name = job.file.name
    _audit(AuditEvent.Kind.REPORT_DELETED, acting_user=acting_user, job=job, reason=reason or _("Utkast slettet"))
    job.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


# ---------------------------------------------------------------- rendering (called by the task)

def report_render(*, job_id: int) -> dict:
    """Render job `job_id` into its one archived file. Idempotent.

    1. A job that is done and whose file exists, or that is published, is left
       alone.
    2. Claim the job: status "rendering", attempts + 1, started_at by the
       database's clock (`take_over_stalled_reports` compares with it). The
       attempt number is a fencing token: if a redelivered or taken-over copy
       of the task claims the job while this one still runs, only the newest
       attempt may write.
    3. Build the content from history and render the PDF (outside any
       transaction: it is the slow part).
    4. Lock the row; if the attempt is still current, replace whatever file
       lies at the job's archive name (a partial file from a killed attempt)
       with the new one and record pages, size and checksums.
    The task's on_success marks the job done; on_failure marks it failed.
    """
    job = ReportJob.objects.select_related("collaboration", "municipality").get(pk=job_id)
    if job.is_published or (job.status == ReportJob.Status.DONE and job.file
                            and default_storage.exists(job.file.name)):
        return {"job_id": job_id, "attempt": None, "skipped": True}
    claimed = ReportJob.objects.filter(pk=job_id, published_at__isnull=True).update(
        status=ReportJob.Status.RENDERING, attempts=F("attempts") + 1, started_at=Now(),
        finished_at=None, error="")
    if not claimed:
        return {"job_id": job_id, "attempt": None, "skipped": True}
    job.refresh_from_db()
    attempt = job.attempts
    delay = float(os.environ.get(RENDER_DELAY_ENV) or 0)
    if delay:
        time.sleep(delay)
    rendered = pdf.render(report_content.content_for_job(job), job=job)
    name = job.archive_name()
    with transaction.atomic():
        current = ReportJob.objects.select_for_update().get(pk=job_id)
        if current.attempts != attempt or current.is_published:
            log.info("report job %s: attempt %s superseded by attempt %s", job_id, attempt, current.attempts)
            return {"job_id": job_id, "attempt": attempt, "skipped": True}
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(rendered.pdf))
        ReportJob.objects.filter(pk=job_id).update(
            file=saved, page_count=rendered.page_count, size=len(rendered.pdf), sha256=rendered.sha256,
            content_sha256=rendered.content_sha256)
    return {"job_id": job_id, "attempt": attempt, "skipped": False}


def report_mark_done(*, job_id: int, attempt: int) -> None:
    ReportJob.objects.filter(pk=job_id, attempts=attempt, published_at__isnull=True).exclude(file="").update(
        status=ReportJob.Status.DONE, finished_at=timezone.now(), error="")


def report_mark_failed(*, job_id: int, error: str) -> None:
    ReportJob.objects.filter(pk=job_id, published_at__isnull=True).exclude(status=ReportJob.Status.DONE).update(
        status=ReportJob.Status.FAILED, finished_at=timezone.now(), error=error)


def report_mark_retrying(*, job_id: int, error: str) -> None:
    ReportJob.objects.filter(pk=job_id, published_at__isnull=True).exclude(status=ReportJob.Status.DONE).update(
        status=ReportJob.Status.QUEUED, error=error)


def reports_generate_yearly(*, year: int) -> list[ReportBatch]:
    """The beat schedule's yearly run: last year's reports to every member
    council and to the regional council, for every collaboration with members.
    A collaboration that already has that year's reports is skipped."""
    batches = []
    cutoff = dt.date(year, 12, 31)
    for collaboration in Collaboration.objects.filter(memberships__isnull=False).distinct().order_by("name"):
        for report_type, all_members in ((ReportType.COUNCIL, True), (ReportType.REGIONAL, False)):
            if ReportJob.objects.filter(collaboration=collaboration, report_type=report_type, year=year,
                                        cutoff=cutoff, include_internal=False).exists():
                continue
            try:
                batches.append(report_request(acting_user=None, collaboration=collaboration,
                                              report_type=report_type, year=year, cutoff=cutoff,
                                              all_members=all_members))
            except DomainError as exc:
                log.warning("yearly reports for %s skipped: %s", collaboration, exc.messages)
    return batches
