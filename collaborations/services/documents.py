"""Documents attached to measures and status updates."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ..models import Document, Measure, StatusUpdate, Visibility
from .errors import DomainError


def document_file_error(file) -> str | None:
    """The Norwegian message for a file of a type or size not allowed, or None."""
    name = getattr(file, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.DOCUMENT_EXTENSIONS
    if extension not in allowed:
        return _("Filtypen er ikke tillatt. Tillatte typer: %(types)s.") % {"types": ", ".join(allowed)}
    if file.size > settings.DOCUMENT_MAX_BYTES:
        return _("Filen er for stor (%(size)s). Største tillatte størrelse er %(max)s.") % {
            "size": filesizeformat(file.size), "max": filesizeformat(settings.DOCUMENT_MAX_BYTES)}
    if file.size == 0:
        return _("Filen er tom.")
    return None


@transaction.atomic
def document_upload(*, acting_user, measure: Measure, file, title: str, visibility: str = Visibility.PUBLISHED,
                    status_update: StatusUpdate | None = None) -> Document:
    """Attach `file` to `measure` (and optionally one of its status updates)."""
    error = document_file_error(file)
    if error:
        raise DomainError({"file": error})
    if status_update is not None and status_update.measure_id != measure.pk:
        raise DomainError({"status_update": _("Statusoppdateringen hører til et annet tiltak.")})
    document = Document(measure=measure, status_update=status_update, title=title.strip() or file.name,
                        visibility=visibility, size=file.size,
                        uploaded_by=acting_user if acting_user and acting_user.is_authenticated else None)
    document.file.save(file.name, file, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.file.delete(save=False)  # nothing half-saved: no orphan file
        raise
    return document
