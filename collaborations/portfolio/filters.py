"""Filters for "Mine tiltak" (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..registry.models import Collaboration
from .models import Measure, Phase, Strategy, TrafficLight


class MyMeasuresFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Søk"), method="search")
    collaboration = django_filters.ModelChoiceFilter(label=_("Samarbeid"), queryset=Collaboration.objects.none(),
                                                     empty_label=_("Alle"))
    strategy = django_filters.ModelChoiceFilter(label=_("Strategi"), queryset=Strategy.objects.none(),
                                                empty_label=_("Alle"))
    phase = django_filters.ChoiceFilter(label=_("Fase"), choices=Phase.choices, empty_label=_("Alle"))
    traffic_light = django_filters.ChoiceFilter(label=_("Trafikklys"), choices=TrafficLight.choices,
                                                empty_label=_("Alle"))
    due = django_filters.ChoiceFilter(label=_("Oppdatering"), method="filter_due", empty_label=_("Alle"),
                                      choices=[("yes", _("Må oppdateres")), ("no", _("Oppdatert"))])

    class Meta:
        model = Measure
        fields = ["q", "collaboration", "strategy", "phase", "traffic_light", "due"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        base = self.queryset
        self.filters["collaboration"].queryset = Collaboration.objects.filter(
            pk__in=base.values("collaboration_id")).order_by("name")
        self.filters["strategy"].queryset = Strategy.objects.filter(
            pk__in=base.values("strategy_id")).select_related("plan__collaboration").order_by(
            "plan__collaboration__name", "number")
        self.form.label_suffix = ""

    def search(self, queryset, name, value):
        words = value.split()
        for word in words[:8]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(number__icontains=word)
                                       | Q(description__icontains=word) | Q(status_text__icontains=word)
                                       | Q(owner_municipality__name__icontains=word))
        return queryset

    def filter_due(self, queryset, name, value):
        return queryset.filter(update_due=(value == "yes"))
