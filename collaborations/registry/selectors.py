"""Reads of the registry: who is a member when, what leaving takes, networks,
mergers and nesting, and a collaboration's page."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import policy
from ..common.dates import active_on_q
from ..economy.models import HostAgreement
from .models import Body, Collaboration, County, Membership, Municipality, Network, OutsidePartner, Person


def collaborations() -> QuerySet[Collaboration]:
    """Every collaboration, for the start page (collaborations are public)."""
    return Collaboration.objects.select_related("parent").order_by("name")


def memberships_on(day: dt.date | None = None) -> QuerySet[Membership]:
    """Memberships in force on `day` (today by default): joined by then, not yet left."""
    return Membership.objects.filter(active_on_q(day or timezone.localdate(), "joined_on", "left_on"))


def members_on(collaboration: Collaboration, day: dt.date) -> list[Municipality]:
    """The municipalities that are members of `collaboration` on `day`, by name."""
    ids = memberships_on(day).filter(collaboration=collaboration).values("municipality_id")
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def memberships(collaboration: Collaboration) -> QuerySet[Membership]:
    """Every membership, past and present, with the municipality."""
    return collaboration.memberships.select_related("municipality").order_by("municipality__name", "joined_on")


def bodies(collaboration: Collaboration) -> QuerySet[Body]:
    return collaboration.bodies.select_related("municipality").order_by("kind", "name")


def member_municipality(collaboration: Collaboration, number: str) -> Municipality | None:
    """The member (past or present) with this number; the newest if the number was reused."""
    return Municipality.objects.filter(number=number, memberships__collaboration=collaboration) \
        .order_by("-valid_from").distinct().first()


def municipality_by_id(municipality_id: int) -> Municipality:
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None:
        raise Http404(_("Fant ikke kommunen."))
    return municipality


# ---------------------------------------------------------------- members: joining and leaving

def membership_of(collaboration: Collaboration, municipality_id: int) -> Membership:
    """The municipality's membership of `collaboration` in force today, else its latest one; or 404."""
    rows = collaboration.memberships.select_related("municipality", "collaboration") \
        .filter(municipality_id=municipality_id)
    membership = rows.filter(left_on__isnull=True).first() or rows.order_by("-left_on").first()
    if membership is None:
        raise Http404(_("Fant ikke medlemskapet."))
    return membership


def original_members_on(collaboration: Collaboration, day: dt.date) -> list[Municipality]:
    """The original members in force on `day`: whose consent a new member needs."""
    ids = memberships_on(day).filter(collaboration=collaboration, is_original_member=True) \
        .values("municipality_id")
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def joinable_municipalities(collaboration: Collaboration, day: dt.date) -> QuerySet[Municipality]:
    """Municipalities that still exist on `day` and are not members then."""
    current = memberships_on(day).filter(collaboration=collaboration).values("municipality_id")
    return Municipality.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)) \
        .exclude(pk__in=current).order_by("name")


def agreements_still_in(membership: Membership) -> list[HostAgreement]:
    """The collaboration's host agreements the municipality still takes part
    in: leaving the collaboration does not end them by itself."""
    return list(HostAgreement.objects.filter(
        collaboration=membership.collaboration, participants__municipality=membership.municipality,
        participants__left_on__isnull=True,
    ).select_related("host").distinct().order_by("service"))


@dataclass
class ExitNotice:
    """What leaving one host agreement takes. The collaboration agreement
    leaves exit from the service agreements to kommuneloven § 20-4 and each
    agreement's own terms, so the earliest exit date is known only when the
    agreement states a notice period: counted from the day notice is given."""

    agreement: HostAgreement
    notice_given_on: dt.date
    earliest_exit_on: dt.date | None

    @property
    def notice_months(self) -> int | None:
        return self.agreement.notice_months


def exit_notices(membership: Membership, notice_given_on: dt.date | None = None) -> list[ExitNotice]:
    """Per agreement still in force for the leaving member: its notice period,
    its own exit terms and the earliest exit date. Notice counts from
    `notice_given_on`, by default the day the exit was recorded."""
    # The same rule the agreement's own exit uses; imported here because
    # economy.selectors reads memberships from this module.
    from ..economy.selectors import earliest_exit

    given = notice_given_on or exit_recorded_on(membership)
    out = []
    for agreement in agreements_still_in(membership):
        earliest = earliest_exit(given, agreement.notice_months) if agreement.notice_months else None
        if earliest is not None and membership.left_on and earliest < membership.left_on:
            earliest = membership.left_on
        out.append(ExitNotice(agreement=agreement, notice_given_on=given, earliest_exit_on=earliest))
    return out


def exit_recorded_on(membership: Membership) -> dt.date:
    """The day the membership's exit was recorded (its newest history record), else today."""
    record = membership.history.filter(left_on__isnull=False).order_by("history_date").first()
    return timezone.localdate(record.history_date) if record else timezone.localdate()


