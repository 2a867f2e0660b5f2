"""Measures created, edited and closed in the portal, at 1366 px and at 375 px:
start page → log in as the secretariat → the collaboration → Forvaltning →
Nytt tiltak → a measure with a strategy, two member municipalities, an
outside partner, a cost key and a budget → the measure page → edit it (one
participant leaves) → close it with a reason → closed in the database, on the
page, and gone from the due list. Then the owner municipality's administrator
edits it without the secretariat's fields. Every new page passes axe-core."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from collaborations.access.models import AuditEvent
from collaborations.portfolio.models import Measure, Phase
from collaborations.registry.models import OutsidePartner
from tests.browser.conftest import assert_feedback, log_in_from_the_start_page, no_horizontal_scrolling
from tests.browser.forms import fill_shared_measure

pytestmark = pytest.mark.browser


def test_the_secretariat_creates_edits_and_closes_a_measure(any_page, live_server, world, check_a11y, snap):
    page, w = any_page, world
    wide = page.viewport_size["width"]
    unn = OutsidePartner.objects.create(name="UNN HF", kind=OutsidePartner.Kind.HEALTH_TRUST)
    today = timezone.localdate()

    # Start page → log in → the collaboration's page → Forvaltning → Tiltak → Nytt tiltak
    log_in_from_the_start_page(page, live_server, "sekretariat")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nord-Troms")
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forvaltning")
    measures = page.locator("section", has=page.get_by_role("heading", name="Tiltak", exact=True))
    expect(measures).to_contain_text("3 tiltak i handlingsplanen")
    measures.get_by_role("link", name="Nytt tiltak").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt tiltak")
    check_a11y(page)
    no_horizontal_scrolling(page)

    # Saving without a reason: refused on the field, nothing saved, what was typed kept
    fill_shared_measure(page, strategy="Strategi 1: Stabstjenester", number="1.7", title="Velferdsteknologi")
    page.get_by_label("Kostnadsnøkkel").select_option(label="Regionrådsnøkkel (20/80)")
    page.get_by_label("Budsjett (NOK)").fill("300000")
    page.get_by_label("Budsjettet gjelder").select_option(label="Hvert år i perioden")
    page.get_by_label("Startdato").fill(f"{today.year - 1}-01-01")
    page.get_by_role("button", name="Opprett tiltaket").click()
    assert_feedback(page, "Skjemaet har feil")
    expect(page.get_by_text("Skriv kort hvorfor tiltaket opprettes.")).to_be_visible()
    expect(page.get_by_label("Tittel")).to_have_value("Velferdsteknologi")
    assert not Measure.objects.filter(title="Velferdsteknologi").exists()
    check_a11y(page)
    snap(page, f"measures-create-error-{wide}")

    page.get_by_label("Hvorfor opprettes tiltaket?").fill("Vedtatt i KDU")
    page.get_by_role("button", name="Opprett tiltaket").click()
    assert_feedback(page, "Tiltaket «Velferdsteknologi» er opprettet.")
    measure = Measure.objects.get(title="Velferdsteknologi")
    assert (measure.strategy, measure.number, measure.owner_municipality, measure.cost_key, measure.budget) == (
        w.strategy, "1.7", w.kafjord, w.cost_key, Decimal("300000"))
    assert sorted(p.municipality.name for p in measure.participations.all()) == ["Kåfjord", "Lyngen"]
    assert list(measure.partners.all()) == [unn]
    plan = page.locator("section", has=page.get_by_role("heading", name="Fra handlingsplanen"))
    expect(plan).to_contain_text("Kåfjord, Lyngen")
    expect(plan).to_contain_text("UNN HF")
    expect(plan).to_contain_text("Regionrådsnøkkel")
    check_a11y(page)

    # Edit it: Lyngen leaves
    page.get_by_role("link", name="Endre tiltaket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Endre tiltaket")
    check_a11y(page)
    no_horizontal_scrolling(page)
    page.get_by_label("Lyngen").uncheck()
    page.get_by_label("Hvorfor endres tiltaket?").fill("Lyngen trekker seg")
    page.get_by_role("button", name="Lagre endringene").click()
    assert_feedback(page, "Endringene er lagret.")
    assert [p.municipality.name for p in measure.participations.all()] == ["Kåfjord"]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PARTICIPANTS_CHANGED, object_id=measure.pk,
                                     reason="Lyngen trekker seg").exists()

    # Due in "Mine tiltak" before it is closed
    page.goto(f"{live_server.url}/mine-tiltak/?due=yes")
    expect(page.locator("main")).to_contain_text("Velferdsteknologi")
    page.goto(f"{live_server.url}/tiltak/{measure.pk}/")

    # Close it
    page.get_by_role("link", name="Avslutt tiltaket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Avslutt tiltaket")
    check_a11y(page)
    no_horizontal_scrolling(page)
    snap(page, f"measures-close-{wide}")
    page.get_by_label("Avsluttet", exact=True).check()
    page.get_by_label("Dato").fill(today.isoformat())
    page.get_by_label("Hvorfor avsluttes tiltaket?").fill("Alle kommuner har tatt løsningen i bruk")
    page.get_by_role("button", name="Avslutt tiltaket").click()
    assert_feedback(page, "Tiltaket er avsluttet.")
    measure.refresh_from_db()
    assert (measure.phase, measure.closed_on, measure.closing_reason) == (
        Phase.COMPLETED, today, "Alle kommuner har tatt løsningen i bruk")
    expect(page.get_by_text(f"Avsluttet {today:%d.%m.%Y}:")).to_be_visible()
    expect(page.get_by_role("heading", name="Registrer status")).to_have_count(0)
    expect(page.get_by_role("link", name="Avslutt tiltaket")).to_have_count(0)
    check_a11y(page)
    no_horizontal_scrolling(page)
    snap(page, f"measures-closed-{wide}")

    # Gone from the due list
    page.goto(f"{live_server.url}/mine-tiltak/?due=yes")
    expect(page.locator("main")).not_to_contain_text("Velferdsteknologi")


def test_the_owner_edits_without_the_secretariats_fields(any_page, live_server, world, check_a11y):
    page, w = any_page, world
    log_in_from_the_start_page(page, live_server, "admin_kafjord")
    page.goto(f"{live_server.url}/tiltak/{w.shared.pk}/")
    page.get_by_role("link", name="Endre tiltaket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Endre tiltaket")
    expect(page.get_by_text("Strategi, nummer, deltakere, eksterne partnere")).to_be_visible()
    for name in ("strategy", "participants", "partners", "owner_municipality", "visibility"):
        expect(page.locator(f"[name='{name}']")).to_have_count(0)
    check_a11y(page)
    no_horizontal_scrolling(page)
    page.get_by_label("Tittel").fill("Nytt arkivsystem")
    page.get_by_label("Hvorfor endres tiltaket?").fill("Kortere tittel")
    page.get_by_role("button", name="Lagre endringene").click()
    assert_feedback(page, "Endringene er lagret.")
    assert Measure.objects.get(pk=w.shared.pk).title == "Nytt arkivsystem"
