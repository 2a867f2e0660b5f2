import datetime as dt

import pytest
from django.urls import reverse

from collaborations.access.models import AuditEvent
from collaborations.common.concurrency import latest_history_id
from collaborations.plans.services import strategy_update
from collaborations.portfolio.models import Measure, PlanPeriod, Strategy
from tests.plans.helpers import chief_executive, second_strategy

SLUG = "nord-troms"


@pytest.fixture
def secretariat(world, client):
    client.force_login(world.secretariat)
    return client


def page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- list and plan page

def test_the_public_sees_the_plans_and_strategies_without_the_forms(world, client):
    strategy_update(acting_user=world.secretariat, reason="Fordelt i KDU", strategy=world.strategy,
                    expected_history_id=latest_history_id(world.strategy), responsible=chief_executive(world),
                    goal="Sterkere fagmiljøer.")
    plan = world.strategy.plan
    listing = page(client.get(reverse("plan_list", args=[SLUG])))
    assert "Strategi- og handlingsplan" in listing and "2019–2023" in listing
    assert reverse("plan_create", args=[SLUG]) not in listing
    content = page(client.get(reverse("plan_detail", args=[SLUG, plan.pk])))
    assert "Stabstjenester" in content and "Kåre Kommunedirektør" in content and "(Kåfjord)" in content
    assert reverse("dashboard_plan_strategy", args=[SLUG, plan.pk, 1]) in content
    assert "Fordelt i KDU" in content and "Tettere samarbeid." in content and "Sterkere fagmiljøer." in content
    assert reverse("plan_revise", args=[SLUG, plan.pk]) not in content
    assert "Helhetlig ROS-analyse" not in content


def test_the_measure_count_counts_only_what_the_visitor_may_see(world, client, secretariat):
    plan = world.strategy.plan
    public = page(client.__class__().get(reverse("plan_detail", args=[SLUG, plan.pk])))
    inside = page(secretariat.get(reverse("plan_detail", args=[SLUG, plan.pk])))
    assert "<dd>2</dd>" in public and "<dd>3</dd>" in inside


def test_the_secretariat_sees_the_plan_actions(world, secretariat):
    content = page(secretariat.get(reverse("plan_detail", args=[SLUG, world.strategy.plan.pk])))
    for name in ("plan_edit", "plan_revise", "plan_close", "strategy_create"):
        assert reverse(name, args=[SLUG, world.strategy.plan.pk]) in content


def test_the_workspace_links_to_the_plans(world, secretariat):
    content = page(secretariat.get(reverse("workspace", args=[SLUG])))
    assert reverse("plan_list", args=[SLUG]) in content and reverse("plan_create", args=[SLUG]) in content


# ---------------------------------------------------------------- plan forms

def plan_data(**overrides):
    data = {"title": "Handlingsplan", "start_year": "2024", "end_year": "2027", "adopted_on": "2024-03-01",
            "source": "Sak 12/24", "reason": "Vedtatt i regionrådet"}
    data.update(overrides)
    return data


def test_a_plan_is_created_from_the_form(world, secretariat):
    response = secretariat.post(reverse("plan_create", args=[SLUG]), plan_data())
    plan = PlanPeriod.objects.get(title="Handlingsplan")
    assert response.status_code == 302 and response.url.startswith(reverse("plan_detail", args=[SLUG, plan.pk]))
    assert (plan.start_year, plan.end_year, plan.adopted_on) == (2024, 2027, dt.date(2024, 3, 1))
    assert plan.history.get().history_change_reason == "Vedtatt i regionrådet"


def test_an_invalid_plan_keeps_what_was_typed_and_says_what_is_wrong(world, secretariat):
    response = secretariat.post(reverse("plan_create", args=[SLUG]), plan_data(end_year="2020", reason=""))
    content = page(response)
    assert response.status_code == 200
    assert "Planperioden kan ikke slutte før den begynner." in content
    assert "Skriv kort hvorfor planen endres." in content
    assert 'value="Sak 12/24"' in content
    assert not PlanPeriod.objects.filter(title="Handlingsplan").exists()


def test_a_plan_is_edited_and_a_stale_edit_shows_the_conflict(world, secretariat):
    plan = world.strategy.plan
    url = reverse("plan_edit", args=[SLUG, plan.pk])
    assert "Strategi- og handlingsplan" in page(secretariat.get(url))
    seen = latest_history_id(plan)
    data = plan_data(title="Ny tittel", start_year="2019", end_year="2023", history_id=str(seen))
    assert secretariat.post(url, data).status_code == 302
    assert PlanPeriod.objects.get(pk=plan.pk).title == "Ny tittel"
    response = secretariat.post(url, {**data, "title": "Min tittel"})
    content = page(response)
    assert "har endret planen etter at du åpnet skjemaet" in content and 'value="Min tittel"' in content
    assert PlanPeriod.objects.get(pk=plan.pk).title == "Ny tittel"


