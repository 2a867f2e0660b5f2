"""The filters of the measure list every dashboard number links to
(/samarbeid/<slug>/tiltak/), django-filter."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..common.dates import parse_date
from ..portfolio.models import Measure, Participation, Phase, TrafficLight
from ..registry.models import Collaboration, Municipality
from .selectors import (
    CHANGE_KINDS,
    EXCEPTION_KINDS,
    Moment,
    annotate_changes,
    change_q,
    collaboration_measures,
    exception_q,
    kind_label,
    severity_order,
    with_last_update,
)


def _choices(enum) -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in enum]


class MeasureListFilter(django_filters.FilterSet):
    """Query parameters of /samarbeid/<slug>/tiltak/: every dashboard number
    links here with the filter that reproduces it."""

    strategy = django_filters.CharFilter(method="filter_strategy", label=gettext_lazy("Strategi"))
    phase = django_filters.ChoiceFilter(choices=_choices(Phase), label=gettext_lazy("Fase"),
                                        empty_label=gettext_lazy("Alle"))
    light = django_filters.ChoiceFilter(field_name="traffic_light", choices=_choices(TrafficLight),
                                        label=gettext_lazy("Trafikklys"), empty_label=gettext_lazy("Alle"))
    municipality = django_filters.CharFilter(method="filter_municipality", label=gettext_lazy("Kommune"))
    exception = django_filters.ChoiceFilter(
        method="filter_exception", label=gettext_lazy("Avvik"), empty_label=gettext_lazy("Alle"),
        choices=[("any", gettext_lazy("Alle avvik")), ("attention", "attention")] + [(k, k) for k in EXCEPTION_KINDS])
    siden = django_filters.CharFilter(method="filter_since", label=gettext_lazy("Endret siden"))
    change = django_filters.ChoiceFilter(method="filter_change", label=gettext_lazy("Endring"), empty_label=gettext_lazy("Alle"),
                                         choices=[("any", "any")] + [(k, k) for k in CHANGE_KINDS])
    role = django_filters.ChoiceFilter(method="filter_role", label=gettext_lazy("Rolle"), empty_label=gettext_lazy("Alle"),
                                       choices=[("owner", "owner"), ("participant", "participant")])

    class Meta:
        model = Measure
        fields = ()

    def __init__(self, *args, moment: Moment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.moment = moment or Moment.current()
        self.filters["exception"].extra["choices"] = [
            ("any", _("Alle avvik")), ("attention", _("Krever oppmerksomhet"))] + [
            (k, kind_label(k)) for k in EXCEPTION_KINDS]
        self.filters["change"].extra["choices"] = [("any", _("Alle endringer"))] + [
            (k, kind_label(k)) for k in CHANGE_KINDS]

    def filter_strategy(self, qs, name, value):
        if value == "none":
            return qs.filter(strategy__isnull=True)
        return qs.filter(strategy_id=value) if value.isdigit() else qs.none()

    def filter_municipality(self, qs, name, value):
        ids = Municipality.objects.filter(number=value).values("pk")
        role = self.data.get("role")
        takes_part = Exists(Participation.objects.filter(measure=OuterRef("pk"), municipality__in=ids))
        if role == "participant":
            return qs.filter(takes_part)
        if role == "owner":
            return qs.filter(owner_municipality__in=ids)
        return qs.filter(takes_part | Q(owner_municipality__in=ids))

    def filter_role(self, qs, name, value):
        return qs  # read by filter_municipality

    def filter_exception(self, qs, name, value):
        return qs.filter(exception_q(value, self.moment))

    def filter_since(self, qs, name, value):
        since = parse_date(value)
        if since is None:
            return qs.none()
        qs = annotate_changes(qs, since)
        return qs.filter(change_q(self.data.get("change") or "any"))

    def filter_change(self, qs, name, value):
        return qs  # read by filter_since


def measure_list(user, collaboration: Collaboration, params, moment: Moment) -> MeasureListFilter:
    base = with_last_update(collaboration_measures(user, collaboration)) \
        .select_related("strategy", "owner_municipality").order_by(severity_order(), "strategy__number",
                                                                   "position", "title")
    return MeasureListFilter(params, queryset=base, moment=moment)
