import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from collaborations.access import policy
from collaborations.common.dates import months_before
from collaborations.dashboards import selectors as dashboards
from collaborations.meetings.models import Meeting
from collaborations.portfolio.services import measure_post_status_update
from collaborations.registry.models import Body
from tests.dashboards.support import grow, linked_numbers, list_count, queries_for
from tests.factories import make_measure


def url(world, **params):
    base = reverse("dashboard_overview", args=[world.collaboration.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def total(response) -> int:
    """The "tiltak i alt" figure: the link to the unfiltered list."""
    return next(n for h, n in linked_numbers(response.content.decode()) if "?" not in h)


def test_it_shows_counts_by_strategy_light_and_phase(world, client):
    response = client.get(url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nord-Troms: oversikt over tiltakene" in body
    assert "Strategi 1: Stabstjenester" in body
    assert total(response) == 2   # shared + network measure; the internal one is not counted


def test_it_counts_internal_measures_only_for_the_administration(world, client):
    client.force_login(world.secretariat)
    assert total(client.get(url(world))) == 3
    client.force_login(world.admin_kafjord)
    assert total(client.get(url(world))) == 3
    client.force_login(world.politician_kafjord)
    assert total(client.get(url(world))) == 2


@pytest.mark.parametrize("who", ["anonymous", "politician"])
def test_it_lets_no_internal_measure_change_a_public_count(world, client, who):
    if who == "politician":
        client.force_login(world.politician_kafjord)
    before = linked_numbers(client.get(url(world)).content.decode())
    secret = make_measure(world.collaboration, title="Hemmelig ROS", strategy=world.strategy, visibility="internal",
                          participants=[world.kafjord], owner_municipality=world.kafjord,
                          potential=9, feasibility=9)
    measure_post_status_update(acting_user=world.secretariat, measure=secret, reported_on=dt.date.today(),
                               phase="in_progress", traffic_light="red", light_reason="Alvorlig",
                               follow_up_due=dt.date.today())
    response = client.get(url(world))
    assert linked_numbers(response.content.decode()) == before
    assert "Hemmelig ROS" not in response.content.decode()


def test_it_puts_exceptions_first(world, client):
    measure_post_status_update(acting_user=world.secretariat, measure=world.shared, reported_on=dt.date.today(),
                               phase="in_progress", traffic_light="red", light_reason="Leverandøren er forsinket")
    body = client.get(url(world)).content.decode()
    assert body.index("Dette krever oppmerksomhet") < body.index("Tiltak per strategi")
    assert "Leverandøren er forsinket" in body
    assert "Ikke i rute (rødt lys)" in body


def test_it_flags_stale_overdue_and_passed_deadlines(world):
    moment = dashboards.Moment.current()
    m = world.shared
    m.last_status_at = moment.now - dt.timedelta(days=181)
    m.follow_up_due = moment.today - dt.timedelta(days=1)
    m.ends_on = moment.today - dt.timedelta(days=1)
    m.phase = "in_progress"
    assert dashboards.exception_kinds(m, moment) == ["overdue", "stale", "deadline"]
    m.phase = "completed"
    assert dashboards.exception_kinds(m, moment) == []


def test_it_uses_the_stale_threshold_setting(world, settings):
    settings.DASHBOARD_STALE_DAYS = 400
    moment = dashboards.Moment.current()
    world.shared.last_status_at = moment.now - dt.timedelta(days=200)
    assert "stale" not in dashboards.exception_kinds(world.shared, moment)
    assert dashboards.kind_label("stale") == "Ikke oppdatert på over 400 dager"


def test_it_defaults_since_to_the_last_regional_council_meeting(world, client):
    body = Body.objects.create(collaboration=world.collaboration, kind=Body.Kind.REGIONAL_COUNCIL,
                               name="Nord-Troms regionråd")
    held = timezone.localdate() - dt.timedelta(days=40)
    Meeting.objects.create(body=body, title="Regionrådsmøte", held_on=held)
    Meeting.objects.create(body=body, title="Framtidig møte", held_on=timezone.localdate() + dt.timedelta(days=5))
    content = client.get(url(world)).content.decode()
    assert f"Endret siden {held:%d.%m.%Y}" in content
    assert "Datoen er siste møte i regionrådet." in content


def test_it_defaults_since_to_six_months_ago_without_meetings(world, client):
    expected = months_before(timezone.localdate(), 6)
    content = client.get(url(world)).content.decode()
    assert f"Endret siden {expected:%d.%m.%Y}" in content
    assert "Datoen er seks måneder tilbake." in content


def test_it_accepts_norwegian_and_iso_dates(world, client):
    assert "Endret siden 01.02.2024" in client.get(url(world, siden="01.02.2024")).content.decode()
    assert "Endret siden 01.02.2024" in client.get(url(world, siden="2024-02-01")).content.decode()


def test_it_refuses_an_invalid_date_with_a_message(world, client):
    content = client.get(url(world, siden="31.02.2024")).content.decode()
    assert "Ugyldig dato «31.02.2024». Skriv datoen som dd.mm.åååå." in content


def test_it_shows_what_changed_since_the_date(world, client):
    since = timezone.localdate() - dt.timedelta(days=1)
    old = timezone.now() - dt.timedelta(days=30)
    before = make_measure(world.collaboration, title="Gammelt tiltak", strategy=world.strategy, recorded_at=old)
    measure_post_status_update(acting_user=world.secretariat, measure=before, reported_on=timezone.localdate(),
                               phase="study", traffic_light="amber", light_reason="Mangler kapasitet")
    changes = dashboards.changes_since(None, world.collaboration, since)
    rows = {m.title: m for m in changes.measures}
    assert rows["Gammelt tiltak"].light_change == "worse"
    assert rows["Gammelt tiltak"].phase_before == "proposed"
    assert changes.counts == {"new": 2, "light": 1, "phase": 1, "updated": 1}   # world's two are new
    assert "Hemmelig" not in rows
    content = client.get(url(world, siden=since.strftime("%d.%m.%Y"))).content.decode()
    assert "Gammelt tiltak" in content and "(verre)" in content


def test_it_rebuilds_the_trend_from_history(world):
    three_years = timezone.now() - dt.timedelta(days=3 * 365)
    m = make_measure(world.collaboration, title="Historisk", strategy=world.strategy, recorded_at=three_years)
    measure_post_status_update(acting_user=world.secretariat, measure=m, reported_on=(three_years.date()),
                               phase="in_progress", traffic_light="red", light_reason="Stopp",
                               recorded_at=three_years + dt.timedelta(days=1))
    measure_post_status_update(acting_user=world.secretariat, measure=m, reported_on=timezone.localdate(),
                               phase="in_progress", traffic_light="green")
    ids, internal = dashboards.visible_measure_ids(None, world.collaboration)
    days = [timezone.localdate() - dt.timedelta(days=365)]
    point = dashboards.trend(world.collaboration, days, ids, include_internal=bool(internal))[0]
    assert point.lights == {"green": 0, "amber": 0, "red": 1}   # the world's measures did not exist yet


def test_it_uses_reporting_round_deadlines_for_the_trend(world):
    from collaborations.rounds.models import ReportingRound

    deadline = timezone.localdate() - dt.timedelta(days=10)
    ReportingRound.objects.create(collaboration=world.collaboration, title="Halvår", starts_on=deadline,
                                  deadline=deadline)
    assert dashboards.trend_days(world.collaboration, timezone.localdate()) == ([deadline], True)


def test_it_falls_back_to_half_year_ends(world):
    days, from_rounds = dashboards.trend_days(world.collaboration, dt.date(2025, 3, 1))
    assert not from_rounds
    assert days == [dt.date(2022, 6, 30), dt.date(2022, 12, 31), dt.date(2023, 6, 30), dt.date(2023, 12, 31),
                    dt.date(2024, 6, 30), dt.date(2024, 12, 31)]


@pytest.mark.parametrize("who", ["anonymous", "politician", "secretariat"])
def test_it_links_every_number_to_the_list_it_counts(world, client, who):
    grow(world, factor=1)
    if who != "anonymous":
        client.force_login(world.politician_kafjord if who == "politician" else world.secretariat)
    since = (timezone.localdate() - dt.timedelta(days=60)).strftime("%d.%m.%Y")
    links = linked_numbers(client.get(url(world, siden=since)).content.decode())
    assert len(links) >= 25
    for href, number in links:
        assert list_count(client, href) == number, href


@pytest.mark.parametrize("who", ["anonymous", "politician"])
def test_it_runs_the_same_number_of_queries_at_ten_times_the_data(world, client, who):
    if who == "politician":
        client.force_login(world.politician_kafjord)
    grow(world, factor=1)
    small = queries_for(client, url(world))
    grow(world, factor=10)
    assert queries_for(client, url(world)) == small


@pytest.fixture
def caching(settings):
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_it_serves_the_cached_page_until_the_portfolio_changes(world, client, caching, django_assert_max_num_queries):
    assert "I rute" in client.get(url(world)).content.decode()
    with django_assert_max_num_queries(1):      # the collaboration with its fingerprint, nothing else
        client.get(url(world))
    measure_post_status_update(acting_user=world.secretariat, measure=world.shared, reported_on=dt.date.today(),
                               phase="in_progress", traffic_light="red", light_reason="Budsjettet sprekker")
    assert "Budsjettet sprekker" in client.get(url(world)).content.decode()


def test_it_never_serves_the_administration_s_cached_copy_to_the_public(world, client, caching):
    client.force_login(world.secretariat)
    assert "Helhetlig ROS-analyse" in client.get(url(world, siden="01.01.2020")).content.decode()
    client.logout()
    assert "Helhetlig ROS-analyse" not in client.get(url(world, siden="01.01.2020")).content.decode()
    client.force_login(world.politician_kafjord)
    assert "Helhetlig ROS-analyse" not in client.get(url(world, siden="01.01.2020")).content.decode()


def test_it_gives_politicians_and_anonymous_visitors_the_same_scope(world):
    assert policy.visibility_scope(None, world.collaboration) == "public"
    assert policy.visibility_scope(world.politician_kafjord, world.collaboration) == "public"
    assert policy.visibility_scope(world.secretariat, world.collaboration) != "public"
    assert policy.visibility_scope(world.admin_kafjord, world.collaboration) == \
        policy.visibility_scope(world.secretariat, world.collaboration)


def test_it_ranks_what_needs_attention_and_sums_up_the_stale(world, client):
    """Red first, then amber, then overdue follow-ups; measures that are only
    stale are counted in one line, not listed one by one."""
    from collaborations.portfolio.services import measure_update

    today = timezone.localdate()
    measure_post_status_update(acting_user=world.secretariat, measure=world.network_measure, reported_on=today,
                               phase="in_progress", traffic_light="amber", light_reason="Lite kapasitet")
    shared = world.shared
    measure_post_status_update(acting_user=world.secretariat, measure=shared, reported_on=today,
                               phase="in_progress", traffic_light="green", follow_up_text="Kontrakt",
                               follow_up_due=today)
    shared.refresh_from_db()
    measure_update(acting_user=world.secretariat, measure=shared, expected_version=shared.version, reason="Test",
                   follow_up_due=today - dt.timedelta(days=3))
    late = make_measure(world.collaboration, title="Rødt tiltak", strategy=world.strategy, traffic_light="red",
                        light_reason="Stanset", recorded_at=timezone.now() - dt.timedelta(days=400))
    for i in range(3):
        make_measure(world.collaboration, title=f"Glemt {i}", strategy=world.strategy,
                     recorded_at=timezone.now() - dt.timedelta(days=400))
    client.force_login(world.secretariat)
    body = client.get(url(world)).content.decode()
    listed = body.split('id="exceptions-heading"')[1].split("</table>")[0]
    assert listed.index(late.title) < listed.index("Arkivnettverk") < listed.index("Nytt sak- og arkivsystem")
    assert "Glemt" not in listed
    assert "tiltak har ikke fått en samlet statusoppdatering på over 180 dager" in body


def test_a_new_plan_changes_the_fingerprint(world):
    """A plan with no strategies yet still makes older strategy pages say a newer plan exists."""
    from collaborations.dashboards.cache import fingerprint_of, with_fingerprint
    from collaborations.portfolio.models import PlanPeriod
    from collaborations.portfolio.services import plan_save

    before = fingerprint_of(with_fingerprint(world.collaboration.slug))
    plan_save(acting_user=world.secretariat, reason="Ny plan", plan=PlanPeriod(
        collaboration=world.collaboration, title="Ny plan", start_year=2028, end_year=2031))
    assert fingerprint_of(with_fingerprint(world.collaboration.slug)) != before
