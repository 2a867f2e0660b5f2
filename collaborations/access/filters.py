"""Filters of the audit trail page (django-filter)."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..common.forms import DateInput
from ..common.history import who
from .models import AuditEvent

K = AuditEvent.Kind
# The kinds of change the secretariat asks about, grouped as they ask.
KIND_GROUPS = {
    "roles": (_("Roller"), [K.ROLE_GRANTED, K.ROLE_REVOKED]),
    "members": (_("Medlemskap og sammenslåinger"), [K.MEMBERSHIP_ADDED, K.MEMBERSHIP_ENDED, K.MUNICIPALITY_MERGED]),
    "economy": (_("Avtaler og kostnadsnøkler"), [K.AGREEMENT_SAVED, K.AGREEMENT_DELETED, K.COST_KEY_SAVED,
                                                  K.COST_KEY_DELETED]),
    "portfolio": (_("Planer, strategier og tiltak"), [K.PLAN_SAVED, K.STRATEGY_SAVED, K.MEASURE_CREATED,
                                                       K.MEASURE_CHANGED, K.MEASURE_DELETED, K.PARTICIPANTS_CHANGED,
                                                       K.MEASURES_IMPORTED]),
    "status": (_("Statusoppdateringer og dokumenter"), [K.STATUS_UPDATED, K.DOCUMENT_UPLOADED, K.ROUND_OPENED]),
    "reports": (_("Rapporter"), [K.REPORTS_ORDERED, K.REPORT_PUBLISHED, K.REPORT_CORRECTED,
                                     K.REPORT_DELETED]),
    "organisation": (_("Samarbeid, organer, nettverk og møter"), [K.COLLABORATION_SAVED, K.BODY_SAVED,
                                                                 K.NETWORK_SAVED, K.MEETING_SAVED,
                                                                 K.REGISTRY_SAVED, K.OBJECT_DELETED]),
}


class AuditEventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Hva"), method="filter_kind", empty_label=_("Alle endringer"),
                                       choices=[(key, label) for key, (label, _kinds) in KIND_GROUPS.items()])
    person = django_filters.ModelChoiceFilter(label=_("Person"), method="filter_person", empty_label=_("Alle"),
                                              queryset=get_user_model().objects.none())
    since = django_filters.DateFilter(label=_("Fra dato"), field_name="occurred_at", lookup_expr="date__gte",
                                      widget=DateInput())
    until = django_filters.DateFilter(label=_("Til dato"), field_name="occurred_at", lookup_expr="date__lte",
                                      widget=DateInput())

    class Meta:
        model = AuditEvent
        fields = ["kind", "person", "since", "until"]

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.filters["person"].queryset = people
        self.filters["person"].field.label_from_instance = who
        self.form.label_suffix = ""

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kind__in=KIND_GROUPS[value][1])

    def filter_person(self, queryset, name, value):
        return queryset.filter(Q(acting_user=value) | Q(modified_user=value))
