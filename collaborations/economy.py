"""Who hosts what, who buys what, and who pays what: the answers to the two
worries seed 002 names (jobs moving to the host, losing control of costs).

All functions read in a fixed number of queries, whatever the number of
agreements or measures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q

from . import policy
from .costs import CostAllocationError, allocate, nok_to_ore
from .models import (
    Collaboration,
    HostAgreement,
    HostAgreementParticipant,
    Measure,
    Membership,
    Municipality,
    Participation,
    PopulationFigure,
)


def _agreements(user, collaboration: Collaboration):
    qs = HostAgreement.objects.filter(collaboration=collaboration).select_related("host", "cost_key").prefetch_related(
        Prefetch("participants", queryset=HostAgreementParticipant.objects.filter(left_on__isnull=True)
                 .select_related("municipality").order_by("municipality__name")))
    return policy.visible(user, qs).order_by("service")


def hosted_services(user, collaboration: Collaboration, municipality: Municipality) -> list[HostAgreement]:
    """Agreements where `municipality` is the host, with whom it serves."""
    return [a for a in _agreements(user, collaboration) if a.host_id == municipality.pk]


def bought_services(user, collaboration: Collaboration, municipality: Municipality) -> list[HostAgreement]:
    """Agreements where `municipality` buys the service from another host."""
    return [a for a in _agreements(user, collaboration)
            if a.host_id != municipality.pk and any(p.municipality_id == municipality.pk for p in a.participants.all())]


@dataclass
class HostBalanceRow:
    municipality: Municipality
    agreements: list[HostAgreement] = field(default_factory=list)

    @property
    def positions(self) -> Decimal:
        return sum((a.positions for a in self.agreements), Decimal(0))

    @property
    def service_count(self) -> int:
        return len(self.agreements)


def host_balance(user, collaboration: Collaboration) -> list[HostBalanceRow]:
    """For each member: the services it hosts and the positions (årsverk) placed
    there — the balanced host model (seed 004) made visible."""
    members = Municipality.objects.filter(
        pk__in=Membership.objects.filter(collaboration=collaboration, left_on__isnull=True).values("municipality_id")
    ).order_by("name")
    rows = {m.pk: HostBalanceRow(m) for m in members}
    for a in _agreements(user, collaboration):
        rows.setdefault(a.host_id, HostBalanceRow(a.host)).agreements.append(a)
    return sorted(rows.values(), key=lambda r: (-r.positions, r.municipality.name))


@dataclass
class PaymentLine:
    """What one municipality pays for one agreement or measure under its key."""

    title: str
    kind: str                   # "agreement" | "measure"
    total_nok: Decimal
    key_name: str
    key_label: str              # "20/80"
    population_year: int
    share_ore: int | None       # None when it cannot be computed
    payers: int
    error: str = ""

    @property
    def share_nok(self) -> Decimal | None:
        return None if self.share_ore is None else Decimal(self.share_ore) / 100


def payments(user, collaboration: Collaboration, municipality: Municipality) -> list[PaymentLine]:
    """What `municipality` pays under each cost key: host agreements with an
    annual cost and measures with a budget, split among their participants
    with the cost-allocation function. A missing population is reported on
    the line, not hidden."""
    agreements = [a for a in _agreements(user, collaboration)
                  if a.annual_cost is not None and a.cost_key_id
                  and any(p.municipality_id == municipality.pk for p in a.participants.all())]
    measures = list(policy.visible_measures(user, Measure.objects.filter(
        collaboration=collaboration, budget__isnull=False, cost_key__isnull=False,
        participations__municipality=municipality,
    )).select_related("cost_key").prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("municipality"))).distinct())
    payer_sets = [(a.service, "agreement", a.annual_cost, a.cost_key, [p.municipality for p in a.participants.all()])
                  for a in agreements]
    payer_sets += [(m.title, "measure", m.budget, m.cost_key, [p.municipality for p in m.participations.all()])
                   for m in measures]
    wanted = {(mu.pk, key.population_year) for *_rest, key, payers in payer_sets for mu in payers}
    populations = {}
    if wanted:
        q = Q()
        for mid, year in wanted:
            q |= Q(municipality_id=mid, year=year)
        populations = {(p.municipality_id, p.year): p.population for p in PopulationFigure.objects.filter(q)}
    lines = []
    for title, kind, total, key, payers in payer_sets:
        line = PaymentLine(title=title, kind=kind, total_nok=total, key_name=key.name, key_label=key.label,
                           population_year=key.population_year, share_ore=None, payers=len(payers))
        try:
            shares = allocate(nok_to_ore(total), fixed_percent=key.fixed_share_percent,
                              population_percent=key.population_share_percent,
                              members=[(p.number, p.name, populations.get((p.pk, key.population_year)))
                                       for p in payers],
                              population_year=key.population_year)
            line.share_ore = next(s.amount_ore for s in shares if s.key == municipality.number)
        except CostAllocationError as exc:
            line.error = str(exc)
        lines.append(line)
    return lines


def payments_total_ore(lines: list[PaymentLine]) -> int:
    return sum(line.share_ore or 0 for line in lines)
