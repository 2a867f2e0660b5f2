"""The secretariat's whole year in the portal, in one browser journey, at
1366 px and at 375 px, without the Django admin. One secretariat user (and
the partner user it invites) moves only by clicking what a user sees:

 1. The start page → "Logg inn" → the secretariat lands on "Mine tiltak"
    (it serves two collaborations) → the main menu's "Samarbeid" →
    Nord-Troms → Forvaltning.
 2. Planer → the plan 2019–2023 → "Rullér planen": the new plan 2024–2027,
    strategy 1 kept, two measures carried over, one closed.
 3. Forvaltning → "Eksterne partnere" → "Ny ekstern partner": UNN HF; then
    "Personer" → "Ny person": the chief executive who will answer for the new
    strategy.
 4. Planer → the new plan → "Ny strategi": strategy 2 with that chief
    executive.
 5. Forvaltning → "Nytt tiltak" under the new strategy, with the outside
    partner UNN HF taking part.
 6. Forvaltning → "Inviter en person": a user for UNN HF. The e-mail's link
    is opened in a fresh browser; the partner chooses a password, logs in,
    and reports UNN HF's part of the new measure.
 7. Forvaltning → "Ny vertskommuneavtale" with Kåfjord and Lyngen, and each
    council's adoption (date and case number).
 8. Forvaltning → "Ta opp nytt medlem": Storfjord, with the consent of both
    original members; then Lyngen leaves, and the page shows the host
    agreement's notice period and the earliest exit.
 9. The Senja merger: the start page → Senja 2020 → Forvaltning →
    "Kommunesammenslåing": Berg, Lenvik, Torsken and Tranøy become the new
    municipality Senja from 01.01.2020. The old municipalities' pages say they
    ended 31.12.2019 and link to Senja; Senja is a member from 01.01.2020.

After each step the test asserts the database (rows, history, and the audit
events with their acting user and reason) and what the page says. axe-core
runs once on every kind of page the journey opens.

Setup, and why: the test world has Nord-Troms (Kåfjord, Lyngen) with one plan.
The journey adds what a secretariat does not create in the portal (reference
data kept by the installation): the municipality Storfjord, and the Senja
merger process (the collaboration "Senja 2020" with Lenvik, Berg, Torsken and Tranøy as members, as in the demo
data). A merger is applied by the secretariat of a collaboration the merging
municipalities are members of, so the journey's secretariat user is given the
secretariat role of Senja 2020 too (through `role_grant`, as a secretariat
serving two collaborations would have it). That is the honest, simplest
route: the same user, the same policy, no superuser and no admin.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from collaborations.access.models import AuditEvent, Role, RoleAssignment
from collaborations.access.roles import role_grant
from collaborations.economy.models import HostAgreement
from collaborations.portfolio.models import Measure, PlanPeriod, StatusUpdate, Strategy
from collaborations.registry.models import Collaboration, Membership, Municipality, OutsidePartner, Person
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, LOCALE, PASSWORD, PHONE, TIMEZONE, assert_feedback
from tests.browser.forms import (
    fill_health_strategy,
    fill_it_agreement,
    fill_partner_invitation,
    fill_shared_measure,
    fill_storfjord_membership,
)
from tests.factories import World, make_collaboration, make_municipality

PARTNER_PASSWORD = "UNN-lege-sitt-passord-2026"
K = AuditEvent.Kind
SENJA_PREDECESSORS = ["Berg", "Lenvik", "Torsken", "Tranøy"]

pytestmark = pytest.mark.browser


@dataclass
class Journey:
    page: Page
    live_server: Any
    world: World
    check_a11y: Callable[[Page], list]
    snap: Callable[..., Any]
    senja_process: Collaboration
    unn: OutsidePartner | None = None
    checked: set[str] = field(default_factory=set)
    found: dict[str, Any] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return self.page.viewport_size["width"]

    def a11y(self, page: Page | None = None) -> None:
        """axe-core once per page (its address and heading, numbers left out: each
        kind of page is checked the first time the journey opens it), and no
        sideways scrolling on it."""
        page = page or self.page
        path = re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]
        heading = page.locator("h1").first.text_content() or ""
        kind = re.sub(r"\d+", "N", f"{path} {heading.strip()}")
        if kind in self.checked:
            return
        self.checked.add(kind)
        self.check_a11y(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], page.url


# -- small helpers -------------------------------------------------------------------------------------------------


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def section(page: Page, heading: str):
    return page.locator("section", has=page.get_by_role("heading", name=heading, exact=True))


def submit(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").click()


def last_event(kind: str, **filters) -> AuditEvent:
    return AuditEvent.objects.filter(kind=kind, **filters).latest("pk")


def assert_event(kind: str, *, by, reason: str, **filters) -> AuditEvent:
    """The newest audit event of `kind` (matching `filters`) was written by `by`, with `reason`."""
    event = last_event(kind, **filters)
    assert (event.acting_user, event.reason) == (by, reason), (kind, event.acting_user, event.reason)
    return event


def open_workspace(j: Journey, collaboration: str) -> None:
    """From any page: the main menu's "Samarbeid" → the collaboration → Forvaltning."""
    page = j.page
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Samarbeid", exact=True).click()
    expect(h1(page)).to_have_text("Interkommunale samarbeid")
    j.a11y()
    page.locator("main").get_by_role("heading", level=2).get_by_role("link", name=collaboration, exact=True).click()
    expect(h1(page)).to_have_text(collaboration)
    j.a11y()
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    expect(h1(page)).to_have_text("Forvaltning")
    j.a11y()


