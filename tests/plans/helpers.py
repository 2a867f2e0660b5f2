"""Builders for the plan tests: a chief executive of a member municipality,
and the world's plan with a second strategy and a measure under it."""

from __future__ import annotations

from collaborations.registry.models import Person
from tests.factories import make_measure, make_strategy


def chief_executive(world, name: str = "Kåre Kommunedirektør", municipality=None) -> Person:
    return Person.objects.create(name=name, title="Kommunedirektør", municipality=municipality or world.kafjord)


def second_strategy(world):
    """Strategy 2 of the world's plan, with one measure ("Felles IT-drift", number 2.1)."""
    strategy = make_strategy(world.collaboration, number=2, title="Digitalisering")
    measure = make_measure(world.collaboration, title="Felles IT-drift", number="2.1", strategy=strategy,
                           participants=[world.kafjord])
    return strategy, measure
