"""The demo loader: the real data from the source documents, idempotent, and no
demo users outside development."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from collaborations.access import policy
from collaborations.access.models import AuditEvent, RoleAssignment
from collaborations.access.policy import Action
from collaborations.common.dates import active_on_q
from collaborations.economy.models import CostKey, HostAgreement
from collaborations.meetings.models import Meeting, Subproject
from collaborations.portfolio.models import Measure, StatusUpdate, Strategy
from collaborations.registry.models import Collaboration, Municipality, Network, Person, PopulationFigure, Visibility
from collaborations.registry.selectors import children, members_on

User = get_user_model()
NORD_TROMS = {"Kåfjord", "Kvænangen", "Lyngen", "Nordreisa", "Skjervøy", "Storfjord"}


def _load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


@pytest.fixture(scope="class")
def demo_data(django_db_setup, django_db_blocker):
    """Load the demo once for the read-only tests of the class, inside a
    transaction that is rolled back afterwards (like setUpTestData): each test
    still runs in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        _load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_data, db):
    return None


class TestDemoData:
    """Read-only checks on one load of the demo."""

    def test_it_loads_the_six_nord_troms_municipalities_and_the_plan(self, demo):
        nord_troms = Collaboration.objects.get(slug="nord-troms")
        members = set(nord_troms.memberships.values_list("municipality__name", flat=True))
        assert members == NORD_TROMS
        assert nord_troms.kind == Collaboration.Kind.REGIONAL_COUNCIL
        plan = nord_troms.plans.get()
        assert (plan.start_year, plan.end_year, plan.adopted_on) == (2019, 2023, dt.date(2020, 2, 25))
        assert plan.adopted_by.name == "Kommunedirektørutvalget i Nord-Troms (KDU)"
        strategies = list(plan.strategies.order_by("number"))
        assert [s.number for s in strategies] == [1, 2, 3, 4, 5, 6]
        assert all(s.goal and s.expected_result for s in strategies)
        assert strategies[2].challenge.startswith("Nord-Troms er en stor geografisk region")
        assert nord_troms.measures.count() == 27
        councils = nord_troms.bodies.filter(kind="municipal_council", receives_annual_report=True)
        assert set(councils.values_list("municipality__name", flat=True)) == NORD_TROMS


    def test_it_loads_the_expected_totals(self, demo):
        assert Municipality.objects.count() == 27
        assert Collaboration.objects.count() == 6
        assert Strategy.objects.count() == 16
        assert Measure.objects.count() == 55
        assert StatusUpdate.objects.count() == 22
        assert User.objects.count() == 17


    def test_it_keeps_the_plan_text_of_the_example_measures(self, demo):
        archive = Measure.objects.get(collaboration__slug="nord-troms", title="Nytt sak- og arkivsystem")
        first = archive.history.earliest("history_date")
        assert (first.phase, first.traffic_light) == ("study", "amber")
        assert "Nordreisa" in first.light_reason
        assert first.history_date.date() == dt.date(2020, 2, 25)
        assert archive.participations.get(municipality__name="Nordreisa").note.startswith("Har signalisert")
        welfare = Measure.objects.get(title="Velferdsteknologi")
        assert set(welfare.partners.values_list("name", flat=True)) == {
            "UNN HF", "Fylkesmannen i Troms og Finnmark", "Nord-Troms videregående skole"}
        climate = Measure.objects.get(title="Klima- og miljøplan")
        assert climate.budget == Decimal("600000.00")
        assert climate.cost_key.fixed_share_percent == 100
        fire = Measure.objects.get(title="Brannsamarbeid Nord-Troms")
        assert "Storfjord" not in set(fire.participations.values_list("municipality__name", flat=True))


    def test_it_makes_skjervoy_host_it_for_five_without_lyngen(self, demo):
        agreement = HostAgreement.objects.get(collaboration__slug="nord-troms", service="IT-samarbeid")
        assert agreement.host.name == "Skjervøy"
        participants = set(agreement.participants.values_list("municipality__name", flat=True))
        assert participants == NORD_TROMS - {"Lyngen"}
        measure = Measure.objects.get(title="IT-samarbeid")
        assert measure.host_agreement == agreement
        assert set(measure.participations.values_list("municipality__name", flat=True)) == participants


    def test_it_records_the_indre_namdal_20_80_key_and_the_thirteen_areas_in_order(self, demo):
        key = CostKey.objects.get(collaboration__slug="indre-namdal", name="Håndbokas hovedregel")
        assert (key.fixed_share_percent, key.population_share_percent) == (20, 80)
        assert key.fixed_share_percent + key.population_share_percent == 100
        assert all(k.fixed_share_percent + k.population_share_percent == 100 for k in CostKey.objects.all())
        areas = list(Measure.objects.filter(collaboration__slug="indre-namdal").exclude(number="14")
                     .order_by("position").values_list("number", "title", "potential", "feasibility"))
        assert [a[0] for a in areas] == [str(i) for i in range(1, 14)]
        assert areas[0][1] == "Rus og psykiatri" and areas[12][1].startswith("Administrative støttefunksjoner")
        # The study gives only the ranking; the demo's scores are marked estimates
        # whose product follows that ranking.
        products = [a[2] * a[3] for a in areas]
        assert products == sorted(products, reverse=True)
        assert all("ANSLAG" in d for d in Measure.objects.filter(collaboration__slug="indre-namdal", potential__isnull=False)
                   .values_list("description", flat=True))
        grong = HostAgreement.objects.get(collaboration__slug="indre-namdal")
        assert grong.host.name == "Grong"
        assert {"Snåsa", "Høylandet"} <= set(grong.participants.values_list("municipality__name", flat=True))
        assert Collaboration.objects.get(slug="indre-namdal").parent.slug == "trondelag"
        assert Collaboration.objects.get(slug="fosen").parent.slug == "trondelag"


    def test_it_loads_the_senja_meeting_with_eleven_cases_and_the_successor_chain(self, demo):
        meeting = Meeting.objects.get(body__collaboration__slug="senja", held_on=dt.date(2017, 12, 6))
        cases = list(meeting.cases.order_by("number"))
        assert [c.number for c in cases] == list(range(1, 12))
        assert [f.responsible for f in cases[2].follow_ups.all()] == ["Arve Svestad, DP 9.3"]
        assert cases[2].visibility == Visibility.INTERNAL  # about ROS analyses: internal in the demo
        assert {s.code for s in cases[2].subprojects.all()} == {"9.3", "9.1.3"}
        assert [(f.due_on, f.done_on) for f in cases[6].follow_ups.all()] == [(dt.date(2017, 12, 15),
                                                                               dt.date(2017, 12, 15))]
        assert meeting.minutes_by == "Arve Svestad"
        assert meeting.others_attending == "Vegard Bogstrand (sak 6 og 7)"
        senja = Municipality.objects.get(name="Senja")
        assert senja.valid_from == dt.date(2020, 1, 1)
        predecessors = senja.predecessors.all()
        assert {m.name for m in predecessors} == {"Lenvik", "Berg", "Torsken", "Tranøy"}
        assert all(m.valid_to == dt.date(2019, 12, 31) for m in predecessors)
        assert all(m.population_figures.filter(year=2019).exists() for m in predecessors)
        fg = Subproject.objects.get(collaboration__slug="senja", code="9.1.3")
        assert (fg.kind, fg.parent.code) == ("fg", "9.1")
        ros = Measure.objects.get(collaboration__slug="senja", title="ROS-analyser i delprosjektene")
        assert ros.visibility == Visibility.INTERNAL and "ikke offentlig" in ros.description


    def test_it_applies_the_senja_merger_through_the_service(self, demo):
        senja_region = Collaboration.objects.get(slug="senja")
        senja = Municipality.objects.get(name="Senja")
        old = {"Berg", "Lenvik", "Torsken", "Tranøy"}
        # Members as of a day: the old names before 1.1.2020, Senja from then on.
        assert {m.name for m in members_on(senja_region, dt.date(2019, 12, 31))} == old
        assert members_on(senja_region, dt.date(2020, 1, 1)) == [senja]
        membership = senja_region.memberships.get(municipality=senja)
        assert membership.joined_on == dt.date(2020, 1, 1) and membership.is_original_member
        assert all(m.left_on == dt.date(2019, 12, 31) for m in senja_region.memberships.exclude(municipality=senja))
        # Participations in the unfinished merger measures move to Senja from the day.
        archive = Measure.objects.get(collaboration=senja_region, title="Digitalisering særarkiv")
        on_day = {p.municipality.name for p in archive.participations.filter(
            active_on_q(dt.date(2020, 1, 1), "joined_on", "left_on")).select_related("municipality")}
        before = {p.municipality.name for p in archive.participations.filter(
            active_on_q(dt.date(2019, 6, 1), "joined_on", "left_on")).select_related("municipality")}
        assert (before, on_day) == (old, {"Senja"})
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.MUNICIPALITY_MERGED)
        assert event.collaboration == senja_region and "Senja" in event.reason
        assert Municipality.objects.get(name="Lenvik").history.filter(successor=senja).exists()


    def test_it_nests_fosen_and_indre_namdal_in_trondelag(self, demo):
        trondelag = Collaboration.objects.get(slug="trondelag")
        assert list(children(trondelag).values_list("slug", flat=True)) == ["fosen", "indre-namdal"]


    def test_it_gives_every_population_figure_a_year_and_a_source(self, demo):
        assert PopulationFigure.objects.count() > 0
        for figure in PopulationFigure.objects.all():
            assert figure.year and figure.source.strip()
            if figure.is_approximate:
                assert figure.note.strip()
        current = Municipality.objects.filter(valid_to__isnull=True)
        assert all(m.population_figures.filter(year=2024).exists() for m in current)


    def test_it_creates_demo_users_with_their_roles(self, demo):
        admin = User.objects.get(username="admin")
        assert admin.is_superuser and admin.check_password("demo")
        coordinator = User.objects.get(username="koordinator-hr")
        assert Person.objects.get(name="Kristin V. Johansen").user == coordinator
        assert RoleAssignment.objects.filter(user=coordinator, role="network_coordinator").count() == 2
        hr = Measure.objects.get(title="HR-nettverk for samarbeid om rekruttering og kompetanseheving")
        assert hr.network == Network.objects.get(name="HR-nettverket (personalledere)")
        assert policy.allows(coordinator, Action.EDIT, hr)
        secretariat = User.objects.get(username="sekretariat-nordtroms")
        internal = Measure.objects.get(title__startswith="Helhetlig ROS-analyse –")
        assert policy.allows(secretariat, Action.EDIT, internal)
        assert not policy.allows(None, Action.VIEW, internal)
        assert not policy.allows(User.objects.get(username="ordforer-kafjord"), Action.EDIT, hr)
        assert policy.allows(User.objects.get(username="admin-lyngen"), Action.REPORT_PART, hr)
        partner = User.objects.get(username="partner-unn")
        with_unn = Measure.objects.filter(partners__name="UNN HF", collaboration__slug="nord-troms")
        assert with_unn.exists() and all(policy.allows(partner, Action.REPORT_PART, m) for m in with_unn)
        assert not policy.allows(partner, Action.VIEW, internal)
        assert not policy.allows(partner, Action.REPORT_PART, hr)


    def test_it_changes_nothing_when_run_twice(self, demo):
        before = _row_counts()
        output = _load()
        assert _row_counts() == before
        assert "Nye i denne kjøringen: 0 tiltak, 0 statusoppdateringer, 0 brukere." in output
        assert "27 kommuner, 6 samarbeid, 16 strategier, 55 tiltak, 22 statusoppdateringer, 17 brukere" in output
        assert before["collaborations.HistoricalMeasure"] > before["collaborations.Measure"]


def test_it_does_nothing_with_if_empty_when_a_collaboration_exists(db):
    Collaboration.objects.create(name="Eksisterende", slug="eksisterende", kind="framework")
    _load("--if-empty")
    assert Collaboration.objects.count() == 1
    assert Measure.objects.count() == 0


@override_settings(DEMO=False, DEBUG=False, TESTING=False)
def test_it_refuses_demo_users_outside_development(db):
    with pytest.raises(CommandError) as exc:
        _load()
    assert str(exc.value) == (
        "Demobrukere (passord «demo») kan bare opprettes når DEMO, DEBUG eller TESTING er slått på. "
        "Bruk --no-users for å laste bare demodataene uten brukere.")
    assert Collaboration.objects.count() == 0
    assert User.objects.count() == 0
    _load("--no-users")
    assert Measure.objects.count() == 55
    assert User.objects.count() == 0