# -- the steps -----------------------------------------------------------------------------------------------------


def step_1_log_in(j: Journey) -> None:
    page = j.page
    page.goto(f"{j.live_server.url}/")
    j.a11y()
    page.get_by_role("link", name="Logg inn", exact=True).click()
    expect(h1(page)).to_have_text("Logg inn")
    j.a11y()
    page.get_by_label("Brukernavn").fill("sekretariat")
    page.get_by_label("Passord").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Logg inn").click()
    # a secretariat of two collaborations lands on its measures, not on one collaboration's page
    expect(h1(page)).to_have_text("Mine tiltak")
    expect(page.locator("header")).to_contain_text("Innlogget som Siri Sekretær")
    j.a11y()
    open_workspace(j, "Nord-Troms")


def step_2_revise_the_plan(j: Journey) -> None:
    page, w = j.page, j.world
    old = w.strategy.plan
    section(page, "Planer").get_by_role("link", name="Planer og strategier").click()
    expect(h1(page)).to_have_text("Planer og strategier")
    j.a11y()
    page.get_by_role("link", name="Strategi- og handlingsplan").click()
    expect(h1(page)).to_have_text("Strategi- og handlingsplan 2019–2023")
    j.a11y()
    page.get_by_role("link", name="Rullér planen").click()
    expect(h1(page)).to_have_text("Rullér planen")
    j.a11y()
    form = page.locator("form.revision-form")
    expect(form.get_by_label("Fra år")).to_have_value("2024")
    form.get_by_label("Til år").fill("2027")
    form.get_by_label("Vedtatt", exact=True).fill("2024-03-01")
    expect(form.get_by_label("Nytt nummer for strategi 1")).to_have_value("1")
    form.get_by_role("group", name="Helhetlig ROS-analyse").get_by_label("Avsluttes (fullført)").check()
    form.get_by_label("Hvorfor rulleres planen?").fill("Ny plan vedtatt i regionrådet")
    form.get_by_role("button", name="Rullér planen").click()
    assert_feedback(page, "Planen er rullert. Den gamle planen er avsluttet 29.02.2024.")
    expect(h1(page)).to_have_text("Strategi- og handlingsplan 2024–2027")
    j.a11y()

    new = PlanPeriod.objects.get(revises=old)
    assert (new.start_year, new.end_year, new.adopted_on) == (2024, 2027, dt.date(2024, 3, 1))
    assert PlanPeriod.objects.get(pk=old.pk).closed_on == dt.date(2024, 2, 29)
    assert list(new.strategies.values_list("number", "title")) == [(1, "Stabstjenester")]
    for measure in (w.shared, w.network_measure):
        carried = Measure.objects.get(pk=measure.pk)
        assert carried.strategy.plan == new and carried.closed_on is None
        assert carried.history.first().history_user == w.secretariat
        assert carried.history.filter(strategy_id=w.strategy.pk).exists()   # its history stays with it
    closed = Measure.objects.get(pk=w.internal.pk)
    assert (closed.phase, closed.strategy_id) == ("completed", w.strategy.pk) and closed.closed_on
    reason = "Ny plan vedtatt i regionrådet"
    revised = assert_event(K.PLAN_REVISED, by=w.secretariat, reason=reason, collaboration=w.collaboration)
    assert revised.new_value["Tiltak avsluttet"] == "Helhetlig ROS-analyse"
    assert_event(K.PLAN_CLOSED, by=w.secretariat, reason=reason, object_id=old.pk)
    assert_event(K.MEASURE_CLOSED, by=w.secretariat, reason=reason, object_id=w.internal.pk)
    j.found["plan"] = new


