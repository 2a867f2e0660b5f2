"""Import of measures from a spreadsheet: all rows or none.

The file is read once, on upload; what was read (parsing.ParsedFile, as
JSON) waits in the default storage between the preview and the confirmation
(under imports/, named by an unguessable token), and the view keeps the
token in the user's session. The uploaded file itself is not kept.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.audit import audit_record
from ..access.models import AuditEvent
from ..portfolio.models import Measure
from ..portfolio.services import measure_create
from ..registry.models import Collaboration, Person
from .parsing import HEADER, ImportRejected, ParsedFile, RowError
from .validation import check

UPLOAD_DIR = "imports"
UPLOAD_MAX_AGE = dt.timedelta(days=1)



@transaction.atomic
def measure_import(*, acting_user, collaboration: Collaboration, parsed: ParsedFile, filename: str) -> list[Measure]:
    """Create a measure for every row of what the preview read, in the
    file's order, or nothing.

    1. Validate again inside the transaction: the members, plan or titles may
       have changed since the preview. An error found when the file was read
       refuses the import too.
    2. Create the responsible people not yet known (once per name).
    3. Create each measure through measure_create with the reason
       "Importert fra <filename>". Any error is collected with its row, and
       if there is one, everything is rolled back and ImportRejected raised.
    """
    drafts, errors = check(parsed, collaboration)
    if errors:
        raise ImportRejected(errors)
    reason = _("Importert fra %(filename)s") % {"filename": filename}
    position = collaboration.measures.aggregate(last=Max("position"))["last"] or 0
    people: dict[str, Person] = {}
    created = []
    for draft in drafts:
        responsible = draft.responsible
        if responsible is None and draft.new_responsible:
            key = draft.new_responsible.casefold()
            if key not in people:
                people[key] = Person.objects.create(name=draft.new_responsible)
            responsible = people[key]
        position += 1
        try:
            created.append(measure_create(
                acting_user=acting_user, reason=reason, participant_ids=[m.pk for m in draft.participants],
                partner_ids=[p.pk for p in draft.partners], responsible=responsible, position=position,
                **draft.fields))
        except ValidationError as error:
            errors.extend(_row_errors(draft.row, error))
    if errors:
        raise ImportRejected(errors)  # leaving the atomic block rolls back every row
    audit_record(AuditEvent.Kind.MEASURES_IMPORTED, acting_user=acting_user, reason=reason,
                 collaboration=collaboration, object_repr=filename,
                 new={_("Tiltak"): str(len(created)), _("Fil"): filename})
    return created


def _row_errors(row: int, error: ValidationError) -> list[RowError]:
    if hasattr(error, "error_dict"):
        return [RowError(row, HEADER.get(name, ""), message)
                for name, messages in error.message_dict.items() for message in messages]
    return [RowError(row, "", message) for message in error.messages]


# ---------------------------------------------------------------- what waits for the confirmation

def upload_store(parsed: ParsedFile) -> str:
    """Keep what was read from an uploaded file until the import is
    confirmed; returns its token."""
    upload_prune()
    token = secrets.token_urlsafe(18)
    default_storage.save(upload_path(token), ContentFile(parsed.to_json().encode("utf-8")))
    return token


def upload_path(token: str) -> str:
    return f"{UPLOAD_DIR}/{token}.json"


def upload_exists(token: str) -> bool:
    return default_storage.exists(upload_path(token))


def upload_load(token: str) -> ParsedFile | None:
    """What was read under `token`, or None when it is gone or unreadable."""
    try:
        with default_storage.open(upload_path(token), "rb") as stored:
            return ParsedFile.from_json(stored.read().decode("utf-8"))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def upload_discard(token: str) -> None:
    path = upload_path(token)
    if default_storage.exists(path):
        default_storage.delete(path)


def upload_prune(max_age: dt.timedelta = UPLOAD_MAX_AGE) -> None:
    """Delete files of imports that were previewed but never confirmed."""
    try:
        _dirs, names = default_storage.listdir(UPLOAD_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - max_age
    for name in names:
        path = f"{UPLOAD_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
