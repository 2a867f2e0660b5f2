"""The Django admin for the secretariat and the installation's administrators.

The admin decides nothing on its own. Which rows a user sees and may change
is asked of the policy (`policy.managed_rows`, `policy.may_manage_row`);
every save and delete goes through the feature's named service with the
acting user and the reason typed on the form, which keeps history and writes
the audit event. The model permissions of the staff group (access.roles)
only open the door.

Feature packages declare their admins (registry/admin.py, economy/admin.py,
portfolio/admin.py, meetings/admin.py) on the base classes here.
"""

from __future__ import annotations

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..common.errors import DomainError
from ..common.forms import LENGTH_MESSAGES, limit_text
from . import policy
from .audit import Records
from .models import AuditEvent, RoleAssignment
from .roles import role_grant, role_revoke

DELETE_REASON = _("Slettet i administrasjonen")


class ReasonForm(forms.ModelForm):
    """Every change in the admin says why; the reason is kept in the history
    and in the audit trail."""

    change_reason = forms.CharField(
        label=_("Hvorfor endres dette?"), max_length=500,
        help_text=_("Lagres i historikken og revisjonssporet."),
        error_messages={**LENGTH_MESSAGES, "required": _("Skriv kort hvorfor endringen gjøres.")})


def _reason(form) -> str:
    return form.cleaned_data.get("change_reason", "") if form is not None else ""


def as_stored(obj):
    """The row as it is saved (ScopedMixin.get_object), not as a form has changed it."""
    return getattr(obj, "_as_stored", obj)