def register(j: Journey, records_link: str, new_link: str) -> None:
    """Forvaltning → the register section's `records_link` → its "new" link."""
    open_workspace(j, "Nord-Troms")
    section(j.page, "Samarbeidets register").get_by_role("link", name=records_link).click()
    expect(h1(j.page)).to_have_text(records_link)
    j.a11y()
    j.page.get_by_role("link", name=new_link).click()
    expect(h1(j.page)).to_have_text(new_link)
    j.a11y()


def step_3_register_the_partner_and_the_chief_executive(j: Journey) -> None:
    page, w = j.page, j.world
    register(j, "Eksterne partnere", "Ny ekstern partner")
    page.get_by_label("Navn", exact=True).fill("UNN HF")
    page.get_by_label("Type", exact=True).select_option(label="Helseforetak")
    page.get_by_label("Hvorfor registreres eller endres partneren?").fill("Deltar i legevaktsamarbeidet")
    page.get_by_role("button", name="Registrer partneren").click()
    assert_feedback(page, "«UNN HF» er registrert.")
    j.unn = OutsidePartner.objects.get(name="UNN HF")
    assert j.unn.kind == OutsidePartner.Kind.HEALTH_TRUST and j.unn.history.get().history_user == w.secretariat
    assert_event(K.REGISTRY_SAVED, by=w.secretariat, reason="Deltar i legevaktsamarbeidet", object_id=j.unn.pk,
                 collaboration=w.collaboration)

    register(j, "Personer", "Ny person")
    page.get_by_label("Navn", exact=True).fill("Kåre Kommunedirektør")
    page.get_by_label("Stilling", exact=True).fill("Kommunedirektør")
    page.get_by_label("Kommune", exact=True).select_option(label="Kåfjord")
    page.get_by_label("Hvorfor registreres eller endres personen?").fill("Saksansvarlig for helse")
    page.get_by_role("button", name="Registrer personen").click()
    assert_feedback(page, "Kåre Kommunedirektør er registrert.")
    person = Person.objects.get(name="Kåre Kommunedirektør")
    assert (person.municipality, person.user) == (w.kafjord, None)
    assert_event(K.REGISTRY_SAVED, by=w.secretariat, reason="Saksansvarlig for helse", object_id=person.pk,
                 collaboration=w.collaboration)

    open_workspace(j, "Nord-Troms")
    section(page, "Planer").get_by_role("link", name="Planer og strategier").click()
    page.locator("tr", has_text="Rullering av").get_by_role("link", name="Strategi- og handlingsplan").click()
    expect(h1(page)).to_have_text("Strategi- og handlingsplan 2024–2027")


