"""access.audit.Records: a record saved through its named service keeps history
and an audit event that belongs to the record's collaboration (found the way
the policy finds it), or to none for reference data."""

import datetime as dt

import pytest

from collaborations.access.models import AuditEvent
from collaborations.meetings import services as meetings
from collaborations.meetings.models import Meeting
from collaborations.registry import services as registry
from collaborations.registry.models import Body, BodyMember, Person


def _body(world):
    return Body.objects.create(collaboration=world.collaboration, kind=Body.Kind.REGIONAL_COUNCIL, name="Regionrådet")


@pytest.mark.parametrize("records, build, in_collaboration", [
    (registry.COLLABORATIONS, lambda w: w.collaboration, True),
    (registry.BODIES, _body, True),
    (registry.BODY_MEMBERS, lambda w: BodyMember(body=_body(w), person=Person.objects.create(name="Ola"),
                                                 role="Leder"), True),
    (registry.NETWORKS, lambda w: w.network, True),
    (meetings.MEETINGS, lambda w: Meeting(body=_body(w), title="Møte", held_on=dt.date(2026, 3, 1)), True),
    (registry.MUNICIPALITIES, lambda w: w.kafjord, False),
], ids=["collaboration", "body", "body member", "network", "meeting", "municipality"])
def test_it_records_the_event_in_the_records_collaboration(world, records, build, in_collaboration):
    obj = build(world)

    records.save(acting_user=world.secretariat, reason="Oppdatert", **{records.noun: obj})

    event = AuditEvent.objects.filter(kind=records.saved).latest("pk")
    assert (event.reason, event.acting_user) == ("Oppdatert", world.secretariat)
    assert event.collaboration == (world.collaboration if in_collaboration else None)
    assert obj.history.latest().history_change_reason == "Oppdatert"
