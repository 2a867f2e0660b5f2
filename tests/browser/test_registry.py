"""The secretariat keeps the members and networks, at 1366 px and at 375 px:
start page → log in → the collaboration → Forvaltning → Medlemmer → take in a
new member without every original member's consent (refused, the missing
named, nothing saved, what was typed kept) and then with it → a member
leaves (the agreements' notice periods and earliest exit date shown) →
Fagnettverk → the network's members inside and outside the region → a
merger → the old municipality's page says it ended and links to the
successor. Every new page passes axe-core."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from collaborations.access.models import AuditEvent
from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.registry.models import Membership, Municipality, Network, OutsidePartner
from tests.browser.conftest import assert_feedback, log_in_from_the_start_page, no_horizontal_scrolling
from tests.browser.forms import fill_storfjord_membership
from tests.factories import make_municipality

pytestmark = pytest.mark.browser


def section(page: Page):
    return page.locator("section", has=page.get_by_role("heading", name="Medlemmer og nettverk"))


def test_the_secretariat_keeps_members_networks_and_mergers(any_page, live_server, world, check_a11y, snap):
    page, w = any_page, world
    wide = page.viewport_size["width"]
    skjervoy = make_municipality("Skjervøy", "5542")
    Membership.objects.create(collaboration=w.collaboration, municipality=skjervoy, joined_on=dt.date(2018, 1, 1))
    storfjord = make_municipality("Storfjord", "5538")
    make_municipality("Balsfjord", "5532")
    OutsidePartner.objects.create(name="Karlsøy kommune", kind=OutsidePartner.Kind.MUNICIPALITY)
    agreement = HostAgreement.objects.create(collaboration=w.collaboration, service="IT-drift", host=w.kafjord,
                                             positions=Decimal(4), notice_months=12)
    HostAgreementParticipant.objects.create(agreement=agreement, municipality=w.lyngen)

    # Start page → log in → the collaboration's page → Forvaltning → Medlemmer
    log_in_from_the_start_page(page, live_server, "sekretariat")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nord-Troms")
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forvaltning")
    check_a11y(page)
    section(page).get_by_role("link", name="Medlemmer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medlemmer")
    check_a11y(page)
    no_horizontal_scrolling(page)
    snap(page, f"registry-members-{wide}")

    # Take in Storfjord without Skjervøy's consent: refused, nothing saved, the form keeps what was typed
    page.get_by_role("link", name="Ta opp nytt medlem").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ta opp nytt medlem")
    fill_storfjord_membership(page, joined_on="2026-01-01", consents={"Kåfjord": "PS 12/25, 01.10.2025", "Lyngen": None},
                              reason="Vedtak i regionrådet 12.11.2025")
    page.get_by_role("button", name="Ta opp som medlem").click()
    assert_feedback(page, "Mangler samtykke fra Skjervøy")
    expect(page.get_by_label("Vedtak i kommunestyret i Kåfjord (dato og saksnummer)")).to_have_value(
        "PS 12/25, 01.10.2025")
    expect(page.get_by_label("Kåfjord samtykker")).to_be_checked()
    assert not Membership.objects.filter(municipality=storfjord).exists()
    check_a11y(page)
    no_horizontal_scrolling(page)
    snap(page, f"registry-member-add-refused-{wide}")

    # ... and with everyone's consent
    page.get_by_label("Skjervøy samtykker").check()
    page.get_by_role("button", name="Ta opp som medlem").click()
    assert_feedback(page, "Storfjord er tatt opp som medlem fra 01.01.2026.")
    membership = Membership.objects.get(municipality=storfjord)
    assert (membership.joined_on, membership.is_original_member) == (dt.date(2026, 1, 1), False)
    assert membership.history.latest().history_user == w.secretariat
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.MEMBERSHIP_ADDED)
    assert "Kåfjord: PS 12/25, 01.10.2025" in event.reason

    # Lyngen leaves: the agreement it still takes part in, its notice period and the earliest exit
    page.get_by_role("link", name="Uttreden for Lyngen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lyngen trer ut")
    check_a11y(page)
    page.get_by_label("Siste dag som medlem").fill("2026-12-31")
    page.get_by_label("Hvorfor trer kommunen ut?").fill("Kommunestyret i Lyngen, sak 33/26")
    page.get_by_role("button", name="Registrer uttreden").click()
    assert_feedback(page, "Uttreden er registrert.")
    expect(page.get_by_text("«IT-drift» (vert: Kåfjord): 12 måneders oppsigelsestid.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Tidligste uttreden: \d\d\.\d\d\.\d{4}"))).to_be_visible()
    assert w.collaboration.memberships.get(municipality=w.lyngen).left_on == dt.date(2026, 12, 31)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MEMBERSHIP_ENDED, acting_user=w.secretariat).count() == 1
    check_a11y(page)
    no_horizontal_scrolling(page)
    snap(page, f"registry-member-exit-{wide}")

    # Fagnettverk: the network's members inside and outside the region
    page.get_by_role("link", name="Nord-Troms").first.click()
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    section(page).get_by_role("link", name="Fagnettverk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fagnettverk")
    check_a11y(page)
    page.get_by_role("link", name="Fagnettverk arkivledere").click()
    check_a11y(page)
    page.get_by_role("link", name="Endre nettverket").click()
    page.get_by_label("Balsfjord").check()
    page.get_by_label("Karlsøy kommune").check()
    page.get_by_label("Møterytme").fill("To møter i året")
    page.get_by_label("Hvorfor endres nettverket?").fill("Balsfjord og Karlsøy er med fra høsten")
    check_a11y(page)
    no_horizontal_scrolling(page)
    page.get_by_role("button", name="Lagre endringene").click()
    assert_feedback(page, "Endringene er lagret.")
    outside = page.locator("section", has=page.get_by_role("heading", name="Deltakere utenfor samarbeidet"))
    expect(outside).to_contain_text("Balsfjord")
    expect(outside).to_contain_text("Karlsøy kommune")
    network = Network.objects.get(pk=w.network.pk)
    assert set(network.member_municipalities.values_list("name", flat=True)) == {"Kåfjord", "Lyngen", "Balsfjord"}
    assert network.history.latest().history_change_reason == "Balsfjord og Karlsøy er med fra høsten"
    snap(page, f"registry-network-{wide}")

    # A merger: Kåfjord and Skjervøy become a new municipality
    page.get_by_role("link", name="Nord-Troms").first.click()
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    section(page).get_by_role("link", name="Kommunesammenslåing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunesammenslåing")
    check_a11y(page)
    page.get_by_label("Kåfjord", exact=True).check()
    page.get_by_label("Skjervøy", exact=True).check()
    page.get_by_label("Første dag for den nye kommunen").fill("2026-06-01")
    page.get_by_label("Ny kommunes kommunenummer").fill("5599")
    page.get_by_label("Ny kommunes navn").fill("Nordkysten")
    page.get_by_label("Ny kommunes fylke").select_option(label="Troms")
    page.get_by_label("Hvorfor registreres sammenslåingen?").fill("Vedtak i Stortinget")
    no_horizontal_scrolling(page)
    snap(page, f"registry-merger-{wide}")
    page.get_by_role("button", name="Registrer sammenslåingen").click()
    assert_feedback(page, "Sammenslåingen er registrert: Kåfjord, Skjervøy ble Nordkysten fra 01.06.2026.")
    successor = Municipality.objects.get(name="Nordkysten")
    assert Municipality.objects.get(pk=w.kafjord.pk).successor == successor
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MUNICIPALITY_MERGED, acting_user=w.secretariat).exists()

    # The old municipality's page says when it ended and links to the successor
    page.get_by_role("link", name="Kåfjord", exact=True).click()
    expect(page.get_by_text("Opphørte 31.05.2026")).to_be_visible()
    check_a11y(page)
    snap(page, f"registry-ended-municipality-{wide}")
    page.locator(".ended-notice").get_by_role("link", name="Nordkysten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nordkysten i samarbeidet")
    check_a11y(page)
