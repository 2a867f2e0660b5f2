"""Small builders for test data. Every test that needs a database uses a real
one (SQLite by default, PostgreSQL with DATABASE_URL); nothing is mocked.

`make_world()` builds one collaboration with two member municipalities and
one outsider, a strategy, a shared measure and an internal one, and one user
per role, the same shape as the demo data but small and fast.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model

from collaborations.access.models import Role
from collaborations.access.roles import role_grant
from collaborations.economy.models import CostKey
from collaborations.portfolio.models import Measure, PlanPeriod, Strategy
from collaborations.portfolio.services import measure_create
from collaborations.registry.models import Collaboration, County, Membership, Municipality, Network, Person, PopulationFigure

_seq = itertools.count(1)
User = get_user_model()


def make_user(username: str | None = None, **extra) -> User:
    username = username or f"user{next(_seq)}"
    user = User.objects.create_user(username=username, password="passord-for-test-123",
                                    email=f"{username}@example.no", **extra)
    return user


def make_county(name: str = "Troms") -> County:
    return County.objects.get_or_create(number="55", name=name)[0]


def make_municipality(name: str, number: str | None = None, population: int | None = 2000, year: int = 2024,
                      **extra) -> Municipality:
    m = Municipality.objects.create(number=number or f"{next(_seq) % 10000:04d}", name=name,
                                    county=make_county(), **extra)
    if population is not None:
        PopulationFigure.objects.create(municipality=m, year=year, population=population, source="SSB, test")
    return m


def make_collaboration(name: str = "Nord-Troms", members=(), **extra) -> Collaboration:
    slug = extra.pop("slug", name.lower().replace(" ", "-").replace("ø", "o").replace("å", "a"))
    c = Collaboration.objects.create(name=name, slug=slug, kind=extra.pop("kind", Collaboration.Kind.REGIONAL_COUNCIL),
                                     **extra)
    for m in members:
        Membership.objects.create(collaboration=c, municipality=m, joined_on=dt.date(2018, 1, 1))
    return c


def make_strategy(collaboration: Collaboration, number: int = 1, title: str = "Stabstjenester") -> Strategy:
    plan, _ = PlanPeriod.objects.get_or_create(collaboration=collaboration, title="Strategi- og handlingsplan",
                                               start_year=2019, end_year=2023)
    return Strategy.objects.create(plan=plan, number=number, title=title, goal="Tettere samarbeid.",
                                   expected_result="Redusert sårbarhet.")


def make_measure(collaboration: Collaboration, *, participants=(), acting_user=None, **fields) -> Measure:
    fields.setdefault("title", f"Tiltak {next(_seq)}")
    fields.setdefault("reason", "Testdata")
    return measure_create(acting_user=acting_user, collaboration=collaboration,
                          participant_ids=[m.pk for m in participants], **fields)


@dataclass
class World:
    collaboration: Collaboration
    kafjord: Municipality
    lyngen: Municipality
    outsider: Municipality          # not a member, not taking part
    other_collaboration: Collaboration
    strategy: Strategy
    network: Network
    cost_key: CostKey
    shared: Measure                 # published, Kåfjord and Lyngen take part, owned by Kåfjord
    internal: Measure               # internal (ROS), Kåfjord takes part
    network_measure: Measure        # published, run by the network, Lyngen takes part
    foreign: Measure                # published, in the other collaboration
    foreign_internal: Measure       # internal, in the other collaboration
    secretariat: User
    admin_kafjord: User
    admin_lyngen: User
    admin_outsider: User
    coordinator: User
    politician_kafjord: User
    stranger: User                # logged in, no role at all
    superuser: User

    def users_by_role(self) -> dict:
        return {
            "anonymous": None, "stranger": self.stranger, "politician": self.politician_kafjord,
            "admin_participant": self.admin_kafjord, "admin_outsider": self.admin_outsider,
            "coordinator": self.coordinator, "secretariat": self.secretariat,
        }


def make_world() -> World:
    kafjord = make_municipality("Kåfjord", "5426", population=2000, sami_name="Gáivuotna", kven_name="Kaivuono")
    lyngen = make_municipality("Lyngen", "5424", population=2800, sami_name="Ivgu")
    outsider = make_municipality("Loppa", "5614", population=900)
    collaboration = make_collaboration("Nord-Troms", members=[kafjord, lyngen])
    other = make_collaboration("Vestre Varanger", members=[outsider], kind=Collaboration.Kind.FRAMEWORK)
    strategy = make_strategy(collaboration)
    cost_key = CostKey.objects.create(collaboration=collaboration, name="Regionrådsnøkkel",
                                      fixed_share_percent=Decimal(20), population_share_percent=Decimal(80),
                                      population_year=2024)
    coordinator_person = Person.objects.create(name="Kristin Koordinator", municipality=lyngen)
    network = Network.objects.create(collaboration=collaboration, name="Fagnettverk arkivledere",
                                     coordinator=coordinator_person)
    network.member_municipalities.set([kafjord, lyngen])

    shared = make_measure(collaboration, title="Nytt sak- og arkivsystem", strategy=strategy,
                          owner_municipality=kafjord, participants=[kafjord, lyngen])
    internal = make_measure(collaboration, title="Helhetlig ROS-analyse", strategy=strategy, visibility="internal",
                            participants=[kafjord])
    network_measure = make_measure(collaboration, title="Arkivnettverk", strategy=strategy, network=network,
                                   participants=[lyngen])
    foreign = make_measure(other, title="IKT-samarbeid Vestre Varanger", participants=[outsider],
                           owner_municipality=outsider)
    foreign_internal = make_measure(other, title="ROS Vestre Varanger", participants=[outsider],
                                    visibility="internal")

    secretariat = make_user("sekretariat", first_name="Siri", last_name="Sekretær")
    role_grant(acting_user=None, reason="Testdata", user=secretariat, role=Role.SECRETARIAT, collaboration=collaboration)
    admin_kafjord = make_user("admin_kafjord", first_name="Kari", last_name="Kåfjord")
    role_grant(acting_user=None, reason="Testdata", user=admin_kafjord, role=Role.MUNICIPAL_ADMIN, municipality=kafjord)
    admin_lyngen = make_user("admin_lyngen", first_name="Lars", last_name="Lyngen")
    role_grant(acting_user=None, reason="Testdata", user=admin_lyngen, role=Role.MUNICIPAL_ADMIN, municipality=lyngen)
    admin_outsider = make_user("admin_loppa", first_name="Ola", last_name="Loppa")
    role_grant(acting_user=None, reason="Testdata", user=admin_outsider, role=Role.MUNICIPAL_ADMIN, municipality=outsider)
    coordinator = make_user("koordinator", first_name="Kristin", last_name="Koordinator")
    coordinator_person.user = coordinator
    coordinator_person.save(update_fields=["user"])
    role_grant(acting_user=None, reason="Testdata", user=coordinator, role=Role.NETWORK_COORDINATOR, network=network)
    politician = make_user("ordforer_kafjord", first_name="Per", last_name="Politiker")
    role_grant(acting_user=None, reason="Testdata", user=politician, role=Role.POLITICIAN, municipality=kafjord)
    stranger = make_user("fremmed")
    superuser = make_user("root", is_superuser=True, is_staff=True)
    return World(
        collaboration=collaboration, kafjord=kafjord, lyngen=lyngen, outsider=outsider, other_collaboration=other,
        strategy=strategy, network=network, cost_key=cost_key, shared=shared, internal=internal,
        network_measure=network_measure, foreign=foreign, foreign_internal=foreign_internal,
        secretariat=secretariat, admin_kafjord=admin_kafjord, admin_lyngen=admin_lyngen,
        admin_outsider=admin_outsider, coordinator=coordinator, politician_kafjord=politician, stranger=stranger,
        superuser=superuser,
    )


# The world's plan (the plan of `strategy`), so that a permission-matrix row can name it as w.plan.
World.plan = property(lambda self: self.strategy.plan)


def make_partner_user(world: World, name: str = "UNN HF", *, measures=None, username: str = "partner_unn"):
    """An outside partner taking part in `measures` (world.shared by default),
    added through measure_update, and a user who represents it in
    world.collaboration (the partner role). Returns (partner, user)."""
    from collaborations.portfolio.services import measure_update
    from collaborations.registry.models import OutsidePartner

    partner = OutsidePartner.objects.create(name=name, kind=OutsidePartner.Kind.HEALTH_TRUST)
    for measure in measures if measures is not None else [world.shared]:
        measure.refresh_from_db()
        measure_update(acting_user=None, measure=measure, expected_version=measure.version, reason="Testdata",
                       partner_ids=[*measure.partners.values_list("pk", flat=True), partner.pk])
    user = make_user(username, first_name="Pia", last_name="Partner")
    role_grant(acting_user=None, reason="Testdata", user=user, role=Role.PARTNER, partner=partner,
               collaboration=world.collaboration)
    return partner, user


# For the records' permission-matrix rows: the collaboration's first body (the matrix world's KDU), the
# network coordinator's Person row, and the population figures of a member and of the outsider (w.NAME).
World.first_body = property(lambda self: self.collaboration.bodies.order_by("pk").first())
World.coordinator_person = property(lambda self: self.network.coordinator)
World.kafjord_figure = property(lambda self: self.kafjord.population_figures.order_by("-year").first())
World.outsider_figure = property(lambda self: self.outsider.population_figures.order_by("-year").first())


def client_for(user=None):
    """A test client logged in as `user` (anonymous for None)."""
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client
