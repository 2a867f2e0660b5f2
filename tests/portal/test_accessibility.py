"""The accessibility statement says what portal/accessibility.py holds, every
page links it, and the installation's own details come from settings. That
the checked pages pass axe is tests/browser/test_accessibility.py."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from portal import accessibility

STATEMENT = "/tilgjengelighet/"


@pytest.mark.django_db
def test_it_lists_every_checked_page_and_every_deviation(client):
    body = client.get(reverse("accessibility_statement")).content.decode()

    assert "<h1>Tilgjengelighetserklæring for Samarbeidsportalen</h1>" in body
    for page in accessibility.CHECKED_PAGES:
        assert f"<td>{page.label}</td><td>{page.role_label}</td>" in body
    for deviation in accessibility.DEVIATIONS:
        assert f"<h3>{deviation.title}</h3>" in body
        assert f"<dd>{deviation.criteria}</dd>" in body
    count = len(accessibility.CHECKED_PAGES)
    assert f"ingen brudd på de {count} sidene nedenfor" in body
    assert f"Vi kjenner til {len(accessibility.DEVIATIONS)} avvik eller mangler" in body
    assert "axe-core 4.14.1" in body and "1366 og 375 piksler" in body
    assert "30.11.2026" in body


@pytest.mark.django_db
def test_it_follows_the_structure_of_uustatus(client):
    body = client.get(STATEMENT).content.decode()

    headings = re.findall(r"<h2 id=\"[a-z-]+\">([^<]+)</h2>", body)
    assert headings == ["Status for universell utforming", "Kjente avvik fra kravene",
                        "Innhold som ikke er omfattet av kravene", "Tilbakemelding og kontakt",
                        "Hvordan erklæringen ble laget"]
    assert "Diskrimineringsnemnda" in body and "Uutilsynet" in body


@pytest.mark.django_db
def test_it_names_the_installations_owner_contact_and_published_statement(client, settings):
    settings.ACCESSIBILITY_OWNER = "Nord-Troms regionråd"
    settings.ACCESSIBILITY_CONTACT = "uu@nordtroms.no"
    settings.ACCESSIBILITY_UUSTATUS_URL = "https://uustatus.no/nb/erklaringer/publisert/abc"

    body = client.get(STATEMENT).content.decode()

    assert "Nord-Troms regionråd har ansvaret for Samarbeidsportalen" in body
    assert '<a href="mailto:uu@nordtroms.no">uu@nordtroms.no</a>' in body
    assert '<a href="https://uustatus.no/nb/erklaringer/publisert/abc">' in body


@pytest.mark.django_db
def test_it_links_no_uustatus_statement_before_one_is_published(client):
    assert "uustatus.no" not in client.get(STATEMENT).content.decode()


@pytest.mark.parametrize("who, url", [
    (None, "/"), (None, "/konto/login/"), (None, "/finnes-ikke/"), ("admin_kafjord", "/mine-tiltak/"),
    ("politician_kafjord", "/samarbeid/nord-troms/kommune/5426/"), ("secretariat", "/admin/"),
    ("secretariat", "/admin/collaborations/measure/"),
])
def test_every_page_links_the_statement_in_its_footer(client, world, who, url):
    if who:
        client.force_login(getattr(world, who))

    body = client.get(url).content.decode()

    footer = body[body.index("footer"):]
    assert f'<a href="{STATEMENT}">Tilgjengelighetserklæring</a>' in footer


@pytest.mark.django_db
def test_the_icon_is_served_and_linked(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302 and response.url == "/static/favicon.ico"
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get("/").content.decode()


def test_make_run_serves_the_portals_own_404_without_debug():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]

    assert "DEMO=1" in recipe and "DEBUG" not in recipe


@pytest.mark.django_db
def test_a_missing_page_in_the_demo_is_the_portals_own_norwegian_page(client, settings):
    settings.DEMO, settings.DEBUG = True, False

    response = client.get("/finnes-ikke/")

    assert response.status_code == 404
    assert "<h1>Fant ikke siden</h1>" in response.content.decode()
