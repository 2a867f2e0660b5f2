"""Control characters (NUL above all: PostgreSQL refuses it in text) in the
address, a query parameter or a form field get a Norwegian 400, never a 500,
and nothing is saved."""

import pytest
from django.urls import reverse

from collaborations.portfolio.models import Measure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/rapporter/?samarbeid=%00",
    "/samarbeid/nord-troms/kommune/%00/",
    "/samarbeid/nord-troms/tiltak/?q=ros%01",
    "/samarbeid/nord-troms/tiltak/?%00=1",
])
def test_an_address_with_a_control_character_is_refused(client, world, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "kontrolltegn" in response.content.decode() and "adressen" in response.content.decode()


def test_a_form_field_with_nul_saves_nothing(client, world):
    client.force_login(world.secretariat)
    before = Measure.objects.get(pk=world.shared.pk)
    response = client.post(reverse("measure_edit", args=[world.shared.pk]), {
        "title": "Ny\x00tittel", "reason": "Prøver", "version": before.version})
    assert response.status_code == 400 and "skjemaet" in response.content.decode()
    after = Measure.objects.get(pk=world.shared.pk)
    assert (after.title, after.version) == (before.title, before.version)


def test_line_breaks_tabs_and_norwegian_letters_pass(client, world):
    assert client.get("/samarbeid/nord-troms/tiltak/?q=%C3%A6%C3%B8%C3%A5%09x").status_code == 200
    assert client.post(reverse("login"), {"username": "kari\n", "password": "x\ty"}).status_code == 200