class TextLimitMixin:
    """Free text has the portal's limit in the admin too (a TextField has none of its own)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and isinstance(field, forms.CharField):
            limit_text(field)
        return field


class ScopedMixin(TextLimitMixin):
    """Querysets, row permissions and foreign-key choices, asked of the policy."""

    unscoped_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        return policy.managed_rows(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        """The row, with a copy of it as stored (`as_stored`): a refused form has
        already written what was typed onto the row, and the permissions asked
        when the form is shown again are about the row as it is saved."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._as_stored = copy.copy(obj)
        return obj

    def _row_ok(self, request, obj) -> bool:
        return obj is None or policy.may_manage_row(request.user, as_stored(obj))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._row_ok(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._row_ok(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._row_ok(request, obj)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and policy.may_use_admin(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name not in self.unscoped_fields:
            field.queryset = policy.managed_rows(request.user, field.queryset)
        return field


class ServiceMixin:
    """Saves and deletes through services. Most records declare `records`
    (an audit.Records: their named save and delete services); records with
    rules of their own override `save_with_service` / `delete_with_service`."""

    records: Records | None = None

    def save_with_service(self, request, obj, reason: str, form=None):
        return self.records.save(acting_user=request.user, reason=reason, **{self.records.noun: obj})

    def delete_with_service(self, request, obj, reason: str):
        if self.records is None:
            raise DomainError(gettext("Dette kan ikke slettes her."))
        self.records.delete(acting_user=request.user, reason=reason, **{self.records.noun: obj})


class ServiceAdmin(ServiceMixin, ScopedMixin, SimpleHistoryAdmin):
    """A scoped admin whose writes go through services, inlines included."""

    form = ReasonForm

    def save_model(self, request, obj, form, change):
        saved = self.save_with_service(request, obj, _reason(form), form)
        if saved is not None and saved is not obj:
            obj.pk = saved.pk
            obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Many-to-many fields are the service's to save; the inlines go through theirs."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        inline = next(i for i in self.get_inline_instances(request, form.instance) if i.model is formset.model)
        reason = _reason(form)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            inline.delete_with_service(request, obj, reason)
        for obj in instances:
            inline.save_with_service(request, obj, reason)

    def delete_model(self, request, obj):
        self.delete_with_service(request, obj, str(DELETE_REASON))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_with_service(request, obj, str(DELETE_REASON))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A rule a service enforces (and the form could not know) becomes a
        message on the page, never an error page; the transaction is rolled back."""
        return self._refusal_as_message(request, super().changeform_view, request, object_id, form_url,
                                        extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._refusal_as_message(request, super().delete_view, request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        """Rows without django-simple-history (a status update is never
        changed, a county is reference data) show the admin's own log, not a 500."""
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One historical version: there is none for such rows (404, not a 500)."""
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _refusal_as_message(self, request, view, *args):
        try:
            return view(*args)
        except DomainError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ServiceInline(ServiceMixin, ScopedMixin, admin.TabularInline):
    """Rows edited on their parent's page; saved through services with the parent's reason."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        """An inline's rows are added on their parent's page: the parent (`obj`) decides, as for the other rights."""
        return super(ScopedMixin, self).has_add_permission(request, obj) and self._row_ok(request, obj)


class ReadOnlyAdminMixin:
    """For records that are never edited in the admin (status updates, report
    jobs, the audit trail): they change only through the services that
    enforce their rules."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, ServiceInline):
    """Rows shown on their parent's page that change elsewhere, through their own services."""

    can_delete = False


class InstallationAdmin(ServiceAdmin):
    """Reference data (municipalities, counties, partners, people): every
    staff user reads it; `installation_fields` and adding or deleting are for
    the installation's administrators (Action.ADMINISTER)."""

    installation_fields: tuple[str, ...] = ()

    def _row_ok(self, request, obj) -> bool:
        return True

    def get_readonly_fields(self, request, obj=None):
        if policy.allows(request.user, policy.Action.ADMINISTER, None):
            return super().get_readonly_fields(request, obj)
        return [*super().get_readonly_fields(request, obj), *self.installation_fields]

    def has_delete_permission(self, request, obj=None):
        return policy.allows(request.user, policy.Action.ADMINISTER, None)


# ------------------------------------------------------------ roles and the audit trail

class RoleAssignmentForm(forms.ModelForm):
    change_reason = forms.CharField(label=_("Hvorfor får brukeren rollen?"), max_length=500,
                                    error_messages={"required": _("Skriv kort hvorfor brukeren får rollen.")})

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "municipality", "collaboration", "network", "partner"]

    def clean(self):
        cleaned = super().clean()
        if not policy.may_grant_role(self.request.user, cleaned.get("role"), municipality=cleaned.get("municipality"),
                                     collaboration=cleaned.get("collaboration"), network=cleaned.get("network"),
                                     partner=cleaned.get("partner")):
            raise forms.ValidationError(policy.refusal_to_grant(cleaned.get("role")))
        return cleaned


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(TextLimitMixin, admin.ModelAdmin):
    """Roles are granted and revoked through access.roles, which keeps the
    object permissions in step and writes the audit trail. A role is never
    edited: revoke it and grant another. Revoked roles stay, marked."""

    form = RoleAssignmentForm
    list_display = ["user", "role", "municipality", "collaboration", "network", "partner", "granted_at", "granted_by",
                    "revoked_at", "revoked_by"]
    list_filter = ["role", "collaboration", "municipality", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "municipality", "collaboration", "network", "partner", "granted_by", "revoked_by"]
    actions = ["revoke_selected"]

    def get_queryset(self, request):
        return policy.visible_role_assignments(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the action below

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not super().has_delete_permission(request):
            actions.pop("revoke_selected", None)
        return actions

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name in ("collaboration", "network"):
            field.queryset = policy.managed_rows(request.user, field.queryset)
        if field is not None and db_field.name == "user":
            field.queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        return field

    def save_model(self, request, obj, form, change):
        granted = role_grant(acting_user=request.user, user=obj.user, role=obj.role, municipality=obj.municipality,
                             collaboration=obj.collaboration, network=obj.network, partner=obj.partner,
                             reason=form.cleaned_data["change_reason"])
        obj.pk, obj.granted_at = granted.pk, granted.granted_at
        obj._state.adding = False

    @admin.action(description=_("Fjern valgte roller"))
    def revoke_selected(self, request, queryset):
        revoked = 0
        for assignment in queryset.filter(revoked_at__isnull=True).select_related("network__collaboration"):
            if policy.may_grant_role(request.user, assignment.role, municipality=assignment.municipality,
                                     collaboration=assignment.collaboration, network=assignment.network):
                role_revoke(acting_user=request.user, assignment=assignment,
                            reason=gettext("Fjernet i administrasjonen"))
                revoked += 1
        self.message_user(request, gettext("%(n)s roller fjernet.") % {"n": revoked}, messages.SUCCESS)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "kind", "object_repr", "acting_user", "collaboration", "reason"]
    list_filter = ["kind", "collaboration"]
    search_fields = ["object_repr", "reason", "acting_user__username"]
    date_hierarchy = "occurred_at"
    list_select_related = ["acting_user", "collaboration"]

    def get_queryset(self, request):
        return policy.visible_audit_events(request.user, super().get_queryset(request))