def step_4_add_a_strategy(j: Journey) -> None:
    page, w, plan = j.page, j.world, j.found["plan"]
    page.get_by_role("link", name="Ny strategi").click()
    expect(h1(page)).to_have_text("Ny strategi")
    j.a11y()
    form = page.locator("main form")
    fill_health_strategy(form, "2")
    form.get_by_role("button", name="Registrer strategien").click()
    assert_feedback(page, "Strategien er registrert.")
    table = page.locator("div.table-scroll[aria-labelledby='strategies-heading']")
    expect(table).to_contain_text("Helse og omsorg")
    expect(table).to_contain_text("Kåre Kommunedirektør (Kåfjord)")

    strategy = Strategy.objects.get(plan=plan, number=2)
    assert (strategy.title, strategy.responsible.name) == ("Helse og omsorg", "Kåre Kommunedirektør")
    assert strategy.history.get().history_user == w.secretariat
    assert_event(K.STRATEGY_SAVED, by=w.secretariat, reason="Fordelt i kommunedirektørutvalget",
                 object_id=strategy.pk)
    j.found["strategy"] = strategy


def step_5_add_a_measure_with_a_partner(j: Journey) -> None:
    page, w = j.page, j.world
    open_workspace(j, "Nord-Troms")
    section(page, "Tiltak").get_by_role("link", name="Nytt tiltak").click()
    expect(h1(page)).to_have_text("Nytt tiltak")
    j.a11y()
    fill_shared_measure(page, strategy="Strategi 2: Helse og omsorg", number="2.1", title="Felles legevakt")
    page.get_by_label("Hvorfor opprettes tiltaket?").fill("Vedtatt i KDU")
    page.get_by_role("button", name="Opprett tiltaket").click()
    assert_feedback(page, "Tiltaket «Felles legevakt» er opprettet.")
    expect(h1(page)).to_have_text(re.compile(r"^2\.1\s+Felles legevakt\s*$"))
    facts = section(page, "Fra handlingsplanen")
    expect(facts).to_contain_text("Kåfjord, Lyngen")
    expect(facts).to_contain_text("UNN HF")
    j.a11y()

    measure = Measure.objects.get(title="Felles legevakt")
    assert (measure.strategy, measure.number, measure.owner_municipality) == (j.found["strategy"], "2.1", w.kafjord)
    assert sorted(p.municipality.name for p in measure.participations.all()) == ["Kåfjord", "Lyngen"]
    assert list(measure.partners.all()) == [j.unn]
    assert measure.history.get().history_user == w.secretariat
    assert_event(K.MEASURE_CREATED, by=w.secretariat, reason="Vedtatt i KDU", object_id=measure.pk)
    j.found["measure"] = measure


