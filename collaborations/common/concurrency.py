"""Concurrent edits of rows without a version column: the newest history row
(django-simple-history) stands in for the version. A form remembers
`latest_history_id(obj)` when it is opened; saving refuses when someone else
has saved the row since, with what they changed (ConcurrentEditError)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models, transaction

from .errors import ConcurrentEditError
from .history import field_changes, last_editor


def latest_history_id(obj: models.Model) -> int | None:
    """The id of the newest history row of `obj`: what a form remembers to detect a later save."""
    if obj.pk is None:
        return None
    return obj.history.order_by("-history_date", "-history_id").values_list("history_id", flat=True).first()


def refuse_if_changed(obj: models.Model, expected_history_id: int | None) -> None:
    """Raise ConcurrentEditError if `obj` was saved after the history row the
    form was opened on. None (a form without the hidden field) checks nothing."""
    if expected_history_id is None:
        return
    records = list(obj.history.order_by("history_date", "history_id"))
    if not records or records[-1].history_id == expected_history_id:
        return
    seen = next((r for r in records if r.history_id == expected_history_id), None)
    changes = field_changes(seen, records[-1], model=type(obj)) if seen is not None else []
    raise ConcurrentEditError(changes, last_editor(obj))


@transaction.atomic
def save_unless_changed[T](obj: models.Model, expected_history_id: int | None, save: Callable[[], T]) -> T:
    """Lock `obj`'s row, refuse if someone saved it after `expected_history_id`,
    else call `save` (a service) in the same transaction."""
    if obj.pk is not None:
        current = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()
        if current is not None:
            refuse_if_changed(current, expected_history_id)
    return save()
