"""What every form in the portal shares: text limits and their Norwegian
messages, the date input, labels without a trailing colon."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .concurrency import latest_history_id, save_unless_changed
from .errors import ConcurrentEditError

TEXT_LIMIT = 4000
STALE_FORM = _("Skjemaet er utdatert. Last siden på nytt og prøv igjen.")
LENGTH_MESSAGES = {
    "max_length": _("Teksten er for lang: høyst %(limit_value)d tegn (nå %(show_value)d)."),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def limit_text(field: forms.CharField, limit: int = TEXT_LIMIT) -> forms.CharField:
    """The limit of a field made from a TextField, in the form, the admin and
    the browser. (Setting `max_length` after the field is made only sets the
    widget's attribute: the validator must be added, or 1 MB is saved.)"""
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.error_messages.update(LENGTH_MESSAGES)
    field.widget.attrs["maxlength"] = limit
    return field


def long_text(label, help_text="", rows=3, limit=TEXT_LIMIT, required=False):
    return forms.CharField(label=label, help_text=help_text, required=required, max_length=limit,
                           error_messages=LENGTH_MESSAGES, widget=forms.Textarea(attrs={"rows": rows}))


class NoColonMixin:
    """Labels without Django's trailing colon (several end in a question mark)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CheckedFileField(forms.FileField):
    """A file field that runs one of the upload checks (common.files) and
    shows its Norwegian message under the field."""

    def __init__(self, *args, check, **kwargs):
        self.check = check
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        error = self.check(file) if file else None
        if error:
            raise forms.ValidationError(error)
        return file


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal (DomainError) on the fields it names when the form
    has them, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@dataclass(frozen=True)
class Submitted:
    """What became of a form sent to a service (`submit`): true if saved."""

    saved: bool
    value: Any = None                                # what the service returned
    conflict: ConcurrentEditError | None = None      # someone else saved first

    def __bool__(self) -> bool:
        return self.saved


def submit(form: forms.BaseForm, call: Callable[[], Any]) -> Submitted:
    """Send a valid bound form to a service (`call`). A service's refusal
    (DomainError) goes on the form's fields; a save by someone else since the
    form was opened comes back as the conflict, for `form_after_conflict`."""
    if not (form.is_bound and form.is_valid()):
        return Submitted(False)
    try:
        return Submitted(True, call())
    except ConcurrentEditError as error:
        return Submitted(False, conflict=error)
    except ValidationError as error:
        add_service_error(form, error)
        return Submitted(False)


def submit_unless_changed(form: forms.BaseForm, obj, save: Callable[[], Any]) -> Submitted:
    """`submit` for a record edited with its newest history row in the form
    (`history_id`, HistoryIdField): refused as a conflict when someone else
    saved `obj` since the form was opened."""
    return submit(form, lambda: save_unless_changed(obj, form.cleaned_data.get("history_id"), save))


def record_form_again(data: QueryDict, make_form: Callable[[QueryDict, Any], forms.BaseForm], fresh) -> forms.BaseForm:
    """After a conflict on a record: the form again with what was typed, over
    the row as it is now (`fresh`), so saving once more goes through on purpose."""
    return form_after_conflict(data, lambda d: make_form(d, fresh), history_id=latest_history_id(fresh) or "")


def form_after_conflict(data: QueryDict, make_form: Callable[[QueryDict], forms.BaseForm],
                        **current: object) -> forms.BaseForm:
    """After a concurrent edit: the form again with what the user typed, but
    with the hidden markers (`current`: version, fingerprint, history id) of the
    row as it is now, so that saving once more goes through on purpose."""
    data = data.copy()
    for name, value in current.items():
        data[name] = str(value)
    form = make_form(data)
    form.is_valid()
    return form


class HistoryIdField(forms.IntegerField):
    """The newest history row when the form was opened (common.concurrency):
    detects a save by someone else on a row without a version column."""

    def __init__(self):
        super().__init__(required=False, widget=forms.HiddenInput, error_messages={"invalid": STALE_FORM})