def step_6_invite_the_partner_who_reports(j: Journey, browser: Browser) -> None:
    page, w, unn, measure = j.page, j.world, j.unn, j.found["measure"]
    open_workspace(j, "Nord-Troms")
    section(page, "Personer og roller").get_by_role("link", name="Inviter en person").click()
    expect(h1(page)).to_have_text("Inviter en person")
    j.a11y()
    fill_partner_invitation(page, scope="UNN HF", reason="Rapporterer UNN HF sin del av legevakten")
    page.get_by_role("button", name="Send invitasjonen").click()
    assert_feedback(page, "Invitasjonen er sendt til lise.lege@unn.no")
    expect(page.get_by_role("row", name=re.compile("Lise Lege"))).to_contain_text("UNN HF")
    j.a11y()

    assignment = RoleAssignment.objects.get(role=Role.PARTNER, partner=unn)
    partner_user = assignment.user
    assert partner_user.username == "lise.lege@unn.no" and not partner_user.has_usable_password()
    assert assignment.collaboration == w.collaboration and assignment.revoked_at is None
    reason = "Rapporterer UNN HF sin del av legevakten"
    assert_event(K.USER_INVITED, by=w.secretariat, reason=reason, modified_user=partner_user)
    assert_event(K.ROLE_GRANTED, by=w.secretariat, reason=reason, modified_user=partner_user,
                 collaboration=w.collaboration)

    # the e-mail, and its link in a fresh browser of the same width
    message = mail.outbox[-1]
    assert message.to == ["lise.lege@unn.no"]
    link = re.search(r"(http://\S+/konto/reset/\S+)", message.body).group(1)
    options = ({"viewport": PHONE, "is_mobile": True, "has_touch": True} if j.width == 375
               else {"viewport": page.viewport_size})
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        partner = context.new_page()
        partner.goto(link)
        expect(h1(partner)).to_have_text("Velg nytt passord")
        j.a11y(partner)
        partner.locator("input[name=new_password1]").fill(PARTNER_PASSWORD)
        partner.locator("input[name=new_password2]").fill(PARTNER_PASSWORD)
        partner.locator("main").get_by_role("button").first.click()
        expect(h1(partner)).to_have_text("Passordet er endret")
        j.a11y(partner)
        partner.locator("main").get_by_role("link", name=re.compile("[Ll]ogg inn")).first.click()
        partner.get_by_label("Brukernavn").fill("lise.lege@unn.no")
        partner.get_by_label("Passord", exact=True).fill(PARTNER_PASSWORD)
        partner.locator("main").get_by_role("button", name="Logg inn").click()
        expect(h1(partner)).to_have_text("Mine tiltak")
        j.a11y(partner)
        partner.get_by_role("link", name="Felles legevakt").first.click()
        expect(h1(partner)).to_have_text(re.compile(r"^2\.1\s+Felles legevakt\s*$"))
        partner.get_by_role("link", name="Rapporter delen til UNN HF").click()
        expect(h1(partner)).to_have_text("Rapporter delen til UNN HF")
        j.a11y(partner)
        form = partner.locator("form.status-form")
        form.get_by_label("I rute", exact=True).check()
        form.get_by_label("Hva har skjedd?").fill("Legene er med i arbeidsgruppen.")
        form.get_by_role("button", name="Lagre delen til UNN HF").click()
        assert_feedback(partner, "Delen til UNN HF er lagret.")
        expect(partner.locator("li.part-partner", has_text="UNN HF")).to_contain_text(
            "Legene er med i arbeidsgruppen.")
        j.snap(partner, f"journey-partner-part-{j.width}")
    finally:
        context.close()

    update = StatusUpdate.objects.get(measure=measure)
    assert (update.partner, update.municipality, update.traffic_light, update.author) == (
        unn, None, "green", partner_user)
    assert Measure.objects.get(pk=measure.pk).last_status_at is None   # a partner's part, not the overall status
    status = last_event(K.STATUS_UPDATED, object_id=measure.pk)
    assert status.acting_user == partner_user and status.new_value["Gjelder"] == "UNN HF"


