import datetime as dt

import pytest
from django.utils import timezone

from collaborations.access.models import AuditEvent
from collaborations.common.concurrency import latest_history_id
from collaborations.common.errors import ConcurrentEditError, DomainError
from collaborations.plans.services import (
    CARRY,
    plan_close,
    plan_create,
    plan_revise,
    plan_update,
    strategy_create,
    strategy_update,
    takes_effect,
)
from collaborations.portfolio.models import Measure, PlanPeriod, Strategy
from tests.plans.helpers import chief_executive, second_strategy


def revise(world, **overrides):
    plan = world.strategy.plan
    kwargs = dict(
        acting_user=world.secretariat, plan=plan, reason="Ny plan vedtatt i regionrådet",
        title="Strategi- og handlingsplan", start_year=2024, end_year=2027, adopted_on=dt.date(2024, 3, 1),
        strategy_numbers={world.strategy.pk: 3},
        measure_decisions={world.shared.pk: CARRY, world.internal.pk: "completed", world.network_measure.pk: CARRY},
    )
    kwargs.update(overrides)
    return plan_revise(**kwargs)


# ---------------------------------------------------------------- plans

def test_a_plan_is_created_with_history_and_an_audit_event(world):
    plan = plan_create(acting_user=world.secretariat, reason="Vedtatt", collaboration=world.collaboration,
                       title="Handlingsplan", start_year=2024, end_year=2027)
    assert plan.history.get().history_change_reason == "Vedtatt"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PLAN_SAVED, object_id=plan.pk)
    assert event.acting_user == world.secretariat and event.collaboration == world.collaboration


def test_a_plan_needs_a_reason_and_ordered_years_and_saves_nothing_otherwise(world):
    with pytest.raises(DomainError) as error:
        plan_create(acting_user=world.secretariat, reason="", collaboration=world.collaboration,
                    title="Handlingsplan", start_year=2024, end_year=2027)
    assert "reason" in error.value.message_dict
    with pytest.raises(DomainError) as error:
        plan_create(acting_user=world.secretariat, reason="Ny", collaboration=world.collaboration,
                    title="Handlingsplan", start_year=2024, end_year=2020)
    assert error.value.message_dict["end_year"] == ["Planperioden kan ikke slutte før den begynner."]
    assert PlanPeriod.objects.filter(title="Handlingsplan").count() == 0


def test_a_plan_adopted_by_a_body_of_another_collaboration_is_refused(world):
    from collaborations.registry.models import Body

    body = Body.objects.create(collaboration=world.other_collaboration, kind="regional_council", name="Rådet")
    with pytest.raises(DomainError) as error:
        plan_create(acting_user=world.secretariat, reason="Ny", collaboration=world.collaboration,
                    title="Handlingsplan", start_year=2024, end_year=2027, adopted_by=body)
    assert "adopted_by" in error.value.message_dict


def test_a_stale_plan_edit_is_refused_with_what_changed(world):
    plan = world.strategy.plan
    seen = latest_history_id(plan)
    plan_update(acting_user=world.secretariat, reason="Retting", plan=plan, expected_history_id=seen,
                title="Ny tittel")
    with pytest.raises(ConcurrentEditError) as error:
        plan_update(acting_user=world.secretariat, reason="Min retting", plan=plan, expected_history_id=seen,
                    title="Min tittel")
    assert ("Tittel", "Strategi- og handlingsplan", "Ny tittel") in error.value.changes
    assert PlanPeriod.objects.get(pk=plan.pk).title == "Ny tittel"


def test_closing_a_plan_keeps_history_and_writes_plan_closed(world):
    plan = world.strategy.plan
    plan_close(acting_user=world.secretariat, plan=plan, closed_on=dt.date(2023, 12, 31), reason="Perioden er over")
    plan.refresh_from_db()
    assert plan.closed_on == dt.date(2023, 12, 31)
    assert plan.history.first().history_change_reason == "Perioden er over"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PLAN_CLOSED, object_id=plan.pk).count() == 1
    with pytest.raises(DomainError):
        plan_close(acting_user=world.secretariat, plan=plan, closed_on=dt.date(2024, 1, 1), reason="Igjen")


def test_a_plan_cannot_close_before_it_began(world):
    with pytest.raises(DomainError) as error:
        plan_close(acting_user=world.secretariat, plan=world.strategy.plan, closed_on=dt.date(2018, 5, 1),
                   reason="Feil")
    assert "closed_on" in error.value.message_dict
    assert PlanPeriod.objects.get(pk=world.strategy.plan.pk).closed_on is None


