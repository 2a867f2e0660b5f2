"""Who hosts what, who buys what, and who pays what: the answers to the two
worries members raise most (jobs moving to the host, losing control of costs).

Every function reads in a fixed number of queries, whatever the number of
agreements or measures, and sees only what the policy lets the user see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from ..access import policy
from ..access.policy import Action
from ..common.dates import months_before
from ..common.history import field_changes, related_labels, who
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


# ---------------------------------------------------------------- host agreements: pages and forms

def earliest_exit(notice_given_on: dt.date, notice_months: int | None) -> dt.date:
    """The first day a participant may have left, counted from the day notice
    was given: the same day `notice_months` later (the month's last day when
    it has no such day). Without a notice period in the agreement, kommuneloven
    § 20-4 alone applies and the notice date itself is the earliest."""
    if not notice_months:
        return notice_given_on
    return months_before(notice_given_on, -notice_months)


def original_participants(agreement: HostAgreement, *, on: dt.date) -> list[Municipality]:
    """Whose consent a late joiner needs: the host and every participant still
    in the agreement on `on` that took part from its start."""
    found = {agreement.host_id: agreement.host}
    for p in agreement.participants.select_related("municipality").order_by("municipality__name"):
        from_start = p.joined_on is None or agreement.starts_on is None or p.joined_on <= agreement.starts_on
        if from_start and (p.left_on is None or p.left_on >= on):
            found.setdefault(p.municipality_id, p.municipality)
    return sorted(found.values(), key=lambda m: m.name)


def agreement_for(user, collaboration: Collaboration, agreement_id: int) -> HostAgreement | None:
    """The agreement of `collaboration` with this id, if the user may see it (else None: the caller says 404)."""
    agreement = HostAgreement.objects.select_related("collaboration", "host", "cost_key").filter(
        pk=agreement_id, collaboration=collaboration).first()
    if agreement is None or not policy.allows(user, Action.VIEW, agreement):
        return None
    return agreement


def fresh_agreement(agreement: HostAgreement) -> HostAgreement:
    """A new copy of the agreement for a form to change."""
    return HostAgreement.objects.select_related("collaboration", "host", "cost_key").get(pk=agreement.pk)


def participant_for(agreement: HostAgreement, participant_id: int) -> HostAgreementParticipant | None:
    return agreement.participants.select_related("municipality").filter(pk=participant_id).first()


def participants_of(agreement: HostAgreement) -> list[HostAgreementParticipant]:
    """Every participant, past and present: current ones first, by name."""
    rows = agreement.participants.select_related("municipality").order_by("municipality__name")
    return sorted(rows, key=lambda p: (p.left_on is not None, p.municipality.name))


def not_adopted(participants) -> list[HostAgreementParticipant]:
    """The current participants whose council has not adopted the agreement yet."""
    return [p for p in participants if p.left_on is None and p.adopted_on is None]


@dataclass
class AgreementRow:
    agreement: HostAgreement
    participants: list[HostAgreementParticipant]
    role: str = ""                  # on a municipality's list: "host", "participant", "former"

    @property
    def current(self) -> list[HostAgreementParticipant]:
        return [p for p in self.participants if p.left_on is None]

    @property
    def not_adopted(self) -> list[HostAgreementParticipant]:
        return not_adopted(self.participants)


def agreement_rows(user, collaboration: Collaboration, municipality: Municipality | None = None) -> list[AgreementRow]:
    """The agreements the user may see, every participant with them (two
    queries); with `municipality`, only those it hosts or takes or took part in."""
    rows = []
    for a in agreements(user, collaboration, current_only=False):
        participants = list(a.participants.all())
        row = AgreementRow(a, participants)
        if municipality is not None:
            mine = [p for p in participants if p.municipality_id == municipality.pk]
            if a.host_id == municipality.pk:
                row.role = "host"
            elif mine:
                row.role = "participant" if mine[0].left_on is None else "former"
            else:
                continue
        rows.append(row)
    return rows


def awaiting_adoption_count(user, collaboration: Collaboration) -> int:
    """How many of the agreements the user may see wait for at least one council's adoption."""
    return sum(1 for row in agreement_rows(user, collaboration) if row.not_adopted)