def test_a_plan_is_closed_from_its_page(world, secretariat):
    plan = world.strategy.plan
    url = reverse("plan_close", args=[SLUG, plan.pk])
    assert "3 tiltak som ikke er avsluttet" in page(secretariat.get(url))
    response = secretariat.post(url, {"closed_on": "2018-01-01", "reason": "Ferdig"})
    assert "Planen kan ikke avsluttes før den begynte (01.01.2019)." in page(response)
    assert PlanPeriod.objects.get(pk=plan.pk).closed_on is None
    assert secretariat.post(url, {"closed_on": "2023-12-31", "reason": "Ferdig"}).status_code == 302
    assert PlanPeriod.objects.get(pk=plan.pk).closed_on == dt.date(2023, 12, 31)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PLAN_CLOSED).count() == 1


# ---------------------------------------------------------------- strategy forms

def strategy_data(**overrides):
    data = {"number": "2", "title": "Helse og omsorg", "challenge": "Få fagfolk.", "goal": "Robuste tjenester.",
            "expected_result": "Felles vakt.", "responsible": "", "reason": "Fordelt i KDU"}
    data.update(overrides)
    return data


def test_a_strategy_is_created_with_its_responsible_chief_executive(world, secretariat):
    person = chief_executive(world)
    plan = world.strategy.plan
    form_page = page(secretariat.get(reverse("strategy_create", args=[SLUG, plan.pk])))
    assert "Kåre Kommunedirektør (Kåfjord)" in form_page and 'value="2"' in form_page
    response = secretariat.post(reverse("strategy_create", args=[SLUG, plan.pk]),
                                strategy_data(responsible=str(person.pk)))
    assert response.status_code == 302
    strategy = Strategy.objects.get(plan=plan, number=2)
    assert (strategy.title, strategy.challenge, strategy.responsible) == ("Helse og omsorg", "Få fagfolk.", person)


def test_a_duplicate_number_is_shown_on_the_number_field_and_nothing_is_saved(world, secretariat):
    response = secretariat.post(reverse("strategy_create", args=[SLUG, world.strategy.plan.pk]),
                                strategy_data(number="1"))
    content = page(response)
    assert response.status_code == 200
    assert 'id="id_number_error"' in content and "Planen har allerede en strategi med nummer 1." in content
    assert 'value="Helse og omsorg"' in content
    assert not Strategy.objects.filter(title="Helse og omsorg").exists()


def test_a_strategy_is_edited_and_a_stale_edit_shows_the_conflict(world, secretariat):
    url = reverse("strategy_edit", args=[SLUG, world.strategy.pk])
    seen = latest_history_id(world.strategy)
    data = strategy_data(number="1", title="Stab og støtte", history_id=str(seen))
    assert secretariat.post(url, data).status_code == 302
    assert Strategy.objects.get(pk=world.strategy.pk).title == "Stab og støtte"
    content = page(secretariat.post(url, {**data, "title": "Noe annet"}))
    assert "Stab og støtte" in content and "har endret strategien etter at du åpnet skjemaet" in content
    assert Strategy.objects.get(pk=world.strategy.pk).title == "Stab og støtte"


def test_a_strategy_of_another_collaboration_is_not_found(world, secretariat):
    from tests.factories import make_strategy

    foreign = make_strategy(world.other_collaboration, number=1, title="Fremmed")
    assert secretariat.get(reverse("strategy_edit", args=[SLUG, foreign.pk])).status_code == 404


# ---------------------------------------------------------------- revision

def revision_data(world, two, it, **overrides):
    data = {"title": "Strategi- og handlingsplan", "start_year": "2024", "end_year": "2027",
            "adopted_on": "2024-03-01", "reason": "Rullering vedtatt",
            f"strategy_{world.strategy.pk}": "1", f"strategy_{two.pk}": "3",
            f"measure_{world.shared.pk}": "carry", f"version_{world.shared.pk}": str(world.shared.version),
            f"measure_{world.internal.pk}": "completed", f"version_{world.internal.pk}": str(world.internal.version),
            f"measure_{world.network_measure.pk}": "carry",
            f"version_{world.network_measure.pk}": str(world.network_measure.version),
            f"measure_{it.pk}": "stopped", f"version_{it.pk}": str(it.version)}
    data.update(overrides)
    return data


