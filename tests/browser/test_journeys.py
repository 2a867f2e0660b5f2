"""The three daily journeys, walked as each role walks them: from the start
page, clicking the links a user clicks, at 1366 px and at 375 px, asserting
what was saved in the database and what the user sees (the message in view
and focused after every submit).

- administrator: Mine tiltak → measure → every "Rapporter delen …" link and the
  "egen side" button → red without a reason (refused, nothing saved), then with;
- the secretariat: the same links, on a municipality's behalf;
- politician: login → landing page (the municipality's page, own part beside
  the overall light) → overview → costs → the municipality again;
- secretariat: order the council reports with the defaults → download → the
  PDF text a council member reads; publishing asks first.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from collaborations.portfolio.models import Measure, StatusUpdate
from collaborations.portfolio.services import measure_post_status_update
from reporting.models import ReportJob
from tests.browser.conftest import PASSWORD, SCREENSHOTS, log_in_from_the_start_page, width
from tests.factories import make_measure
from tests.reporting.helpers import eager_celery  # noqa: F401

OSLO = ZoneInfo("Europe/Oslo")

pytestmark = pytest.mark.browser


def assert_feedback(page: Page, text: str) -> None:
    """The message after a submit is on screen and has focus, whatever the width."""
    message = page.locator("[role=alert], [role=status]").filter(has_text=text).first
    expect(message).to_be_visible()
    expect(message).to_be_in_viewport()
    expect(message).to_be_focused()


def no_horizontal_scrolling(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width(page)


def fill_red_without_reason_then_with(page: Page, reason: str, text: str, shot: str = "") -> None:
    """The status form on its own page: red without a reason is refused with the
    message in view; what was typed stays; then saved with a reason."""
    form = page.locator("form.status-form")
    form.get_by_label("Ikke i rute", exact=True).check()
    form.get_by_label("Hva har skjedd?").fill(text)
    form.get_by_label("Oppfølging: hva skjer videre?").fill("Ny fremdriftsplan")
    form.get_by_label("Oppfølging: hvem").fill("Prosjektleder")
    form.locator("button[type=submit]").click()
    assert_feedback(page, "Skjemaet har feil")
    expect(page.locator("#id_light_reason_error")).to_have_text(
        "Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse.")
    expect(form.get_by_label("Hva har skjedd?")).to_have_value(text)
    if shot:  # what the user sees: the error summary at the top of the screen
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{shot}-error-viewport.png")

    form.get_by_label("Begrunnelse for trafikklyset").fill(reason)
    form.locator("button[type=submit]").click()


# -- Administrators: status and parts --------------------------------------------


@pytest.mark.parametrize("username, links", [
    ("admin_kafjord", ["Rapporter delen til Kåfjord"]),
    ("sekretariat", ["Rapporter delen på vegne av Kåfjord", "Rapporter delen på vegne av Lyngen"]),
])
def test_an_administrator_reports_every_part_and_the_overall_status(any_page, live_server, world, check_a11y, snap,
                                                                    username, links):
    page, measure = any_page, world.shared
    user = next(u for u in (world.admin_kafjord, world.secretariat) if u.username == username)
    log_in_from_the_start_page(page, live_server, username)
    if username == "sekretariat":  # lands on the collaboration's page; its measures are listed there
        expect(page.get_by_role("heading", level=1)).to_have_text("Nord-Troms")
        page.get_by_role("link", name="Mine tiltak").first.click()
    expect(page).to_have_url(f"{live_server.url}/mine-tiltak/")
    page.get_by_role("link", name="Nytt sak- og arkivsystem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt sak- og arkivsystem")
    found = page.get_by_role("link", name=re.compile(r"^Rapporter delen")).all_inner_texts()
    assert found == links
    overall_before = Measure.objects.values_list("traffic_light", "last_status_at").get(pk=measure.pk)

    for i, link in enumerate(links):
        municipality = link.rsplit(" ", 1)[1]
        page.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapporter delen til {municipality}")
        if username == "sekretariat":
            expect(page.get_by_text(f"på vegne av {municipality}").first).to_be_visible()
        count = StatusUpdate.objects.filter(measure=measure).count()
        reason, text = f"{municipality} mangler en arkivar.", f"{municipality} har ikke startet opplæringen."

        fill_red_without_reason_then_with(page, reason, text, shot=f"journey-{username}-part-{width(page)}" if i == 0 else "")

        assert_feedback(page, f"Delen til {municipality} er lagret.")
        if i == 0:
            page.screenshot(path=SCREENSHOTS / f"journey-{username}-part-saved-{width(page)}-viewport.png")
        expect(page).to_have_url(re.compile(rf"/tiltak/{measure.pk}/#melding$"))
        part = StatusUpdate.objects.filter(measure=measure).latest("created_at")
        assert StatusUpdate.objects.filter(measure=measure).count() == count + 1
        assert (part.municipality.name, part.traffic_light, part.light_reason, part.status_text, part.author) == (
            municipality, "red", reason, text, user)
        assert (part.follow_up_text, part.follow_up_responsible) == ("Ny fremdriftsplan", "Prosjektleder")
        assert part.on_behalf is (username == "sekretariat")
        live = page.locator("#measure-live")
        expect(live.locator(".part").filter(has_text=municipality)).to_contain_text(f"Delen til {municipality} oppdatert")
        # a part is the municipality's own report: the measure's status and "last updated" stay
        assert Measure.objects.values_list("traffic_light", "last_status_at").get(pk=measure.pk) == overall_before

    check_a11y(page)
    page.get_by_role("link", name="Registrer status på egen side").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer status")
    fill_red_without_reason_then_with(page, "Leverandøren er tre måneder forsinket.", "Testmiljøet er ikke levert.",
                                      shot=f"journey-{username}-overall-{width(page)}")

    assert_feedback(page, "Statusoppdateringen er lagret.")
    page.screenshot(path=SCREENSHOTS / f"journey-{username}-overall-saved-{width(page)}-viewport.png")
    measure.refresh_from_db()
    assert (measure.traffic_light, measure.light_reason, measure.status_text) == (
        "red", "Leverandøren er tre måneder forsinket.", "Testmiljøet er ikke levert.")
    overall = StatusUpdate.objects.filter(measure=measure, municipality=None).latest("created_at")
    assert overall.author == user and measure.last_status_at > (overall_before[1] or dt.datetime.min.replace(tzinfo=OSLO))
    expect(page.locator("#status-heading + p.badges")).to_contain_text("Ikke i rute")
    expect(page.locator("ol.timeline > li").first).to_contain_text("Leverandøren er tre måneder forsinket.")
    check_a11y(page)
    no_horizontal_scrolling(page)
    snap(page, f"journey-{username}-overall-saved-{width(page)}")
    assert page.console_errors == [], page.console_errors


def test_the_forms_on_their_own_pages_save_without_javascript(browser, live_server, world, login):
    context = browser.new_context(java_script_enabled=False, locale="nb-NO", viewport={"width": 375, "height": 812})
    try:
        page = context.new_page()
        login(page, live_server, "admin_kafjord", password=PASSWORD)
        page.goto(f"{live_server.url}/tiltak/{world.shared.pk}/")
        page.get_by_role("link", name="Rapporter delen til Kåfjord").click()
        fill_form = page.locator("form.status-form")
        fill_form.get_by_label("Risiko", exact=True).check()
        fill_form.get_by_label("Begrunnelse for trafikklyset").fill("Uten JavaScript")
        fill_form.locator("button[type=submit]").click()

        expect(page.locator("#melding")).to_contain_text("Delen til Kåfjord er lagret.")
        expect(page.locator("#melding")).to_be_in_viewport()
        part = StatusUpdate.objects.filter(measure=world.shared).latest("created_at")
        assert (part.municipality, part.traffic_light, part.light_reason) == (world.kafjord, "amber", "Uten JavaScript")
    finally:
        context.close()


# -- Politicians: the municipality's own part -----------------------------------------


def test_a_politician_lands_on_the_municipality_and_sees_its_own_part(any_page, live_server, world, check_a11y, snap):
    page, measure = any_page, world.shared
    today = timezone.localdate()
    Measure.objects.filter(pk=measure.pk).update(budget=Decimal(300_000), budget_recurrence="yearly",
                                                 cost_key=world.cost_key)
    measure_post_status_update(acting_user=world.secretariat, measure=measure, reported_on=today, phase="in_progress",
                               traffic_light="green", status_text="Anskaffelsen går etter planen.")
    measure_post_status_update(acting_user=world.admin_kafjord, measure=measure, municipality=world.kafjord,
                               reported_on=today, phase="in_progress", traffic_light="red",
                               light_reason="Kåfjord mangler arkivar.")
    measure_post_status_update(acting_user=world.admin_lyngen, measure=measure, municipality=world.lyngen,
                               reported_on=today, phase="in_progress", traffic_light="green")

    log_in_from_the_start_page(page, live_server, "ordforer_kafjord")

    expect(page).to_have_url(f"{live_server.url}/samarbeid/nord-troms/kommune/5426/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Kåfjord"))
    row = page.locator("table.measure-table tbody tr").filter(has_text="Nytt sak- og arkivsystem")
    expect(row.locator("td[data-label='Samlet status']")).to_contain_text("I rute")
    expect(row.locator("td[data-label='Samlet status']")).to_contain_text("Delene: 1 i rute, 1 ikke i rute")
    expect(row.locator("td[data-label='Delen til Kåfjord']")).to_contain_text("Ikke i rute")
    expect(row.locator("td[data-label='Delen til Kåfjord']")).to_be_visible()
    no_horizontal_scrolling(page)
    check_a11y(page)
    snap(page, f"journey-politician-landing-{width(page)}")

    page.locator("nav.dash-nav").get_by_role("link", name="Oversikt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nord-Troms: oversikt over tiltakene")
    no_horizontal_scrolling(page)
    page.locator("nav.dash-nav").get_by_role("link", name="Kostnader").click()
    expect(page.locator("table.cost-table")).to_contain_text("Nytt sak- og arkivsystem")
    no_horizontal_scrolling(page)
    snap(page, f"journey-politician-costs-{width(page)}")
    page.locator("table").get_by_role("link", name="Kåfjord").first.click()
    expect(page).to_have_url(re.compile(r"/samarbeid/nord-troms/kommune/5426/\?%C3%A5r=\d{4}$"))
    expect(page.locator("table.measure-table td[data-label='Delen til Kåfjord']").first).to_contain_text("Ikke i rute")

    page.get_by_role("link", name="Mine samarbeid").click()
    expect(page.get_by_role("link", name="Kåfjord i Nord-Troms")).to_be_visible()
    assert page.console_errors == [], page.console_errors


# -- The secretariat: council reports ---------------------------------------------------


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=OSLO)


@pytest.fixture
def report_year_portfolio(world, settings, tmp_path):
    """Last year (the order form's default year): an overall update and
    Kåfjord's part with reasons and follow-ups; a measure whose only update is from 2019."""
    settings.MEDIA_ROOT = tmp_path
    year = timezone.localdate().year - 1
    archive = make_measure(world.collaboration, title="Felles arkivløsning", strategy=world.strategy,
                           owner_municipality=world.kafjord, participants=[world.kafjord, world.lyngen],
                           recorded_at=at(dt.date(year, 1, 5)))
    measure_post_status_update(
        acting_user=world.admin_kafjord, measure=archive, reported_on=dt.date(year, 5, 10), phase="in_progress",
        traffic_light="amber", light_reason="Leverandøren er forsinket.", status_text="Kontrakt signert i mai.",
        follow_up_text="Ny tidsplan fra leverandøren", follow_up_responsible="IT-leder",
        follow_up_due=dt.date(year, 9, 1), recorded_at=at(dt.date(year, 5, 10)))
    measure_post_status_update(
        acting_user=world.admin_kafjord, measure=archive, municipality=world.kafjord,
        reported_on=dt.date(year, 10, 2), phase="in_progress", traffic_light="red",
        light_reason="Kåfjord mangler lisenser.", status_text="Kåfjord venter på lisensene.",
        follow_up_text="Bestille lisenser", follow_up_responsible="Kommunedirektøren",
        recorded_at=at(dt.date(year, 10, 2)))
    old = make_measure(world.collaboration, title="Felles strategidokument", strategy=world.strategy,
                       participants=[world.kafjord, world.lyngen], recorded_at=at(dt.date(2019, 3, 1)))
    measure_post_status_update(acting_user=world.secretariat, measure=old, reported_on=dt.date(2019, 9, 1),
                               phase="in_progress", traffic_light="green",
                               status_text="Utarbeider felles strategidokument høst 2019.",
                               recorded_at=at(dt.date(2019, 9, 1)))
    return year


@pytest.mark.usefixtures("eager_celery")
def test_the_secretariat_orders_council_reports_with_the_defaults_and_reads_them(any_page, live_server, world,
                                                                                report_year_portfolio, check_a11y,
                                                                                snap):
    page, year = any_page, report_year_portfolio
    log_in_from_the_start_page(page, live_server, "sekretariat")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nord-Troms")
    page.get_by_role("link", name="Årsrapporter").first.click()
    form = page.locator("form.order-form")
    expect(form.get_by_label("År")).to_have_value(str(year))
    expect(form.get_by_label("Skjæringsdato")).to_have_value("")
    form.get_by_role("button", name="Lag rapportene").click()

    assert_feedback(page, "2 rapporter er bestilt.")
    rows = page.locator("table.reports tbody tr")
    expect(rows.filter(has_text="Kåfjord kommunestyre")).to_contain_text("Ferdig")
    job = ReportJob.objects.get(municipality=world.kafjord)
    assert (job.year, job.cutoff, job.report_type) == (year, dt.date(year, 12, 31), "council")
    with page.expect_download() as download:
        rows.filter(has_text="Kåfjord kommunestyre").get_by_role("link", name="Last ned").click()
    reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())

    assert "Tiltak Kåfjord er med i" in text
    assert "Leverandøren er forsinket." in text and "Kontrakt signert i mai." in text       # this year's status
    assert "Ny tidsplan fra leverandøren" in text and "IT-leder" in text                     # its follow-up
    assert "Delen til Kåfjord" in text and "Kåfjord mangler lisenser." in text               # own part, reason
    assert "Bestille lisenser" in text and "Kommunedirektøren" in text                      # and follow-up
    assert "Frist passert" in text                                                          # overdue (1 Sep)
    assert (f"Ingen samlet statusoppdatering fra 01.01.{year} til 31.12.{year}. "
            "Siste samlede statusoppdatering er fra 01.09.2019.") in text
    assert "Utarbeider felles strategidokument" not in text                                  # no stale narrative

    page.get_by_role("link", name=re.compile(f"^Publiser … rapport {job.pk}$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publisere rapporten?")
    expect(page.get_by_text("Publiseringen kan ikke angres.")).to_be_visible()
    check_a11y(page)
    snap(page, f"journey-secretariat-publish-confirm-{width(page)}")
    assert ReportJob.objects.get(pk=job.pk).published_at is None
    page.get_by_role("button", name="Publiser rapporten").click()
    assert_feedback(page, f"Rapport {job.pk} er publisert.")
    assert ReportJob.objects.get(pk=job.pk).published_by == world.secretariat

    # this year, cut-off left blank: accepted, cut off today
    form = page.locator("form.order-form")
    form.get_by_label("År").fill(str(year + 1))
    form.get_by_label("Mottaker").select_option(label="Kåfjord")
    form.get_by_role("button", name="Lag rapportene").click()
    assert_feedback(page, "1 rapport er bestilt.")
    assert ReportJob.objects.filter(year=year + 1).get().cutoff == timezone.localdate()
    no_horizontal_scrolling(page)
    check_a11y(page)
    snap(page, f"journey-secretariat-archive-{width(page)}")
    assert page.console_errors == [], page.console_errors
