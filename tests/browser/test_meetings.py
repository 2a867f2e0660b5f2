"""The secretariat keeps the minutes, at 1366 px and at 375 px: start page →
log in → the collaboration → Forvaltning → Møter og oppfølging → "Registrer
et møte" (refused first without a body, on the field) → the meeting page →
"Ny sak" linked to a measure → "Legg til oppfølging" with a deadline that has
passed → an internal case → "Endre møtet" and "Endre" on a case → the
collaboration's "Møter og referater" → Forvaltning → "Oppfølging fra
møtene" → "Registrer utført" → the measure's page lists the case. Then the
public reads the minutes without the internal case. The database (rows,
links, history with the reason) and the pages are checked; every page passes
axe-core."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from collaborations.access.models import AuditEvent
from collaborations.economy.models import HostAgreement
from collaborations.meetings.models import CalendarFeed, CouncilCase, FollowUp, Meeting, MeetingCase, WheelItem
from collaborations.registry.models import Body
from tests.browser.conftest import assert_feedback, log_in_from_the_start_page, no_horizontal_scrolling

pytestmark = pytest.mark.browser


def checked(page: Page, check_a11y, snap, name: str) -> None:
    check_a11y(page)
    no_horizontal_scrolling(page)
    snap(page, f"meetings-{name}-{page.viewport_size['width']}")


def field_error(page: Page, label: str):
    return page.locator(".field.has-error", has=page.get_by_label(label, exact=True))


def to_workspace_meetings(page: Page, link: str) -> None:
    page.locator(".breadcrumbs").get_by_role("link", name="Nord-Troms").click()
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    section = page.locator("section", has=page.get_by_role("heading", name="Møter og oppfølging"))
    section.get_by_role("link", name=link).click()


def test_the_secretariat_keeps_the_minutes_and_follows_up(any_page, live_server, world, check_a11y, snap):
    page, w = any_page, world
    Body.objects.create(collaboration=w.collaboration, kind=Body.Kind.REGIONAL_COUNCIL, name="Nord-Troms Regionråd")
    today = timezone.localdate()
    held_on, due_on = today - dt.timedelta(days=14), today - dt.timedelta(days=3)
    year = held_on.year

    # Start page → log in → the collaboration → Forvaltning → Møter og oppfølging → Registrer et møte
    log_in_from_the_start_page(page, live_server, "sekretariat")
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    section = page.locator("section", has=page.get_by_role("heading", name="Møter og oppfølging"))
    section.get_by_role("link", name="Registrer et møte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt møte")
    page.get_by_label("Tittel", exact=True).fill("Fellesmøte regionråd og KDU")
    page.get_by_label("Dato", exact=True).fill(held_on.isoformat())
    page.get_by_label("Sted", exact=True).fill("Storslett")
    page.get_by_label("Til stede", exact=True).fill("Regionrådets medlemmer og KDU")
    page.get_by_label("Andre møtende", exact=True).fill("Willy Ørnebakk (sak 1)")
    page.get_by_label("Hvorfor registreres eller endres møtet?").fill("Møteplanen")
    page.get_by_role("button", name="Registrer møtet").click()
    assert_feedback(page, "Skjemaet har feil")
    expect(field_error(page, "Organ")).to_contain_text("Velg organet som møtes.")
    expect(page.get_by_label("Andre møtende", exact=True)).to_have_value("Willy Ørnebakk (sak 1)")
    assert not Meeting.objects.exists()
    checked(page, check_a11y, snap, "meeting-refused")
    page.get_by_label("Organ", exact=True).select_option(label="Nord-Troms Regionråd")
    page.get_by_role("button", name="Registrer møtet").click()
    assert_feedback(page, "Møtet «Fellesmøte regionråd og KDU» er registrert.")
    meeting = Meeting.objects.get()
    assert (meeting.held_on, meeting.place, meeting.others_attending) == (held_on, "Storslett", "Willy Ørnebakk (sak 1)")
    assert meeting.history.latest().history_change_reason == "Møteplanen"
    expect(page.get_by_text("Ingen saker er registrert.")).to_be_visible()
    checked(page, check_a11y, snap, "meeting-empty")

    # A case that concerns a measure
    page.get_by_role("link", name="Ny sak").click()
    expect(page.get_by_label("Saksnummer")).to_have_value("1")
    page.get_by_label("Hva saken gjelder").fill("IT-samarbeid: status og budsjett")
    page.get_by_label("Konklusjon").fill("Vertskommunen orienterte. Regionrådet ber om en egen sak om IT-strategien.")
    page.get_by_label("Nytt sak- og arkivsystem").check()
    page.get_by_label("Hvorfor registreres eller endres saken?").fill("Referat")
    checked(page, check_a11y, snap, "case-form")
    page.get_by_role("button", name="Registrer saken").click()
    assert_feedback(page, f"Sak 1/{year} er registrert.")
    case = MeetingCase.objects.get(meeting=meeting, number=1)
    assert list(case.measures.all()) == [w.shared]
    expect(page.get_by_role("heading", name=f"Sak 1/{year}: IT-samarbeid: status og budsjett")).to_be_visible()

    # Its follow-up, whose deadline has passed
    page.get_by_role("link", name=f"Legg til oppfølging av sak 1/{year}").click()
    page.get_by_label("Ansvar", exact=True).fill("Willy Ørnebakk")
    page.get_by_label("Hva skal gjøres").fill("Legge fram sak om IT-strategien")
    page.get_by_label("Frist", exact=True).fill(due_on.isoformat())
    page.get_by_label("Hvorfor registreres eller endres oppfølgingen?").fill("Referat")
    page.get_by_role("button", name="Registrer oppfølgingen").click()
    assert_feedback(page, f"Oppfølgingen av sak 1/{year} er registrert.")
    follow_up = FollowUp.objects.get(case=case)
    assert (follow_up.responsible, follow_up.due_on, follow_up.done_on) == ("Willy Ørnebakk", due_on, None)
    expect(page.locator(f"#sak-{case.pk}")).to_contain_text(f"Over fristen {due_on:%d.%m.%Y}")

    # An internal case (a risk analysis)
    page.get_by_role("link", name="Ny sak").click()
    expect(page.get_by_label("Saksnummer")).to_have_value("2")
    page.get_by_label("Hva saken gjelder").fill("ROS-analyse for felles IT-drift")
    page.get_by_label("Synlighet").select_option(label="Intern")
    page.get_by_label("Hvorfor registreres eller endres saken?").fill("Ikke offentlig")
    page.get_by_role("button", name="Registrer saken").click()
    assert_feedback(page, f"Sak 2/{year} er registrert.")
    assert MeetingCase.objects.get(meeting=meeting, number=2).visibility == "internal"

    # Every link to a form: "Endre møtet" and "Endre" on a case
    page.get_by_role("link", name="Endre møtet").click()
    expect(page.get_by_label("Sted", exact=True)).to_have_value("Storslett")
    page.get_by_label("Sted", exact=True).fill("Olderdalen")
    page.get_by_label("Hvorfor registreres eller endres møtet?").fill("Flyttet")
    page.get_by_role("button", name="Lagre endringene").click()
    assert_feedback(page, "Endringene i møtet er lagret.")
    meeting.refresh_from_db()
    assert meeting.place == "Olderdalen"
    page.get_by_role("link", name=f"Endre sak 1/{year}").click()
    page.get_by_label("Konklusjon").fill("Regionrådet ber om en egen sak om IT-strategien til høstmøtet.")
    page.get_by_label("Hvorfor registreres eller endres saken?").fill("Rettet etter godkjenning")
    page.get_by_role("button", name="Lagre endringene").click()
    assert_feedback(page, f"Endringene i sak 1/{year} er lagret.")
    case.refresh_from_db()
    assert case.conclusion.endswith("til høstmøtet.") and list(case.measures.all()) == [w.shared]
    assert case.history.latest().history_change_reason == "Rettet etter godkjenning"
    checked(page, check_a11y, snap, "meeting")

    # The collaboration's page → Møter og referater lists it
    page.locator(".breadcrumbs").get_by_role("link", name="Nord-Troms").click()
    page.get_by_role("link", name="Møter og referater").click()
    expect(page.get_by_role("heading", name=str(year))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Fellesmøte regionråd og KDU"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("1 over fristen"))).to_be_visible()
    checked(page, check_a11y, snap, "meeting-list")

    # Forvaltning → Oppfølging fra møtene → Registrer utført
    to_workspace_meetings(page, "Oppfølging fra møtene")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oppfølging fra møtene")
    expect(page.locator("main")).to_contain_text("1 åpen oppfølging, 1 over fristen, 0 utført.")
    checked(page, check_a11y, snap, "follow-ups")
    page.get_by_role("link", name=f"Registrer utført (sak 1/{year})").click()
    expect(page.get_by_label("Utført", exact=True)).to_have_value(today.isoformat())
    page.get_by_label("Hvorfor registreres eller endres oppfølgingen?").fill("Sak sendt KDU")
    page.get_by_role("button", name="Lagre endringene").click()
    assert_feedback(page, f"Endringene i oppfølgingen av sak 1/{year} er lagret.")
    follow_up.refresh_from_db()
    assert follow_up.done_on == today
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MEETING_SAVED, reason="Sak sendt KDU",
                                     acting_user=w.secretariat, collaboration=w.collaboration).exists()
    expect(page.locator(f"#sak-{case.pk}")).to_contain_text(f"Utført {today:%d.%m.%Y}")

    # The measure's page lists the case
    page.locator(f"#sak-{case.pk}").get_by_role("link", name="Nytt sak- og arkivsystem").click()
    cases = page.locator("section", has=page.get_by_role("heading", name="Behandlet i møter"))
    expect(cases).to_contain_text(f"Sak 1/{year}: IT-samarbeid: status og budsjett")
    checked(page, check_a11y, snap, "measure")

    # The public reads the minutes without the internal case
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Nord-Troms").first.click()
    page.get_by_role("link", name="Møter og referater").click()
    page.get_by_role("link", name=re.compile("Fellesmøte regionråd og KDU")).click()
    expect(page.get_by_role("heading", name=f"Sak 1/{year}: IT-samarbeid: status og budsjett")).to_be_visible()
    expect(page.get_by_role("link", name="Endre møtet")).to_have_count(0)
    assert "ROS-analyse for felles IT-drift" not in page.content()
    checked(page, check_a11y, snap, "public-minutes")
    assert page.console_errors == []


def test_the_secretariat_sends_one_proposal_to_every_council_and_follows_it(any_page, live_server, world, check_a11y,
                                                                            snap):
    page, w = any_page, world
    agreement = HostAgreement.objects.create(collaboration=w.collaboration, service="Felles IT-drift", host=w.kafjord)

    # Start page → log in → the collaboration → Felles kommunestyresaker → Ny felles sak
    log_in_from_the_start_page(page, live_server, "sekretariat")
    page.get_by_role("link", name="Felles kommunestyresaker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Felles kommunestyresaker")
    page.get_by_role("link", name="Ny felles sak").click()
    page.get_by_label("Tittel", exact=True).fill("Vertskommuneavtale om felles IT-drift")
    page.get_by_label("Gjelder", exact=True).select_option(label="Vertskommuneavtale")
    page.get_by_label("Forslag til vedtak").fill("Kommunestyret vedtar vertskommuneavtalen om felles IT-drift.")
    page.get_by_label("Sendt kommunene").fill("2026-09-01")
    expect(page.get_by_label("Kåfjord")).to_be_checked()
    expect(page.get_by_label("Lyngen")).to_be_checked()
    page.get_by_label("Hvorfor registreres eller endres saken?").fill("Vedtatt i regionrådet")
    page.get_by_role("button", name="Registrer saken").click()
    assert_feedback(page, "Skjemaet har feil")
    expect(field_error(page, "Vertskommuneavtale")).to_contain_text("Velg vertskommuneavtalen saken gjelder.")
    assert not CouncilCase.objects.exists()
    checked(page, check_a11y, snap, "council-case-refused")
    page.get_by_label("Vertskommuneavtale", exact=True).select_option(label="Felles IT-drift (vert: Kåfjord)")
    page.get_by_role("button", name="Registrer saken").click()
    assert_feedback(page, "Saken «Vertskommuneavtale om felles IT-drift» er registrert med ett vedtak per kommunestyre.")
    council_case = CouncilCase.objects.get()
    assert council_case.agreement == agreement and council_case.decisions.count() == 2
    expect(page.locator(".adoption")).to_contain_text(
        "Trer i kraft når begge kommunestyrene har vedtatt; 0 av 2 har vedtatt (Kåfjord og Lyngen mangler).")
    checked(page, check_a11y, snap, "council-case")

    # Each council's handling
    page.get_by_role("link", name="Registrer behandling i Kåfjord").click()
    page.get_by_label("Utfall", exact=True).select_option(label="Vedtatt som foreslått")
    page.get_by_label("Kommunens saksnummer").fill("PS 41/2026")
    page.get_by_label("Møtedato").fill("2026-09-24")
    page.get_by_label("Hvorfor registreres eller endres vedtaket?").fill("Protokoll fra kommunestyret")
    page.get_by_role("button", name="Lagre behandlingen").click()
    assert_feedback(page, "Behandlingen i Kåfjord er registrert.")
    expect(page.locator(".adoption")).to_contain_text("1 av 2 har vedtatt (Lyngen mangler)")
    page.get_by_role("link", name="Registrer behandling i Lyngen").click()
    page.get_by_label("Utfall", exact=True).select_option(label="Vedtatt med endringer")
    page.get_by_label("Møtedato").fill("2026-10-02")
    page.get_by_label("Hvorfor registreres eller endres vedtaket?").fill("Protokoll")
    page.get_by_role("button", name="Lagre behandlingen").click()
    expect(field_error(page, "Endringer i vedtaket")).to_contain_text("Skriv hva kommunestyret endret i forslaget.")
    page.get_by_label("Endringer i vedtaket").fill("Avtalen evalueres etter to år.")
    page.get_by_role("button", name="Lagre behandlingen").click()
    assert_feedback(page, "Behandlingen i Lyngen er registrert.")
    expect(page.locator(".adoption")).to_contain_text("I kraft fra 02.10.2026: 2 av 2 har vedtatt.")
    lyngen = council_case.decisions.get(municipality=w.lyngen)
    assert (lyngen.outcome, lyngen.amendments) == ("amended", "Avtalen evalueres etter to år.")
    assert lyngen.history.latest().history_change_reason == "Protokoll"
    checked(page, check_a11y, snap, "council-case-in-force")

    # "Endre saken", then the agreement's page says it is in force
    page.get_by_role("link", name="Endre saken").click()
    page.get_by_label("Sammendrag").fill("Kåfjord er vertskommune for IT-driften.")
    page.get_by_label("Hvorfor registreres eller endres saken?").fill("Sammendrag")
    page.get_by_role("button", name="Lagre endringene").click()
    assert_feedback(page, "Endringene i saken er lagret.")
    page.get_by_role("link", name="Felles IT-drift").click()
    section = page.locator("section", has=page.get_by_role("heading", name="Behandling i kommunestyrene"))
    expect(section).to_contain_text("I kraft fra 02.10.2026")
    checked(page, check_a11y, snap, "agreement")
    assert page.console_errors == []


def test_the_secretariat_keeps_the_annual_wheel_and_subscribes_to_it(any_page, live_server, world, check_a11y, snap):
    page, w = any_page, world
    year = timezone.localdate().year

    # Start page → log in → the collaboration → Årshjul → Nytt punkt i årshjulet
    log_in_from_the_start_page(page, live_server, "sekretariat")
    page.get_by_role("link", name="Årshjul", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Årshjul {year}")
    expect(page.get_by_role("heading", name="Januar")).to_be_visible()
    checked(page, check_a11y, snap, "wheel-empty")
    page.get_by_role("link", name="Nytt punkt i årshjulet").click()
    page.get_by_label("Tittel", exact=True).fill("Budsjettinnspill til kommunene")
    page.get_by_label("Type", exact=True).select_option(label="Budsjett")
    page.get_by_label("Måned", exact=True).select_option(label="april")
    page.get_by_label("Dag i måneden").fill("31")
    page.get_by_label("Ansvar", exact=True).fill("Kommunedirektørene")
    page.get_by_label("Hvorfor registreres eller endres punktet?").fill("Fast i årshjulet")
    page.get_by_role("button", name="Registrer punktet").click()
    assert_feedback(page, "Skjemaet har feil")
    expect(field_error(page, "Dag i måneden")).to_contain_text("Måned 4 har ikke dag 31.")
    assert not WheelItem.objects.exists()
    checked(page, check_a11y, snap, "wheel-item-refused")
    page.get_by_label("Dag i måneden").fill("30")
    page.get_by_role("button", name="Registrer punktet").click()
    assert_feedback(page, "«Budsjettinnspill til kommunene» er lagt inn i årshjulet.")
    item = WheelItem.objects.get()
    assert (item.month, item.day, item.recurrence, item.responsible) == (4, 30, "yearly", "Kommunedirektørene")
    april = page.locator("section", has=page.get_by_role("heading", name="April"))
    expect(april).to_contain_text("30. april")
    expect(april).to_contain_text("Budsjettinnspill til kommunene")
    checked(page, check_a11y, snap, "wheel")

    # "Endre" on the item; then next year has it too
    april.get_by_role("link", name="Endre Budsjettinnspill til kommunene").click()
    page.get_by_label("Ansvar", exact=True).fill("Kommunedirektørene og økonomisjefene")
    page.get_by_label("Hvorfor registreres eller endres punktet?").fill("Økonomisjefene er med")
    page.get_by_role("button", name="Lagre endringene").click()
    assert_feedback(page, "Endringene i årshjulet er lagret.")
    item.refresh_from_db()
    assert item.responsible == "Kommunedirektørene og økonomisjefene"
    page.get_by_role("link", name=f"{year + 1}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Årshjul {year + 1}")
    expect(page.locator("section", has=page.get_by_role("heading", name="April"))).to_contain_text(
        "Budsjettinnspill til kommunene")

    # Her own calendar: make the address, and a calendar reads it
    page.get_by_role("link", name="Din egen kalender med dine frister og møter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalenderen din")
    page.get_by_role("button", name="Lag kalenderadresse").click()
    assert_feedback(page, "Du har en ny kalenderlenke.")
    address = page.locator("code.feed-url").inner_text()
    assert address.endswith(".ics") and CalendarFeed.objects.get(user=w.secretariat).token in address
    checked(page, check_a11y, snap, "my-calendar")
    calendar = Calendar.from_ical(page.request.get(address).body())
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert summaries.count("Budsjettinnspill til kommunene") == 3  # last year, this year and next year

    # The public sees the wheel, without the edit links
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/samarbeid/{w.collaboration.slug}/arshjul/")
    expect(page.get_by_text("Budsjettinnspill til kommunene")).to_be_visible()
    expect(page.get_by_role("link", name="Nytt punkt i årshjulet")).to_have_count(0)
    checked(page, check_a11y, snap, "wheel-public")
    assert page.console_errors == []