# ---------------------------------------------------------------- strategies

def test_a_strategy_gets_its_responsible_chief_executive_with_history(world):
    person = chief_executive(world)
    strategy = strategy_create(acting_user=world.secretariat, reason="Fordelt i KDU", plan=world.strategy.plan,
                               number=2, title="Helse", goal="Bedre helse", responsible=person)
    assert strategy.responsible == person
    assert strategy.history.get().history_user == world.secretariat
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.STRATEGY_SAVED, object_id=strategy.pk).exists()


def test_a_duplicate_strategy_number_is_refused_on_the_number_field(world):
    with pytest.raises(DomainError) as error:
        strategy_create(acting_user=world.secretariat, reason="Ny", plan=world.strategy.plan, number=1,
                        title="Dobbel")
    assert error.value.message_dict["number"] == ["Planen har allerede en strategi med nummer 1."]
    assert Strategy.objects.filter(title="Dobbel").count() == 0


def test_a_responsible_outside_the_members_is_refused(world):
    person = chief_executive(world, "Olav Utenfor", municipality=world.outsider)
    with pytest.raises(DomainError) as error:
        strategy_update(acting_user=world.secretariat, reason="Ny", strategy=world.strategy,
                        expected_history_id=latest_history_id(world.strategy), responsible=person)
    assert "responsible" in error.value.message_dict
    assert Strategy.objects.get(pk=world.strategy.pk).responsible is None


def test_strategy_texts_keep_their_history_and_stale_edits_are_refused(world):
    seen = latest_history_id(world.strategy)
    strategy_update(acting_user=world.secretariat, reason="Nytt mål", strategy=world.strategy,
                    expected_history_id=seen, goal="Enda tettere samarbeid.")
    records = list(world.strategy.history.order_by("history_date"))
    assert [r.goal for r in records][-2:] == ["Tettere samarbeid.", "Enda tettere samarbeid."]
    assert records[-1].history_change_reason == "Nytt mål"
    with pytest.raises(ConcurrentEditError) as error:
        strategy_update(acting_user=world.secretariat, reason="Annet", strategy=world.strategy,
                        expected_history_id=seen, title="Annet")
    assert ("Mål", "Tettere samarbeid.", "Enda tettere samarbeid.") in error.value.changes


def test_a_closed_plan_takes_no_new_strategies(world):
    plan = world.strategy.plan
    plan_close(acting_user=world.secretariat, plan=plan, closed_on=dt.date(2023, 12, 31), reason="Ferdig")
    plan.refresh_from_db()
    with pytest.raises(DomainError):
        strategy_create(acting_user=world.secretariat, reason="Ny", plan=plan, number=5, title="For sent")


# ---------------------------------------------------------------- revision

def test_revising_moves_carried_measures_renumbers_and_closes_the_rest(world):
    person = chief_executive(world)
    strategy_update(acting_user=world.secretariat, reason="KDU", strategy=world.strategy,
                    expected_history_id=latest_history_id(world.strategy), responsible=person)
    two, it = second_strategy(world)
    old = world.strategy.plan
    version = Measure.objects.get(pk=world.shared.pk).version
    new = revise(world, strategy_numbers={world.strategy.pk: 3, two.pk: None},
                 measure_decisions={world.shared.pk: CARRY, world.internal.pk: "completed",
                                    world.network_measure.pk: CARRY, it.pk: "stopped"})

    assert new.revises == old
    copy = new.strategies.get()
    assert (copy.number, copy.title, copy.goal, copy.responsible) == (3, "Stabstjenester", "Tettere samarbeid.", person)
    shared = Measure.objects.get(pk=world.shared.pk)
    assert shared.strategy == copy and shared.version == version + 1
    assert shared.history.first().history_change_reason == "Ny plan vedtatt i regionrådet"
    assert shared.history.filter(strategy_id=world.strategy.pk).exists()           # its past stays in its history
    internal, stopped = Measure.objects.get(pk=world.internal.pk), Measure.objects.get(pk=it.pk)
    assert internal.strategy == world.strategy and internal.phase == "completed" and internal.closed_on
    assert stopped.phase == "stopped" and stopped.closed_on == min(dt.date(2024, 2, 29), timezone.localdate())
    old.refresh_from_db()
    assert old.closed_on == dt.date(2024, 2, 29)                                      # the day before adoption
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PLAN_REVISED)
    assert event.object_id == new.pk and event.reason == "Ny plan vedtatt i regionrådet"
    assert "1 → 3" in event.new_value["Strategier"] and "2 tas ikke med" in event.new_value["Strategier"]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PLAN_CLOSED, object_id=old.pk).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MEASURE_CLOSED).count() == 2


