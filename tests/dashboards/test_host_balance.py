from decimal import Decimal

from django.urls import reverse

from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from tests.dashboards.helpers import assert_hidden_from_the_public, assert_same_queries_at_ten_times_the_data


def url(world):
    return reverse("dashboard_host_balance", args=[world.collaboration.slug])


def agreement(world, service, host, positions, visibility="published"):
    a = HostAgreement.objects.create(collaboration=world.collaboration, service=service, host=host,
                                     positions=Decimal(positions), visibility=visibility)
    for m in (world.kafjord, world.lyngen):
        HostAgreementParticipant.objects.create(agreement=a, municipality=m)
    return a


def test_it_shows_services_and_positions_per_member_as_table_and_chart(world, client):
    agreement(world, "Barnevern", world.lyngen, "6.5")
    agreement(world, "PPT", world.kafjord, "2")
    content = client.get(url(world)).content.decode()
    assert "Vertskommuner i Nord-Troms" in content
    assert 'role="img"' in content and "<title id=\"hb-title\">Årsverk hos hver vertskommune</title>" in content
    assert "Barnevern" in content and "6,5" in content and "8,5" in content   # Norwegian decimals, total
    assert content.index("Lyngen</a></th>") < content.index("Kåfjord</a></th>")   # most positions first


def test_it_leaves_internal_agreements_out_for_the_public(world, client):
    agreement(world, "Hemmelig drift", world.kafjord, "4", visibility="internal")
    assert_hidden_from_the_public(world, client, url(world), "Hemmelig drift", insider="secretariat")


def test_it_runs_the_same_number_of_queries_at_ten_times_the_data(world, client):
    agreement(world, "PPT", world.kafjord, "2")
    assert_same_queries_at_ten_times_the_data(world, client, url(world))


def test_it_counts_services_in_the_singular_and_plural(world, client):
    agreement(world, "Barnevern", world.lyngen, "6.5")
    assert "1 tjeneste og 6,5 årsverk i alt." in " ".join(client.get(url(world)).content.decode().split())

    agreement(world, "PPT", world.kafjord, "2")
    assert "2 tjenester og 8,5 årsverk i alt." in " ".join(client.get(url(world)).content.decode().split())
