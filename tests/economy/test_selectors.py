from decimal import Decimal

from collaborations.economy import selectors as economy
from collaborations.economy.models import HostAgreement, HostAgreementParticipant


def test_it_splits_host_cost(world):
    a = HostAgreement.objects.create(collaboration=world.collaboration, service="IT", host=world.kafjord,
        positions=Decimal("3.5"), annual_cost=Decimal("1000000"), cost_key=world.cost_key)
    for m in (world.kafjord, world.lyngen):
        HostAgreementParticipant.objects.create(agreement=a, municipality=m)
    distribution = economy.distribution(world.secretariat, world.collaboration, 2025)
    k, l = distribution.lines_for(world.kafjord.pk), distribution.lines_for(world.lyngen.pk)
    assert k[0].share_ore + l[0].share_ore == 100_000_000
    assert distribution.total_ore(world.kafjord.pk) == k[0].share_ore
    assert economy.host_balance(None, world.collaboration)[0].positions == Decimal("3.5")
    hosted, bought = economy.hosting(None, world.collaboration, world.lyngen)
    assert hosted == [] and bought[0].service == "IT"
    assert economy.hosting(None, world.collaboration, world.kafjord)[0][0].service == "IT"
