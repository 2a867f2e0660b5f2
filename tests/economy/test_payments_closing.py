"""A measure closed in the portal stops charging for the years after its
closing year, and still costs for the years it ran: on the costs page and in
the council report (one function, economy.payments)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collaborations.economy import selectors as economy
from collaborations.economy.payments import Payable, Payer
from collaborations.portfolio.models import Phase
from collaborations.portfolio.services import measure_close
from reporting.content import build_content
from tests.factories import make_measure

D = dt.date
pytestmark = pytest.mark.django_db


def payable(**overrides) -> Payable:
    fields = dict(key=("measure", 1), title="Velferdsteknologi", kind="measure", amount=Decimal("100000"),
                  cost_key_id=1, yearly=True, due_year=None, starts_on=D(2020, 1, 1), ends_on=None,
                  phase="completed", payers=(Payer(1), Payer(2)), closed_on=D(2023, 6, 30))
    fields.update(overrides)
    return Payable(**fields)


@pytest.mark.parametrize("overrides, year, due", [
    ({}, 2020, True),                                           # closed: it still cost in the years it ran
    ({}, 2023, True),                                           # ... the closing year included
    ({}, 2024, False),                                          # ... and nothing after it
    ({"phase": "stopped"}, 2022, True),
    ({"ends_on": D(2021, 12, 31)}, 2022, False),                # its own end date still counts
    ({"yearly": False, "due_year": 2022}, 2022, True),          # a one-off amount paid before the closing
    ({"yearly": False, "due_year": 2025}, 2025, False),         # ... or due after it: never paid
    ({"closed_on": None}, 2020, False),                         # completed by a status update, no end date:
])                                                              # as before, nothing (no period to charge)
def test_it_charges_a_closed_measure_up_to_its_closing_year(overrides, year, due):
    assert payable(**overrides).falls_due(year) is due


def test_closing_stops_the_charge_after_the_closing_year_on_the_page_and_in_the_report(world):
    this_year = timezone.localdate().year
    measure = make_measure(world.collaboration, title="Velferdsteknologi", strategy=world.strategy,
                           participants=[world.kafjord, world.lyngen], phase="in_progress",
                           budget=Decimal("200000"), budget_recurrence="yearly", cost_key=world.cost_key,
                           starts_on=D(this_year - 3, 1, 1))
    before = {y: economy.distribution(None, world.collaboration, y).total_ore(world.kafjord.pk)
              for y in range(this_year - 3, this_year + 2)}
    assert all(before.values())

    measure_close(acting_user=world.secretariat, measure=measure, final_phase=Phase.COMPLETED,
                  closed_on=D(this_year - 1, 6, 30), reason="Ferdig")

    after = {y: economy.distribution(None, world.collaboration, y).total_ore(world.kafjord.pk) for y in before}
    assert after == {**before, this_year: 0, this_year + 1: 0}  # earlier years cost what they cost
    last_year = build_content(collaboration=world.collaboration, report_type="council", year=this_year - 1,
                              cutoff=timezone.localdate(), municipality=world.kafjord)
    this = build_content(collaboration=world.collaboration, report_type="council", year=this_year,
                         cutoff=timezone.localdate(), municipality=world.kafjord)
    assert [row.title for row in last_year.payments] == ["Velferdsteknologi"]
    assert [row.share_ore for row in last_year.payments] == [before[this_year - 1]]
    assert this.payments == []
