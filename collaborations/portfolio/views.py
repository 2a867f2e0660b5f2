"""The status flow: "Mine tiltak", the measure page, status updates (overall
and a participant's own part), creating a measure (the secretariat), editing
its fields, closing it ("avslutning"), and its documents.

Every view asks the policy first and writes only through the services.
Forms work without JavaScript; with HTMX the measure page's live part
(status, parts, form, timeline) is swapped in place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..access import policy
from ..access.policy import Action
from ..common.dates import norwegian_date
from ..common.errors import ConcurrentEditError
from ..common.forms import form_after_conflict, submit
from ..common.responses import saved_and_back
from ..meetings.selectors import cases_for_measure
from ..registry.selectors import municipality_by_id
from . import selectors
from .filters import MyMeasuresFilter
from .forms import DocumentForm, MeasureCloseForm, MeasureForm, StatusUpdateForm
from .history import measure_timeline
from .services import document_upload, measure_change, measure_close, measure_create, measure_post_status_update

if TYPE_CHECKING:
    from ..registry.models import Municipality
    from .models import Measure

PAGE_SIZE = 25


@login_required
def my_measures(request: HttpRequest) -> HttpResponse:
    measures = selectors.my_measures(request.user)
    filterset = MyMeasuresFilter(request.GET, queryset=measures)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(request, "collaborations/portfolio/my_measures.html", {
        "filter": filterset, "page": page, "query": query.urlencode(),
        "managed": policy.collaborations_where(request.user, Action.MANAGE).order_by("name"),
    })


def measure_detail(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = policy.get_measure_for_user(request.user, measure_id)
    context = _live_context(request, measure)
    context.update({
        # The network and the host agreement a published measure names may be internal themselves.
        "network": _visible(request.user, measure.network),
        "host_agreement": _visible(request.user, measure.host_agreement),
        "partners": [part.partner for part in context["partner_parts"]],
        "documents": policy.visible_documents(request.user, measure).select_related("status_update", "uploaded_by"),
        "document_form": DocumentForm(measure=measure) if context["may_report"] else None,
        "cases": cases_for_measure(request.user, measure),
    })
    return render(request, "collaborations/portfolio/measure_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def measure_status(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = policy.get_measure_for_user(request.user, measure_id, Action.EDIT)
    if measure.closed_on:
        return _closed(request, measure)
    form = StatusUpdateForm(request.POST or None, initial=_initial(measure))
    saved = submit(form, lambda: measure_post_status_update(
        acting_user=request.user, measure=measure, expected_version=form.cleaned_data["version"],
        **form.service_kwargs()))
    if saved:
        return _saved(request, measure, _("Statusoppdateringen er lagret."))
    if saved.conflict:
        form = form_after_conflict(request.POST, StatusUpdateForm, version=selectors.fresh_measure(measure).version)
    return _form_response(request, measure, form, reverse("measure_status", args=[measure.pk]), saved.conflict)


@login_required
@require_http_methods(["GET", "POST"])
def measure_part_status(request: HttpRequest, measure_id: int, municipality_id: int) -> HttpResponse:
    measure = policy.get_measure_for_user(request.user, measure_id, Action.REPORT_PART)
    if measure.closed_on:
        return _closed(request, measure)
    if municipality_id not in policy.reportable_municipality_ids(request.user, measure):
        raise PermissionDenied(_("Du kan ikke rapportere for denne kommunen i dette tiltaket."))
    municipality = municipality_by_id(municipality_id)
    on_behalf = policy.reports_on_behalf(request.user, municipality.pk)
    form = StatusUpdateForm(request.POST or None, with_version=False, initial=_initial(measure, municipality))
    if submit(form, lambda: measure_post_status_update(acting_user=request.user, measure=measure,
                                                       municipality=municipality, on_behalf=on_behalf,
                                                       **form.service_kwargs())):
        return _saved(request, measure, _("Delen til %(m)s er lagret.") % {"m": municipality})
    action = reverse("measure_part_status", args=[measure.pk, municipality.pk])
    return _form_response(request, measure, form, action, None, municipality, on_behalf=on_behalf)


@login_required
@require_http_methods(["GET", "POST"])
def measure_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A new measure in the collaboration's action plan: the secretariat only."""
    collaboration = policy.get_collaboration_for_user(
        request.user, slug, Action.MANAGE, _("Bare sekretariatet kan opprette tiltak i samarbeidet."))
    form = MeasureForm(request.POST or None, collaboration=collaboration, user=request.user, with_version=False)
    saved = submit(form, lambda: measure_create(
        acting_user=request.user, reason=form.cleaned_data["reason"], collaboration=collaboration,
        participant_ids=form.participant_ids(), partner_ids=form.partner_ids(), **form.changes()))
    if saved:
        return saved_and_back(request, _("Tiltaket «%(title)s» er opprettet.") % {"title": saved.value.title},
                              "measure_detail", saved.value.pk)
    return render(request, "collaborations/portfolio/measure_create.html", {
        "collaboration": collaboration, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, measure_id: int) -> HttpResponse:
    """Every field of the measure. Its editors change its own fields; only the
    secretariat sees (and may change) strategy, number, participants,
    partners, owner, network and visibility (services.MANAGER_FIELDS)."""
    measure = policy.get_measure_for_user(request.user, measure_id, Action.EDIT)
    manage = policy.allows(request.user, Action.MANAGE, measure)
    editable = selectors.fresh_measure(measure)  # the form may change it
    form = MeasureForm(request.POST or None, instance=editable, manage=manage, user=request.user,
                       initial={"version": measure.version})
    saved = submit(form, lambda: measure_change(
        acting_user=request.user, measure=measure, expected_version=form.cleaned_data["version"],
        reason=form.cleaned_data["reason"], participant_ids=form.participant_ids(), partner_ids=form.partner_ids(),
        **form.changes()))
    if saved:
        return saved_and_back(request, _("Endringene er lagret."), "measure_detail", measure.pk)
    if saved.conflict:
        fresh = selectors.fresh_measure(measure)
        form = form_after_conflict(request.POST, lambda data: MeasureForm(data, instance=fresh, manage=manage,
                                                                             user=request.user),
                                   version=fresh.version)
    return render(request, "collaborations/portfolio/measure_edit.html", {"measure": measure, "form": form,
                                                                           "conflict": saved.conflict, "manage": manage})


@login_required
@require_http_methods(["GET", "POST"])
def measure_close_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    """Closing the measure ("avslutning"): whoever may edit it."""
    measure = policy.get_measure_for_user(request.user, measure_id, Action.EDIT)
    if measure.closed_on:
        return _closed(request, measure)
    form = MeasureCloseForm(request.POST or None, initial={"version": measure.version})
    saved = submit(form, lambda: measure_close(acting_user=request.user, measure=measure, **form.service_kwargs()))
    if saved:
        return saved_and_back(request, _("Tiltaket er avsluttet."), "measure_detail", measure.pk)
    if saved.conflict:
        form = form_after_conflict(request.POST, MeasureCloseForm, version=selectors.fresh_measure(measure).version)
    return render(request, "collaborations/portfolio/measure_close.html", {"measure": measure, "form": form,
                                                                            "conflict": saved.conflict})


@login_required
@require_http_methods(["GET", "POST"])
def document_upload_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = policy.get_measure_for_user(request.user, measure_id, Action.REPORT_PART)
    form = DocumentForm(request.POST or None, request.FILES or None, measure=measure)
    if submit(form, lambda: document_upload(acting_user=request.user, measure=measure, file=form.cleaned_data["file"],
                                            title=form.cleaned_data["title"], visibility=form.cleaned_data["visibility"],
                                            status_update=form.cleaned_data["status_update"])):
        return saved_and_back(request, _("Dokumentet er lastet opp."), "measure_detail", measure.pk)
    return render(request, "collaborations/portfolio/document_form.html", {"measure": measure, "form": form})


def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    document = policy.get_document_for_user(request.user, document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Fant ikke dokumentet.")) from None
    response = FileResponse(handle, as_attachment=True, filename=document.filename)
    if not document.is_published:
        response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- helpers

def _visible(user, obj):
    """`obj` (a network, a host agreement), or None if the user may not see it."""
    return obj if obj is not None and policy.allows(user, Action.VIEW, obj) else None


def _initial(measure: Measure, municipality: Municipality | None = None) -> dict:
    """Start from where the measure (or this participant's part) stands."""
    source = measure
    if municipality is not None:
        source = selectors.latest_update(measure, municipality) or measure
    return {"phase": source.phase, "traffic_light": source.traffic_light, "version": measure.version,
            "reported_on": timezone.localdate()}


def _live_context(request: HttpRequest, measure: Measure, *, form=None, form_action: str = "",
                  conflict: ConcurrentEditError | None = None, form_municipality=None, on_behalf=False) -> dict:
    """What the live part of the measure page shows: current status, each
    participant's part, the roll-up suggestion, the inline form and the timeline.
    A closed measure takes no more updates: no form, no "report your part"."""
    user = request.user
    may_edit = policy.allows(user, Action.EDIT, measure)
    reportable = set() if measure.closed_on else policy.reportable_municipality_ids(user, measure)
    updates = selectors.measure_updates(measure)
    parts = selectors.measure_parts(user, measure, updates, reportable)
    partner_parts = selectors.partner_parts(user, measure, updates, closed=bool(measure.closed_on))
    if form is None and not measure.closed_on:
        if may_edit:
            form, form_action = StatusUpdateForm(initial=_initial(measure)), \
                reverse("measure_status", args=[measure.pk])
        elif len(reportable) == 1:
            form_municipality = next(p.participation.municipality for p in parts if p.may_report)
            form = StatusUpdateForm(with_version=False, initial=_initial(measure, form_municipality))
            form_action = reverse("measure_part_status", args=[measure.pk, form_municipality.pk])
    rollup = selectors.parts_rollup([*parts, *partner_parts])
    return {
        "measure": measure, "may_edit": may_edit, "may_report": bool(reportable) or may_edit,
        "parts": parts, "rollup": rollup, "rollup_label": selectors.light_label(rollup),
        "timeline": measure_timeline(measure, updates,
                                     include_internal=policy.sees_internal_history(user, measure)),
        "form": form, "form_action": form_action, "form_municipality": form_municipality, "conflict": conflict,
        "form_on_behalf": on_behalf,
        "partner_parts": partner_parts,
    }


def _closed(request: HttpRequest, measure: Measure) -> HttpResponse:
    """A closed measure takes no more status updates and is closed only once."""
    messages.info(request, _("Tiltaket ble avsluttet %(date)s og tar ikke imot flere oppdateringer.")
                  % {"date": norwegian_date(measure.closed_on)})
    return redirect(reverse("measure_detail", args=[measure.pk]) + "#melding")


def _saved(request: HttpRequest, measure: Measure, message: str) -> HttpResponse:
    if request.htmx:
        fresh = policy.get_measure_for_user(request.user, measure.pk)
        context = _live_context(request, fresh)
        context["saved_message"] = message
        return render(request, "collaborations/portfolio/partials/measure_live.html", context)
    return saved_and_back(request, message, "measure_detail", measure.pk)


def _form_response(request: HttpRequest, measure: Measure, form, action: str, conflict, municipality=None,
                   on_behalf: bool = False):
    if request.htmx:
        fresh = policy.get_measure_for_user(request.user, measure.pk)
        return render(request, "collaborations/portfolio/partials/measure_live.html", _live_context(
            request, fresh, form=form, form_action=action, conflict=conflict, form_municipality=municipality,
            on_behalf=on_behalf))
    return render(request, "collaborations/portfolio/status_form.html", {
        "measure": measure, "form": form, "form_action": action, "conflict": conflict,
        "form_municipality": municipality, "form_on_behalf": on_behalf,
    })


@login_required
@require_http_methods(["GET", "POST"])
def measure_partner_status(request: HttpRequest, measure_id: int, partner_id: int) -> HttpResponse:
    """An outside partner's own part of a measure it takes part in: reported
    by the partner's users, or by the secretariat on its behalf."""
    measure = policy.get_measure_for_user(request.user, measure_id, Action.REPORT_PART)
    if measure.closed_on:
        return _closed(request, measure)
    if partner_id not in policy.reportable_partner_ids(request.user, measure):
        raise PermissionDenied(_("Du kan ikke rapportere for denne partneren i dette tiltaket."))
    partner = selectors.partner_by_id(partner_id)
    on_behalf = policy.reports_on_behalf_of_partner(request.user, partner.pk, measure.collaboration)
    source = selectors.latest_partner_update(measure, partner) or measure
    form = StatusUpdateForm(request.POST or None, with_version=False, initial={
        "phase": source.phase, "traffic_light": source.traffic_light, "reported_on": timezone.localdate()})
    if submit(form, lambda: measure_post_status_update(acting_user=request.user, measure=measure, partner=partner,
                                                       on_behalf=on_behalf, **form.service_kwargs())):
        return _saved(request, measure, _("Delen til %(p)s er lagret.") % {"p": partner})
    action = reverse("measure_partner_status", args=[measure.pk, partner.pk])
    return _form_response(request, measure, form, action, None, partner, on_behalf=on_behalf)
