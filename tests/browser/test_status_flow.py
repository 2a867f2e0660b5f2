"""The weekly status flow in a real browser: log in, find a shared
measure in Mine tiltak, post a red update (first without a reason), see it at
the top of the timeline; refusals; a concurrent edit; reporting rounds.
Every page is checked with axe-core and kept as a screenshot (also at 375 px)."""

import re

import pytest
from playwright.sync_api import expect

PASSWORD = "passord-for-test-123"

pytestmark = pytest.mark.browser


def measure_url(live_server, measure) -> str:
    return f"{live_server.url}/tiltak/{measure.pk}/"


def test_it_lets_an_administrator_post_a_red_status_update(page, live_server, world, login, check_a11y, snap):
    page.goto(f"{live_server.url}/konto/login/")
    check_a11y(page)
    snap(page, "status-01-login", mobile=True)

    login(page, live_server, "admin_kafjord", password=PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/mine-tiltak/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine tiltak")
    check_a11y(page)
    snap(page, "status-02-mine-tiltak", mobile=True)

    page.get_by_label("Søk").fill("arkiv")
    page.get_by_role("button", name="Vis").click()
    page.get_by_role("link", name="Nytt sak- og arkivsystem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt sak- og arkivsystem")
    check_a11y(page)
    snap(page, "status-03-measure", mobile=True)

    form = page.locator("form.status-form")
    form.get_by_label("Ikke i rute", exact=True).check()
    form.get_by_label("Hva har skjedd?").fill("Leverandøren har ikke levert testmiljøet.")
    form.get_by_role("button", name="Lagre status").click()
    error = page.locator("#id_light_reason_error")
    expect(error).to_have_text("Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse.")
    expect(page.get_by_label("Hva har skjedd?")).to_have_value("Leverandøren har ikke levert testmiljøet.")
    expect(page.get_by_label("Begrunnelse for trafikklyset")).to_have_attribute("aria-invalid", "true")
    check_a11y(page)
    snap(page, "status-04-measure-missing-reason", mobile=True)

    page.get_by_label("Begrunnelse for trafikklyset").fill("Innføringen er utsatt tre måneder.")
    page.locator("form.status-form").get_by_role("button", name="Lagre status").click()
    expect(page.get_by_role("status").filter(has_text="Statusoppdateringen er lagret.")).to_be_visible()
    first = page.locator("ol.timeline > li").first
    expect(first).to_contain_text("Statusoppdatering")
    expect(first).to_contain_text("Ikke i rute")
    expect(first).to_contain_text("Innføringen er utsatt tre måneder.")
    expect(first).to_contain_text("Kari Kåfjord")
    expect(first.locator("table.diff-table")).to_contain_text("Trafikklys")
    expect(page.locator("#status-heading + p.badges")).to_contain_text("Ikke i rute")
    check_a11y(page)
    snap(page, "status-05-measure-after-update", mobile=True)

    page.goto(f"{measure_url(live_server, world.shared)}status/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer status")
    check_a11y(page)
    snap(page, "status-06-status-form-page", mobile=True)

    page.goto(f"{measure_url(live_server, world.shared)}endre/")
    check_a11y(page)
    snap(page, "status-07-measure-edit", mobile=True)


def test_it_lets_a_participant_report_its_own_part(page, live_server, world, login, check_a11y, snap):
    login(page, live_server, "admin_lyngen", password=PASSWORD)
    page.goto(measure_url(live_server, world.shared))

    form = page.locator("form.status-form")
    form.get_by_label("Risiko", exact=True).check()
    form.get_by_label("Begrunnelse for trafikklyset").fill("Lyngen mangler en arkivar i vår.")
    form.get_by_role("button", name="Lagre delen til Lyngen").click()

    expect(page.get_by_text("Delen til Lyngen er lagret.")).to_be_visible()
    expect(page.locator("ol.timeline > li").first).to_contain_text("Delen til Lyngen")
    expect(page.locator(".rollup")).to_contain_text("Risiko")
    check_a11y(page)
    snap(page, "status-08-participant-part", mobile=True)


def test_it_refuses_an_administrator_of_a_municipality_not_taking_part(page, live_server, world, login, check_a11y,
                                                                        snap):
    login(page, live_server, "admin_loppa", password=PASSWORD)
    page.goto(measure_url(live_server, world.shared))

    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt sak- og arkivsystem")
    expect(page.locator("form.status-form")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Rapporter delen til"))).to_have_count(0)

    response = page.goto(f"{measure_url(live_server, world.shared)}status/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen tilgang")
    expect(page.get_by_text("Du har ikke tilgang til å endre dette tiltaket.")).to_be_visible()
    check_a11y(page)
    snap(page, "status-09-refused-403")


def test_it_detects_a_concurrent_edit(page, phone_page, live_server, world, login, check_a11y, snap):
    login(page, live_server, "admin_kafjord", password=PASSWORD)
    page.goto(measure_url(live_server, world.shared))
    login(phone_page, live_server, "sekretariat", password=PASSWORD)
    phone_page.goto(measure_url(live_server, world.shared))

    other = phone_page.locator("form.status-form")
    other.get_by_label("Fase").select_option(label="Vedtatt")
    other.get_by_label("Hva har skjedd?").fill("Vedtatt i regionrådet.")
    other.get_by_role("button", name="Lagre status").click()
    expect(phone_page.get_by_text("Statusoppdateringen er lagret.")).to_be_visible()
    snap(phone_page, "status-10-concurrent-other-user-phone")

    form = page.locator("form.status-form")
    form.get_by_label("Hva har skjedd?").fill("Min versjon av status.")
    form.get_by_role("button", name="Lagre status").click()
    conflict = page.locator(".conflict")
    expect(conflict).to_contain_text("Siri Sekretær har endret tiltaket etter at du åpnet skjemaet.")
    expect(conflict).to_contain_text("Vedtatt")
    expect(page.get_by_label("Hva har skjedd?")).to_have_value("Min versjon av status.")
    check_a11y(page)
    snap(page, "status-11-concurrent-conflict", mobile=True)

    page.locator("form.status-form").get_by_role("button", name="Lagre status").click()
    expect(page.get_by_text("Statusoppdateringen er lagret.")).to_be_visible()
    expect(page.locator("ol.timeline > li").first).to_contain_text("Min versjon av status.")


def test_it_lets_the_secretariat_open_a_round_and_see_readiness(page, live_server, world, login, check_a11y, snap):
    login(page, live_server, "sekretariat", password=PASSWORD)
    page.goto(f"{live_server.url}/samarbeid/{world.collaboration.slug}/rapporteringsrunder/")
    check_a11y(page)
    snap(page, "status-12-rounds", mobile=True)

    page.get_by_label("Tittel").fill("Halvårsrapportering 1. halvår 2025")
    page.get_by_label("Startdato").fill("2025-01-01")
    page.get_by_label("Frist", exact=True).fill("2025-06-15")
    page.get_by_role("button", name="Åpne runden").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Halvårsrapportering 1. halvår 2025")
    expect(page.get_by_text("0 av 3 tiltak er oppdatert (0 %).")).to_be_visible()
    check_a11y(page)
    snap(page, "status-13-round-readiness", mobile=True)
