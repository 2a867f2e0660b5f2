"""The report archive in a real browser: the secretariat orders all
member councils' reports with one click, follows progress without reloading,
downloads and publishes; a politician reads finished reports and publishes nothing."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from reporting import services
from reporting.models import ReportJob
from tests.reporting.helpers import eager_celery  # noqa: F401

PASSWORD = "passord-for-test-123"

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_it_lets_the_secretariat_generate_download_and_publish(page, live_server, world, media, login,
                                                               check_a11y, snap):
    login(page, live_server, "sekretariat", password=PASSWORD)
    page.goto(f"{live_server.url}/rapporter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapporter")
    check_a11y(page)
    form = page.locator("form.order-form")
    form.get_by_label("Samarbeid").select_option(label="Nord-Troms")
    form.get_by_label("Rapporttype").select_option(label="Årsrapport til kommunestyret")
    form.get_by_label("År").fill("2024")
    form.get_by_label("Skjæringsdato").fill("2024-12-31")
    form.get_by_role("button", name="Lag rapportene").click()

    expect(page.get_by_text("2 rapporter er bestilt. Framdriften vises under.")).to_be_visible()
    rows = page.locator("table.reports tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Kåfjord kommunestyre")
    expect(rows.nth(0)).to_contain_text("Ferdig")
    expect(rows.nth(1)).to_contain_text("Lyngen kommunestyre")
    check_a11y(page)
    snap(page, "reports-01-archive", mobile=True)

    kafjord = ReportJob.objects.get(municipality=world.kafjord)
    with page.expect_download() as download:
        rows.nth(0).get_by_role("link", name="Last ned").click()
    assert download.value.suggested_filename == f"Årsrapport til kommunestyret 2024 Kåfjord (rapport {kafjord.pk}).pdf"
    assert download.value.path().read_bytes()[:5] == b"%PDF-"

    rows.nth(0).get_by_role("link", name="Publiser …").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publisere rapporten?")
    expect(page.get_by_text("Publiseringen kan ikke angres.")).to_be_visible()
    assert ReportJob.objects.get(pk=kafjord.pk).published_at is None  # the link only asks
    check_a11y(page)
    snap(page, "reports-01b-publish-confirm", mobile=True)
    page.get_by_role("button", name="Publiser rapporten").click()
    expect(page.get_by_text(f"Rapport {kafjord.pk} er publisert. Den kan ikke lenger endres eller slettes.")) \
        .to_be_visible()
    row = page.locator(f"#job-{kafjord.pk}")
    expect(row.get_by_role("button", name="Slett")).to_have_count(0)
    expect(row.get_by_role("button", name="Ny, rettet versjon")).to_be_visible()
    assert ReportJob.objects.get(pk=kafjord.pk).published_at is not None
    check_a11y(page)
    snap(page, "reports-02-published")


def test_it_shows_progress_without_reloading(page, live_server, world, media, login):
    job = ReportJob.objects.create(collaboration=world.collaboration, report_type="regional", year=2024,
                                   cutoff=dt.date(2024, 12, 31), requested_by=world.secretariat)
    login(page, live_server, "sekretariat", password=PASSWORD)
    page.goto(f"{live_server.url}/rapporter/?samarbeid=nord-troms")
    row = page.locator(f"#job-{job.pk}")
    expect(row).to_contain_text("I kø")
    page.evaluate("() => { window.notReloaded = true; }")

    result = services.report_render(job_id=job.pk)  # what a worker does
    services.report_mark_done(job_id=job.pk, attempt=result["attempt"])

    expect(row).to_contain_text("Ferdig", timeout=8000)  # the 2 s poll picks it up
    expect(row.get_by_role("link", name="Last ned")).to_be_visible()
    assert page.evaluate("() => window.notReloaded") is True
    assert row.get_attribute("hx-trigger") is None  # polling stops when the job is finished


def test_it_shows_politicians_finished_reports_but_nothing_unfinished(page, live_server, world, media, login,
                                                                     check_a11y):
    """Politicians of the members read a finished report before it is
    published (read_reports); they never see one that is not finished, and
    they publish nothing."""
    draft = services.report_request(acting_user=world.secretariat, collaboration=world.collaboration,
                                    report_type="regional", year=2024).jobs.get()
    public = services.report_request(acting_user=world.secretariat, collaboration=world.collaboration,
                                     report_type="council", year=2024, municipality=world.kafjord).jobs.get()
    services.report_publish(acting_user=world.secretariat, job=public)
    unfinished = ReportJob.objects.create(collaboration=world.collaboration, report_type="regional", year=2025,
                                          cutoff=dt.date(2025, 6, 30), requested_by=world.secretariat)
    login(page, live_server, "ordforer_kafjord", password=PASSWORD)
    page.goto(f"{live_server.url}/rapporter/")
    expect(page.locator(f"#job-{public.pk}")).to_be_visible()
    expect(page.locator(f"#job-{draft.pk}")).to_be_visible()
    expect(page.locator(f"#job-{unfinished.pk}")).to_have_count(0)
    expect(page.get_by_role("heading", name="Lag rapporter")).to_have_count(0)
    expect(page.get_by_role("link", name="Publiser …")).to_have_count(0)
    check_a11y(page)
