"""Documents on a measure: upload (those who may edit or report on it) and
download (whoever the policy lets see the document; others get 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import policy
from ..forms import DocumentForm
from ..models import Document, Visibility
from ..policy import Action
from ..services.documents import document_upload
from ..services.errors import DomainError


@login_required
@require_http_methods(["GET", "POST"])
def document_upload_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = policy.get_measure_for_user(request.user, measure_id, Action.REPORT_PART)
    form = DocumentForm(request.POST or None, request.FILES or None, measure=measure)
    if form.is_bound and form.is_valid():
        try:
            document_upload(acting_user=request.user, measure=measure, file=form.cleaned_data["file"],
                            title=form.cleaned_data["title"], visibility=form.cleaned_data["visibility"],
                            status_update=form.cleaned_data["status_update"])
            messages.success(request, _("Dokumentet er lastet opp."))
            return redirect(reverse("measure_detail", args=[measure.pk]) + "#dokumenter")
        except DomainError as error:
            form.add_error(None, error)
    return render(request, "collaborations/document_form.html", {"measure": measure, "form": form})


def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    document = Document.objects.select_related("measure__collaboration", "measure__network").filter(
        pk=document_id).first()
    if document is None or not policy.allows(request.user, Action.VIEW, document):
        raise Http404(_("Fant ikke dokumentet."))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Fant ikke dokumentet.")) from None
    response = FileResponse(handle, as_attachment=True, filename=document.filename)
    if document.visibility != Visibility.PUBLISHED:
        response["Cache-Control"] = "private, no-store"
    return response
