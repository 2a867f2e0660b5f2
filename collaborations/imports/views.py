"""Import of measures from a spreadsheet (secretariat only): upload, preview
with every error or every row to be created, confirm, and a template file.

The uploaded file waits in storage under a token kept in the user's session;
the confirmation reads and checks it again, and writes all rows or none."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..access.policy import Action, get_collaboration_for_user
from ..common.files import extension_of
from .forms import ImportUploadForm
from .parsing import COLUMNS, ImportRejected, parse
from .services import measure_import, upload_discard, upload_exists, upload_open, upload_store
from .validation import template_rows, validate

if TYPE_CHECKING:
    from ..registry.models import Collaboration

NOT_SECRETARIAT = gettext_lazy("Bare sekretariatet for samarbeidet kan importere tiltak.")
SESSION_KEY = "measure_imports"


def _collaboration_for_secretariat(request: HttpRequest, slug: str) -> Collaboration:
    return get_collaboration_for_user(request.user, slug, Action.MANAGE, str(NOT_SECRETARIAT))


def _pending(request: HttpRequest, slug: str, token: str) -> tuple[Collaboration, dict]:
    """The collaboration (secretariat only) and the upload this session made
    for it under `token`, or 404."""
    collaboration = _collaboration_for_secretariat(request, slug)
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if not pending or pending["collaboration"] != collaboration.pk \
            or not upload_exists(token, pending["extension"]):
        raise Http404(_("Fant ikke importen. Last opp filen på nytt."))
    return collaboration, pending


def _read(token: str, pending: dict):
    with upload_open(token, pending["extension"]) as file:
        return parse(file)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = _collaboration_for_secretariat(request, slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        file = form.cleaned_data["file"]
        token = upload_store(file)
        request.session.setdefault(SESSION_KEY, {})[token] = {
            "collaboration": collaboration.pk, "filename": file.name, "extension": extension_of(file.name)}
        request.session.modified = True
        return redirect("import_preview", slug=collaboration.slug, token=token)
    return render(request, "collaborations/imports/upload.html",
                  {"collaboration": collaboration, "form": form, "columns": [h for _k, h in COLUMNS]})


@login_required
@require_GET
def import_preview(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    collaboration, pending = _pending(request, slug, token)
    try:
        drafts, errors = validate(_read(token, pending), collaboration)
    except ImportRejected as rejected:
        drafts, errors = [], rejected.errors
    return _preview(request, collaboration, token, pending, drafts, errors)


@login_required
@require_POST
def import_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    collaboration, pending = _pending(request, slug, token)
    try:
        created = measure_import(acting_user=request.user, collaboration=collaboration, rows=_read(token, pending),
                                 filename=pending["filename"])
    except ImportRejected as rejected:
        return _preview(request, collaboration, token, pending, [], rejected.errors)
    upload_discard(token, pending["extension"])
    request.session[SESSION_KEY].pop(token, None)
    request.session.modified = True
    messages.success(request, ngettext("%(n)d tiltak importert.", "%(n)d tiltak importert.", len(created))
                     % {"n": len(created)})
    return redirect("collaboration_measures", slug=collaboration.slug)


@login_required
@require_GET
def import_template(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = _collaboration_for_secretariat(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tiltak-mal.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    csv.writer(response, delimiter=";", lineterminator="\r\n").writerows(template_rows(collaboration))
    return response


def _preview(request, collaboration, token, pending, drafts, errors) -> HttpResponse:
    new_people = sorted({d.new_responsible for d in drafts if d.new_responsible}, key=str.casefold)
    return render(request, "collaborations/imports/preview.html", {
        "collaboration": collaboration, "token": token, "filename": pending["filename"], "drafts": drafts,
        "errors": errors, "new_people": new_people,
    })