def step_7_register_a_host_agreement(j: Journey) -> None:
    page, w = j.page, j.world
    open_workspace(j, "Nord-Troms")
    section(page, "Vertskommuneavtaler og kostnader").get_by_role("link", name="Ny vertskommuneavtale").click()
    expect(h1(page)).to_have_text("Ny vertskommuneavtale")
    j.a11y()
    fill_it_agreement(page)
    submit(page)
    assert_feedback(page, "Avtalen er registrert")
    expect(h1(page)).to_have_text("IT-drift")
    j.a11y()
    agreement = HostAgreement.objects.get(service="IT-drift")
    assert (agreement.host, agreement.legal_basis, agreement.positions, agreement.annual_cost,
            agreement.cost_key, agreement.notice_months) == (
        w.kafjord, "20-2", Decimal("4"), Decimal("1200000"), w.cost_key, 12)
    assert_event(K.AGREEMENT_SAVED, by=w.secretariat, reason="Vedtatt i regionrådet sak 4/24",
                 object_id=agreement.pk)

    for name in ("Kåfjord", "Lyngen"):
        page.get_by_role("link", name="Legg til deltaker").click()
        expect(h1(page)).to_have_text("Legg til deltaker i IT-drift")
        j.a11y()
        page.get_by_label("Kommune", exact=True).select_option(label=name)
        page.get_by_label("Hvorfor blir kommunen med?").fill("Med fra avtalens start")
        submit(page)
        assert_feedback(page, f"{name} er med i avtalen")
    expect(page.get_by_text("Ikke behandlet i kommunestyret ennå: Kåfjord, Lyngen")).to_be_visible()

    adoptions = {"Kåfjord": ("2024-12-10", "54/24", "10.12.2024"), "Lyngen": ("2024-12-12", "PS 61/24", "12.12.2024")}
    for name, (adopted_on, case_number, _shown) in adoptions.items():
        page.get_by_role("link", name=f"Registrer vedtak i {name}").click()
        expect(h1(page)).to_have_text(f"Kommunestyrets vedtak i {name}")
        j.a11y()
        page.get_by_label("Vedtatt i kommunestyret").fill(adopted_on)
        page.get_by_label("Saksnummer", exact=True).fill(case_number)
        page.get_by_label("Hvorfor registreres vedtaket?").fill(f"Protokoll fra kommunestyret i {name}")
        submit(page)
        assert_feedback(page, f"Vedtaket i {name} er registrert")
    expect(page.get_by_text("Ikke behandlet i kommunestyret ennå")).to_have_count(0)
    for name, (_adopted_on, case_number, shown) in adoptions.items():
        expect(page.locator("tr", has_text=name).first).to_contain_text(f"{shown}, sak {case_number}")
    j.snap(page, f"journey-agreement-{j.width}")

    participants = {p.municipality.name: p for p in agreement.participants.select_related("municipality")}
    assert sorted(participants) == ["Kåfjord", "Lyngen"]
    for name, (adopted_on, case_number, _shown) in adoptions.items():
        p = participants[name]
        assert (p.adopted_on.isoformat(), p.case_number, p.left_on) == (adopted_on, case_number, None)
        assert p.history.latest().history_change_reason == f"Protokoll fra kommunestyret i {name}"
        assert p.history.latest().history_user == w.secretariat
    kinds = list(AuditEvent.objects.filter(collaboration=w.collaboration, kind__in=[
        K.AGREEMENT_SAVED, K.AGREEMENT_JOINED]).order_by("pk").values_list("kind", "acting_user"))
    assert [kind for kind, _user in kinds] == [K.AGREEMENT_SAVED, K.AGREEMENT_JOINED, K.AGREEMENT_JOINED,
                                               K.AGREEMENT_SAVED, K.AGREEMENT_SAVED]
    assert {user for _kind, user in kinds} == {w.secretariat.pk}
    j.found["agreement"] = agreement


