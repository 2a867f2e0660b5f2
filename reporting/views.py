"""The report archive: order, follow, download, publish and correct reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collaborations.access import policy
from collaborations.common.errors import DomainError
from collaborations.meetings.selectors import meeting_for_user

from . import selectors, services
from .forms import ReportOrderForm
from .pdf import minutes_pdf


def _archive_url(job_or_collaboration) -> str:
    collaboration = getattr(job_or_collaboration, "collaboration", job_or_collaboration)
    return f"{reverse('reporting:archive')}?samarbeid={collaboration.slug}"


def _errors(exc: DomainError) -> str:
    return " ".join(exc.messages)


@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("samarbeid", "")
    collaboration = policy.get_collaboration_for_user(request.user, slug) if slug else None
    jobs = selectors.reports_for_user(request.user, collaboration=collaboration)
    generating = selectors.generating_collaborations(request.user)
    form = None
    if generating.exists():
        form = ReportOrderForm(collaborations=generating,
                               initial={"collaboration": collaboration if collaboration in generating else None})
    return render(request, "reporting/archive.html", {
        "collaboration": collaboration, "groups": selectors.archive_groups(jobs), "form": form,
        "generating_ids": set(generating.values_list("pk", flat=True)),
        "collaborations": selectors.collaborations_of(jobs) if collaboration is None else None,
    })


@login_required
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    generating = selectors.generating_collaborations(request.user)
    if not generating.exists():
        raise PermissionDenied(_("Bare sekretariatet kan lage og publisere rapporter."))
    form = ReportOrderForm(request.POST, collaborations=generating)
    if form.is_valid():
        d = form.cleaned_data
        try:
            batch = services.report_request(
                acting_user=request.user, collaboration=d["collaboration"], report_type=d["report_type"],
                year=d["year"], cutoff=d["cutoff"], municipality=d["municipality"] if not form.all_members else None,
                all_members=form.all_members, include_internal=d["include_internal"])
        except DomainError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            n = batch.jobs.count()
            messages.success(request, ngettext("%(n)s rapport er bestilt. Framdriften vises under.",
                                               "%(n)s rapporter er bestilt. Framdriften vises under.", n) % {"n": n})
            return redirect(_archive_url(d["collaboration"]))
    jobs = selectors.reports_for_user(request.user)
    return render(request, "reporting/archive.html", {
        "collaboration": None, "groups": selectors.archive_groups(jobs), "form": form, "collaborations": None,
        "generating_ids": set(generating.values_list("pk", flat=True)),
    }, status=400)


@require_GET
def job_row(request: HttpRequest, job_id: int) -> HttpResponse:
    """One archive row; the HTMX poll asks for it every 2 s until the job is finished."""
    job = selectors.get_report_for_user(request.user, job_id)
    generating_ids = {job.collaboration_id} \
        if policy.allows(request.user, policy.Action.GENERATE_REPORTS, job.collaboration) else set()
    return render(request, "reporting/partials/job_row.html", {"job": job, "generating_ids": generating_ids})


@require_GET
def download(request: HttpRequest, job_id: int) -> FileResponse:
    job = selectors.get_report_for_user(request.user, job_id)
    if not job.is_downloadable:
        raise Http404(_("Rapporten er ikke ferdig."))
    filename = f"{job.title.replace(',', '')} (rapport {job.pk}).pdf"
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")


def _job_action(request: HttpRequest, job_id: int, action, done_message: str) -> HttpResponse:
    job = selectors.get_report_for_user(request.user, job_id, policy.Action.GENERATE_REPORTS)
    try:
        result = action(acting_user=request.user, job=job)
    except DomainError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, done_message % {"n": getattr(result, "pk", job.pk)})
    return redirect(_archive_url(job))


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, job_id: int) -> HttpResponse:
    """Publishing cannot be undone: a page says what it means, and only its
    button publishes."""
    if request.method == "GET":
        job = selectors.get_report_for_user(request.user, job_id, policy.Action.GENERATE_REPORTS)
        return render(request, "reporting/publish_confirm.html", {"job": job, "archive_url": _archive_url(job)})
    return _job_action(request, job_id, services.report_publish,
                       _("Rapport %(n)s er publisert. Den kan ikke lenger endres eller slettes."))


@login_required
@require_POST
def correct(request: HttpRequest, job_id: int) -> HttpResponse:
    return _job_action(request, job_id, services.report_correct,
                       _("Ny, rettet versjon er bestilt (rapport %(n)s)."))


@login_required
@require_POST
def regenerate(request: HttpRequest, job_id: int) -> HttpResponse:
    return _job_action(request, job_id, services.report_regenerate, _("Rapport %(n)s lages på nytt."))


@login_required
@require_POST
def delete(request: HttpRequest, job_id: int) -> HttpResponse:
    return _job_action(request, job_id, services.report_delete, _("Rapport %(n)s er slettet."))


@require_GET
def minutes(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """A meeting's minutes as a PDF for the archive, as the reader may see them:
    the public's leave out internal cases, the administration's are marked internal."""
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    meeting = meeting_for_user(request.user, collaboration, meeting_id)
    cases = list(meeting.cases.all())
    internal = meeting.visibility == "internal" or any(c.visibility == "internal" for c in cases)
    pdf, _pages = minutes_pdf(collaboration=collaboration, meeting=meeting, cases=cases, internal=internal)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="referat-{slug}-{meeting.held_on:%Y-%m-%d}.pdf"'
    response["Cache-Control"] = "private, no-store" if internal else "private, max-age=300"
    return response
