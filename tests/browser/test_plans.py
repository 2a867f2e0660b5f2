"""The secretariat keeps its plan in the portal, at 1366 and 375 px: start
page → log in → the collaboration → Forvaltning → Planer → the plan → a new
strategy with its responsible chief executive → revise the plan (renumber
the strategies, carry one measure over, close another) → the old plan's
strategy page by its plan address and the new one. Every new page passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from collaborations.portfolio.models import Measure, PlanPeriod, Strategy
from collaborations.registry.models import Person
from tests.browser.conftest import assert_feedback, log_in_from_the_start_page, no_horizontal_scrolling, width
from tests.browser.forms import fill_health_strategy

pytestmark = pytest.mark.browser


def strategy_table(page: Page):
    return page.locator("div.table-scroll[aria-labelledby='strategies-heading']")


def test_the_secretariat_adds_a_strategy_and_revises_the_plan(any_page, live_server, world, check_a11y, snap):
    page = any_page
    Person.objects.create(name="Kåre Kommunedirektør", title="Kommunedirektør", municipality=world.kafjord)
    old = world.strategy.plan

    log_in_from_the_start_page(page, live_server, "sekretariat")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nord-Troms")
    page.get_by_role("link", name=re.compile("^Forvaltning")).click()
    page.locator("section", has=page.get_by_role("heading", name="Planer", exact=True)) \
        .get_by_role("link", name="Planer og strategier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planer og strategier")
    check_a11y(page)
    snap(page, f"plans-list-{width(page)}")

    page.get_by_role("link", name="Strategi- og handlingsplan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategi- og handlingsplan 2019–2023")
    check_a11y(page)

    # a new strategy, first with a number already taken
    page.get_by_role("link", name="Ny strategi").click()
    form = page.locator("main form")
    fill_health_strategy(form, "1")
    form.get_by_role("button", name="Registrer strategien").click()
    assert_feedback(page, "Skjemaet har feil", focused=True)
    expect(page.locator("#id_number_error")).to_have_text("Planen har allerede en strategi med nummer 1.")
    expect(form.get_by_label("Tittel")).to_have_value("Helse og omsorg")
    check_a11y(page)
    snap(page, f"plans-strategy-form-error-{width(page)}")
    form.get_by_label("Nummer").fill("2")
    form.get_by_role("button", name="Registrer strategien").click()
    assert_feedback(page, "Strategien er registrert.", focused=True)
    strategy = Strategy.objects.get(plan=old, number=2)
    assert strategy.responsible.name == "Kåre Kommunedirektør"
    assert strategy.history.get().history_change_reason == "Fordelt i kommunedirektørutvalget"
    table = strategy_table(page)
    expect(table).to_contain_text("Helse og omsorg")
    expect(table).to_contain_text("Kåre Kommunedirektør (Kåfjord)")
    check_a11y(page)
    no_horizontal_scrolling(page)
    snap(page, f"plans-plan-{width(page)}")

    # revise: strategy 1 becomes 2 and the new one 1; one measure carried over, one closed, one stopped
    page.get_by_role("link", name="Rullér planen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rullér planen")
    check_a11y(page)
    form = page.locator("form.revision-form")
    expect(form.get_by_label("Fra år")).to_have_value("2024")
    form.get_by_label("Tittel på den nye planen").fill("Strategi- og handlingsplan")
    form.get_by_label("Til år").fill("2027")
    form.get_by_label("Vedtatt", exact=True).fill("2024-03-01")
    form.get_by_label("Nytt nummer for strategi 1").fill("2")
    form.get_by_label("Nytt nummer for strategi 2").fill("2")
    form.get_by_role("group", name="Helhetlig ROS-analyse").get_by_label("Avsluttes (fullført)").check()
    form.get_by_role("group", name="Arkivnettverk").get_by_label("Stanses").check()
    form.get_by_label("Hvorfor rulleres planen?").fill("Ny plan vedtatt i regionrådet")
    form.get_by_role("button", name="Rullér planen").click()
    assert_feedback(page, "Skjemaet har feil", focused=True)
    expect(page.locator(f"#id_strategy_{strategy.pk}_error")).to_contain_text("Nummer 2 er allerede gitt")
    expect(form.get_by_role("group", name="Arkivnettverk").get_by_label("Stanses")).to_be_checked()
    assert not PlanPeriod.objects.filter(revises=old).exists()
    check_a11y(page)
    snap(page, f"plans-revise-error-{width(page)}")
    form.get_by_label("Nytt nummer for strategi 2").fill("1")
    form.get_by_role("button", name="Rullér planen").click()
    assert_feedback(page, "Planen er rullert. Den gamle planen er avsluttet 29.02.2024.", focused=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategi- og handlingsplan 2024–2027")

    new = PlanPeriod.objects.get(revises=old)
    shared = Measure.objects.get(pk=world.shared.pk)
    assert shared.strategy.plan == new and shared.strategy.number == 2
    assert shared.history.filter(strategy_id=world.strategy.pk).exists()
    assert shared.history.first().history_change_reason == "Ny plan vedtatt i regionrådet"
    internal, network = Measure.objects.get(pk=world.internal.pk), Measure.objects.get(pk=world.network_measure.pk)
    assert (internal.phase, internal.strategy_id) == ("completed", world.strategy.pk) and internal.closed_on
    assert network.phase == "stopped" and network.closed_on
    assert PlanPeriod.objects.get(pk=old.pk).closed_on.isoformat() == "2024-02-29"
    assert new.strategies.get(number=1).responsible.name == "Kåre Kommunedirektør"
    check_a11y(page)
    snap(page, f"plans-new-plan-{width(page)}")

    # the new plan's strategy page, then the old plan's by its own address
    strategy_table(page).get_by_role("link", name="Stabstjenester").click()
    expect(page).to_have_url(re.compile(f"/plan/{new.pk}/strategi/2/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategi 2: Stabstjenester")
    expect(page.get_by_role("main")).to_contain_text("Nytt sak- og arkivsystem")
    expect(page.get_by_text("En nyere plan finnes")).to_have_count(0)
    check_a11y(page)

    page.goto(f"{live_server.url}/samarbeid/nord-troms/plan/{new.pk}/")
    page.get_by_role("link", name=str(old)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategi- og handlingsplan 2019–2023")
    expect(page.get_by_role("note")).to_contain_text("Planen ble avsluttet 29.02.2024.")
    strategy_table(page).get_by_role("link", name="Stabstjenester").click()
    expect(page).to_have_url(re.compile(f"/plan/{old.pk}/strategi/1/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategi 1: Stabstjenester")
    expect(page.get_by_role("note")).to_contain_text("En nyere plan finnes")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Helhetlig ROS-analyse")            # closed, stays with the old plan
    expect(main).not_to_contain_text("Nytt sak- og arkivsystem")      # carried over to the new plan
    check_a11y(page)
    no_horizontal_scrolling(page)
    snap(page, f"plans-old-strategy-{width(page)}")
    page.get_by_role("note").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategi- og handlingsplan 2024–2027")
