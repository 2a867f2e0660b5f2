"""Who hosts what, who buys what, and who pays what: the answers to the two
worries members raise most (jobs moving to the host, losing control of costs).

Every function reads in a fixed number of queries, whatever the number of
agreements or measures, and sees only what the policy lets the user see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from ..access import policy
from ..portfolio.models import Measure, Participation
from ..registry.models import Collaboration, Membership, Municipality
from ..registry.selectors import members_on, memberships_on
from .models import CostKey, HostAgreement, HostAgreementParticipant
from .payments import Distribution, agreement_payable, distribute, measure_payable


def agreements(user, collaboration: Collaboration, *, current_only: bool = True):
    """The host agreements of `collaboration` the user may see, with their
    participants (only those still taking part when `current_only`)."""
    participants = HostAgreementParticipant.objects.select_related("municipality").order_by("municipality__name")
    if current_only:
        participants = participants.filter(left_on__isnull=True)
    qs = HostAgreement.objects.filter(collaboration=collaboration).select_related("host", "cost_key") \
        .prefetch_related(Prefetch("participants", queryset=participants))
    return policy.visible(user, qs).order_by("service")


def hosting(user, collaboration: Collaboration, municipality: Municipality) -> tuple[list, list]:
    """(hosted, bought): the agreements where `municipality` is the host, with
    whom it serves, and those where it buys the service from another host."""
    hosted, bought = [], []
    for a in agreements(user, collaboration):
        if a.host_id == municipality.pk:
            hosted.append(a)
        elif any(p.municipality_id == municipality.pk for p in a.participants.all()):
            bought.append(a)
    return hosted, bought


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
    there: the balanced host model made visible."""
    rows = {m.pk: HostBalanceRow(m) for m in members_on(collaboration, timezone.localdate())}
    for a in agreements(user, collaboration):
        rows.setdefault(a.host_id, HostBalanceRow(a.host)).agreements.append(a)
    return sorted(rows.values(), key=lambda r: (-r.positions, r.municipality.name))


def memberships_by_municipality(collaboration: Collaboration) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = {}
    for mid, joined, left in Membership.objects.filter(collaboration=collaboration).values_list(
            "municipality_id", "joined_on", "left_on"):
        out.setdefault(mid, []).append((joined, left))
    return out


def distribution(user, collaboration: Collaboration, year: int) -> Distribution:
    """What every payer pays in `year` under the collaboration's cost keys,
    from the agreements and measures the user may see (as they are now)."""
    all_agreements = list(agreements(user, collaboration, current_only=False))
    measures = list(policy.visible_measures(user, Measure.objects.filter(
        collaboration=collaboration, budget__isnull=False, cost_key__isnull=False,
    )).prefetch_related(Prefetch("participations", queryset=Participation.objects.all())))
    payables = [agreement_payable(a, a.participants.all()) for a in all_agreements]
    payables += [measure_payable(m, m.participations.all()) for m in measures]
    payer_ids = {p.municipality_id for a in all_agreements for p in a.participants.all()}
    payer_ids |= {p.municipality_id for m in measures for p in m.participations.all()}
    numbers = {m.pk: (m.number, m.name) for m in Municipality.objects.filter(pk__in=payer_ids)}
    keys = CostKey.objects.in_bulk({p.cost_key_id for p in payables if p is not None})
    return distribute(payables, year=year, cost_keys=keys, memberships=memberships_by_municipality(collaboration),
                      municipality_numbers=numbers)


@dataclass
class DistributionRow:
    municipality: Municipality
    shares: list[int | None]        # øre per allocation, in the table's column order; None: does not pay
    total_ore: int


@dataclass
class DistributionTable:
    """A year's distribution as a council member reads it: one row per
    payer, one column per agreement or measure, totals both ways."""

    distribution: Distribution
    rows: list[DistributionRow]

    @property
    def columns(self):
        return self.distribution.allocations

    @property
    def column_totals_ore(self) -> list[int]:
        return [sum((a.shares or {}).values()) for a in self.distribution.allocations]

    @property
    def total_ore(self) -> int:
        return sum(r.total_ore for r in self.rows)


def distribution_table(collaboration: Collaboration, distribution: Distribution) -> DistributionTable:
    """Members first (every current member, also those who pay nothing this
    year), then other payers, by name."""
    payer_ids = distribution.payer_ids
    members = set(memberships_on().filter(collaboration=collaboration).values_list("municipality_id", flat=True))
    municipalities = Municipality.objects.filter(pk__in=payer_ids | members).order_by("name")
    rows = []
    for m in sorted(municipalities, key=lambda m: (m.pk not in members, m.name)):
        shares = [(a.shares or {}).get(m.pk) if m.pk in a.payer_ids else None for a in distribution.allocations]
        rows.append(DistributionRow(municipality=m, shares=shares, total_ore=distribution.total_ore(m.pk)))
    return DistributionTable(distribution=distribution, rows=rows)
