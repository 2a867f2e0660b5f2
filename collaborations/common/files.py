"""Checks of uploaded files, before anything is stored or parsed."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def upload_error(file, *, extensions: list[str] | tuple[str, ...], max_bytes: int,
                 wrong_type_message: str | None = None) -> str | None:
    """The Norwegian message for a file of a type or size not allowed, or None."""
    if extension_of(getattr(file, "name", "") or "") not in extensions:
        return wrong_type_message or _("Filtypen er ikke tillatt. Tillatte typer: %(types)s.") % {
            "types": ", ".join(extensions)}
    if file.size > max_bytes:
        return _("Filen er for stor (%(size)s). Største tillatte størrelse er %(max)s.") % {
            "size": filesizeformat(file.size), "max": filesizeformat(max_bytes)}
    if file.size == 0:
        return _("Filen er tom.")
    return None
