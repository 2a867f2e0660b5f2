"""Import of measures from a spreadsheet (secretariat only): upload, preview
with every error or every row to be created, confirm, and a template file.

The uploaded file is read once, on upload; what was read waits in storage
under a token kept in the user's session. The preview and the confirmation
check those rows against the collaboration as it is then, and the
confirmation writes all rows or none."""

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
from .forms import ImportUploadForm
from .parsing import COLUMNS, WINDOWS_1252, ImportRejected, ParsedFile, parse
from .services import measure_import, upload_discard, upload_exists, upload_load, upload_store
from .validation import check, template_rows

if TYPE_CHECKING:
    from ..registry.models import Collaboration

NOT_SECRETARIAT = gettext_lazy("Bare sekretariatet for samarbeidet kan importere tiltak.")
SESSION_KEY = "measure_imports"


def _collaboration_for_secretariat(request: HttpRequest, slug: str) -> Collaboration:
    return get_collaboration_for_user(request.user, slug, Action.MANAGE, str(NOT_SECRETARIAT))


def _pending(request: HttpRequest, slug: str, token: str) -> tuple[Collaboration, dict, ParsedFile]:
    """The collaboration (secretariat only), the upload this session made for
    it under `token` and what was read from it, or 404."""
    collaboration = _collaboration_for_secretariat(request, slug)
    pending = request.session.get(SESSION_KEY, {}).get(token)
    parsed = upload_load(token) if pending and pending.get("collaboration") == collaboration.pk \
        and upload_exists(token) else None
    if parsed is None:
        raise Http404(_("Fant ikke importen. Last opp filen på nytt."))
    return collaboration, pending, parsed


def _read(file) -> ParsedFile:
    """The file read once; a file that cannot be imported at all gives its
    errors, shown by the preview."""
    try:
        return parse(file)
    except ImportRejected as rejected:
        return ParsedFile(rows=[], errors=rejected.errors)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = _collaboration_for_secretariat(request, slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        file = form.cleaned_data["file"]
        token = upload_store(_read(file))
        request.session.setdefault(SESSION_KEY, {})[token] = {"collaboration": collaboration.pk, "filename": file.name}
        request.session.modified = True
        return redirect("import_preview", slug=collaboration.slug, token=token)
    return render(request, "collaborations/imports/upload.html",
                  {"collaboration": collaboration, "form": form, "columns": [h for _k, h in COLUMNS]})


@login_required
@require_GET
def import_preview(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    collaboration, pending, parsed = _pending(request, slug, token)
    drafts, errors = check(parsed, collaboration)
    return _preview(request, collaboration, token, pending, parsed, drafts, errors)


@login_required
@require_POST
def import_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    collaboration, pending, parsed = _pending(request, slug, token)
    try:
        created = measure_import(acting_user=request.user, collaboration=collaboration, parsed=parsed,
                                 filename=pending["filename"])
    except ImportRejected as rejected:
        return _preview(request, collaboration, token, pending, parsed, [], rejected.errors)
    upload_discard(token)
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


def _preview(request, collaboration, token, pending, parsed, drafts, errors) -> HttpResponse:
    new_people = sorted({d.new_responsible for d in drafts if d.new_responsible}, key=str.casefold)
    return render(request, "collaborations/imports/preview.html", {
        "collaboration": collaboration, "token": token, "filename": pending["filename"], "drafts": drafts,
        "errors": errors, "new_people": new_people, "read_as_windows_1252": parsed.encoding == WINDOWS_1252,
    })
