"""People and roles, at 1366 px and at 375 px: start page → log in as the
secretariat → the collaboration → Forvaltning → Roller (Storfjord flagged:
no administrator) → invite a user for the outside partner UNN HF → the
e-mail's link opened in a fresh browser → choose a password → log in as the
partner → Mine tiltak → the measure → report UNN HF's part (green; amber
without a reason refused, then with one) → the database and the page → the
person's page → the secretariat revokes the role with a reason → the partner
can no longer report (403). Every new page passes axe-core."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from collaborations.access.models import AuditEvent, Role, RoleAssignment
from collaborations.portfolio.models import StatusUpdate
from collaborations.portfolio.services import measure_update
from collaborations.registry.models import Membership, OutsidePartner
from tests.browser.conftest import LOCALE, PASSWORD, PHONE, TIMEZONE, assert_feedback, no_horizontal_scrolling
from tests.browser.forms import fill_partner_invitation
from tests.factories import make_municipality

NEW_PASSWORD = "UNN-lege-sitt-passord-2026"

pytestmark = pytest.mark.browser


def people_section(page: Page):
    return page.locator("section", has=page.get_by_role("heading", name="Personer og roller"))


def log_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Logg inn").click()


def test_the_secretariat_invites_a_partner_who_reports_its_part(any_page, browser, live_server, world, check_a11y,
                                                                snap):
    page, w = any_page, world
    wide = page.viewport_size["width"]
    storfjord = make_municipality("Storfjord", "5538")
    Membership.objects.create(collaboration=w.collaboration, municipality=storfjord)
    unn = OutsidePartner.objects.create(name="UNN HF", kind=OutsidePartner.Kind.HEALTH_TRUST)
    measure_update(acting_user=w.secretariat, measure=w.shared, expected_version=w.shared.version,
                   reason="UNN HF deltar", partner_ids=[unn.pk])

    # Start page → log in → the collaboration → Forvaltning → Roller
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Logg inn", exact=True).click()
    log_in(page, "sekretariat", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nord-Troms")
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forvaltning")
    expect(people_section(page)).to_contain_text("1 medlemskommune uten kommuneadministrator")
    check_a11y(page)
    people_section(page).get_by_role("link", name="Roller", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roller")
    expect(page.get_by_role("row", name=re.compile("Storfjord"))).to_contain_text(
        "Ingen kommuneadministrator: får ingen påminnelser")
    check_a11y(page)
    no_horizontal_scrolling(page)
    snap(page, f"people-roles-{wide}")

    # Invite a user for UNN HF: first with the wrong kind of scope (refused, what was typed kept), then right
    page.get_by_role("link", name="Inviter en person").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inviter en person")
    check_a11y(page)
    fill_partner_invitation(page, scope="Nord-Troms", reason="Rapporterer UNN HF sin del av arkivtiltaket")
    page.get_by_role("button", name="Send invitasjonen").click()
    assert_feedback(page, "Skjemaet har feil")
    expect(page.get_by_text("Rollen gjelder en ekstern partner: velg partneren.")).to_be_visible()
    expect(page.get_by_label("E-post", exact=True)).to_have_value("lise.lege@unn.no")
    assert mail.outbox == []
    check_a11y(page)
    page.get_by_label("Gjelder", exact=True).select_option(label="UNN HF")
    page.get_by_role("button", name="Send invitasjonen").click()
    assert_feedback(page, "Invitasjonen er sendt til lise.lege@unn.no")
    partner_user = RoleAssignment.objects.get(role=Role.PARTNER, partner=unn).user
    assert partner_user.username == "lise.lege@unn.no" and not partner_user.has_usable_password()
    invited = AuditEvent.objects.get(kind=AuditEvent.Kind.USER_INVITED, modified_user=partner_user)
    assert (invited.acting_user, invited.reason) == (w.secretariat, "Rapporterer UNN HF sin del av arkivtiltaket")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_GRANTED, modified_user=partner_user,
                                     collaboration=w.collaboration).exists()
    expect(page.get_by_role("row", name=re.compile("Lise Lege"))).to_contain_text("UNN HF")

    # The e-mail: a link to choose a password, valid for 3 days, opened in a fresh browser
    message = mail.outbox[-1]
    assert message.to == ["lise.lege@unn.no"] and "3 dager" in message.body
    link = re.search(r"(http://\S+/konto/reset/\S+)", message.body).group(1)
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if wide == 375 else {
        "viewport": page.viewport_size}
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, **options)
    context.set_default_timeout(10_000)
    partner = context.new_page()
    try:
        partner.goto(link)
        partner.locator("input[name=new_password1]").fill(NEW_PASSWORD)
        partner.locator("input[name=new_password2]").fill(NEW_PASSWORD)
        partner.locator("main").get_by_role("button").first.click()
        partner.locator("main").get_by_role("link", name=re.compile("[Ll]ogg inn")).first.click()
        log_in(partner, "lise.lege@unn.no", NEW_PASSWORD)

        # Mine tiltak → the measure → UNN HF's part
        expect(partner.get_by_role("heading", level=1)).to_have_text("Mine tiltak")
        assert "Helhetlig ROS-analyse" not in partner.content()
        partner.get_by_role("link", name="Nytt sak- og arkivsystem").first.click()
        expect(partner.get_by_role("heading", level=1)).to_have_text("Nytt sak- og arkivsystem")
        check_a11y(partner)
        partner.get_by_role("link", name="Rapporter delen til UNN HF").click()
        expect(partner.get_by_role("heading", level=1)).to_have_text("Rapporter delen til UNN HF")
        check_a11y(partner)
        form = partner.locator("form.status-form")
        form.get_by_label("I rute", exact=True).check()
        form.get_by_label("Hva har skjedd?").fill("Legene er med i arbeidsgruppen.")
        form.get_by_role("button", name="Lagre delen til UNN HF").click()
        assert_feedback(partner, "Delen til UNN HF er lagret.")

        partner.get_by_role("link", name="Rapporter delen til UNN HF").click()
        form = partner.locator("form.status-form")
        form.get_by_label("Risiko", exact=True).check()
        form.get_by_label("Hva har skjedd?").fill("Permisjon i legegruppen.")
        form.get_by_role("button", name="Lagre delen til UNN HF").click()
        assert_feedback(partner, "Skjemaet har feil")
        expect(partner.locator("form.status-form").get_by_label("Hva har skjedd?")).to_have_value(
            "Permisjon i legegruppen.")
        assert StatusUpdate.objects.filter(partner=unn).count() == 1
        check_a11y(partner)
        partner.locator("form.status-form").get_by_label(re.compile("^Begrunnelse")).fill("To leger i permisjon")
        partner.locator("form.status-form").get_by_role("button", name="Lagre delen til UNN HF").click()
        assert_feedback(partner, "Delen til UNN HF er lagret.")
        updates = list(StatusUpdate.objects.filter(measure=w.shared).order_by("created_at"))
        assert [(u.partner, u.municipality, u.traffic_light, u.author) for u in updates] == [
            (unn, None, "green", partner_user), (unn, None, "amber", partner_user)]
        parts = partner.locator("li.part-partner", has_text="UNN HF")
        expect(parts).to_contain_text("To leger i permisjon")
        expect(parts).to_contain_text("Risiko")
        no_horizontal_scrolling(partner)
        snap(partner, f"people-partner-part-{wide}")

        # The secretariat: the person's page, then revokes the role with a reason
        page.get_by_role("row", name=re.compile("Lise Lege")).get_by_role("link", name="Lise Lege", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Lise Lege")
        expect(page.get_by_text("lise.lege@unn.no").first).to_be_visible()
        check_a11y(page)
        snap(page, f"people-person-{wide}")
        page.go_back()
        page.get_by_role("row", name=re.compile("Lise Lege")).get_by_role("link", name=re.compile("Fjern rollen")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Fjern rollen")
        check_a11y(page)
        page.get_by_role("button", name="Fjern rollen").click()
        assert_feedback(page, "Skjemaet har feil")
        page.get_by_label("Hvorfor fjernes rollen?").fill("Lise har sluttet ved UNN")
        page.get_by_role("button", name="Fjern rollen").click()
        assert_feedback(page, "Rollen Ekstern partner er fjernet fra Lise Lege.")
        assignment = RoleAssignment.objects.get(role=Role.PARTNER, partner=unn)
        assert assignment.revoked_by == w.secretariat
        assert AuditEvent.objects.get(kind=AuditEvent.Kind.ROLE_REVOKED, modified_user=partner_user).reason == \
            "Lise har sluttet ved UNN"

        # The partner can no longer report
        response = partner.goto(f"{live_server.url}/tiltak/{w.shared.pk}/partner/{unn.pk}/")
        assert response.status == 403
        assert StatusUpdate.objects.filter(partner=unn).count() == 2
    finally:
        context.close()
