"""A report as of a cut-off shows each strategy's text as it stood then: later
edits of the strategy and a later revision of the plan (renumbered, the
measures moved to the new plan) leave an earlier report unchanged."""

import datetime as dt

import pytest
from django.utils import timezone

from collaborations.common.concurrency import latest_history_id
from collaborations.plans.services import CARRY, plan_revise, strategy_update
from collaborations.portfolio.models import Measure, Strategy
from reporting.content import build_content
from tests.reporting.helpers import at, build_2024, eager_celery  # noqa: F401

pytestmark = pytest.mark.usefixtures("eager_celery")


def _groups(world, cutoff: dt.date) -> list[tuple[str, str]]:
    content = build_content(collaboration=world.collaboration, report_type="regional", year=cutoff.year,
                            cutoff=cutoff, include_internal=True)
    return [(g.heading, g.goal) for g in content.strategies]


def test_the_report_shows_the_strategy_text_as_it_stood_on_the_cut_off(world):
    build_2024(world)
    Strategy.history.model.objects.filter(id=world.strategy.pk).update(history_date=at(2023, 12, 1))
    strategy_update(acting_user=world.secretariat, reason="Nytt mål", strategy=world.strategy,
                    expected_history_id=latest_history_id(world.strategy), title="Stab og digitalisering",
                    goal="Felles digitale tjenester.")
    today = timezone.localdate()

    assert _groups(world, dt.date(2024, 12, 31)) == [("Strategi 1: Stabstjenester", "Tettere samarbeid.")]
    assert _groups(world, today) == [("Strategi 1: Stab og digitalisering", "Felles digitale tjenester.")]


def test_a_later_revision_leaves_the_earlier_report_and_renumbers_the_later_one(world):
    build_2024(world)
    Strategy.history.model.objects.filter(id=world.strategy.pk).update(history_date=at(2023, 12, 1))
    before = _groups(world, dt.date(2024, 12, 31))
    today = timezone.localdate()
    open_ids = Measure.objects.filter(strategy=world.strategy).values_list("pk", flat=True)
    new = plan_revise(acting_user=world.secretariat, plan=world.strategy.plan, reason="Rullering",
                      title="Strategi- og handlingsplan", start_year=today.year, end_year=today.year + 3,
                      strategy_numbers={world.strategy.pk: 2}, measure_decisions={pk: CARRY for pk in open_ids})
    copy = new.strategies.get()
    strategy_update(acting_user=world.secretariat, reason="Ny tekst", strategy=copy,
                    expected_history_id=latest_history_id(copy), goal="Nytt mål for ny periode.")

    assert _groups(world, dt.date(2024, 12, 31)) == before == [("Strategi 1: Stabstjenester", "Tettere samarbeid.")]
    assert _groups(world, today) == [("Strategi 2: Stabstjenester", "Nytt mål for ny periode.")]
