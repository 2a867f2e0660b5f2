"""The form that opens a reporting round."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..common.forms import LENGTH_MESSAGES, DateInput, NoColonMixin


class RoundForm(NoColonMixin, forms.Form):
    title = forms.CharField(label=_("Tittel"), max_length=200, error_messages=LENGTH_MESSAGES,
                            help_text=_("For eksempel «Halvårsrapportering 1. halvår 2025»."))
    starts_on = forms.DateField(label=_("Startdato"), widget=DateInput(),
                                help_text=_("Oppdateringer datert fra og med denne dagen teller i runden."))
    deadline = forms.DateField(label=_("Frist"), widget=DateInput())
    reminder_days_before = forms.IntegerField(label=_("Påminnelse, antall dager før fristen"), min_value=0,
                                              max_value=60, initial=7)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("deadline") and data["deadline"] < data["starts_on"]:
            self.add_error("deadline", _("Fristen kan ikke være før startdatoen."))
        return data