def municipalities_in_agreements(user, collaboration: Collaboration) -> list[Municipality]:
    """Members and every host or participant of the agreements the user may see: the municipality filter."""
    ids = set(memberships_on().filter(collaboration=collaboration).values_list("municipality_id", flat=True))
    for a in agreements(user, collaboration, current_only=False):
        ids.add(a.host_id)
        ids |= {p.municipality_id for p in a.participants.all()}
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def agreement_payments(agreement: HostAgreement, year: int):
    """What each participant pays for this agreement in `year`: payments'
    one distribution, asked of this one agreement. Returns the allocation
    (shares in øre by municipality id, or its error), or None when nothing
    falls due (no cost or key, not running, nobody paying)."""
    participants = list(agreement.participants.all())
    payable = agreement_payable(agreement, participants)
    if payable is None:
        return None
    numbers = {m.pk: (m.number, m.name) for m in Municipality.objects.filter(
        pk__in={p.municipality_id for p in participants})}
    found = distribute([payable], year=year, cost_keys=CostKey.objects.in_bulk([payable.cost_key_id]),
                       memberships=memberships_by_municipality(agreement.collaboration),
                       municipality_numbers=numbers)
    return found.allocations[0] if found.allocations else None


@dataclass
class HistoryEntry:
    when: object
    who: str
    reason: str
    subject: str
    kind: str                       # "+" created, "~" changed, "-" deleted
    changes: list[tuple[str, str, str]]


def agreement_history(agreement: HostAgreement) -> list[HistoryEntry]:
    """Every change of the agreement and of its participants, newest first:
    who, when, why, and old → new field by field."""
    entries = []
    records = list(agreement.history.select_related("history_user").order_by("history_date", "history_id"))
    labels = related_labels(HostAgreement, records)
    previous = None
    for r in records:
        changes = field_changes(previous if previous is not None else object(), r, model=HostAgreement,
                                exclude={"version"}, labels=labels)
        if changes or r.history_type != "~":
            entries.append(HistoryEntry(r.history_date, who(r.history_user), r.history_change_reason or "",
                                        r.service, r.history_type, changes))
        previous = r
    participant_records = list(HostAgreementParticipant.history.model.objects.filter(agreement_id=agreement.pk)
                               .select_related("history_user").order_by("history_date", "history_id"))
    names = dict(Municipality.objects.filter(pk__in={r.municipality_id for r in participant_records})
                 .values_list("pk", "name"))
    last: dict[int, object] = {}
    for r in participant_records:
        before = last.get(r.id)
        changes = field_changes(before if before is not None else object(), r, model=HostAgreementParticipant,
                                exclude={"agreement", "municipality"})
        entries.append(HistoryEntry(r.history_date, who(r.history_user), r.history_change_reason or "",
                                    names.get(r.municipality_id, ""), r.history_type if before else "+", changes))
        last[r.id] = r
    return sorted(entries, key=lambda e: e.when, reverse=True)


def cost_keys(collaboration: Collaboration):
    """The collaboration's cost keys with what uses them."""
    return collaboration.cost_keys.prefetch_related("host_agreements").order_by("name")


def cost_key_for(collaboration: Collaboration, key_id: int) -> CostKey | None:
    return collaboration.cost_keys.filter(pk=key_id).first()


def new_agreement(collaboration: Collaboration) -> HostAgreement:
    """An unsaved agreement of `collaboration` for the form to fill in."""
    return HostAgreement(collaboration=collaboration)


def new_cost_key(collaboration: Collaboration) -> CostKey:
    return CostKey(collaboration=collaboration)