# ---------------------------------------------------------------- networks

def networks(collaboration: Collaboration) -> QuerySet[Network]:
    """The collaboration's networks with coordinator and members (filter with policy.visible)."""
    return collaboration.networks.select_related("coordinator", "collaboration") \
        .prefetch_related("member_municipalities", "outside_members").order_by("name")


def network_of(collaboration: Collaboration, network_id: int) -> Network:
    network = networks(collaboration).filter(pk=network_id).first()
    if network is None:
        raise Http404(_("Fant ikke fagnettverket."))
    return network


def fresh_network(network: Network) -> Network:
    """A new copy of the network from the database (a form may change it)."""
    return networks(network.collaboration).get(pk=network.pk)


@dataclass
class NetworkMembers:
    inside: list[Municipality]       # member municipalities of the collaboration
    outside: list[Municipality]      # municipalities outside the collaboration
    partners: list[OutsidePartner]   # outside participants (a municipality outside, a school...)


def network_members(network: Network, day: dt.date | None = None) -> NetworkMembers:
    members = {m.pk for m in members_on(network.collaboration, day or timezone.localdate())}
    municipalities = sorted(network.member_municipalities.all(), key=lambda m: m.name)
    return NetworkMembers(inside=[m for m in municipalities if m.pk in members],
                          outside=[m for m in municipalities if m.pk not in members],
                          partners=sorted(network.outside_members.all(), key=lambda p: p.name))


def network_fingerprint(network: Network) -> str:
    """A short hash of what the network form edits, fields and members alike.

    Network has no version field, and simple-history does not record its
    member lists (many-to-many), so the latest history id would miss a
    change of members. The form carries this hash in a hidden input; if it
    differs when the form is saved, someone else changed the network."""
    network = Network.objects.filter(pk=network.pk).first() or network
    values = [network.name, network.coordinator_id, network.meeting_rhythm, network.description,
              network.visibility,
              sorted(network.member_municipalities.values_list("pk", flat=True)) if network.pk else [],
              sorted(network.outside_members.values_list("pk", flat=True)) if network.pk else []]
    return hashlib.sha1(repr(values).encode()).hexdigest()[:16]


def network_measures(user, network: Network):
    """The measures the network runs that `user` may see."""
    return policy.visible_measures(user, network.measures.select_related("strategy")).order_by("title")


def people(collaboration: Collaboration) -> QuerySet[Person]:
    """People to choose a coordinator from: those of the members, and everyone without a municipality."""
    members = collaboration.memberships.values("municipality_id")
    return Person.objects.filter(Q(municipality__in=members) | Q(municipality__isnull=True)).order_by("name")


def outside_partners() -> QuerySet[OutsidePartner]:
    return OutsidePartner.objects.order_by("name")


def network_municipality_choices(collaboration: Collaboration, network: Network | None) -> QuerySet[Municipality]:
    """Municipalities to choose among for a network: every municipality that still exists, and those it has."""
    keep = network.member_municipalities.values("pk") if network is not None and network.pk else []
    return Municipality.objects.filter(Q(valid_to__isnull=True) | Q(pk__in=keep)).order_by("name")


# ---------------------------------------------------------------- municipalities over time

def mergeable_members(collaboration: Collaboration) -> QuerySet[Municipality]:
    """Current members that have not merged already."""
    return Municipality.objects.filter(pk__in=memberships_on().filter(collaboration=collaboration)
                                       .values("municipality_id"), successor__isnull=True).order_by("name")


def existing_municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.filter(valid_to__isnull=True).order_by("name")


def counties() -> QuerySet[County]:
    return County.objects.filter(valid_to__isnull=True).order_by("name")


@dataclass
class Ended:
    ended_on: dt.date
    successor: Municipality | None
    successor_is_member: bool


def municipality_ended(collaboration: Collaboration, municipality: Municipality) -> Ended | None:
    """When a municipality ceased to exist and what became of it (None while it exists).
    `successor_is_member`: the successor has a page in this collaboration."""
    if municipality.valid_to is None:
        return None
    successor = municipality.successor
    is_member = successor is not None and collaboration.memberships.filter(municipality=successor).exists()
    return Ended(ended_on=municipality.valid_to, successor=successor, successor_is_member=is_member)


# ---------------------------------------------------------------- nesting

def children(collaboration: Collaboration) -> QuerySet[Collaboration]:
    """The collaborations directly inside this one."""
    return collaboration.children.order_by("name")


def descendants(collaboration: Collaboration) -> list[Collaboration]:
    """Every collaboration inside this one, at any depth, parents before children, each once."""
    found: dict[int, Collaboration] = {}
    level = [collaboration.pk]
    while level:
        rows = [c for c in Collaboration.objects.filter(parent_id__in=level).order_by("name") if c.pk not in found
                and c.pk != collaboration.pk]
        found.update((c.pk, c) for c in rows)
        level = [c.pk for c in rows]
    return list(found.values())
