"""Builders shared by the report tests: a small portfolio with a history in 2024."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.portfolio.services import measure_create, measure_post_status_update

OSLO = ZoneInfo("Europe/Oslo")


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 12, 0, tzinfo=OSLO)


def build_2024(world):
    """Measures and an agreement as they stood through 2024 (backdated history)."""
    it = measure_create(acting_user=world.secretariat, reason="Testdata", collaboration=world.collaboration, strategy=world.strategy,
                        number="1.1", title="IT-samarbeid", participant_ids=[world.kafjord.pk, world.lyngen.pk],
                        budget=Decimal("500000"), budget_recurrence="yearly", cost_key=world.cost_key,
                        recorded_at=at(2024, 1, 10))
    fire = measure_create(acting_user=world.secretariat, reason="Testdata", collaboration=world.collaboration, strategy=world.strategy,
                          number="1.2", title="Brannsamarbeid Nord-Troms", participant_ids=[world.lyngen.pk],
                          recorded_at=at(2024, 1, 10))
    ros = measure_create(acting_user=world.secretariat, reason="Testdata", collaboration=world.collaboration, strategy=world.strategy,
                         number="1.3", title="ROS-analyse for IT", visibility="internal",
                         participant_ids=[world.kafjord.pk], recorded_at=at(2024, 1, 10))
    measure_post_status_update(acting_user=world.secretariat, measure=it, reported_on=dt.date(2024, 5, 2),
                               phase="in_progress", traffic_light="amber", light_reason="Leverandøren er forsinket",
                               status_text="Felles driftsavtale signert i mai.", follow_up_text="Ny tidsplan",
                               follow_up_responsible="IT-leder", follow_up_due=dt.date(2025, 3, 1),
                               recorded_at=at(2024, 5, 2))
    it.refresh_from_db()
    measure_post_status_update(acting_user=world.secretariat, measure=it, reported_on=dt.date(2024, 10, 1),
                               municipality=world.kafjord, phase="in_progress", traffic_light="green",
                               status_text="Kåfjord har flyttet e-posten.", recorded_at=at(2024, 10, 1))
    agreement = HostAgreement(collaboration=world.collaboration, service="Felles IT-drift", host=world.kafjord,
                              positions=Decimal("3.5"), annual_cost=Decimal("1000000"), cost_key=world.cost_key)
    agreement._history_date = at(2024, 2, 1)
    agreement.save()
    for m in (world.kafjord, world.lyngen):
        p = HostAgreementParticipant(agreement=agreement, municipality=m)
        p._history_date = at(2024, 2, 1)
        p.save()
    return it, fire, ros, agreement


@pytest.fixture
def eager_celery():
    """Run tasks in-process even when REDIS_URL is set (CI's Redis run): only
    tests/jobs/ talk to a real worker."""
    from portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
