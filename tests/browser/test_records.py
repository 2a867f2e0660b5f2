"""The secretariat keeps the collaboration's own records, at 1366 px and at
375 px: start page → log in → the collaboration → Forvaltning → Eksterne
partnere → register "Statsforvalteren i Troms" (a name already registered is
refused first, on the field, saying the partner exists) → Personer → a chief
executive without a login → Organer → "Kommunedirektørutvalget" with that
person as its leader → the collaboration's description → Innbyggertall → a
member's figure (a year it already has is refused on the field). The
database (rows, history, audit events with the acting user and the reason)
and the pages are checked; every new page passes axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from collaborations.access.models import AuditEvent
from collaborations.registry.models import Body, BodyMember, Collaboration, OutsidePartner, Person, PopulationFigure
from tests.browser.conftest import assert_feedback, log_in_from_the_start_page, no_horizontal_scrolling

K = AuditEvent.Kind

pytestmark = pytest.mark.browser


def to_records(page: Page, link: str) -> None:
    """Back to the collaboration → Forvaltning → the records section's `link`."""
    if page.get_by_role("heading", level=1).inner_text() != "Nord-Troms":
        page.locator(".breadcrumbs").get_by_role("link", name="Nord-Troms").click()
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    section = page.locator("section", has=page.get_by_role("heading", name="Samarbeidets register"))
    section.get_by_role("link", name=link).click()


def checked(page: Page, check_a11y, snap, name: str) -> None:
    check_a11y(page)
    no_horizontal_scrolling(page)
    snap(page, f"records-{name}-{page.viewport_size['width']}")


def field_error(page: Page, label: str):
    return page.locator(".field.has-error", has=page.get_by_label(label, exact=True))


