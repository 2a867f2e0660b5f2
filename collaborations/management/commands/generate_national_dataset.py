"""Generate a national-scale dataset for the benchmarks.

`--scale 1.0`: 357 municipalities in 15 counties, 400 collaborations (15
county-wide ones with regional councils nested inside them, and host
collaborations and companies nested inside those), 20 000 measures with 2–8
participating municipalities each, 200 000 status updates, host agreements,
cost keys, population figures, meetings, networks, and users with roles and
the guardian object permissions those roles imply. `--scale 0.01` gives a
small version for tests.

Fast on purpose: every table is filled with bulk_create in batches; the
history (simple-history) rows are built directly, one creation row per
measure and one per overall status update, so the portfolio can be rebuilt
as it stood on any date; guardian's permission rows go straight into the
direct-FK tables (collaborations/models/permissions.py). Deterministic for a
given --seed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from collaborations.access.models import (
    CollaborationGroupObjectPermission,
    CollaborationUserObjectPermission,
    MeasureGroupObjectPermission,
    NetworkUserObjectPermission,
    Role,
    RoleAssignment,
)
from collaborations.access.roles import GROUP_NAMES, MUNICIPAL_ROLES, ROLE_GRANTS
from collaborations.economy.models import CostKey, HostAgreement, HostAgreementParticipant
from collaborations.meetings.models import Meeting
from collaborations.portfolio.models import Measure, Participation, PlanPeriod, StatusUpdate, Strategy
from collaborations.registry import models as registry

SLUG_PREFIX = "nasjonal-"
USER_PREFIX = "nasjonal-"
COUNTIES = [("03", "Oslo"), ("11", "Rogaland"), ("15", "Møre og Romsdal"), ("18", "Nordland"),
            ("31", "Østfold"), ("32", "Akershus"), ("33", "Buskerud"), ("34", "Innlandet"), ("39", "Vestfold"),
            ("40", "Telemark"), ("42", "Agder"), ("46", "Vestland"), ("50", "Trøndelag"), ("55", "Troms"),
            ("56", "Finnmark")]
FIRST = ["Aust", "Bjørk", "Eid", "Fjell", "Grønn", "Hav", "Is", "Kvit", "Lyng", "Mos", "Nord", "Os", "Rau",
         "Sand", "Stor", "Tind", "Vass", "Ål", "Berg", "Dal", "Elv", "Fos", "Gran", "Hol", "Li", "Myr", "Rød",
         "Skog", "Sol", "Vik"]
SECOND = ["dal", "fjord", "vik", "nes", "øy", "berg", "haug", "land", "strand", "sund", "bu", "stad", "vang", "mo"]
SERVICES = ["Barnevern", "IKT-drift", "Brann og redning", "Legevakt", "PPT", "Skatteoppkreving", "Innkjøp",
            "Arkiv", "Kommunepsykolog", "Landbrukskontor", "Revisjon", "Krisesenter", "Renovasjon", "Lønn",
            "Byggesak", "Kart og oppmåling"]
MEASURE_WORDS = ["Felles", "Nytt", "Regionalt", "Digitalt", "Interkommunalt", "Styrket", "Samordnet"]
MEASURE_TOPICS = ["sak- og arkivsystem", "velferdsteknologi", "IT-samarbeid", "brannsamarbeid", "klimaplan",
                  "rekrutteringsprosjekt", "innkjøpssamarbeid", "folkehelsearbeid", "beredskapsplan",
                  "kompetanseløft i skolen", "legevaktsamarbeid", "barnevernstjeneste", "ROS-analyse",
                  "næringsplan", "digitaliseringsstrategi", "tolketjeneste"]
STRATEGY_TITLES = ["Stabstjenester", "Oppvekst", "Helse og omsorg", "Klima og miljø", "Beredskap",
                   "Digitalisering", "Næring", "Kompetanse"]
PHASES = ["proposed", "study", "decided", "in_progress", "in_operation", "completed", "stopped"]
BATCH = 5000


@contextmanager
def explicit_created_at():
    """Let bulk_create keep our created_at (auto_now_add would overwrite it)."""
    field = StatusUpdate._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


class Command(BaseCommand):
    help = "Genererer et datasett i nasjonal skala (357 kommuner, 400 samarbeid, 20 000 tiltak) for ytelsesmålinger."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = nasjonal skala; 0.01 for tester.")
        parser.add_argument("--seed", type=int, default=4)
        parser.add_argument("--today", type=str, default="", help="Dagens dato (åååå-mm-dd), for gjentakbare data.")

    def handle(self, *args, scale: float, seed: int, today: str, **options):
        if registry.Collaboration.objects.filter(slug__startswith=SLUG_PREFIX).exists():
            raise CommandError("Datasettet finnes allerede (samarbeid med adresse som begynner med «nasjonal-»).")
        self.rng = random.Random(seed)
        self.today = dt.date.fromisoformat(today) if today else timezone.localdate()
        self.now = timezone.make_aware(dt.datetime.combine(self.today, dt.time(12)))
        self.scale = scale
        started = time.monotonic()
        with transaction.atomic():
            self.generate()
        self.stdout.write(self.style.SUCCESS(
            f"Ferdig på {time.monotonic() - started:.1f} s: " + ", ".join(f"{k} {v}" for k, v in self.counts.items())))

    # ------------------------------------------------------------ helpers

    def n(self, full: int, minimum: int) -> int:
        return max(minimum, round(full * self.scale))

    def bulk(self, model, objs, **kwargs):
        created = []
        for i in range(0, len(objs), BATCH):
            created += model.objects.bulk_create(objs[i:i + BATCH], batch_size=BATCH, **kwargs)
        self.counts[model._meta.model_name] = self.counts.get(model._meta.model_name, 0) + len(objs)
        return created

    def moment(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9 + self.rng.randrange(8),
                                                                    self.rng.randrange(60))))

    # ------------------------------------------------------------ the generator

    def generate(self) -> None:
        self.counts: dict[str, int] = {}
        rng = self.rng
        n_municipalities = self.n(357, 8)
        n_collaborations = self.n(400, 4)
        n_measures = self.n(20_000, 40)
        n_updates = self.n(200_000, 400)

        # 1. Counties and municipalities, with population figures (a few missing for the newest year).
        n_counties = min(len(COUNTIES), max(1, n_municipalities // 20))
        counties = [registry.County.objects.get_or_create(number=no, name=name, valid_from=None)[0]
                    for no, name in COUNTIES[:n_counties]]
        names = [a + b for a in FIRST for b in SECOND]
        rng.shuffle(names)
        municipalities = []
        for i in range(n_municipalities):
            county = counties[i % len(counties)]
            municipalities.append(registry.Municipality(
                number=f"{int(county.number) % 100:02d}{(i // len(counties)) + 60:02d}"[-4:], name=names[i % len(names)]
                + ("" if i < len(names) else f" {i // len(names) + 1}"), county=county,
                sami_name=(names[i % len(names)] + "gieddi") if rng.random() < 0.05 else "",
                valid_from=dt.date(2024, 1, 1)))
        municipalities = self.bulk(registry.Municipality, municipalities)
        by_county: dict[int, list[registry.Municipality]] = {}
        for m in municipalities:
            by_county.setdefault(m.county_id, []).append(m)
        population = {m.pk: rng.randint(400, 40_000) for m in municipalities}
        figures = []
        for m in municipalities:
            for year in (self.today.year - 2, self.today.year - 1, self.today.year):
                if year == self.today.year and rng.random() < 0.01:
                    continue
                figures.append(registry.PopulationFigure(municipality=m, year=year, source="SSB tabell 07459 (generert)",
                                                population=population[m.pk] + rng.randint(-200, 200)))
        self.bulk(registry.PopulationFigure, figures)

        # 2. Collaborations: county-wide, regional councils inside them, host collaborations inside those.
        collaborations: list[registry.Collaboration] = []
        members: dict[int, list[registry.Municipality]] = {}
        county_wide = [registry.Collaboration(name=f"Digitaliseringssamarbeid {c.name} (generert)", short_name=c.name,
                                     slug=f"{SLUG_PREFIX}fylke-{c.number}", kind=registry.Collaboration.Kind.COUNTY_WIDE,
                                     established_on=dt.date(2019, 1, 1))
                       for c in counties if by_county.get(c.pk)][:max(1, n_collaborations // 20)]
        county_wide = self.bulk(registry.Collaboration, county_wide)
        county_of = {}
        for cw, c in zip(county_wide, [c for c in counties if by_county.get(c.pk)], strict=False):
            members[cw.pk] = by_county[c.pk]
            county_of[cw.pk] = c.pk
        rest = n_collaborations - len(county_wide)
        regional = []
        for i in range(max(1, rest * 2 // 3)):
            parent = county_wide[i % len(county_wide)]
            regional.append(registry.Collaboration(name=f"Regionråd {i + 1} {parent.short_name} (generert)",
                                          short_name=f"Region {i + 1}", slug=f"{SLUG_PREFIX}region-{i + 1}",
                                          kind=registry.Collaboration.Kind.REGIONAL_COUNCIL, parent=parent,
                                          established_on=dt.date(2010 + i % 12, 1, 1)))
        regional = self.bulk(registry.Collaboration, regional)
        for r in regional:
            pool = by_county[county_of[r.parent_id]]
            members[r.pk] = rng.sample(pool, min(len(pool), rng.randint(4, 8)))
        kinds = [registry.Collaboration.Kind.HOST, registry.Collaboration.Kind.IKS, registry.Collaboration.Kind.JOINT_TASK,
                 registry.Collaboration.Kind.FRAMEWORK]
        others = []
        for i in range(rest - len(regional)):
            parent = regional[i % len(regional)]
            others.append(registry.Collaboration(name=f"{rng.choice(SERVICES)}samarbeid {i + 1} (generert)",
                                        slug=f"{SLUG_PREFIX}samarbeid-{i + 1}", kind=kinds[i % len(kinds)],
                                        parent=parent if i % 2 == 0 else None))
        others = self.bulk(registry.Collaboration, others)
        for i, o in enumerate(others):
            pool = members[regional[i % len(regional)].pk]
            members[o.pk] = rng.sample(pool, min(len(pool), rng.randint(2, 6)))
        collaborations = county_wide + regional + others
        self.bulk(registry.Membership, [registry.Membership(collaboration=c, municipality=m, joined_on=dt.date(2018, 1, 1))
                               for c in collaborations for m in members[c.pk]])

        # 3. Bodies and meetings (the regional council meets four times a year).
        bodies = []
        for c in collaborations:
            bodies.append(registry.Body(collaboration=c, kind=registry.Body.Kind.REGIONAL_COUNCIL, name=f"Regionrådet i {c.short_name or c.slug}",
                               receives_annual_report=True))
            bodies.append(registry.Body(collaboration=c, kind=registry.Body.Kind.CHIEF_EXECUTIVES, name=f"Kommunedirektørutvalget i {c.slug}"))
        bodies = self.bulk(registry.Body, bodies)
        meetings = []
        for b in bodies:
            if b.kind != registry.Body.Kind.REGIONAL_COUNCIL:
                continue
            for k in range(8):
                day = self.today - dt.timedelta(days=45 * k + rng.randint(1, 30))
                meetings.append(Meeting(body=b, title="Møte i regionrådet", held_on=day, place="Rådhuset"))
        self.bulk(Meeting, meetings)

        # 4. Plans, strategies, cost keys, networks with coordinators.
        plans = self.bulk(PlanPeriod, [PlanPeriod(collaboration=c, title="Strategi- og handlingsplan",
                                                  start_year=self.today.year - 1, end_year=self.today.year + 2)
                                       for c in collaborations])
        strategies = []
        for p in plans:
            for number in range(1, rng.randint(4, 6) + 1):
                strategies.append(Strategy(plan=p, number=number, title=STRATEGY_TITLES[(number - 1) % 8],
                                           goal="Bedre og mer robuste tjenester.",
                                           expected_result="Redusert sårbarhet og bedre ressursbruk."))
        strategies = self.bulk(Strategy, strategies)
        strategies_of: dict[int, list[Strategy]] = {}
        plan_collab = {p.pk: p.collaboration_id for p in plans}
        for s in strategies:
            strategies_of.setdefault(plan_collab[s.plan_id], []).append(s)
        keys = []
        for c in collaborations:
            keys.append(CostKey(collaboration=c, name="Regionrådsnøkkel", fixed_share_percent=Decimal(20),
                                population_share_percent=Decimal(80), population_year=self.today.year))
            keys.append(CostKey(collaboration=c, name="Lik fordeling", fixed_share_percent=Decimal(100),
                                population_share_percent=Decimal(0), population_year=self.today.year - 1))
        keys = self.bulk(CostKey, keys)
        keys_of: dict[int, list[CostKey]] = {}
        for k in keys:
            keys_of.setdefault(k.collaboration_id, []).append(k)
        people = self.bulk(registry.Person, [registry.Person(name=f"Koordinator {i + 1}", municipality=rng.choice(members[c.pk]))
                                    for i, c in enumerate(collaborations)])
        networks = self.bulk(registry.Network, [registry.Network(collaboration=c, name=f"Fagnettverk {rng.choice(SERVICES).lower()}",
                                               coordinator=people[i], meeting_rhythm="Fire ganger i året")
                                       for i, c in enumerate(collaborations)])
        through = registry.Network.member_municipalities.through
        self.bulk(through, [through(network_id=n.pk, municipality_id=m.pk) for n in networks
                            for m in members[n.collaboration_id]])

        # 5. Host agreements with participants (the host pays its share too).
        agreements, agreement_members = [], []
        for c in collaborations:
            if len(members[c.pk]) < 2:
                continue
            for service in rng.sample(SERVICES, rng.randint(1, 4)):
                agreements.append(HostAgreement(
                    collaboration=c, service=service, host=rng.choice(members[c.pk]),
                    positions=Decimal(rng.randint(5, 120)) / 10, annual_cost=Decimal(rng.randint(5, 400) * 10_000),
                    cost_key=keys_of[c.pk][0], starts_on=dt.date(2020, 1, 1), notice_months=12))
        agreements = self.bulk(HostAgreement, agreements)
        for a in agreements:
            for m in members[a.collaboration_id]:
                agreement_members.append(HostAgreementParticipant(agreement=a, municipality=m,
                                                                  adopted_on=dt.date(2019, 12, 10),
                                                                  case_number=f"{rng.randint(1, 99)}/19"))
        agreement_members = self.bulk(HostAgreementParticipant, agreement_members)
        created = timezone.make_aware(dt.datetime(2020, 1, 1, 12))
        self._history(HostAgreement, agreements, created)
        self._history(HostAgreementParticipant, agreement_members, created)

        # 6. Measures, participation, status updates, and the history they leave.
        self._measures(collaborations, members, strategies_of, keys_of, networks, n_measures, n_updates)

        # 7. Users, roles, groups and guardian permissions.
        self._users(collaborations, members, municipalities, networks, people)

    def _history(self, model, objs, when: dt.datetime) -> None:
        History = model.history.model
        fields = [f.attname for f in model._meta.concrete_fields]
        self.bulk(History, [History(**{f: getattr(o, f) for f in fields}, history_date=when, history_type="+",
                                    history_change_reason="Generert") for o in objs])

    def _measures(self, collaborations, members, strategies_of, keys_of, networks, n_measures, n_updates) -> None:
        rng = self.rng
        weights = [3 if c.kind == registry.Collaboration.Kind.REGIONAL_COUNCIL else 1 for c in collaborations]
        owners = rng.choices(collaborations, weights=weights, k=n_measures)
        network_of = {n.collaboration_id: n for n in networks}
        start = self.today - dt.timedelta(days=4 * 365)
        # Exactly n_updates status updates: one per measure, the rest spread at random.
        per_measure = [1] * n_measures
        for i in rng.choices(range(n_measures), k=max(0, n_updates - n_measures)):
            per_measure[i] += 1
        measures, plans = [], []
        for i, c in enumerate(owners):
            pool = members[c.pk]
            participants = rng.sample(pool, min(len(pool), rng.randint(2, 8)))
            created_on = start + dt.timedelta(days=rng.randint(0, 3 * 365))
            n_up = per_measure[i]
            span = (self.today - created_on).days
            days = sorted(created_on + dt.timedelta(days=rng.randint(1, max(1, span))) for _ in range(n_up))
            if rng.random() < 0.15:  # some measures fall silent: stale on the dashboards
                cut = self.today - dt.timedelta(days=200)
                days = [d if d < cut else cut - dt.timedelta(days=rng.randint(0, 300)) for d in days]
                days = sorted(max(d, created_on) for d in days)
            scored = rng.random() < 0.6
            budget = rng.random() < 0.1
            strategy = rng.choice(strategies_of[c.pk]) if rng.random() < 0.92 else None
            topic = rng.choice(MEASURE_TOPICS)
            m = Measure(
                collaboration=c, strategy=strategy, title=f"{rng.choice(MEASURE_WORDS)} {topic} {i + 1}",
                description="Generert tiltak for ytelsesmålinger.", owner_municipality=participants[0],
                organisation_kind=rng.choice(["network", "project_group", "host_municipality", "working_group"]),
                network=network_of.get(c.pk) if rng.random() < 0.2 else None,
                phase="proposed", traffic_light="green", starts_on=created_on,
                ends_on=created_on + dt.timedelta(days=rng.randint(180, 1500)) if rng.random() < 0.7 else None,
                budget=Decimal(rng.randint(1, 50) * 50_000) if budget else None, budget_recurrence="yearly",
                cost_key=keys_of[c.pk][0] if budget else None,
                potential=rng.randint(1, 10) if scored else None, feasibility=rng.randint(1, 10) if scored else None,
                visibility="internal" if (rng.random() < 0.08 or topic == "ROS-analyse") else "published",
                position=i,
            )
            measures.append(m)
            plans.append((m, participants, created_on, days))
        # Play each measure's status updates forward first, so that the rows are
        # created in their final state (no UPDATE afterwards) and the history
        # rows can be built from the snapshots.
        snapshots: list[list[tuple[dt.datetime, dict]]] = []
        update_plans: list[list[dict]] = []
        for m, (_m, participants, _created_on, days) in zip(measures, plans, strict=True):
            states, ups = [], []
            phase = "proposed"
            for d in days:
                overall = rng.random() < 0.7 or len(participants) < 2
                new_phase = PHASES[min(PHASES.index(phase) + (1 if rng.random() < 0.3 else 0), 4)]
                if rng.random() < 0.03:
                    new_phase = rng.choice(["completed", "stopped"])
                roll = rng.random()
                light = "green" if roll < 0.65 else ("amber" if roll < 0.88 else "red")
                at = self.moment(d)
                due = d + dt.timedelta(days=rng.randint(30, 240)) if rng.random() < 0.5 else None
                state = {"phase": new_phase, "traffic_light": light,
                         "light_reason": "" if light == "green" else "Forsinket leveranse fra leverandør.",
                         "status_text": f"Status per {d:%d.%m.%Y}: arbeidet går videre.",
                         "follow_up_text": "Neste møte.", "follow_up_due": due}
                ups.append({"municipality_id": None if overall else rng.choice(participants).pk, "created_at": at,
                            "reported_on": d, **state})
                if overall:
                    phase = new_phase
                    m.version += 1
                    states.append((at, {**state, "version": m.version}))
                    for k, v in state.items():
                        setattr(m, k, v)
                m.last_status_at = at
            snapshots.append(states)
            update_plans.append(ups)
        created_measures = self.bulk(Measure, measures)
        HistoricalMeasure = Measure.history.model
        fields = [f.attname for f in Measure._meta.concrete_fields if f.attname != "last_status_at"]
        history, updates, participations = [], [], []
        first_state = {"phase": "proposed", "traffic_light": "green", "light_reason": "", "status_text": "",
                       "follow_up_text": "", "follow_up_due": None, "version": 1}
        for m, (_m, participants, created_on, _days), states, ups in zip(created_measures, plans, snapshots,
                                                                          update_plans, strict=True):
            row = {f: getattr(m, f) for f in fields}
            history.append(HistoricalMeasure(**{**row, **first_state}, history_date=self.moment(created_on),
                                             history_type="+", history_change_reason="Opprettet"))
            for at, state in states:
                history.append(HistoricalMeasure(**{**row, **state}, history_date=at, history_type="~",
                                                 history_change_reason=f"Statusoppdatering {at:%d.%m.%Y}"))
            for p in participants:
                participations.append(Participation(measure_id=m.pk, municipality_id=p.pk))
            for u in ups:
                updates.append(StatusUpdate(measure_id=m.pk, **u))
        self.bulk(HistoricalMeasure, history)
        participations = self.bulk(Participation, participations)
        self._history(Participation, participations, self.moment(self.today - dt.timedelta(days=4 * 365)))
        with explicit_created_at():
            self.bulk(StatusUpdate, updates)
        self.measures = created_measures
        self.participations = participations

    def _users(self, collaborations, members, municipalities, networks, people) -> None:
        User = get_user_model()
        password = make_password("demo")
        perms = {p.codename: p for p in Permission.objects.filter(content_type__app_label="collaborations")}
        users = []
        for m in municipalities:
            users.append(User(username=f"{USER_PREFIX}admin-{m.pk}", first_name="Saksbehandler", last_name=m.name,
                              email=f"admin-{m.pk}@example.no", password=password))
            users.append(User(username=f"{USER_PREFIX}politiker-{m.pk}", first_name="Ordfører", last_name=m.name,
                              email=f"politiker-{m.pk}@example.no", password=password))
        for c in collaborations:
            users.append(User(username=f"{USER_PREFIX}sekretariat-{c.pk}", first_name="Sekretariat",
                              last_name=c.short_name or c.slug, email=f"sekretariat-{c.pk}@example.no",
                              password=password))
        for n in networks:
            users.append(User(username=f"{USER_PREFIX}koordinator-{n.pk}", first_name="Koordinator",
                              last_name=str(n.pk), email=f"koordinator-{n.pk}@example.no", password=password))
        users = {u.username: u for u in self.bulk(User, users)}
        # One group per municipality and municipal role, named as access.roles names them.
        role_user = {Role.MUNICIPAL_ADMIN: "admin", Role.POLITICIAN: "politiker"}
        groups = self.bulk(Group, [Group(name=GROUP_NAMES[role].format(pk=m.pk)) for m in municipalities
                                   for role in MUNICIPAL_ROLES])
        group = {g.name: g for g in groups}

        def group_of(role, municipality_id):
            return group[GROUP_NAMES[role].format(pk=municipality_id)]

        user_groups = User.groups.through
        self.bulk(user_groups, [user_groups(user_id=users[f"{USER_PREFIX}{role_user[role]}-{m.pk}"].pk,
                                            group_id=group_of(role, m.pk).pk)
                                for m in municipalities for role in MUNICIPAL_ROLES])
        roles = []
        for m in municipalities:
            roles.append(RoleAssignment(user=users[f"{USER_PREFIX}admin-{m.pk}"], role=Role.MUNICIPAL_ADMIN,
                                        municipality=m))
            roles.append(RoleAssignment(user=users[f"{USER_PREFIX}politiker-{m.pk}"], role=Role.POLITICIAN,
                                        municipality=m))
        for c in collaborations:
            roles.append(RoleAssignment(user=users[f"{USER_PREFIX}sekretariat-{c.pk}"], role=Role.SECRETARIAT,
                                        collaboration=c))
        for n in networks:
            roles.append(RoleAssignment(user=users[f"{USER_PREFIX}koordinator-{n.pk}"],
                                        role=Role.NETWORK_COORDINATOR, network=n))
        self.bulk(RoleAssignment, roles)
        for n, p in zip(networks, people, strict=True):
            p.user = users[f"{USER_PREFIX}koordinator-{n.pk}"]
        registry.Person.objects.bulk_update(people, ["user"], batch_size=BATCH)

        # Guardian rows exactly as access.roles grants them: every codename comes from ROLE_GRANTS.
        collab_user = []
        for c in collaborations:
            u = users[f"{USER_PREFIX}sekretariat-{c.pk}"]
            for codename in ROLE_GRANTS[Role.SECRETARIAT].collaboration:
                collab_user.append(CollaborationUserObjectPermission(user=u, permission=perms[codename],
                                                                     content_object=c))
        for n in networks:
            for codename in ROLE_GRANTS[Role.NETWORK_COORDINATOR].collaboration:
                collab_user.append(CollaborationUserObjectPermission(
                    user=users[f"{USER_PREFIX}koordinator-{n.pk}"], permission=perms[codename],
                    content_object_id=n.collaboration_id))
        self.bulk(CollaborationUserObjectPermission, collab_user, ignore_conflicts=True)
        self.bulk(NetworkUserObjectPermission, [NetworkUserObjectPermission(
            user=users[f"{USER_PREFIX}koordinator-{n.pk}"], permission=perms[codename], content_object=n)
            for n in networks for codename in ROLE_GRANTS[Role.NETWORK_COORDINATOR].network])
        collab_group = [
            CollaborationGroupObjectPermission(group=group_of(role, m.pk), permission=perms[codename],
                                               content_object=c)
            for c in collaborations for m in members[c.pk] for role in MUNICIPAL_ROLES
            for codename in ROLE_GRANTS[role].member_collaborations]
        self.bulk(CollaborationGroupObjectPermission, collab_group, ignore_conflicts=True)
        measure_group = [MeasureGroupObjectPermission(group=group_of(role, m.owner_municipality_id),
                                                      permission=perms[codename], content_object_id=m.pk)
                         for m in self.measures for role in MUNICIPAL_ROLES
                         for codename in ROLE_GRANTS[role].owned_measures]
        measure_group += [MeasureGroupObjectPermission(group=group_of(role, p.municipality_id),
                                                       permission=perms[codename], content_object_id=p.measure_id)
                          for p in self.participations for role in MUNICIPAL_ROLES
                          for codename in ROLE_GRANTS[role].participating_measures]
        self.bulk(MeasureGroupObjectPermission, measure_group, ignore_conflicts=True)
