"""Report jobs: one row per PDF the secretariat orders.

A job is queued in the request that orders it, rendered by a Celery task
(reporting.tasks.render_report) that takes its id, and archived as one file in
Django's default storage. A published report is immutable: it is never rendered
again nor deleted; a correction is a new job that `supersedes` it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaborations.registry.models import Collaboration, Municipality


class ReportType(models.TextChoices):
    COUNCIL = "council", _("Årsrapport til kommunestyret")
    REGIONAL = "regional", _("Årsrapport til regionrådet")
    HALFYEAR = "halfyear", _("Halvårlig statusrapport")


class ReportImmutableError(Exception):
    """A published report was about to change or disappear."""


class ReportBatch(models.Model):
    """One order from the secretariat: "all member councils' 2024 reports"
    is one batch of one job per member."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.PROTECT, related_name="report_batches",
                                      verbose_name=_("samarbeid"))
    report_type = models.CharField(_("rapporttype"), max_length=20, choices=ReportType.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    cutoff = models.DateField(_("skjæringsdato"))
    include_internal = models.BooleanField(_("intern rapport"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("bestilt av"))
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True)

    class Meta:
        verbose_name = _("rapportbestilling")
        verbose_name_plural = _("rapportbestillinger")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_report_type_display()} {self.year} – {self.collaboration}"


def stalled_after() -> dt.timedelta:
    """How long a job may stay "rendering" before it is certainly abandoned.

    A live worker stops a render at the task's hard time limit and records the
    outcome; a job still "rendering" after the limit and a margin (a fifth of
    the limit, 5 to 60 s, for the worker to record that) has lost its worker
    (a kill -9, a lost machine), and its message waits for the broker's
    visibility timeout. Read at call time, so it follows the settings.
    """
    limit = int(settings.CELERY_TASK_TIME_LIMIT)
    return dt.timedelta(seconds=limit + min(60, max(5, limit // 5)))


class ReportJobQuerySet(models.QuerySet):
    def stalled(self):
        """Jobs "rendering" since longer than `stalled_after()`, by the
        database's clock (which also stamped `started_at`)."""
        return self.filter(Q(started_at__isnull=True) | Q(started_at__lt=Now() - stalled_after()),
                           status=ReportJob.Status.RENDERING)

    def delete(self):
        if self.filter(published_at__isnull=False).exists():
            raise ReportImmutableError("published reports cannot be deleted")
        return super().delete()


def report_upload_to(job: ReportJob, filename: str) -> str:
    return job.archive_name()


class ReportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RENDERING = "rendering", _("Lages")
        DONE = "done", _("Ferdig")
        FAILED = "failed", _("Feilet")

    batch = models.ForeignKey(ReportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="jobs",
                              verbose_name=_("bestilling"))
    collaboration = models.ForeignKey(Collaboration, on_delete=models.PROTECT, related_name="report_jobs",
                                      verbose_name=_("samarbeid"))
    report_type = models.CharField(_("rapporttype"), max_length=20, choices=ReportType.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="report_jobs", verbose_name=_("mottakerkommune"))
    year = models.PositiveSmallIntegerField(_("år"))
    cutoff = models.DateField(_("skjæringsdato"))
    include_internal = models.BooleanField(_("intern rapport"), default=False,
                                           help_text=_("Tar med interne tiltak. Bare for administrasjonen."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("feilmelding"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("bestilt av"))
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("forsøk"), default=0)
    file = models.FileField(_("fil"), upload_to=report_upload_to, max_length=300, blank=True)
    page_count = models.PositiveIntegerField(_("sider"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("størrelse (byte)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    content_sha256 = models.CharField(_("SHA-256 av innholdet"), max_length=64, blank=True,
                                      help_text="Hash of the report's HTML content; equal content gives equal hash.")
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("publisert av"))
    supersedes = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="superseded_by", verbose_name=_("erstatter"))

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["collaboration", "-created_at"], name="report_job_collab_created")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(report_type="council") | Q(municipality__isnull=False),
                name="report_council_has_municipality",
                violation_error_message=_("En rapport til kommunestyret må ha en mottakerkommune.")),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status="done"),
                name="report_published_only_when_done",
                violation_error_message=_("Bare ferdige rapporter kan publiseres.")),
            models.CheckConstraint(
                condition=Q(cutoff__year__gte=models.F("year")),
                name="report_cutoff_not_before_year",
                violation_error_message=_("Skjæringsdatoen kan ikke være før rapportåret.")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        recipient = f", {self.municipality.name}" if self.municipality_id else ""
        return f"{self.get_report_type_display()} {self.year}{recipient}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def stalled_at(self) -> dt.datetime | None:
        """When a job that is rendering counts as abandoned (see `stalled_after`)."""
        if self.status != self.Status.RENDERING or self.started_at is None:
            return None
        return self.started_at + stalled_after()

    @property
    def is_stalled(self) -> bool:
        """Rendering for longer than any live worker would: its worker is gone
        ("Lag på nytt" is allowed; the beat task takes it over)."""
        return self.status == self.Status.RENDERING and (
            self.started_at is None or self.stalled_at < timezone.now())

    @property
    def version(self) -> int:
        """1 for an original report, 2 for its first correction, and so on."""
        n, job = 1, self
        while job.supersedes_id:
            n, job = n + 1, job.supersedes
        return n

    def archive_name(self) -> str:
        """The one place this job's PDF lives in storage. Deterministic, so a
        retried or redelivered render overwrites a partial file instead of
        leaving a second one."""
        who = f"-{self.municipality.number}" if self.municipality_id else ""
        return f"reports/{self.collaboration.slug}/{self.year}/{self.report_type}{who}-{self.pk}.pdf"

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ReportImmutableError("published reports are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ReportImmutableError("published reports cannot be deleted")
        return super().delete(*args, **kwargs)
