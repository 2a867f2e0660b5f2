"""After logging in each role lands where its work is (/start/)."""

import pytest
from django.urls import reverse

from collaborations.access.models import Role
from collaborations.access.roles import role_grant
from collaborations.registry.models import Membership
from tests.factories import make_collaboration, make_user


def landing(client, user) -> str:
    if user is not None:
        client.force_login(user)
    return client.get(reverse("start"))["Location"]


@pytest.mark.parametrize("role, where", [
    ("anonymous", lambda w: reverse("home")),
    ("stranger", lambda w: reverse("home")),
    ("secretariat", lambda w: reverse("collaboration_detail", args=["nord-troms"])),
    ("admin_participant", lambda w: reverse("my_measures")),
    ("coordinator", lambda w: reverse("my_measures")),
    ("politician", lambda w: reverse("dashboard_municipality", args=["nord-troms", w.kafjord.number])),
])
def test_it_lands_each_role_where_its_work_is(client, world, role, where):
    assert landing(client, world.users_by_role()[role]) == where(world)


def test_it_gives_a_politician_in_several_collaborations_a_start_page(client, world):
    county = make_collaboration("Troms fylke", members=[world.kafjord])
    assert Membership.objects.filter(municipality=world.kafjord).count() == 2
    assert landing(client, world.politician_kafjord) == reverse("my_collaborations")
    page = client.get(reverse("my_collaborations")).content.decode()
    assert "Kåfjord i Nord-Troms" in page and "Kåfjord i Troms fylke" in page
    assert reverse("dashboard_municipality", args=[county.slug, world.kafjord.number]) in page
    assert reverse("dashboard_municipality", args=["nord-troms", world.kafjord.number]) in page


def test_it_shows_a_start_page_without_a_role_that_says_where_to_go(client, world):
    client.force_login(world.stranger)
    page = client.get(reverse("my_collaborations")).content.decode()
    assert "Du har ingen rolle for en kommune ennå." in page


def test_it_follows_next_over_the_landing(client, world):
    response = client.post(reverse("login") + "?next=/rapporter/", {
        "username": "ordforer_kafjord", "password": "passord-for-test-123", "next": "/rapporter/"})
    assert response["Location"] == "/rapporter/"


def test_a_new_politician_lands_on_the_municipality_page(client, world):
    mayor = make_user("ordforer_lyngen")
    role_grant(acting_user=world.superuser, user=mayor, role=Role.POLITICIAN, municipality=world.lyngen,
               reason="Ny ordfører")
    assert landing(client, mayor) == reverse("dashboard_municipality", args=["nord-troms", world.lyngen.number])
