"""The audit trail: one AuditEvent per change of state, written by the
service that made the change, inside its transaction (zulip's RealmAuditLog
is the model). `audited_save` / `audited_delete` are the common steps of
every service that saves a record as it is typed (validate, save with
history, record old → new and why); `Records` names such services once per
kind of record.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from ..common.errors import DomainError
from ..common.history import field_changes, snapshot
from . import policy
from .models import AuditEvent


def user_or_none(user):
    """The user to record as who did it: None for the system (tasks, commands) and anonymous callers."""
    return user if user is not None and user.is_authenticated else None


def audit_record(kind: str, *, acting_user, reason: str = "", obj: models.Model | None = None,
                 collaboration=None, municipality=None, modified_user=None, old: dict | None = None,
                 new: dict | None = None, object_repr: str = "", object_id: int | None = None) -> AuditEvent:
    """Write one audit event. Call it inside the transaction of the change.
    `object_id` names a row that is gone (`obj` is then the deleted instance)."""
    return AuditEvent.objects.create(
        kind=kind, acting_user=user_or_none(acting_user), reason=(reason or "").strip(),
        collaboration=collaboration, municipality=municipality, modified_user=modified_user,
        content_type=ContentType.objects.get_for_model(type(obj)) if obj is not None else None,
        object_id=object_id if object_id is not None else (obj.pk if obj is not None else None),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        old_value=old or None, new_value=new or None,
    )


def require_reason(reason: str, message: str | None = None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": message or _("Skriv kort hvorfor endringen gjøres.")})
    return reason


@transaction.atomic
def audited_save(obj: models.Model, *, acting_user, reason: str, kind: str, collaboration=None,
                 exclude: set[str] | tuple[str, ...] = (), after_save=None) -> models.Model:
    """Validate and save `obj` with history (who and why), and record what
    changed as an audit event. `after_save(obj)` runs in the same transaction
    (for many-to-many fields and derived permissions)."""
    reason = require_reason(reason)
    model = type(obj)
    before = model._default_manager.filter(pk=obj.pk).first() if obj.pk else None
    obj._history_user = user_or_none(acting_user)
    obj._change_reason = reason
    obj.full_clean()
    obj.save()
    if after_save is not None:
        after_save(obj)
    if before is None:
        old, new = None, snapshot(obj, exclude)
    else:
        changes = field_changes(before, obj, model=model, exclude=exclude)
        old = {label: a for label, a, _b in changes}
        new = {label: b for label, _a, b in changes}
    audit_record(kind, acting_user=acting_user, reason=reason, obj=obj, collaboration=collaboration, old=old,
                 new=new)
    return obj


@transaction.atomic
def audited_delete(obj: models.Model, *, acting_user, reason: str, collaboration=None,
                   kind: str = AuditEvent.Kind.OBJECT_DELETED) -> None:
    """Delete `obj` with history (who and why) and an audit event that keeps
    what it was. Rows others still point at are refused with their names."""
    reason = require_reason(reason)
    old = snapshot(obj)
    label, pk = f"{obj._meta.verbose_name}: {obj}", obj.pk
    obj._history_user = user_or_none(acting_user)
    obj._change_reason = reason
    try:
        with transaction.atomic():
            obj.delete()
    except models.ProtectedError as error:
        names = ", ".join(sorted({str(o) for o in error.protected_objects})[:5])
        raise DomainError(_("Kan ikke slettes fordi andre registreringer viser til den: %(names)s.")
                          % {"names": names}) from None
    audit_record(kind, acting_user=acting_user, reason=reason, obj=obj, object_id=pk, collaboration=collaboration,
                 old=old, object_repr=label)


class Records:
    """The save and delete services of a kind of record kept as it is typed
    (a body, a cost key, a meeting): validated by its model, saved with
    history (who and why) and recorded as an audit event, in one transaction.
    Records with rules of their own (measures, memberships, roles, mergers)
    have their services written out in their packages.

        COST_KEYS = Records("cost_key", saved=AuditEvent.Kind.COST_KEY_SAVED)
        cost_key_save, cost_key_delete = COST_KEYS.save, COST_KEYS.delete
        cost_key_save(acting_user=user, cost_key=key, reason="Ny nøkkel fra 2026")
    """

    def __init__(self, noun: str, *, saved: str, deleted: str = AuditEvent.Kind.OBJECT_DELETED):
        self.noun, self.saved, self.deleted = noun, saved, deleted
        # The event's collaboration is the row's, found the way the policy finds it (COLLABORATION_PATHS).
        self.collaboration_of = policy.collaboration_of

    def _record(self, record: dict) -> models.Model:
        if set(record) != {self.noun}:
            raise TypeError(f"{self.noun}_save/{self.noun}_delete take {self.noun}=, acting_user= and reason=")
        return record[self.noun]

    def save(self, *, acting_user, reason: str, made_in=None, **record) -> models.Model:
        """`made_in`: the collaboration where the change was made, for a record that belongs to
        no single collaboration (a person, an outside partner, a population
        figure), so that it shows on that collaboration's audit trail."""
        obj = self._record(record)
        return audited_save(obj, acting_user=acting_user, reason=reason, kind=self.saved,
                            collaboration=self.collaboration_of(obj) or made_in)

    def delete(self, *, acting_user, reason: str, made_in=None, **record) -> None:
        obj = self._record(record)
        audited_delete(obj, acting_user=acting_user, reason=reason, kind=self.deleted,
                       collaboration=self.collaboration_of(obj) or made_in)