def step_8_a_new_member_and_an_exit(j: Journey) -> None:
    page, w = j.page, j.world
    storfjord = Municipality.objects.get(name="Storfjord")
    open_workspace(j, "Nord-Troms")
    expect(section(page, "Vertskommuneavtaler og kostnader")).not_to_contain_text("mangler vedtak")
    section(page, "Medlemmer og nettverk").get_by_role("link", name="Ta opp nytt medlem").click()
    expect(h1(page)).to_have_text("Ta opp nytt medlem")
    j.a11y()
    fill_storfjord_membership(page, joined_on="2027-01-01", reason="Vedtak i regionrådet 12.11.2026",
                              consents={"Kåfjord": "PS 12/26, 01.10.2026", "Lyngen": "PS 40/26, 08.10.2026"})
    page.get_by_role("button", name="Ta opp som medlem").click()
    assert_feedback(page, "Storfjord er tatt opp som medlem fra 01.01.2027.")
    expect(h1(page)).to_have_text("Medlemmer")
    expect(page.get_by_role("row", name=re.compile("Storfjord"))).to_contain_text("01.01.2027")
    j.a11y()

    membership = Membership.objects.get(collaboration=w.collaboration, municipality=storfjord)
    assert (membership.joined_on, membership.left_on, membership.is_original_member) == (
        dt.date(2027, 1, 1), None, False)
    assert membership.history.latest().history_user == w.secretariat
    added = last_event(K.MEMBERSHIP_ADDED, collaboration=w.collaboration)
    assert added.acting_user == w.secretariat and added.municipality == storfjord
    assert "Vedtak i regionrådet 12.11.2026" in added.reason
    assert "Kåfjord: PS 12/26, 01.10.2026" in added.reason and "Lyngen: PS 40/26, 08.10.2026" in added.reason

    # Lyngen leaves: the host agreement it takes part in, its notice period and the earliest exit
    page.get_by_role("link", name="Uttreden for Lyngen").click()
    expect(h1(page)).to_have_text("Lyngen trer ut")
    j.a11y()
    page.get_by_label("Siste dag som medlem").fill("2027-12-31")
    page.get_by_label("Hvorfor trer kommunen ut?").fill("Kommunestyret i Lyngen, sak 33/26")
    page.get_by_role("button", name="Registrer uttreden").click()
    assert_feedback(page, "Uttreden er registrert.")
    expect(page.get_by_text("«IT-drift» (vert: Kåfjord): 12 måneders oppsigelsestid.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Tidligste uttreden: \d\d\.\d\d\.\d{4}"))).to_be_visible()
    j.check_a11y(page)   # the receipt has the form's address and heading, but is a page of its own
    j.snap(page, f"journey-member-exit-{j.width}")

    lyngen = w.collaboration.memberships.get(municipality=w.lyngen)
    assert lyngen.left_on == dt.date(2027, 12, 31)
    assert lyngen.history.latest().history_change_reason == "Kommunestyret i Lyngen, sak 33/26"
    assert_event(K.MEMBERSHIP_ENDED, by=w.secretariat, reason="Kommunestyret i Lyngen, sak 33/26",
                 collaboration=w.collaboration)
    # the agreement's own exit is a separate decision: Lyngen is still in it
    assert j.found["agreement"].participants.get(municipality=w.lyngen).left_on is None


