"""The secretariat registers a host agreement in the browser, at 1366 px and
at 375 px: start page → log in → the collaboration → Forvaltning →
Vertskommuneavtaler → a new agreement → two participants → one council's
adoption (the page names the council that has not adopted) → a participant
gives notice (an exit before the earliest date is refused, naming it; a
valid one is saved). Then a politician and an anonymous visitor read the
published agreement without any edit links. axe-core on every new page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from collaborations.access.models import AuditEvent
from collaborations.economy.models import HostAgreement
from tests.browser.conftest import assert_feedback, log_in_from_the_start_page, no_horizontal_scrolling, width
from tests.browser.forms import fill_it_agreement

K = AuditEvent.Kind

pytestmark = pytest.mark.browser


def submit(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").click()


def test_the_secretariat_registers_a_host_agreement(any_page, live_server, world, check_a11y, snap):
    page = any_page
    w = width(page)

    def check(page: Page) -> None:
        check_a11y(page)
        no_horizontal_scrolling(page)

    log_in_from_the_start_page(page, live_server, "sekretariat")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nord-Troms")
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forvaltning")
    section = page.locator("section", has=page.get_by_role("heading", name="Vertskommuneavtaler og kostnader"))
    section.get_by_role("link", name="Vertskommuneavtaler", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vertskommuneavtaler")
    check(page)

    # a new agreement
    page.get_by_role("link", name="Ny vertskommuneavtale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny vertskommuneavtale")
    check(page)
    fill_it_agreement(page)
    submit(page)
    assert_feedback(page, "Avtalen er registrert")
    expect(page.get_by_role("heading", level=1)).to_have_text("IT-drift")
    agreement = HostAgreement.objects.get(service="IT-drift")
    assert (agreement.host, agreement.legal_basis, agreement.positions, agreement.annual_cost,
            agreement.cost_key, agreement.notice_months) == (
        world.kafjord, "20-2", Decimal("4"), Decimal("1200000"), world.cost_key, 12)

    # two participants, from the start
    for name in ("Kåfjord", "Lyngen"):
        page.get_by_role("link", name="Legg til deltaker").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Legg til deltaker i IT-drift")
        page.get_by_label("Kommune", exact=True).select_option(label=name)
        page.get_by_label("Hvorfor blir kommunen med?").fill("Med fra avtalens start")
        submit(page)
        assert_feedback(page, f"{name} er med i avtalen")
    check(page)
    assert sorted(agreement.participants.values_list("municipality__name", flat=True)) == ["Kåfjord", "Lyngen"]

    # Kåfjord's council adopts it
    page.get_by_role("link", name="Registrer vedtak i Kåfjord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunestyrets vedtak i Kåfjord")
    check(page)
    page.get_by_label("Vedtatt i kommunestyret").fill("2024-12-10")
    page.get_by_label("Saksnummer", exact=True).fill("54/24")
    page.get_by_label("Hvorfor registreres vedtaket?").fill("Protokoll fra kommunestyret")
    submit(page)
    assert_feedback(page, "Vedtaket i Kåfjord er registrert")
    expect(page.get_by_text("Ikke behandlet i kommunestyret ennå: Lyngen")).to_be_visible()
    expect(page.locator("tr", has_text="Kåfjord").first).to_contain_text("10.12.2024, sak 54/24")
    expect(page.locator("tr", has_text="Lyngen").first).to_contain_text("Ikke behandlet i kommunestyret ennå")
    snap(page, f"agreement-detail-{w}")

    # Lyngen gives notice: too early, then on the earliest date
    page.get_by_role("link", name="Uttreden for Lyngen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uttreden for Lyngen")
    expect(page.get_by_text("Avtalen har 12 måneders oppsigelsestid")).to_be_visible()
    check(page)
    page.get_by_label("Oppsigelsen ble gitt").fill("2025-03-15")
    page.get_by_label("Uttreden (siste dag i avtalen)").fill("2025-12-31")
    page.get_by_label("Hvorfor trer kommunen ut?").fill("Lyngen bygger egen IT-drift")
    submit(page)
    assert_feedback(page, "Skjemaet har feil")
    expect(page.locator("#id_left_on_error")).to_contain_text("Tidligste uttreden er 15.03.2026")
    expect(page.get_by_text("Med oppsigelse 15.03.2025 er tidligste uttreden 15.03.2026.")).to_be_visible()
    expect(page.get_by_label("Hvorfor trer kommunen ut?")).to_have_value("Lyngen bygger egen IT-drift")
    check(page)
    assert agreement.participants.get(municipality=world.lyngen).left_on is None
    page.get_by_label("Uttreden (siste dag i avtalen)").fill("2026-03-15")
    submit(page)
    assert_feedback(page, "Uttreden for Lyngen er registrert")
    expect(page.locator("tr", has_text="Lyngen").first).to_contain_text("15.03.2026")
    check(page)

    lyngen = agreement.participants.get(municipality=world.lyngen)
    kafjord = agreement.participants.get(municipality=world.kafjord)
    assert lyngen.left_on == dt.date(2026, 3, 15)
    assert (kafjord.adopted_on, kafjord.case_number) == (dt.date(2024, 12, 10), "54/24")
    assert lyngen.history.latest().history_change_reason == "Lyngen bygger egen IT-drift"
    assert agreement.history.latest().history_user == world.secretariat
    kinds = list(AuditEvent.objects.filter(collaboration=world.collaboration, kind__in=[
        K.AGREEMENT_SAVED, K.AGREEMENT_JOINED, K.AGREEMENT_LEFT]).order_by("pk").values_list("kind", flat=True))
    assert kinds == [K.AGREEMENT_SAVED, K.AGREEMENT_JOINED, K.AGREEMENT_JOINED, K.AGREEMENT_SAVED, K.AGREEMENT_LEFT]
    left = AuditEvent.objects.get(kind=K.AGREEMENT_LEFT)
    assert left.new_value["Tidligste uttreden"] == "15.03.2026" and left.acting_user == world.secretariat
    expect(page.get_by_role("heading", name="Historikk")).to_be_visible()
    expect(page.locator("ol.timeline")).to_contain_text("Lyngen bygger egen IT-drift")

    # the cost keys from the workspace
    page.goto(f"{live_server.url}/samarbeid/nord-troms/forvaltning/")
    # Lyngen has left and Kåfjord has adopted: no agreement waits for a council any more
    expect(page.locator("section", has_text="Vertskommuneavtaler og kostnader")).not_to_contain_text("mangler vedtak")
    page.get_by_role("link", name="Kostnadsnøkler").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kostnadsnøkler")
    check(page)
    page.get_by_role("link", name="Ny kostnadsnøkkel").click()
    check(page)
    page.get_by_label("Navn", exact=True).fill("Lik fordeling")
    page.get_by_label("Fast andel (%)").fill("100")
    page.get_by_label("Andel etter innbyggertall (%)").fill("10")
    page.get_by_label("Innbyggertall per 1.1.").fill("2025")
    page.get_by_label("Hvorfor opprettes nøkkelen?").fill("Til små avtaler")
    submit(page)
    expect(page.locator("#id_population_share_percent_error")).to_have_text(
        "Fast andel og andel etter innbyggertall må til sammen bli 100 %.")
    check(page)
    page.get_by_label("Andel etter innbyggertall (%)").fill("0")
    submit(page)
    assert_feedback(page, "Kostnadsnøkkelen er lagret")
    expect(page.locator("main table")).to_contain_text("Lik fordeling")
    assert page.console_errors == [], page.console_errors


@pytest.mark.parametrize("username", ["ordforer_kafjord", None])
def test_a_politician_and_the_public_read_the_agreement_without_edit_links(page, live_server, world, check_a11y,
                                                                            username):
    agreement = HostAgreement.objects.create(collaboration=world.collaboration, service="IT-drift",
                                             host=world.kafjord, positions=Decimal("4"), notice_months=12)
    agreement.participants.create(municipality=world.lyngen)
    if username:
        log_in_from_the_start_page(page, live_server, username)
    page.goto(f"{live_server.url}/samarbeid/nord-troms/avtaler/")
    page.get_by_role("link", name="IT-drift").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IT-drift")
    expect(page.get_by_text("Ikke behandlet i kommunestyret ennå: Lyngen")).to_be_visible()
    for link in ("Endre avtalen", "Legg til deltaker", "Registrer vedtak i Lyngen", "Uttreden for Lyngen"):
        expect(page.get_by_role("link", name=link)).to_have_count(0)
    check_a11y(page)
