"""Load the demo data from fixtures/demo/*.json, idempotently.

Reference data (counties, municipalities, populations, collaborations,
bodies, people, partners, networks, cost keys, host agreements, plans,
meetings) is created with get_or_create on natural keys. Measures, their
participants, status updates and roles go through the service functions, so
the history exists and is backdated to the dates in the source documents.
Running the command again creates nothing and writes no history.

Natural keys: county (number, valid_from); municipality (number,
valid_from); collaboration slug; measure (collaboration, title); status
update (measure, reported_on, municipality); user username.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from collaborations.access.models import RoleAssignment
from collaborations.access.roles import permissions_sync_all, role_grant
from collaborations.economy.models import CostKey, HostAgreement, HostAgreementParticipant
from collaborations.meetings.models import CouncilCase, CouncilDecision, FollowUp, Meeting, MeetingCase, Subproject, WheelItem
from collaborations.portfolio.models import Measure, PlanPeriod, StatusUpdate, Strategy
from collaborations.portfolio.services import measure_create, measure_post_status_update
from collaborations.registry import models as registry
from collaborations.registry.services import municipality_merge

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
# Parents before children: Indre Namdal and Fosen nest inside Trøndelag.
# Mergers ("mergers" in a file) are applied last, after the measures they move.
COLLABORATION_FILES = ["trondelag", "nord_troms", "vestre_varanger", "indre_namdal", "senja"]
OSLO = ZoneInfo("Europe/Oslo")

REFUSED = ("Demobrukere (passord «demo») kan bare opprettes når DEMO, DEBUG eller TESTING er slått på. "
           "Bruk --no-users for å laste bare demodataene uten brukere.")


def demo_users_allowed() -> bool:
    return bool(settings.DEMO or settings.DEBUG or getattr(settings, "TESTING", False))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _moment(value: str) -> dt.datetime:
    """A document date as an aware moment (noon, Oslo) for backdated history."""
    return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(12, 0), tzinfo=OSLO)


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


class Command(BaseCommand):
    help = "Laster demodataene fra fixtures/demo (kan kjøres flere ganger uten å lage duplikater)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Gjør ingenting hvis det allerede finnes et samarbeid i databasen.")
        parser.add_argument("--no-users", action="store_true", help="Last data uten demobrukere.")
        parser.add_argument("--fixtures", default=str(FIXTURE_DIR), help="Mappe med demodata (JSON).")

    def handle(self, *args, **options):
        if options["if_empty"] and registry.Collaboration.objects.exists():
            self.stdout.write("Databasen har allerede samarbeid; demodata lastes ikke (--if-empty).")
            return
        with_users = not options["no_users"]
        if with_users and not demo_users_allowed():
            raise CommandError(REFUSED)
        loader = DemoLoader(Path(options["fixtures"]), with_users=with_users)
        with transaction.atomic():
            loader.load()
        permissions_sync_all()
        self.stdout.write(self.style.SUCCESS(loader.summary()))


class DemoLoader:
    def __init__(self, directory: Path, *, with_users: bool):
        self.dir = directory
        self.with_users = with_users
        self.created = {"measures": 0, "status_updates": 0, "users": 0}
        self.users: dict[str, object] = {}
        self.files = {name: self._read(name) for name in COLLABORATION_FILES}

    def _read(self, name: str) -> dict:
        return json.loads((self.dir / f"{name}.json").read_text(encoding="utf-8"))

    # ---- orchestration -------------------------------------------------------

    def load(self) -> None:
        self.load_municipalities(self._read("municipalities"))
        blocks = []
        for name in COLLABORATION_FILES:
            data = self.files[name]
            blocks.append(data)
            blocks.extend(data.get("children", []))
        collaborations = [(self.load_structure(block), block) for block in blocks]
        if self.with_users:
            self.load_users(self._read("users"))
        for collaboration, block in collaborations:
            self.load_portfolio(collaboration, block)
            self.load_meetings(collaboration, block)
            self.load_council_cases(collaboration, block)
            self.load_wheel(collaboration, block)
        for _collaboration, block in collaborations:
            for merger in block.get("mergers", []):
                self.apply_merger(merger)

    def summary(self) -> str:
        User = get_user_model()
        return (
            f"Demodata: {registry.Municipality.objects.count()} kommuner, {registry.Collaboration.objects.count()} samarbeid, "
            f"{Strategy.objects.count()} strategier, {Measure.objects.count()} tiltak, "
            f"{StatusUpdate.objects.count()} statusoppdateringer, {User.objects.count()} brukere. "
            f"Nye i denne kjøringen: {self.created['measures']} tiltak, {self.created['status_updates']} "
            f"statusoppdateringer, {self.created['users']} brukere."
        )

    # ---- municipalities ------------------------------------------------------

    def municipality(self, number: str) -> registry.Municipality:
        return self._municipalities[number]

    def load_municipalities(self, data: dict) -> None:
        counties = {}
        for c in data["counties"]:
            counties[c["number"]], _ = registry.County.objects.get_or_create(
                number=c["number"], valid_from=_date(c["valid_from"]),
                defaults={"name": c["name"], "valid_to": _date(c["valid_to"])})
        self._municipalities: dict[str, registry.Municipality] = {}
        for m in data["municipalities"]:
            obj, _ = registry.Municipality.objects.get_or_create(
                number=m["number"], valid_from=_date(m["valid_from"]),
                defaults={"name": m["name"], "sami_name": m["sami_name"], "kven_name": m["kven_name"],
                          "county": counties[m["county"]], "valid_to": _date(m["valid_to"])})
            self._municipalities[m["number"]] = obj
            for p in m["population"]:
                registry.PopulationFigure.objects.get_or_create(
                    municipality=obj, year=p["year"],
                    defaults={"population": p["population"], "source": p["source"],
                              "is_approximate": p["is_approximate"], "note": p["note"][:300]})
        for m in data["municipalities"]:
            if m["successor"]:
                obj = self._municipalities[m["number"]]
                if obj.successor_id is None:
                    obj.successor = self._municipalities[m["successor"]]
                    obj.full_clean()
                    obj.save(update_fields=["successor"])

    # ---- collaboration structure ---------------------------------------------

    def load_structure(self, block: dict) -> registry.Collaboration:
        c = block["collaboration"]
        parent = registry.Collaboration.objects.get(slug=c["parent"]) if c["parent"] else None
        collaboration, _ = registry.Collaboration.objects.get_or_create(slug=c["slug"], defaults={
            "name": c["name"], "short_name": c["short_name"], "kind": c["kind"], "parent": parent,
            "description": c["description"], "established_on": _date(c["established_on"]), "source": c["source"]})
        for m in block["members"]:
            registry.Membership.objects.get_or_create(
                collaboration=collaboration, municipality=self.municipality(m["municipality"]),
                joined_on=_date(m["joined_on"]),
                defaults={"left_on": _date(m.get("left_on")), "is_original_member": m["is_original_member"],
                          "note": m.get("note", "")})
        for p in block["people"]:
            self._person(p)
        for p in block["partners"]:
            municipality = self.municipality(p["municipality"]) if p.get("municipality") else None
            registry.OutsidePartner.objects.get_or_create(name=p["name"], defaults={"kind": p["kind"],
                                                                           "municipality": municipality})
        for b in block["bodies"]:
            body, _ = registry.Body.objects.get_or_create(collaboration=collaboration, name=b["name"], defaults={
                "kind": b["kind"], "mandate": b["mandate"], "receives_annual_report": b["receives_annual_report"],
                "municipality": self.municipality(b["municipality"]) if b.get("municipality") else None})
            for member in b["members"]:
                registry.BodyMember.objects.get_or_create(body=body, person=self._person_by_key(block, member["person"]),
                                                 role=member["role"])
        for k in block["cost_keys"]:
            CostKey.objects.get_or_create(collaboration=collaboration, name=k["name"], defaults={
                "fixed_share_percent": Decimal(k["fixed_share_percent"]),
                "population_share_percent": Decimal(k["population_share_percent"]),
                "population_year": k["population_year"], "description": k["description"]})
        for n in block["networks"]:
            network, _ = registry.Network.objects.get_or_create(collaboration=collaboration, name=n["name"], defaults={
                "coordinator": self._person_by_key(block, n["coordinator"]) if n["coordinator"] else None,
                "meeting_rhythm": n["meeting_rhythm"], "description": n["description"]})
            network.member_municipalities.set([self.municipality(x) for x in n["members"]])
            network.outside_members.set(registry.OutsidePartner.objects.filter(name__in=n.get("outside_members", [])))
        recorded_at = _moment(block["measures_recorded_at"])
        for a in block["host_agreements"]:
            self._host_agreement(collaboration, a, recorded_at)
        if block.get("plan"):
            self._plan(collaboration, block)
        for s in block["subprojects"]:
            parent_sp = (Subproject.objects.get(collaboration=collaboration, code=s["parent"], kind="dp")
                         if s["parent"] else None)
            Subproject.objects.get_or_create(collaboration=collaboration, kind=s["kind"], code=s["code"],
                                             defaults={"name": s["name"], "parent": parent_sp})
        return collaboration

    def _person(self, p: dict) -> registry.Person:
        person = registry.Person.objects.filter(name=p["name"]).first()
        if person is None:
            person = registry.Person.objects.create(
                name=p["name"], title=p.get("title", ""), organisation=p.get("organisation", ""),
                municipality=self.municipality(p["municipality"]) if p.get("municipality") else None)
        return person

    def _person_by_key(self, block: dict, key: str) -> registry.Person:
        return self._person(next(p for p in block["people"] if p["key"] == key))

    def _host_agreement(self, collaboration: registry.Collaboration, a: dict, recorded_at: dt.datetime) -> None:
        agreement = HostAgreement.objects.filter(collaboration=collaboration, service=a["service"]).first()
        if agreement is None:
            agreement = HostAgreement(
                collaboration=collaboration, service=a["service"], host=self.municipality(a["host"]),
                legal_basis=a["legal_basis"], delegated_authority=a["delegated_authority"],
                positions=_decimal(a["positions"]) or Decimal(0), annual_cost=_decimal(a["annual_cost"]),
                cost_key=collaboration.cost_keys.get(name=a["cost_key"]) if a["cost_key"] else None,
                starts_on=_date(a["starts_on"]), notice_months=a["notice_months"],
                exit_terms=a["exit_terms"])
            agreement._history_date = recorded_at
            agreement._change_reason = "Demodata"
            agreement.full_clean()
            agreement.save()
        for p in a["participants"]:
            municipality = self.municipality(p["municipality"])
            if not agreement.participants.filter(municipality=municipality).exists():
                participant = HostAgreementParticipant(agreement=agreement, municipality=municipality,
                                                       adopted_on=_date(p.get("adopted_on")),
                                                       case_number=p.get("case_number", ""))
                participant._history_date = recorded_at
                participant.save()

    def _plan(self, collaboration: registry.Collaboration, block: dict) -> None:
        p = block["plan"]
        adopted_by = registry.Body.objects.get(collaboration=collaboration, name=p["adopted_by"]) if p["adopted_by"] else None
        plan, _ = PlanPeriod.objects.get_or_create(
            collaboration=collaboration, start_year=p["start_year"], title=p["title"],
            defaults={"end_year": p["end_year"], "adopted_on": _date(p["adopted_on"]), "adopted_by": adopted_by,
                      "source": p["source"][:300]})
        for s in block["strategies"]:
            Strategy.objects.get_or_create(plan=plan, number=s["number"], defaults={
                "title": s["title"], "challenge": s["challenge"], "goal": s["goal"],
                "expected_result": s["expected_result"]})

    # ---- users and roles -----------------------------------------------------

    def load_users(self, data: dict) -> None:
        User = get_user_model()
        # Hash once: password hashing is deliberately slow, and these are demo accounts.
        password = make_password(data["password"])
        for u in data["users"]:
            user = User.objects.filter(username=u["username"]).first()
            if user is None:
                user = User(username=u["username"], first_name=u["first_name"], last_name=u["last_name"],
                            email=f"{u['username']}@demo.samarbeidsportalen.no",
                            is_staff=u.get("superuser", False), is_superuser=u.get("superuser", False))
                user.password = password
                user.save()
                self.created["users"] += 1
            self.users[u["username"]] = user
            if u.get("person"):
                person = registry.Person.objects.filter(name=u["person"]).first()
                if person and person.user_id is None:
                    person.user = user
                    person.save(update_fields=["user"])
            for r in u["roles"]:
                self._grant(user, r)

    def _grant(self, user, r: dict) -> None:
        scope = {"municipality": None, "collaboration": None, "network": None, "partner": None}
        if r["role"] in ("municipal_admin", "politician"):
            scope["municipality"] = self.municipality(r["municipality"])
        elif r["role"] == "partner":
            scope["collaboration"] = registry.Collaboration.objects.get(slug=r["collaboration"])
            scope["partner"] = registry.OutsidePartner.objects.get(name=r["partner"])
        elif r["role"] == "secretariat":
            scope["collaboration"] = registry.Collaboration.objects.get(slug=r["collaboration"])
        else:
            scope["network"] = registry.Network.objects.get(collaboration__slug=r["collaboration"], name=r["network"])
        if not RoleAssignment.objects.filter(user=user, role=r["role"], **scope).exists():
            role_grant(acting_user=None, user=user, role=r["role"], reason="Demodata", **scope)

    def _secretary(self, collaboration: registry.Collaboration):
        return self.users.get(f"sekretariat-{collaboration.slug.replace('-', '')}")

    def _author(self, collaboration: registry.Collaboration, key: str):
        return self._secretary(collaboration) if key == "secretariat" else self.users.get(key)

    # ---- portfolio -----------------------------------------------------------

    def load_portfolio(self, collaboration: registry.Collaboration, block: dict) -> None:
        recorded_at = _moment(block["measures_recorded_at"])
        plan = collaboration.plans.order_by("-start_year").first()
        for position, m in enumerate(block["measures"], start=1):
            measure = Measure.objects.filter(collaboration=collaboration, title=m["title"]).first()
            if measure is None:
                measure = self._create_measure(collaboration, block, plan, m, position, recorded_at)
            for u in m["status_updates"]:
                self._status_update(collaboration, measure, u)

    def _create_measure(self, collaboration, block: dict, plan, m: dict, position: int, recorded_at) -> Measure:
        description = m["description"]
        if m["visibility"] == "internal" and m["internal_reason"]:
            description = f"{description}\n\nInternt: {m['internal_reason']}".strip()
        fields = {
            "collaboration": collaboration, "number": m["number"], "title": m["title"], "description": description,
            "strategy": plan.strategies.get(number=m["strategy"]) if m["strategy"] else None,
            "responsible": self._person_by_key(block, m["responsible"]) if m["responsible"] else None,
            "owner_municipality": self.municipality(m["owner_municipality"]) if m["owner_municipality"] else None,
            "participants_note": m["participants_note"], "organisation_kind": m["organisation_kind"],
            "organisation": m["organisation"],
            "network": collaboration.networks.get(name=m["network"]) if m["network"] else None,
            "host_municipality": self.municipality(m["host_municipality"]) if m["host_municipality"] else None,
            "host_agreement": collaboration.host_agreements.get(service=m["host_agreement"])
            if m["host_agreement"] else None,
            "phase": m["phase"], "traffic_light": m["traffic_light"], "light_reason": m["light_reason"],
            "status_text": m["status_text"], "follow_up_text": m["follow_up_text"],
            "follow_up_responsible": m["follow_up_responsible"], "follow_up_due": _date(m["follow_up_due"]),
            "starts_on": _date(m["starts_on"]), "ends_on": _date(m["ends_on"]), "budget": _decimal(m["budget"]),
            "cost_key": collaboration.cost_keys.get(name=m["cost_key"]) if m["cost_key"] else None,
            "potential": m["potential"], "feasibility": m["feasibility"], "visibility": m["visibility"],
            "position": position,
        }
        participant_ids = [self.municipality(n).pk for n in m["participants"]]
        partner_ids = list(registry.OutsidePartner.objects.filter(name__in=m["partners"]).values_list("pk", flat=True))
        measure = measure_create(acting_user=self._secretary(collaboration), reason="Importert fra kildedokumentet",
                                 participant_ids=participant_ids, partner_ids=partner_ids, recorded_at=recorded_at,
                                 **fields)
        for number, note in m["participant_notes"].items():
            participation = measure.participations.get(municipality=self.municipality(number))
            participation.note = note
            participation._history_date = recorded_at
            participation._change_reason = "Merknad fra kildedokumentet"
            participation.save(update_fields=["note"])
        self.created["measures"] += 1
        return measure

    def _status_update(self, collaboration: registry.Collaboration, measure: Measure, u: dict) -> None:
        municipality = self.municipality(u["municipality"]) if u["municipality"] else None
        reported_on = _date(u["reported_on"])
        if StatusUpdate.objects.filter(measure=measure, reported_on=reported_on, municipality=municipality).exists():
            return
        measure.refresh_from_db()
        measure_post_status_update(
            acting_user=self._author(collaboration, u["author"]), measure=measure, reported_on=reported_on,
            phase=u["phase"], traffic_light=u["traffic_light"], light_reason=u["light_reason"],
            status_text=u["status_text"], follow_up_text=u["follow_up_text"],
            follow_up_responsible=u["follow_up_responsible"], follow_up_due=_date(u["follow_up_due"]),
            municipality=municipality, reason=u["reason"], recorded_at=_moment(u["reported_on"]))
        self.created["status_updates"] += 1

    # ---- municipalities over time ----------------------------------------------

    def apply_merger(self, merger: dict) -> None:
        """A merger in the documents (Lenvik, Berg, Torsken and Tranøy became
        Senja on 1.1.2020) goes through the same service as in the portal, so
        memberships, participations and agreements move to the successor with
        history. Once applied, a second run leaves it alone."""
        successor = self.municipality(merger["successor"])
        predecessors = [self.municipality(n) for n in merger["predecessors"]]
        for p in predecessors:
            p.refresh_from_db()
        if all(p.successor_id == successor.pk for p in predecessors):
            return
        municipality_merge(acting_user=None, predecessors=predecessors, successor=successor,
                           on_date=_date(merger["on"]), reason=merger["reason"])

    # ---- meetings ------------------------------------------------------------

    def load_wheel(self, collaboration: registry.Collaboration, block: dict) -> None:
        for w in block.get("wheel", []):
            body = collaboration.bodies.get(name=w["body"]) if w["body"] else None
            WheelItem.objects.get_or_create(collaboration=collaboration, title=w["title"], defaults={
                "kind": w["kind"], "month": w["month"], "day": w["day"], "recurrence": w["recurrence"],
                "year": w["year"], "body": body, "responsible": w["responsible"], "description": w["description"]})

    def load_council_cases(self, collaboration: registry.Collaboration, block: dict) -> None:
        for c in block.get("council_cases", []):
            origin = None
            if c["origin"]:
                origin = MeetingCase.objects.get(meeting__body__collaboration=collaboration,
                                                 meeting__held_on=_date(c["origin"]["held_on"]),
                                                 number=c["origin"]["number"])
            council_case, created = CouncilCase.objects.get_or_create(
                collaboration=collaboration, title=c["title"], defaults={
                    "subject": c["subject"], "rule": c["rule"], "summary": c["summary"],
                    "proposed_decision": c["proposed_decision"], "sent_on": _date(c["sent_on"]), "origin": origin,
                    "illustrative": c["illustrative"]})
            if not created:
                continue
            for d in c["decisions"]:
                CouncilDecision.objects.create(council_case=council_case, municipality=self.municipality(d["municipality"]),
                                               case_number=d["case_number"], decided_on=_date(d["decided_on"]),
                                               outcome=d["outcome"], amendments=d["amendments"])

    def load_meetings(self, collaboration: registry.Collaboration, block: dict) -> None:
        for mt in block["meetings"]:
            body = collaboration.bodies.get(name=mt["body"])
            meeting, _ = Meeting.objects.get_or_create(body=body, held_on=_date(mt["held_on"]), title=mt["title"],
                                                       defaults={"place": mt["place"], "present": mt["present"],
                                                                 "absent": mt["absent"],
                                                                 "others_attending": mt["others_attending"],
                                                                 "minutes_by": mt["minutes_by"],
                                                                 "visibility": mt["visibility"]})
            for c in mt["cases"]:
                case, created = MeetingCase.objects.get_or_create(meeting=meeting, number=c["number"], defaults={
                    "title": c["title"], "conclusion": c["conclusion"], "visibility": c["visibility"]})
                if not created:
                    continue
                case.measures.set(Measure.objects.filter(collaboration=collaboration, title__in=c["measures"]))
                case.subprojects.set(Subproject.objects.filter(collaboration=collaboration, code__in=c["subprojects"]))
                for f in c["follow_ups"]:
                    FollowUp.objects.create(case=case, responsible=f["responsible"], due_on=_date(f["due_on"]),
                                            done_on=_date(f["done_on"]))