def step_9_the_senja_merger(j: Journey) -> None:
    page, w, process = j.page, j.world, j.senja_process
    open_workspace(j, process.name)
    section(page, "Medlemmer og nettverk").get_by_role("link", name="Kommunesammenslåing").click()
    expect(h1(page)).to_have_text("Kommunesammenslåing")
    j.a11y()
    for name in SENJA_PREDECESSORS:
        page.get_by_label(name, exact=True).check()
    page.get_by_label("Første dag for den nye kommunen").fill("2020-01-01")
    page.get_by_label("Ny kommunes kommunenummer").fill("5421")
    page.get_by_label("Ny kommunes navn").fill("Senja")
    page.get_by_label("Ny kommunes fylke").select_option(label="Troms")
    reason = "Kommunereformen: Stortingets vedtak 8.6.2017"
    page.get_by_label("Hvorfor registreres sammenslåingen?").fill(reason)
    page.get_by_role("button", name="Registrer sammenslåingen").click()
    assert_feedback(page, "Sammenslåingen er registrert: Berg, Lenvik, Torsken, Tranøy ble Senja fra 01.01.2020.")
    expect(h1(page)).to_have_text("Medlemmer")
    senja_row = page.get_by_role("row", name=re.compile("^Senja"))
    expect(senja_row).to_contain_text("01.01.2020")
    j.snap(page, f"journey-senja-members-{j.width}")

    senja = Municipality.objects.get(name="Senja")
    assert (senja.number, senja.valid_from, senja.valid_to) == ("5421", dt.date(2020, 1, 1), None)
    for name in SENJA_PREDECESSORS:
        old = Municipality.objects.get(name=name)
        assert (old.valid_to, old.successor) == (dt.date(2019, 12, 31), senja), name
        old_membership = Membership.objects.get(collaboration=process, municipality=old)
        assert old_membership.left_on == dt.date(2019, 12, 31)
        assert old_membership.history.latest().history_user == w.secretariat
    moved = Membership.objects.get(collaboration=process, municipality=senja)
    assert (moved.joined_on, moved.left_on, moved.is_original_member) == (dt.date(2020, 1, 1), None, True)
    assert moved.history.get().history_change_reason == reason
    merged = assert_event(K.MUNICIPALITY_MERGED, by=w.secretariat, reason=reason, collaboration=process)
    assert merged.municipality == senja
    assert_event(K.REGISTRY_SAVED, by=w.secretariat, reason=reason, object_id=senja.pk)

    # each old municipality's page says it ended and links to Senja; between them, the process's own page
    page.get_by_role("row", name=re.compile("^Berg")).get_by_role("link", name="Berg", exact=True).click()
    for i, name in enumerate(SENJA_PREDECESSORS):
        expect(h1(page)).to_have_text(f"{name} i samarbeidet")
        notice = page.locator(".ended-notice")
        expect(notice).to_have_text("Opphørte 31.12.2019, ble Senja.")
        expect(notice.get_by_role("link", name="Senja", exact=True)).to_be_visible()
        j.a11y()
        if i + 1 == len(SENJA_PREDECESSORS):
            break
        page.locator(".dash-crumb").get_by_role("link", name=process.name).click()
        expect(h1(page)).to_have_text(process.name)
        members = page.locator("ul.member-list")
        expect(members.locator("li", has_text=name)).to_have_text(f"{name} (til 31.12.2019)")
        expect(members.locator("li", has_text="Senja")).to_have_text("Senja")
        members.get_by_role("link", name=SENJA_PREDECESSORS[i + 1], exact=True).click()
    page.locator(".ended-notice").get_by_role("link", name="Senja", exact=True).click()
    expect(h1(page)).to_have_text("Senja i samarbeidet")
    expect(page.locator(".ended-notice")).to_have_count(0)
    j.a11y()
    j.snap(page, f"journey-senja-{j.width}")


# -- the journey ---------------------------------------------------------------------------------------------------


def test_the_secretariat_walks_the_whole_year(any_page, browser, live_server, world, check_a11y, snap):
    w = world
    make_municipality("Storfjord", "5538")
    predecessors = [make_municipality(name, number, year=2019) for name, number in
                    (("Lenvik", "1931"), ("Berg", "1929"), ("Torsken", "1928"), ("Tranøy", "1927"))]
    senja_process = make_collaboration("Senja 2020 – sammenslåing av Berg, Lenvik, Torsken og Tranøy", slug="senja",
                                       short_name="Senja", kind=Collaboration.Kind.MERGER, members=predecessors)
    role_grant(acting_user=None, reason="Testdata", user=w.secretariat, role=Role.SECRETARIAT,
               collaboration=senja_process)

    j = Journey(page=any_page, live_server=live_server, world=w, check_a11y=check_a11y, snap=snap,
                senja_process=senja_process)
    step_1_log_in(j)
    step_2_revise_the_plan(j)
    step_3_register_the_partner_and_the_chief_executive(j)
    step_4_add_a_strategy(j)
    step_5_add_a_measure_with_a_partner(j)
    step_6_invite_the_partner_who_reports(j, browser)
    step_7_register_a_host_agreement(j)
    step_8_a_new_member_and_an_exit(j)
    step_9_the_senja_merger(j)