def test_the_revision_form_offers_every_strategy_and_open_measure(world, secretariat):
    two, it = second_strategy(world)
    content = page(secretariat.get(reverse("plan_revise", args=[SLUG, world.strategy.plan.pk])))
    assert "Strategi 2: Digitalisering" in content and "Felles IT-drift" in content
    assert "Helhetlig ROS-analyse" in content          # the secretariat revises internal measures too
    assert 'name="start_year" value="2024"' in content


def test_the_plan_is_revised_from_the_form(world, secretariat):
    two, it = second_strategy(world)
    old = world.strategy.plan
    response = secretariat.post(reverse("plan_revise", args=[SLUG, old.pk]), revision_data(world, two, it))
    new = PlanPeriod.objects.get(revises=old)
    assert response.status_code == 302 and response.url.startswith(reverse("plan_detail", args=[SLUG, new.pk]))
    assert Measure.objects.get(pk=world.shared.pk).strategy.plan == new
    assert Measure.objects.get(pk=it.pk).phase == "stopped"
    assert new.strategies.get(number=3).title == "Digitalisering"
    assert PlanPeriod.objects.get(pk=old.pk).closed_on == dt.date(2024, 2, 29)
    content = page(secretariat.get(response.url))
    assert "Planen er rullert. Den gamle planen er avsluttet 29.02.2024." in content


def test_an_invalid_revision_keeps_the_choices_and_changes_nothing(world, secretariat):
    two, it = second_strategy(world)
    old = world.strategy.plan
    data = revision_data(world, two, it, **{f"strategy_{world.strategy.pk}": "", f"strategy_{two.pk}": "2"})
    content = page(secretariat.post(reverse("plan_revise", args=[SLUG, old.pk]), data))
    assert "Strategien til tiltaket tas ikke med i den nye planen." in content
    assert f'id="id_measure_{world.shared.pk}_error"' in content
    assert f'name="strategy_{two.pk}" value="2"' in content
    assert not PlanPeriod.objects.filter(revises=old).exists()
    assert Measure.objects.get(pk=it.pk).closed_on is None


def test_a_measure_saved_meanwhile_shows_the_conflict_and_nothing_is_saved(world, secretariat):
    two, it = second_strategy(world)
    old = world.strategy.plan
    data = revision_data(world, two, it, **{f"version_{world.shared.pk}": str(world.shared.version - 1)})
    content = page(secretariat.post(reverse("plan_revise", args=[SLUG, old.pk]), data))
    assert "har lagret en endring etter at du åpnet skjemaet" in content and "Ingenting er lagret." in content
    assert f'name="version_{world.shared.pk}" value="{world.shared.version}"' in content
    assert not PlanPeriod.objects.filter(revises=old).exists()


def test_older_plans_strategy_page_shows_that_plan_and_points_to_the_newer(world, client, secretariat):
    two, it = second_strategy(world)
    old = world.strategy.plan
    secretariat.post(reverse("plan_revise", args=[SLUG, old.pk]),
                     revision_data(world, two, it, **{f"strategy_{world.strategy.pk}": "4"}))
    new = PlanPeriod.objects.get(revises=old)
    old_page = page(client.get(reverse("dashboard_plan_strategy", args=[SLUG, old.pk, 1])))
    assert "Strategi 1: Stabstjenester" in old_page and "En nyere plan finnes" in old_page
    assert reverse("plan_detail", args=[SLUG, old.pk]) + f"#historikk-{world.strategy.pk}" in old_page
    assert reverse("plan_detail", args=[SLUG, new.pk]) in old_page
    assert "Nytt sak- og arkivsystem" not in old_page        # carried over: it is in the new plan now
    new_page = page(client.get(reverse("dashboard_plan_strategy", args=[SLUG, new.pk, 4])))
    assert "Strategi 4: Stabstjenester" in new_page and "Nytt sak- og arkivsystem" in new_page
    assert "En nyere plan finnes" not in new_page
    # the number-only address still reads the newest plan that has the number
    assert "Strategi 4: Stabstjenester" in page(client.get(reverse("dashboard_strategy", args=[SLUG, 4])))
    assert "En nyere plan finnes" in page(client.get(reverse("dashboard_strategy", args=[SLUG, 1])))


def test_a_closed_plan_cannot_be_revised_from_the_form(world, secretariat):
    from collaborations.plans.services import plan_close

    plan_close(acting_user=world.secretariat, plan=world.strategy.plan, closed_on=dt.date(2023, 12, 31),
               reason="Ferdig")
    response = secretariat.get(reverse("plan_revise", args=[SLUG, world.strategy.plan.pk]))
    assert response.status_code == 302
