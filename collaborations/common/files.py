"""Checks of uploaded files, before anything is stored or parsed."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def save_with_file(obj, field_name: str, file) -> None:
    """Store `file` in `obj`'s file field, validate and save `obj`; if that
    fails, delete the stored file, so nothing is half-saved (no orphan file)."""
    stored = getattr(obj, field_name)
    stored.save(file.name, file, save=False)
    try:
        obj.full_clean()
        obj.save()
    except Exception:
        stored.delete(save=False)
        raise


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


# What a file of each type starts with. Office files (docx, xlsx, pptx, odt,
# ods) are zip archives; a text file holds no NUL byte.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",), "ods": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
}
TEXT_TYPES = ("txt", "csv")


def content_error(file) -> str | None:
    """The Norwegian message when the file's first bytes do not match its
    extension (a renamed program called «rapport.pdf»), or None."""
    extension = extension_of(getattr(file, "name", "") or "")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(4096)
    file.seek(position)
    if extension in SIGNATURES:
        if head.startswith(SIGNATURES[extension]):
            return None
    elif extension in TEXT_TYPES:
        if b"\x00" not in head:
            return None
    else:
        return None
    return _("Innholdet i filen er ikke en .%(type)s-fil, selv om navnet slutter på .%(type)s. "
             "Sjekk at du har valgt riktig fil.") % {"type": extension}
