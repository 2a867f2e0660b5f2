"""Reads of report jobs, always through the permission policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from collaborations.access import policy
from collaborations.registry.models import Collaboration

from .models import ReportBatch, ReportJob


def reports_for_user(user, *, collaboration: Collaboration | None = None) -> QuerySet[ReportJob]:
    qs = ReportJob.objects.select_related("collaboration", "municipality", "requested_by", "published_by",
                                          "batch", "supersedes")
    if collaboration is not None:
        qs = qs.filter(collaboration=collaboration)
    return policy.visible_reports(user, qs).prefetch_related("superseded_by").order_by("-created_at", "-id")


def get_report_for_user(user, job_id: int, action: policy.Action | str = policy.Action.VIEW) -> ReportJob:
    """A report the user may see, or 404 (missing and hidden alike); for
    anything but viewing also the right to generate reports, or 403."""
    job = reports_for_user(user).filter(pk=job_id).first()
    if job is None:
        raise Http404(_("Fant ikke rapporten."))
    if action != policy.Action.VIEW:
        policy.require(user, action, job.collaboration, _("Bare sekretariatet kan lage og publisere rapporter."))
    return job


def collaborations_of(jobs: QuerySet[ReportJob]) -> QuerySet[Collaboration]:
    """The collaborations the listed reports belong to, for the archive's filter."""
    return Collaboration.objects.filter(pk__in=jobs.values("collaboration_id")).order_by("name")


def generating_collaborations(user) -> QuerySet[Collaboration]:
    """Collaborations whose reports the user may generate (the secretariat's)."""
    return policy.collaborations_where(user, policy.Action.GENERATE_REPORTS).order_by("name")


@dataclass
class ArchiveGroup:
    batch: ReportBatch | None
    jobs: list[ReportJob]


def archive_groups(jobs) -> list[ArchiveGroup]:
    """Jobs grouped by the order (batch) they came from, newest first."""
    groups: dict[int | None, ArchiveGroup] = {}
    for job in jobs:
        key = job.batch_id or -job.pk
        groups.setdefault(key, ArchiveGroup(batch=job.batch, jobs=[])).jobs.append(job)
    for g in groups.values():
        g.jobs.sort(key=lambda j: (j.municipality.name if j.municipality_id else "", j.pk))
    return list(groups.values())
