"""policy.reportable_among must give exactly the answer of reportable_measures,
for every role, on any subset."""

import pytest

from collaborations.access import policy
from collaborations.portfolio.models import Measure


@pytest.mark.parametrize("role", ["anonymous", "stranger", "politician", "admin_participant", "admin_outsider",
                                  "coordinator", "secretariat"])
def test_it_agrees_with_reportable_measures(world, role):
    user = world.users_by_role()[role]
    everything = Measure.objects.all()
    expected = set(policy.reportable_measures(user).values_list("pk", flat=True))

    assert policy.reportable_among(user, everything) == expected
    internal = everything.filter(visibility="internal")
    assert policy.reportable_among(user, internal) == expected & set(internal.values_list("pk", flat=True))


def test_it_sees_what_each_role_may_report(world):
    assert policy.reportable_among(world.admin_lyngen, Measure.objects.all()) == {
        world.shared.pk, world.network_measure.pk}
    assert policy.reportable_among(world.coordinator, Measure.objects.all()) == {world.network_measure.pk}
    assert policy.reportable_among(world.politician_kafjord, Measure.objects.all()) == set()
    assert policy.reportable_among(world.superuser, Measure.objects.filter(pk=world.internal.pk)) == {world.internal.pk}
