"""measure_close: the closing step, with a final status, date and reason."""

import datetime as dt

import pytest

from collaborations.access.models import AuditEvent
from collaborations.common.errors import DomainError
from collaborations.portfolio.models import Measure, Phase, StatusUpdate
from collaborations.portfolio.services import measure_close

pytestmark = pytest.mark.django_db


def test_it_closes_with_a_final_update_history_and_an_audit_event(world):
    measure = measure_close(acting_user=world.secretariat, measure=world.shared, final_phase=Phase.COMPLETED,
                            closed_on=dt.date(2024, 6, 30), reason="Målet er nådd")
    measure = Measure.objects.get(pk=measure.pk)
    assert (measure.phase, measure.closed_on, measure.closing_reason) == (
        Phase.COMPLETED, dt.date(2024, 6, 30), "Målet er nådd")
    final = StatusUpdate.objects.filter(measure=measure).first()
    assert final.phase == Phase.COMPLETED and final.status_text == "Målet er nådd"
    assert measure.history.first().history_change_reason == "Målet er nådd"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.MEASURE_CLOSED, object_id=measure.pk)
    assert event.acting_user == world.secretariat and event.reason == "Målet er nådd"


@pytest.mark.parametrize("kwargs, message", [
    ({"final_phase": Phase.IN_PROGRESS}, "Avsluttet"),
    ({"reason": " "}, "hvorfor"),
    ({"closed_on": dt.date(2999, 1, 1)}, "frem i tid"),
])
def test_it_refuses_and_writes_nothing(world, kwargs, message):
    args = {"final_phase": Phase.STOPPED, "closed_on": dt.date(2024, 6, 30), "reason": "Lagt ned"} | kwargs
    before = (Measure.objects.get(pk=world.shared.pk).version, StatusUpdate.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError, match=message):
        measure_close(acting_user=world.secretariat, measure=world.shared, **args)
    assert (Measure.objects.get(pk=world.shared.pk).version, StatusUpdate.objects.count(),
            AuditEvent.objects.count()) == before


def test_it_closes_only_once(world):
    measure_close(acting_user=world.secretariat, measure=world.shared, final_phase=Phase.STOPPED,
                  closed_on=dt.date(2024, 6, 30), reason="Lagt ned")
    with pytest.raises(DomainError, match="allerede avsluttet"):
        measure_close(acting_user=world.secretariat, measure=world.shared, final_phase=Phase.STOPPED,
                      closed_on=dt.date(2024, 7, 1), reason="Igjen")
