from collaborations.access import policy
from collaborations.access.policy import Action


def test_it_lets_participant_report_but_not_outsider(world):
    assert policy.allows(world.admin_lyngen, Action.REPORT_PART, world.shared)
    assert not policy.allows(world.admin_lyngen, Action.EDIT, world.shared)
    assert policy.allows(world.admin_kafjord, Action.EDIT, world.shared)
    assert not policy.allows(world.admin_outsider, Action.REPORT_PART, world.shared)
    assert not policy.allows(None, Action.VIEW, world.internal)
    assert not policy.allows(world.politician_kafjord, Action.VIEW, world.internal)
    assert policy.allows(world.admin_lyngen, Action.VIEW, world.internal)
    assert policy.allows(world.coordinator, Action.EDIT, world.network_measure)
    assert policy.allows(world.secretariat, Action.EDIT, world.internal)
    assert not policy.allows(world.secretariat, Action.EDIT, world.foreign)