def test_the_secretariat_keeps_the_collaborations_records(any_page, live_server, world, check_a11y, snap):
    page, w = any_page, world
    OutsidePartner.objects.create(name="UNN HF", kind=OutsidePartner.Kind.HEALTH_TRUST)

    # Start page → log in → the collaboration's page → Forvaltning
    log_in_from_the_start_page(page, live_server, "sekretariat")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nord-Troms")
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forvaltning")
    expect(page.get_by_role("heading", name="Medlemmer og nettverk")).to_be_visible()  # kept beside the new section
    check_a11y(page)

    # An outside partner: a name already registered is refused on the field, then a new one is saved
    section = page.locator("section", has=page.get_by_role("heading", name="Samarbeidets register"))
    section.get_by_role("link", name="Eksterne partnere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eksterne partnere")
    checked(page, check_a11y, snap, "partners")
    page.get_by_role("link", name="Ny ekstern partner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny ekstern partner")
    page.get_by_label("Navn", exact=True).fill("unn hf")
    page.get_by_label("Type", exact=True).select_option(label="Statlig etat")
    page.get_by_label("Hvorfor registreres eller endres partneren?").fill("Deltar i velferdsteknologi")
    page.get_by_role("button", name="Registrer partneren").click()
    assert_feedback(page, "Skjemaet har feil")
    expect(field_error(page, "Navn")).to_contain_text("«UNN HF» finnes allerede som ekstern partner")
    expect(page.get_by_label("Hvorfor registreres eller endres partneren?")).to_have_value("Deltar i velferdsteknologi")
    assert OutsidePartner.objects.count() == 1
    checked(page, check_a11y, snap, "partner-refused")
    page.get_by_label("Navn", exact=True).fill("Statsforvalteren i Troms")
    page.get_by_role("button", name="Registrer partneren").click()
    assert_feedback(page, "«Statsforvalteren i Troms» er registrert.")
    unused = page.locator("section", has=page.get_by_role("heading", name="Ikke i bruk ennå"))
    expect(unused).to_contain_text("Statsforvalteren i Troms")
    partner = OutsidePartner.objects.get(name="Statsforvalteren i Troms")
    assert partner.kind == OutsidePartner.Kind.STATE
    assert partner.history.latest().history_user == w.secretariat
    assert AuditEvent.objects.get(kind=K.REGISTRY_SAVED, object_id=partner.pk, object_repr=partner.name,
                                  acting_user=w.secretariat).reason == "Deltar i velferdsteknologi"

    # A person: the chief executive who will answer for a strategy, without a login
    to_records(page, "Personer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personer")
    checked(page, check_a11y, snap, "people")
    page.get_by_role("link", name="Ny person").click()
    page.get_by_label("Navn", exact=True).fill("Kjell Kommunedirektør")
    page.get_by_label("Stilling", exact=True).fill("kommunedirektør")
    page.get_by_label("Kommune", exact=True).select_option(label="Lyngen")
    page.get_by_label("E-post", exact=True).fill("kjell@lyngen.kommune.no")
    page.get_by_label("Hvorfor registreres eller endres personen?").fill("Saksansvarlig for strategi 2")
    checked(page, check_a11y, snap, "person-form")
    page.get_by_role("button", name="Registrer personen").click()
    assert_feedback(page, "Kjell Kommunedirektør er registrert.")
    expect(page.get_by_role("row", name=re.compile("Kjell Kommunedirektør"))).to_contain_text(
        "kjell@lyngen.kommune.no")
    person = Person.objects.get(name="Kjell Kommunedirektør")
    assert (person.municipality, person.user) == (w.lyngen, None)
    assert person.history.latest().history_change_reason == "Saksansvarlig for strategi 2"

    # A body with that person as its leader
    to_records(page, "Organer og medlemmer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organer")
    checked(page, check_a11y, snap, "bodies-empty")
    page.get_by_role("link", name="Nytt organ").click()
    page.get_by_label("Navn", exact=True).fill("Kommunedirektørutvalget")
    page.get_by_label("Type", exact=True).select_option(label="Kommunedirektørutvalg / rådmannsutvalg")
    page.get_by_label("Mandat", exact=True).fill("Eier handlingsplanen og porteføljerutinene.")
    page.get_by_label("Hvorfor registreres eller endres organet?").fill("Etter samarbeidsavtalen")
    checked(page, check_a11y, snap, "body-form")
    page.get_by_role("button", name="Registrer organet").click()
    assert_feedback(page, "Organet «Kommunedirektørutvalget» er registrert.")
    page.get_by_role("link", name="Legg til medlem i Kommunedirektørutvalget").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt medlem av Kommunedirektørutvalget")
    page.get_by_label("Person", exact=True).select_option(label="Kjell Kommunedirektør (Lyngen)")
    page.get_by_label("Rolle", exact=True).fill("Leder")
    page.get_by_label("Fra", exact=True).fill("2025-01-01")
    page.get_by_label("Hvorfor registreres eller endres medlemmet?").fill("Valgt som leder i KDU-møtet")
    checked(page, check_a11y, snap, "body-member-form")
    page.get_by_role("button", name="Legg til medlemmet").click()
    assert_feedback(page, "Kjell Kommunedirektør er lagt til i Kommunedirektørutvalget.")
    kdu = page.locator("section", has=page.get_by_role("heading", name="Kommunedirektørutvalget"))
    expect(kdu.get_by_role("row", name=re.compile("Kjell Kommunedirektør"))).to_contain_text("01.01.2025")
    checked(page, check_a11y, snap, "bodies")
    body = Body.objects.get(collaboration=w.collaboration, name="Kommunedirektørutvalget")
    member = BodyMember.objects.get(body=body, person=person)
    assert member.role == "Leder" and member.ends_on is None
    assert AuditEvent.objects.get(kind=K.BODY_SAVED, object_id=member.pk, object_repr=str(member),
                                  collaboration=w.collaboration, acting_user=w.secretariat).reason == "Valgt som leder i KDU-møtet"

    # The collaboration's description
    to_records(page, "Navn, beskrivelse og kilde")
    expect(page.get_by_role("heading", level=1)).to_have_text("Endre samarbeidet")
    page.get_by_label("Beskrivelse", exact=True).fill("Seks kommuner i Nord-Troms samarbeider om tjenester.")
    page.get_by_label("Hvorfor endres samarbeidet?").fill("Ny tekst vedtatt i regionrådet")
    checked(page, check_a11y, snap, "collaboration-form")
    page.get_by_role("button", name="Lagre endringene").click()
    assert_feedback(page, "Endringene i samarbeidet er lagret.")
    expect(page.get_by_text("Seks kommuner i Nord-Troms samarbeider om tjenester.")).to_be_visible()
    collaboration = Collaboration.objects.get(pk=w.collaboration.pk)
    assert collaboration.history.latest().history_user == w.secretariat
    event = AuditEvent.objects.get(kind=K.COLLABORATION_SAVED, acting_user=w.secretariat)
    assert event.reason == "Ny tekst vedtatt i regionrådet"
    assert event.new_value["Beskrivelse"] == "Seks kommuner i Nord-Troms samarbeider om tjenester."

    # A population figure: a year the member already has is refused on the field
    to_records(page, "Innbyggertall")
    expect(page.get_by_role("heading", level=1)).to_have_text("Innbyggertall")
    checked(page, check_a11y, snap, "population")
    page.get_by_role("link", name="Nytt innbyggertall").click()
    page.get_by_label("Kommune", exact=True).select_option(label="Kåfjord")
    page.get_by_label("År (per 1. januar)").fill("2024")
    page.get_by_label("Innbyggertall", exact=True).fill("2010")
    page.get_by_label("Hvorfor registreres eller rettes tallet?").fill("Nye tall fra SSB")
    page.get_by_role("button", name="Registrer tallet").click()
    expect(field_error(page, "År (per 1. januar)")).to_contain_text(
        "Kåfjord har allerede et innbyggertall for 2024. Rett det tallet i stedet.")
    expect(page.get_by_label("Innbyggertall", exact=True)).to_have_value("2010")
    assert PopulationFigure.objects.get(municipality=w.kafjord, year=2024).population == 2000
    checked(page, check_a11y, snap, "population-refused")
    page.get_by_label("År (per 1. januar)").fill("2025")
    page.get_by_role("button", name="Registrer tallet").click()
    assert_feedback(page, "Innbyggertallet for Kåfjord 2025 er registrert.")
    kafjord = page.locator("section", has=page.get_by_role("heading", name="Kåfjord"))
    expect(kafjord.get_by_role("row", name=re.compile("2025"))).to_contain_text("SSB tabell 07459")
    figure = PopulationFigure.objects.get(municipality=w.kafjord, year=2025)
    assert figure.population == 2010 and figure.history.latest().history_user == w.secretariat
    assert AuditEvent.objects.get(kind=K.REGISTRY_SAVED, object_id=figure.pk, acting_user=w.secretariat,
                                  object_repr=str(figure)).reason == "Nye tall fra SSB"

    # The public sees the bodies and the figures, not the people's e-mail addresses
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/samarbeid/{w.collaboration.slug}/organer/")
    expect(page.get_by_text("Kjell Kommunedirektør")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Endre organet"))).to_have_count(0)
    assert "kjell@lyngen.kommune.no" not in page.content()
    check_a11y(page)
