from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaborations.registry.models import Collaboration, Membership, Municipality

from .models import ReportType


class ReportOrderForm(forms.Form):
    collaboration = forms.ModelChoiceField(label=_("Samarbeid"), queryset=Collaboration.objects.none(),
                                           empty_label=None)
    report_type = forms.ChoiceField(label=_("Rapporttype"), choices=ReportType.choices)
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    cutoff = forms.DateField(label=_("Skjæringsdato"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                             help_text=_("Står feltet tomt, brukes 31.12. for årsrapporter og 30.6. for halvårsrapporten, "
                                         "eller dagens dato for et år som ikke er over."))
    municipality = forms.ModelChoiceField(
        label=_("Mottaker"), queryset=Municipality.objects.none(), required=False,
        empty_label=_("Alle medlemmene (hele samarbeidet)"),
        help_text=_("For årsrapport til kommunestyret: tom = alle medlemmene. "
                    "For halvårsrapporten: tom = hele samarbeidet."))
    include_internal = forms.BooleanField(
        label=_("Intern rapport (tar med interne tiltak)"), required=False,
        help_text=_("Bare for administrasjonen. Interne rapporter vises aldri offentlig."))

    def __init__(self, *args, collaborations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collaboration"].queryset = collaborations
        self.fields["municipality"].queryset = Municipality.objects.filter(
            pk__in=Membership.objects.filter(collaboration__in=collaborations).values("municipality_id"),
        ).order_by("name")
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean(self):
        data = super().clean()
        if data.get("report_type") == ReportType.REGIONAL:
            data["municipality"] = None
        return data

    @property
    def all_members(self) -> bool:
        """An empty recipient means every member council for council reports,
        the whole collaboration for the half-year report."""
        return self.cleaned_data["report_type"] == ReportType.COUNCIL and self.cleaned_data["municipality"] is None
