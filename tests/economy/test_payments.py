"""What each municipality pays in a year: one function (economy.payments) for
the dashboards and the reports, with the rules for phase, dates, membership,
participation and yearly or one-off amounts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from collaborations.economy import selectors as economy
from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.economy.payments import Payable, Payer
from collaborations.portfolio.services import measure_update
from collaborations.registry.models import Collaboration, Membership
from collaborations.registry.selectors import members_on
from reporting.content import build_content
from tests.factories import make_measure

D = dt.date


def payable(**overrides) -> Payable:
    fields = dict(key=("measure", 1), title="Klima- og miljøplan", kind="measure", amount=Decimal("600000"),
                  cost_key_id=1, yearly=False, due_year=2020, starts_on=None, ends_on=D(2020, 12, 31),
                  phase="in_progress", payers=(Payer(1), Payer(2)))
    fields.update(overrides)
    return Payable(**fields)


@pytest.mark.parametrize("overrides, year, due", [
    ({}, 2020, True),                                                    # a one-off amount in its year
    ({}, 2021, False),                                                   # ... and in no other
    ({"phase": "completed"}, 2026, False),                              # finished: charges nothing later
    ({"phase": "completed", "yearly": True, "due_year": None}, 2020, True),
    ({"phase": "completed", "ends_on": None, "yearly": True, "due_year": None}, 2020, False),
    ({"phase": "proposed"}, 2020, False),                                # nothing agreed yet
    ({"phase": "study"}, 2020, False),
    ({"yearly": True, "due_year": None, "starts_on": D(2019, 1, 1), "ends_on": None}, 2026, True),
    ({"yearly": True, "due_year": None, "starts_on": D(2027, 1, 1), "ends_on": None}, 2026, False),
    ({"yearly": True, "due_year": None, "starts_on": None, "ends_on": D(2025, 6, 30)}, 2025, True),
    ({"yearly": True, "due_year": None, "starts_on": None, "ends_on": D(2025, 6, 30)}, 2026, False),
])
def test_it_knows_when_an_amount_falls_due(overrides, year, due):
    assert payable(**overrides).falls_due(year) is due


def test_it_charges_participants_of_the_year_and_not_former_members():
    p = payable(payers=(Payer(1), Payer(2, D(2025, 3, 1)), Payer(3, None, D(2023, 12, 31)), Payer(4), Payer(5)))
    memberships = {1: [(D(2018, 1, 1), None)], 2: [(D(2018, 1, 1), None)], 3: [(D(2018, 1, 1), None)],
                   4: [(D(2018, 1, 1), D(2022, 12, 31))]}  # 5 never was a member: an outside partner pays too
    assert p.payers_in(2024, memberships) == [1, 5]
    assert p.payers_in(2025, memberships) == [1, 2, 5]
    assert p.payers_in(2023, memberships) == [1, 3, 5]


def test_it_stops_charging_for_a_finished_measure_in_the_pages_and_reports(world):
    measure = make_measure(world.collaboration, title="Klima- og miljøplan", strategy=world.strategy,
                           participants=[world.kafjord, world.lyngen], phase="in_progress",
                           budget=Decimal("200000"), cost_key=world.cost_key, ends_on=D(2021, 12, 31))
    assert [line.title for line in economy.distribution(None, world.collaboration, 2021).lines_for(world.kafjord.pk)] \
        == ["Klima- og miljøplan"]
    measure_update(acting_user=world.secretariat, measure=measure, expected_version=measure.version,
                   reason="Planen er vedtatt", phase="completed")
    this_year = timezone.localdate().year
    assert economy.distribution(None, world.collaboration, this_year).lines_for(world.kafjord.pk) == []
    assert economy.distribution(None, world.collaboration, 2021).total_ore(world.kafjord.pk) > 0
    report = build_content(collaboration=world.collaboration, report_type="council", year=this_year,
                           cutoff=timezone.localdate(), municipality=world.kafjord)
    assert report.payments == []


def test_it_lets_an_agreement_charge_only_while_it_runs(world):
    agreement = HostAgreement.objects.create(collaboration=world.collaboration, service="Barnevern", host=world.lyngen,
                                             annual_cost=Decimal("1000000"), cost_key=world.cost_key,
                                             starts_on=D(2022, 1, 1), ends_on=D(2024, 12, 31))
    HostAgreementParticipant.objects.create(agreement=agreement, municipality=world.kafjord)
    HostAgreementParticipant.objects.create(agreement=agreement, municipality=world.lyngen, left_on=D(2023, 6, 30))
    assert economy.distribution(None, world.collaboration, 2025).lines_for(world.kafjord.pk) == []
    assert economy.distribution(None, world.collaboration, 2023).lines_for(world.lyngen.pk)[0].payers == 2
    only_kafjord = economy.distribution(None, world.collaboration, 2024)
    assert only_kafjord.lines_for(world.lyngen.pk) == []
    assert only_kafjord.total_ore(world.kafjord.pk) == 100_000_000  # alone, Kåfjord pays it all


@pytest.mark.django_db
def test_the_dashboard_and_the_council_report_bill_every_demo_member_alike():
    """Every member of every demo collaboration: what its page says it pays
    this year is what its council report for this year says, line by line."""
    call_command("load_demo", verbosity=0)
    today = timezone.localdate()
    compared, billed = 0, 0
    for collaboration in Collaboration.objects.filter(pk__in=Membership.objects.values("collaboration_id")):
        page = economy.distribution(None, collaboration, today.year)
        for municipality in members_on(collaboration, today):
            report = build_content(collaboration=collaboration, report_type="council", year=today.year,
                                   cutoff=today, municipality=municipality)
            on_page = [(line.title, line.share_ore, line.error) for line in page.lines_for(municipality.pk)]
            in_report = [(row.title, row.share_ore, row.error) for row in report.payments]
            assert on_page == in_report, (collaboration.name, municipality.name)
            compared += 1
            billed += bool(in_report)
    assert compared >= 20 and billed >= 9  # the host agreements of Nord-Troms and Indre Namdal bill their buyers
