"""One way to show a field's value, one way to tell what changed between two
versions of a row, and one way to ask how rows stood at a moment.

Every page, report, conflict message and audit event that shows "old → new"
goes through `field_changes`; everything rebuilt "as of" a date goes through
`latest_as_of` on a django-simple-history table.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from .dates import norwegian_date, norwegian_datetime

EMPTY = "—"


def display_value(field: models.Field, value, labels: dict | None = None) -> str:
    """How `value` of `field` reads on a page: choice labels, names of related
    rows, dd.mm.åååå dates, Norwegian numbers, "—" for nothing."""
    if value in (None, ""):
        return EMPTY
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        pk = getattr(value, "pk", value)
        if labels is not None:
            return labels.get((field.related_model, pk), _("(slettet)"))
        related = field.related_model._default_manager.filter(pk=pk).first()
        return str(related) if related is not None else _("(slettet)")
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    if isinstance(value, dt.datetime):
        return norwegian_datetime(value)
    if isinstance(value, dt.date):
        return norwegian_date(value)
    if isinstance(value, Decimal) and getattr(field, "decimal_places", None) is not None:
        return formats.number_format(value, decimal_pos=field.decimal_places, use_l10n=True, force_grouping=True)
    if isinstance(value, (int, Decimal, float)):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def label_of(field: models.Field) -> str:
    """The field's name as a heading: first letter capital, the rest as written ("Årlig kostnad (NOK)")."""
    name = str(field.verbose_name)
    return name[:1].upper() + name[1:]


def tracked_fields(model: type[models.Model], exclude: set[str] | tuple[str, ...] = ()) -> list[models.Field]:
    """The fields a history diff looks at: concrete, editable, not the key."""
    return [f for f in model._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in exclude]


def related_labels(model: type[models.Model], rows, fields: list[models.Field] | None = None, *,
                   include_internal: bool = True) -> dict:
    """Names of every related row the `rows` (instances or historical records)
    point at, one query per related model: {(related model, pk): name}.
    `include_internal=False`: a related row that is not published (an internal
    network or host agreement) is named only as internal."""
    fields = [f for f in (fields or tracked_fields(model)) if f.is_relation]
    wanted: dict[type, set] = {}
    for f in fields:
        ids = {getattr(r, f.attname) for r in rows} - {None}
        if ids:
            wanted.setdefault(f.related_model, set()).update(ids)
    labels = {}
    for related, ids in wanted.items():
        for obj in related._default_manager.filter(pk__in=ids):
            hidden = not include_internal and getattr(obj, "visibility", "published") != "published"
            labels[(related, obj.pk)] = _("(internt)") if hidden else str(obj)
    return labels


def field_changes(old, new, *, model: type[models.Model], fields: list[str] | None = None,
                  exclude: set[str] | tuple[str, ...] = (), labels: dict | None = None,
                  summarise: set[str] | tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """(label, old, new) for each field that differs between two versions of
    a row (model instances or historical records), in the model's field order.
    Fields in `summarise` (long narratives) read "endret" instead of both texts."""
    chosen = [model._meta.get_field(n) for n in fields] if fields else tracked_fields(model, exclude)
    rows = []
    for f in chosen:
        a, b = getattr(old, f.attname, None), getattr(new, f.attname, None)
        if a == b or (a in (None, "") and b in (None, "")):
            continue
        label = label_of(f)
        if f.name in summarise:
            rows.append((label, _("endret"), ""))
        else:
            rows.append((label, display_value(f, a, labels), display_value(f, b, labels)))
    return rows


def changes_since(obj: models.Model, version: int, *, model: type[models.Model] | None = None,
                  exclude: set[str] | tuple[str, ...] | frozenset[str] = ()) -> list[tuple[str, str, str]]:
    """(label, old, new) for each field that differs between `version` of a
    versioned row (one with a `version` field its history keeps) and the row
    as it is now: what someone else saved after a form was opened."""
    records = list(obj.history.filter(version__gte=version).order_by("history_date", "history_id"))
    if not records:
        return []
    first = records[0]
    old = first.prev_record if first.version > version else first
    if old is None:
        return []
    return field_changes(old, obj, model=model or type(obj), exclude=exclude)


def last_editor(obj: models.Model) -> str | None:
    """Who saved `obj` last, by its history; None when nobody is recorded."""
    last = obj.history.order_by("-history_date", "-history_id").select_related("history_user").first()
    return who(last.history_user) if last is not None and last.history_user is not None else None


def snapshot(obj: models.Model, exclude: set[str] | tuple[str, ...] = ()) -> dict[str, str]:
    """Every tracked field of `obj` as it reads on a page, for audit events."""
    return {label_of(f): display_value(f, getattr(obj, f.attname))
            for f in tracked_fields(type(obj), exclude)}


def latest_as_of(records, moment: dt.datetime) -> list:
    """Of a historical-record queryset, the newest record of each row at
    `moment`, leaving out rows that were deleted by then."""
    latest = {}
    for rec in records.filter(history_date__lte=moment).order_by("history_date", "history_id"):
        latest[rec.id] = rec
    return [r for r in latest.values() if r.history_type != "-"]


def rows_as_of(model: type[models.Model], ids, moment: dt.datetime) -> dict[int, object]:
    """Rows of `model` by id as they stood at `moment` (history records); a row
    without history is taken as it is now."""
    found = {r.id: r for r in latest_as_of(model.history.model.objects.filter(id__in=ids), moment)}
    missing = set(ids) - set(found)
    if missing:
        found.update(model.objects.in_bulk(missing))
    return found


def who(user) -> str:
    """A user's name as the portal shows it; "systemet" for work nobody did by hand."""
    if user is None:
        return _("systemet")
    return user.get_full_name() or user.username


