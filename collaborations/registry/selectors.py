"""Reads of the registry: who is a member when, what leaving takes, networks,
mergers and nesting, and a collaboration's page."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import policy
from ..common.dates import active_on_q
from ..economy.models import HostAgreement
from .models import (
    Body,
    BodyMember,
    Collaboration,
    County,
    Membership,
    Municipality,
    Network,
    OutsidePartner,
    Person,
    PopulationFigure,
)


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


# ---------------------------------------------------------------- the collaboration's own records

def collaboration_fresh(collaboration: Collaboration) -> Collaboration:
    """A new copy of the collaboration from the database (a form may change it)."""
    return Collaboration.objects.select_related("parent").get(pk=collaboration.pk)


def parent_choices(collaboration: Collaboration) -> QuerySet[Collaboration]:
    """Collaborations this one may be nested in: not itself, nor one inside it."""
    inside = [c.pk for c in descendants(collaboration)]
    return Collaboration.objects.exclude(pk__in=[collaboration.pk, *inside]).order_by("name")


def bodies_with_members(collaboration: Collaboration) -> QuerySet[Body]:
    """The collaboration's bodies with their members (past and present), by kind and name."""
    members = BodyMember.objects.select_related("person__municipality").order_by(
        "ends_on", "role", "person__name")
    return bodies(collaboration).prefetch_related(Prefetch("members", queryset=members))


def body_of(collaboration: Collaboration, body_id: int) -> Body:
    body = bodies(collaboration).filter(pk=body_id).first()
    if body is None:
        raise Http404(_("Fant ikke organet."))
    return body


def body_member_of(body: Body, member_id: int) -> BodyMember:
    member = body.members.select_related("person", "body__collaboration").filter(pk=member_id).first()
    if member is None:
        raise Http404(_("Fant ikke medlemmet."))
    return member


def member_municipality_choices(collaboration: Collaboration, keep_id: int | None = None) -> QuerySet[Municipality]:
    """The collaboration's members (past and present), and `keep_id` (the value a row already has)."""
    ids = collaboration.memberships.values("municipality_id")
    return Municipality.objects.filter(Q(pk__in=ids) | Q(pk=keep_id)).order_by("name")


def collaboration_people(collaboration: Collaboration) -> QuerySet[Person]:
    """The people of a collaboration: those of its member municipalities (past
    and present), of its bodies, its networks' coordinators, the responsible
    people of its measures and strategies, and anyone its secretariat registered."""
    from ..access.models import Role, RoleAssignment
    from ..portfolio.models import Measure, Strategy

    secretariat = RoleAssignment.objects.filter(role=Role.SECRETARIAT, collaboration=collaboration) \
        .values("user_id")
    registered = Person.history.filter(history_type="+", history_user__in=secretariat).values("id")
    connected = (Q(municipality__in=collaboration.memberships.values("municipality_id"))
                 | Q(pk__in=BodyMember.objects.filter(body__collaboration=collaboration).values("person_id"))
                 | Q(pk__in=collaboration.networks.values("coordinator_id"))
                 | Q(pk__in=Measure.objects.filter(collaboration=collaboration).values("responsible_id"))
                 | Q(pk__in=Strategy.objects.filter(plan__collaboration=collaboration).values("responsible_id"))
                 | Q(pk__in=registered))
    return Person.objects.filter(connected).select_related("municipality", "user").order_by("name", "pk")


def person_of(collaboration: Collaboration, person_id: int) -> Person:
    """A person of the collaboration (see collaboration_people), or 404."""
    person = collaboration_people(collaboration).filter(pk=person_id).first()
    if person is None:
        raise Http404(_("Fant ikke personen."))
    return person


def fresh_person(person: Person) -> Person:
    return Person.objects.select_related("municipality", "user").get(pk=person.pk)


def collaboration_partners(user, collaboration: Collaboration) -> list[OutsidePartner]:
    """The outside partners taking part in the collaboration's measures or
    networks, each with `.measure_list` and `.network_list`: those `user` may see."""
    from ..portfolio.models import Measure

    measures = list(policy.visible_measures(user, Measure.objects.filter(collaboration=collaboration))
                    .prefetch_related("partners").order_by("title"))
    networks_ = list(policy.visible(user, collaboration.networks.all()).prefetch_related("outside_members")
                     .order_by("name"))
    found: dict[int, OutsidePartner] = {}
    for kind, rows, related in (("measure_list", measures, "partners"), ("network_list", networks_,
                                                                         "outside_members")):
        for row in rows:
            for partner in getattr(row, related).all():
                partner = found.setdefault(partner.pk, partner)
                for name in ("measure_list", "network_list"):
                    if not hasattr(partner, name):
                        setattr(partner, name, [])
                getattr(partner, kind).append(row)
    return sorted(found.values(), key=lambda p: p.name.lower())


def unused_partners() -> QuerySet[OutsidePartner]:
    """Outside partners that take part in no measure and no network yet."""
    return OutsidePartner.objects.filter(measures__isnull=True, networks__isnull=True).distinct().order_by("name")


def partner_for_manager(collaboration: Collaboration, partner_id: int, *, installation_wide: bool) -> OutsidePartner:
    """A partner the collaboration's secretariat may edit: one taking part in
    its measures or networks, or one in use nowhere yet (any partner when
    `installation_wide`); else 404."""
    partner = OutsidePartner.objects.select_related("municipality").filter(pk=partner_id).first()
    if partner is None:
        raise Http404(_("Fant ikke partneren."))
    if installation_wide:
        return partner
    used_here = partner.measures.filter(collaboration=collaboration).exists() \
        or partner.networks.filter(collaboration=collaboration).exists()
    used_elsewhere = partner.measures.exists() or partner.networks.exists()
    if used_here or not used_elsewhere:
        return partner
    raise Http404(_("Fant ikke partneren."))


def fresh_partner(partner: OutsidePartner) -> OutsidePartner:
    return OutsidePartner.objects.select_related("municipality").get(pk=partner.pk)


def all_municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("name")


@dataclass
class MunicipalityFigures:
    municipality: Municipality
    figures: list[PopulationFigure]


def population_figures(collaboration: Collaboration) -> list[MunicipalityFigures]:
    """Each member municipality (past and present) with its population figures, newest year first."""
    municipalities = member_municipality_choices(collaboration).prefetch_related(
        Prefetch("population_figures", queryset=PopulationFigure.objects.order_by("-year")))
    return [MunicipalityFigures(m, list(m.population_figures.all())) for m in municipalities]


def figure_of(collaboration: Collaboration, figure_id: int) -> PopulationFigure:
    """A population figure of one of the collaboration's members, or 404."""
    figure = PopulationFigure.objects.select_related("municipality").filter(
        pk=figure_id, municipality__in=collaboration.memberships.values("municipality_id")).first()
    if figure is None:
        raise Http404(_("Fant ikke innbyggertallet."))
    return figure


def fresh_figure(figure: PopulationFigure) -> PopulationFigure:
    return PopulationFigure.objects.select_related("municipality").get(pk=figure.pk)


# Blank records for the create forms (views build no model instances themselves).

def new_body(collaboration: Collaboration) -> Body:
    return Body(collaboration=collaboration)


def new_body_member(body: Body) -> BodyMember:
    return BodyMember(body=body)


def new_person() -> Person:
    return Person()


def new_partner() -> OutsidePartner:
    return OutsidePartner()


def new_figure() -> PopulationFigure:
    return PopulationFigure()