def test_a_carried_measure_number_follows_its_strategy(world):
    two, it = second_strategy(world)
    revise(world, strategy_numbers={world.strategy.pk: 1, two.pk: 4},
           measure_decisions={world.shared.pk: CARRY, world.internal.pk: CARRY, world.network_measure.pk: CARRY,
                              it.pk: CARRY})
    assert Measure.objects.get(pk=it.pk).number == "4.1"


def test_the_old_plan_closes_the_day_before_the_new_year_without_a_later_adoption():
    assert takes_effect(2024, None) == dt.date(2024, 1, 1)
    assert takes_effect(2024, dt.date(2023, 11, 20)) == dt.date(2024, 1, 1)
    assert takes_effect(2024, dt.date(2024, 3, 1)) == dt.date(2024, 3, 1)


def _nothing_changed(world, plans_before: int):
    assert PlanPeriod.objects.count() == plans_before
    assert Strategy.objects.filter(plan__revises__isnull=False).count() == 0
    assert Measure.objects.get(pk=world.shared.pk).strategy == world.strategy
    assert Measure.objects.get(pk=world.internal.pk).closed_on is None
    assert PlanPeriod.objects.get(pk=world.strategy.plan.pk).closed_on is None
    assert not AuditEvent.objects.filter(kind__in=[AuditEvent.Kind.PLAN_REVISED, AuditEvent.Kind.MEASURE_CLOSED])


def test_carrying_a_measure_whose_strategy_is_dropped_is_refused_on_the_measure(world):
    plans = PlanPeriod.objects.count()
    with pytest.raises(DomainError) as error:
        revise(world, strategy_numbers={world.strategy.pk: None})
    assert f"measure_{world.shared.pk}" in error.value.message_dict
    _nothing_changed(world, plans)


def test_a_measure_without_a_decision_and_duplicate_numbers_are_refused(world):
    two, _it = second_strategy(world)
    plans = PlanPeriod.objects.count()
    with pytest.raises(DomainError) as error:
        revise(world, strategy_numbers={world.strategy.pk: 2, two.pk: 2}, measure_decisions={world.shared.pk: CARRY})
    errors = error.value.message_dict
    assert f"strategy_{two.pk}" in errors and f"measure_{world.internal.pk}" in errors
    _nothing_changed(world, plans)


def test_a_failure_late_in_the_revision_leaves_nothing_half_done(world):
    """The last measure cannot be closed (it starts after the closing day): the new plan, the moved and the
    closed measures all roll back."""
    Measure.objects.filter(pk=world.network_measure.pk).update(starts_on=timezone.localdate() + dt.timedelta(days=30),
                                                             position=99)
    plans = PlanPeriod.objects.count()
    with pytest.raises(DomainError) as error:
        revise(world, measure_decisions={world.shared.pk: CARRY, world.internal.pk: "completed",
                                         world.network_measure.pk: "stopped"})
    assert f"measure_{world.network_measure.pk}" in error.value.message_dict
    _nothing_changed(world, plans)


def test_a_measure_saved_meanwhile_stops_the_revision(world):
    plans = PlanPeriod.objects.count()
    with pytest.raises(ConcurrentEditError):
        revise(world, measure_versions={world.shared.pk: world.shared.version - 1})
    _nothing_changed(world, plans)


def test_a_plan_starting_too_early_or_already_closed_cannot_be_revised(world):
    with pytest.raises(DomainError) as error:
        revise(world, start_year=2019)
    assert "start_year" in error.value.message_dict
    revise(world)
    with pytest.raises(DomainError):
        revise(world, start_year=2028, end_year=2031)


def test_a_measure_that_fails_its_own_checks_is_named_and_nothing_is_saved(world):
    """An old row the model would refuse today (a one-off budget without a year) is reported on that measure."""
    Measure.objects.filter(pk=world.shared.pk).update(budget=1000, budget_recurrence="once", budget_year=None,
                                                      starts_on=None, ends_on=None)
    plans = PlanPeriod.objects.count()
    with pytest.raises(DomainError) as error:
        revise(world)
    assert f"measure_{world.shared.pk}" in error.value.message_dict
    assert PlanPeriod.objects.count() == plans
