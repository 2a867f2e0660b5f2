"""Rebuilding the portfolio as it stood on a date, from history only."""

import datetime as dt

from django.utils import timezone

from collaborations.portfolio.history import portfolio_as_of
from collaborations.portfolio.models import Measure
from collaborations.portfolio.services import measure_set_participants, measure_update
from tests.factories import make_measure


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 12))


def by_title(rows):
    return {r.record.title: r for r in rows}


def test_it_ignores_edits_after_the_moment(world):
    cutoff = timezone.now()
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=1, reason="Senere",
                   title="Omdøpt", phase="completed")
    rows = by_title(portfolio_as_of(world.collaboration, cutoff, include_internal=False))
    assert "Nytt sak- og arkivsystem" in rows and "Omdøpt" not in rows
    assert rows["Nytt sak- og arkivsystem"].record.phase == "proposed"
    now = by_title(portfolio_as_of(world.collaboration, timezone.now(), include_internal=False))
    assert now["Omdøpt"].record.phase == "completed"


def test_it_leaves_out_measures_created_later_and_keeps_deleted_ones(world):
    old = make_measure(world.collaboration, title="Gammelt tiltak", participants=[world.kafjord],
                       recorded_at=at(2020, 1, 1))
    make_measure(world.collaboration, title="Nytt tiltak", participants=[world.kafjord])
    Measure.objects.get(pk=old.pk).delete()
    rows = by_title(portfolio_as_of(world.collaboration, at(2021, 1, 1), include_internal=True))
    assert set(rows) == {"Gammelt tiltak"}
    assert rows["Gammelt tiltak"].participant_ids == [world.kafjord.pk]
    assert "Gammelt tiltak" not in by_title(portfolio_as_of(world.collaboration, timezone.now(),
                                                            include_internal=True))


def test_it_ignores_later_participants(world):
    cutoff = timezone.now()
    measure_set_participants(acting_user=world.secretariat, measure=world.network_measure,
                             municipality_ids=[world.lyngen.pk, world.kafjord.pk], reason="Kåfjord blir med")
    then = by_title(portfolio_as_of(world.collaboration, cutoff, include_internal=False))
    assert then["Arkivnettverk"].participant_ids == [world.lyngen.pk]
    now = by_title(portfolio_as_of(world.collaboration, timezone.now(), include_internal=False))
    assert now["Arkivnettverk"].participant_ids == sorted([world.lyngen.pk, world.kafjord.pk])


def test_it_excludes_internal_measures_when_asked(world):
    public = by_title(portfolio_as_of(world.collaboration, timezone.now(), include_internal=False))
    everything = by_title(portfolio_as_of(world.collaboration, timezone.now(), include_internal=True))
    assert "Helhetlig ROS-analyse" not in public
    assert "Helhetlig ROS-analyse" in everything
    assert set(public) == {"Nytt sak- og arkivsystem", "Arkivnettverk"}


def test_it_uses_visibility_as_it_was(world):
    cutoff = timezone.now()
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=1, reason="Skjermes",
                   visibility="internal")
    assert "Nytt sak- og arkivsystem" in by_title(portfolio_as_of(world.collaboration, cutoff,
                                                                  include_internal=False))
    assert "Nytt sak- og arkivsystem" not in by_title(portfolio_as_of(world.collaboration, timezone.now(),
                                                                      include_internal=False))


def test_it_keeps_other_collaborations_out(world):
    titles = set(by_title(portfolio_as_of(world.collaboration, timezone.now(), include_internal=True)))
    assert "IKT-samarbeid Vestre Varanger" not in titles and "ROS Vestre Varanger" not in titles
