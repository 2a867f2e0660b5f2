"""What every form in the portal shares: text limits and their Norwegian
messages, the date input, labels without a trailing colon."""

from django import forms
from django.utils.translation import gettext_lazy as _

TEXT_LIMIT = 4000
LENGTH_MESSAGES = {
    "max_length": _("Teksten er for lang: høyst %(limit_value)d tegn (nå %(show_value)d)."),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


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
