"""What each municipality pays in a year: ONE function for the dashboards,
the council and regional reports and the exports.

Both the pages (rows as they are now) and the reports (history records as
they stood on the cut-off) describe what costs money as `Payable`s, and
`distribute()` splits every payable that falls due in the year under its
cost key with `allocation.allocate`. Nothing else computes a payment.

When something falls due in year Y:

* A host agreement's annual cost: when the agreement runs in Y (its start and
  end, empty = open, overlap the year). Payers are its participants that had
  not left before 1.1.Y.
* A measure's budget, when it has a cost key and
  - its phase commits money: decided, in progress or in operation; a
    proposed measure or one under study commits nothing yet;
  - a measure closed in the portal ("avsluttet" on a date, `closed_on`)
    costs as before for the years it ran, up to and including the closing
    year, and nothing for the years after it (closing never rewrites what
    earlier years cost);
  - a completed or stopped measure without a closing date (set by a status
    update) only up to the year of its end date, and not at all without one;
  - a yearly amount: every year the measure's period overlaps;
  - a one-off amount: only in its budget year (empty: the start year, else
    the end year).
  Payers are the participants whose participation overlaps Y.
* A participant that was a member of the collaboration but no longer is in Y
  pays nothing; a participant from outside the collaboration pays its share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from ..common.dates import overlaps_year
from ..portfolio.models import CLOSED_PHASES, BudgetRecurrence, Phase
from ..registry.models import PopulationFigure
from .allocation import CostAllocationError, allocate, nok_to_ore

AGREEMENT = "agreement"
MEASURE = "measure"
UNCOMMITTED_PHASES = (Phase.PROPOSED, Phase.STUDY)


@dataclass(frozen=True)
class Payer:
    municipality_id: int
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


@dataclass(frozen=True)
class Payable:
    """Something that costs money, split under a cost key among its payers."""

    key: object                     # (title, kind, id): stable identity
    title: str
    kind: str                       # AGREEMENT | MEASURE
    amount: Decimal                 # NOK, per year or once
    cost_key_id: int
    yearly: bool
    due_year: int | None            # one-off amounts: the year they fall due
    starts_on: dt.date | None
    ends_on: dt.date | None
    phase: str | None               # measures only
    payers: tuple[Payer, ...]
    closed_on: dt.date | None = None  # measures only: the day it was closed ("avsluttet")

    @property
    def kind_label(self) -> str:
        return _("Vertskommuneavtale") if self.kind == AGREEMENT else _("Tiltak")

    def falls_due(self, year: int) -> bool:
        if self.phase is not None:
            if self.phase in UNCOMMITTED_PHASES:
                return False
            if self.closed_on is not None:
                if self.closed_on.year < year:
                    return False
            elif self.phase in CLOSED_PHASES and (self.ends_on is None or self.ends_on.year < year):
                return False
        if not self.yearly:
            return self.due_year == year
        return overlaps_year(self.starts_on, self.ends_on, year)

    def payers_in(self, year: int, memberships: dict[int, list[tuple]]) -> list[int]:
        """Who pays in `year`; `memberships` maps a municipality to its
        (joined_on, left_on) periods in the collaboration."""
        out = set()
        for p in self.payers:
            if not overlaps_year(p.starts_on, p.ends_on, year):
                continue
            periods = memberships.get(p.municipality_id)
            if periods and not any(overlaps_year(a, b, year) for a, b in periods):
                continue  # a former member pays nothing
            out.add(p.municipality_id)
        return sorted(out)


def agreement_payable(agreement, participants: Iterable) -> Payable | None:
    """`agreement` and its participants: model instances or history records."""
    if agreement.annual_cost is None or not agreement.cost_key_id:
        return None
    return Payable(
        key=(AGREEMENT, agreement.id), title=agreement.service, kind=AGREEMENT, amount=agreement.annual_cost,
        cost_key_id=agreement.cost_key_id, yearly=True, due_year=None, starts_on=agreement.starts_on,
        ends_on=agreement.ends_on, phase=None,
        payers=tuple(Payer(p.municipality_id, None, p.left_on) for p in participants))


def measure_payable(measure, participations: Iterable) -> Payable | None:
    """`measure` and its participations: model instances or history records."""
    if measure.budget is None or not measure.cost_key_id:
        return None
    yearly = measure.budget_recurrence == BudgetRecurrence.YEARLY
    due = measure.budget_year or (measure.starts_on.year if measure.starts_on else None) or (
        measure.ends_on.year if measure.ends_on else None)
    return Payable(
        key=(MEASURE, measure.id), title=measure.title, kind=MEASURE, amount=measure.budget,
        cost_key_id=measure.cost_key_id, yearly=yearly, due_year=None if yearly else due,
        starts_on=measure.starts_on, ends_on=measure.ends_on, phase=measure.phase,
        payers=tuple(Payer(p.municipality_id, p.joined_on, p.left_on) for p in participations),
        closed_on=getattr(measure, "closed_on", None))


@dataclass
class PaymentLine:
    """What one municipality pays for one agreement or measure in the year."""

    title: str
    kind: str
    kind_label: str
    total_nok: Decimal
    key_name: str
    key_label: str
    population_year: int
    share_ore: int | None           # None when it cannot be computed
    payers: int
    error: str = ""

    @property
    def share_nok(self) -> Decimal | None:
        return None if self.share_ore is None else Decimal(self.share_ore) / 100


@dataclass
class Allocation:
    payable: Payable
    cost_key: object
    payer_ids: list[int]
    shares: dict[int, int] | None   # municipality id -> øre; None when it cannot be computed
    error: str = ""

    def line_for(self, municipality_id: int) -> PaymentLine:
        share = None if self.shares is None else self.shares.get(municipality_id)
        return PaymentLine(
            title=self.payable.title, kind=self.payable.kind, kind_label=self.payable.kind_label,
            total_nok=self.payable.amount, key_name=self.cost_key.name, key_label=_key_label(self.cost_key),
            population_year=self.cost_key.population_year, share_ore=share, payers=len(self.payer_ids),
            error=self.error)


@dataclass
class Distribution:
    """Everything that falls due in `year`, split among its payers."""

    year: int
    allocations: list[Allocation] = field(default_factory=list)

    def lines_for(self, municipality_id: int) -> list[PaymentLine]:
        return [a.line_for(municipality_id) for a in self.allocations if municipality_id in a.payer_ids]

    def total_ore(self, municipality_id: int) -> int:
        return sum(line.share_ore or 0 for line in self.lines_for(municipality_id))

    def incomplete_for(self, municipality_id: int) -> bool:
        return any(line.error for line in self.lines_for(municipality_id))

    @property
    def payer_ids(self) -> set[int]:
        return {mid for a in self.allocations for mid in a.payer_ids}

    @property
    def total_nok(self) -> Decimal:
        return sum((a.payable.amount for a in self.allocations), Decimal(0))


def _key_label(key) -> str:
    return f"{key.fixed_share_percent.normalize():f}/{key.population_share_percent.normalize():f}"


def distribute(payables: Iterable[Payable | None], *, year: int, cost_keys: dict[int, object],
               memberships: dict[int, list[tuple]], municipality_numbers: dict[int, tuple[str, str]]) -> Distribution:
    """Split every payable that falls due in `year` (one query: the populations).

    `cost_keys`: id -> key (instance or history record); `memberships`:
    municipality id -> [(joined_on, left_on)] in this collaboration;
    `municipality_numbers`: id -> (number, name) of every payer."""
    due = []
    for p in payables:
        if p is None or p.cost_key_id not in cost_keys or not p.falls_due(year):
            continue
        payer_ids = p.payers_in(year, memberships)
        if payer_ids:
            due.append((p, cost_keys[p.cost_key_id], payer_ids))
    populations = _populations({(mid, key.population_year) for _p, key, ids in due for mid in ids})
    distribution = Distribution(year=year)
    for payable, key, payer_ids in sorted(due, key=lambda d: (d[0].kind, d[0].title.casefold(), str(d[0].key))):
        members = [(f"{municipality_numbers.get(mid, ('', ''))[0]}-{mid}", municipality_numbers.get(mid, ("", str(mid)))[1],
                    populations.get((mid, key.population_year))) for mid in payer_ids]
        try:
            shares = allocate(nok_to_ore(payable.amount), fixed_percent=key.fixed_share_percent,
                              population_percent=key.population_share_percent, members=members,
                              population_year=key.population_year)
        except CostAllocationError as exc:
            distribution.allocations.append(Allocation(payable, key, payer_ids, None, str(exc)))
            continue
        by_key = {f"{municipality_numbers.get(mid, ('', ''))[0]}-{mid}": mid for mid in payer_ids}
        distribution.allocations.append(Allocation(payable, key, payer_ids,
                                                   {by_key[s.key]: s.amount_ore for s in shares}))
    return distribution


def _populations(wanted: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    if not wanted:
        return {}
    q = Q()
    for mid, year in wanted:
        q |= Q(municipality_id=mid, year=year)
    return {(p.municipality_id, p.year): p.population for p in PopulationFigure.objects.filter(q)}
