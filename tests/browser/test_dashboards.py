"""The dashboards in a real browser: every page passes axe-core
(WCAG 2.1 A/AA) and is kept as a screenshot at desktop width and at 375 px,
anonymously and as a politician; charts carry their title and description."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.meetings.models import Meeting
from collaborations.portfolio.services import measure_post_status_update
from collaborations.registry.models import Body
from tests.factories import make_measure

PASSWORD = "passord-for-test-123"

pytestmark = pytest.mark.browser


@pytest.fixture
def region(world):
    """The world with enough in it to draw every chart."""
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=500)
    for i, (light, potential, feasibility) in enumerate([("green", 8, 9), ("amber", 6, 4), ("red", 9, 3),
                                                          ("green", 3, 8), ("amber", 8, 9)]):
        m = make_measure(world.collaboration, title=f"Tiltak for skjermbilde {i + 1}", strategy=world.strategy,
                         participants=[world.kafjord, world.lyngen], owner_municipality=world.lyngen,
                         potential=potential, feasibility=feasibility, recorded_at=long_ago,
                         budget=Decimal(200000), budget_recurrence="yearly", cost_key=world.cost_key)
        measure_post_status_update(acting_user=world.secretariat, measure=m, reported_on=dt.date.today(),
                                   phase="in_progress", traffic_light=light,
                                   light_reason="" if light == "green" else "Forsinket leveranse",
                                   status_text="Arbeidet går etter planen.")
    for service, host, positions in [("Barnevern", world.lyngen, "6.5"), ("PPT", world.kafjord, "2")]:
        a = HostAgreement.objects.create(collaboration=world.collaboration, service=service, host=host,
                                         positions=Decimal(positions), annual_cost=Decimal(1_500_000),
                                         cost_key=world.cost_key)
        for municipality in (world.kafjord, world.lyngen):
            HostAgreementParticipant.objects.create(agreement=a, municipality=municipality)
    body = Body.objects.create(collaboration=world.collaboration, kind=Body.Kind.REGIONAL_COUNCIL,
                               name="Nord-Troms regionråd")
    Meeting.objects.create(body=body, title="Regionrådsmøte", held_on=dt.date.today() - dt.timedelta(days=30))
    return world


def pages(world):
    slug = world.collaboration.slug
    return [
        ("oversikt", f"/samarbeid/{slug}/oversikt/", "Nord-Troms: oversikt over tiltakene"),
        ("strategi", f"/samarbeid/{slug}/strategi/1/", "Strategi 1: Stabstjenester"),
        ("kommune", f"/samarbeid/{slug}/kommune/5426/", "Kåfjord i samarbeidet"),
        ("vertskommuner", f"/samarbeid/{slug}/vertskommuner/", "Vertskommuner i Nord-Troms"),
        ("prioritering", f"/samarbeid/{slug}/prioritering/", "Prioritering av tiltak i Nord-Troms"),
        ("tiltak", f"/samarbeid/{slug}/tiltak/?exception=any", "Tiltak i Nord-Troms"),
        ("samarbeid", f"/samarbeid/{slug}/", "Nord-Troms"),
    ]


def test_it_passes_axe_on_every_dashboard_page_for_the_public(page, live_server, region, check_a11y, snap):
    for name, path, heading in pages(region):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_a11y(page)
        snap(page, f"dashboard-{name}", mobile=True)


def test_it_passes_axe_for_a_politician_and_hides_internal_items(page, live_server, region, login, check_a11y,
                                                                 snap):
    login(page, live_server, "ordforer_kafjord", password=PASSWORD)
    for name, path, heading in pages(region)[:3]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("main")).not_to_contain_text("Helhetlig ROS-analyse")
        check_a11y(page)
        snap(page, f"dashboard-politiker-{name}")


def test_it_draws_accessible_charts_with_a_table_beside_them(page, live_server, region):
    page.goto(f"{live_server.url}/samarbeid/{region.collaboration.slug}/oversikt/")
    chart = page.get_by_role("img", name="Trafikklys over tid")
    expect(chart).to_be_visible()
    expect(page.locator("#trend-desc")).to_contain_text("Stablede søyler")
    expect(page.get_by_role("table", name="Trafikklys over tid (tabell)")).to_be_visible()
    page.goto(f"{live_server.url}/samarbeid/{region.collaboration.slug}/vertskommuner/")
    expect(page.get_by_role("img", name="Årsverk hos hver vertskommune")).to_be_visible()


def test_it_fits_a_phone_without_horizontal_page_scrolling(phone_page, live_server, region):
    for _name, path, _heading in pages(region):
        phone_page.goto(f"{live_server.url}{path}")
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375, path


def test_it_follows_a_number_to_its_list(page, live_server, region):
    page.goto(f"{live_server.url}/samarbeid/{region.collaboration.slug}/oversikt/")
    page.locator("a.kpi-red").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiltak i Nord-Troms")
    expect(page.locator(".result-count")).to_have_text("1 tiltak")
