"""What every member pays in a year (/samarbeid/<slug>/kostnader/) and one
member's payments on its own page, for the year chosen on the page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from tests.factories import make_measure

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def costs(world):
    agreement = HostAgreement.objects.create(collaboration=world.collaboration, service="Felles IT-drift",
                                             host=world.kafjord, annual_cost=Decimal("1000000"),
                                             cost_key=world.cost_key)
    for m in (world.kafjord, world.lyngen):
        HostAgreementParticipant.objects.create(agreement=agreement, municipality=m)
    make_measure(world.collaboration, title="Klima- og miljøplan", participants=[world.kafjord, world.lyngen],
                 phase="completed", budget=Decimal("200000"), cost_key=world.cost_key,
                 ends_on=dt.date(THIS_YEAR - 2, 12, 31))
    return agreement


def test_it_shows_every_members_share_this_year_with_totals(client, world, costs):
    page = client.get(reverse("dashboard_costs", args=["nord-troms"])).content.decode().replace("\u00a0", " ")
    assert f"Hva hver kommune betaler i {THIS_YEAR}" in page
    # 20/80 of 1 000 000 between Kåfjord (2000) and Lyngen (2800): 433 333,33 and 566 666,67
    assert "433 333,33 kr" in page and "566 666,67 kr" in page and "1 000 000,00 kr" in page
    assert "Klima- og miljøplan" not in page  # finished two years ago: it costs nothing now


def test_it_shows_another_year_chosen_on_the_page(client, world, costs):
    url = reverse("dashboard_costs", args=["nord-troms"])
    page = client.get(url, {"år": THIS_YEAR - 2}).content.decode().replace("\u00a0", " ")
    assert f"Hva hver kommune betaler i {THIS_YEAR - 2}" in page
    # a one-off 200 000 in the year it ended, 20/80: Kåfjord 20 000 + 160 000 × 2000/4800
    assert "Klima- og miljøplan" in page and "86 666,67 kr" in page and "200 000,00 kr" in page
    assert f'<option value="{THIS_YEAR - 2}" selected>' in page


def test_it_ignores_a_year_it_does_not_offer(client, world, costs):
    page = client.get(reverse("dashboard_costs", args=["nord-troms"]), {"år": "1800"}).content.decode()
    assert f"Hva hver kommune betaler i {THIS_YEAR}" in page


def test_the_municipality_page_says_what_it_pays_in_the_chosen_year(client, world, costs):
    url = reverse("dashboard_municipality", args=["nord-troms", world.kafjord.number])
    page = client.get(url).content.decode().replace("\u00a0", " ")
    assert f"Hva Kåfjord betaler i {THIS_YEAR}" in page and "433 333,33 kr" in page
    assert "Klima- og miljøplan" not in page.split('id="payments-heading"')[1].split('id="networks-heading"')[0]
    earlier = client.get(url, {"år": THIS_YEAR - 2}).content.decode().replace("\u00a0", " ")
    assert f"Hva Kåfjord betaler i {THIS_YEAR - 2}" in earlier and "Klima- og miljøplan" in earlier
