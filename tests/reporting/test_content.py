"""The report content is the portfolio as it stood on the cut-off date."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from collaborations.economy.models import HostAgreementParticipant
from collaborations.portfolio.services import measure_post_status_update, measure_set_participants, measure_update
from reporting.content import build_content
from reporting.pdf import content_html
from tests.factories import make_measure
from tests.reporting.helpers import (
    at,
    build_2024,
    eager_celery,  # noqa: F401
)

pytestmark = pytest.mark.usefixtures("eager_celery")

CUTOFF = dt.date(2024, 12, 31)


def _content(world, municipality=None, report_type="council", include_internal=False, baseline=None):
    return build_content(collaboration=world.collaboration, report_type=report_type, year=2024, cutoff=CUTOFF,
                         municipality=municipality, include_internal=include_internal, baseline=baseline)


def test_it_gives_the_same_content_after_later_edits(world):
    it, fire, _ros, agreement = build_2024(world)
    before_council = content_html(_content(world, world.kafjord))
    before_regional = content_html(_content(world, report_type="regional"))

    it.refresh_from_db()
    measure_update(acting_user=world.secretariat, measure=it, expected_version=it.version, reason="Nytt navn",
                   title="IT-samarbeid (nytt)")
    measure_post_status_update(acting_user=world.secretariat, measure=fire, reported_on=dt.date.today(),
                               phase="stopped", traffic_light="red", light_reason="Stanset av regionrådet",
                               status_text="Stanset.")
    measure_set_participants(acting_user=world.secretariat, measure=fire,
                             municipality_ids=[world.kafjord.pk, world.lyngen.pk], reason="Kåfjord blir med")
    agreement = type(agreement).objects.get(pk=agreement.pk)  # a fresh row: no backdating left on it
    agreement.annual_cost = Decimal("2000000")
    agreement.save()
    HostAgreementParticipant.objects.filter(agreement=agreement, municipality=world.lyngen).delete()

    assert content_html(_content(world, world.kafjord)) == before_council
    assert content_html(_content(world, report_type="regional")) == before_regional
    assert "IT-samarbeid (nytt)" not in before_council


def test_it_covers_what_the_municipality_takes_part_in(world):
    build_2024(world)
    kafjord = _content(world, world.kafjord)
    assert [m.title for m in kafjord.measures] == ["IT-samarbeid"]
    lyngen = _content(world, world.lyngen)
    assert [m.title for m in lyngen.measures] == ["IT-samarbeid", "Brannsamarbeid Nord-Troms"]
    # The appendix has every published measure of the collaboration as of the cut-off.
    assert [m.title for m in kafjord.appendix] == ["IT-samarbeid", "Brannsamarbeid Nord-Troms"]


def test_it_leaves_internal_items_out_of_public_reports(world):
    build_2024(world)
    public = content_html(_content(world, world.kafjord))
    assert "ROS-analyse for IT" not in public
    internal = _content(world, world.kafjord, include_internal=True)
    assert "ROS-analyse for IT" in [m.title for m in internal.measures]
    assert "Intern rapport" in content_html(internal)


def test_it_tells_the_years_narrative_with_the_municipalitys_own_part(world):
    build_2024(world)
    it = _content(world, world.kafjord).measures[0]
    assert [(e.reported_on, e.who) for e in it.narrative] == [
        (dt.date(2024, 5, 2), "Samlet status"), (dt.date(2024, 10, 1), "Kåfjord")]
    assert it.light_label == "Risiko" and it.light_reason == "Leverandøren er forsinket"
    # Lyngen's report does not carry Kåfjord's own part.
    lyngen_it = _content(world, world.lyngen).measures[0]
    assert [e.who for e in lyngen_it.narrative] == ["Samlet status"]


def test_it_lists_hosting_buying_and_payments_from_history(world):
    build_2024(world)
    kafjord = _content(world, world.kafjord)
    assert [(a.service, a.participants) for a in kafjord.hosted] == [("Felles IT-drift", ["Lyngen"])]
    assert kafjord.bought == []
    assert [b.service for b in _content(world, world.lyngen).bought] == ["Felles IT-drift"]
    lines = {p.title: p for p in kafjord.payments}
    # 20/80 of 1 000 000: 100 000 + 800 000 × 2000/4800 = 433 333,33
    assert lines["Felles IT-drift"].share == "433\u00a0333,33\u00a0kr"
    assert lines["Felles IT-drift"].key_label == "20/80" and lines["Felles IT-drift"].population_year == 2024
    assert lines["IT-samarbeid"].share_ore == 21_666_667
    html = content_html(kafjord)
    assert "433\u00a0333,33\u00a0kr" in html
    # the year the figures are for, and the population date (not a bare "2024" under "Innbyggertall per 1.1.")
    assert '<th scope="col" class="num">Totalt i 2024</th>' in html
    assert "etter innbyggertall 1. januar 2024" in html and "Innbyggertall per 1.1." not in html


def test_it_totals_per_strategy_and_per_municipality_for_the_regional_council(world):
    build_2024(world)
    regional = _content(world, report_type="regional")
    assert regional.recipient == "Regionrådet i Nord-Troms"
    assert [(g.heading, len(g.measures)) for g in regional.strategies] == [("Strategi 1: Stabstjenester", 2)]
    totals = {t.name: t for t in regional.municipality_totals}
    assert totals["Kåfjord"].measures == 1 and totals["Lyngen"].measures == 2
    assert totals["Kåfjord"].hosted == 1 and totals["Kåfjord"].positions == Decimal("3.5")
    assert totals["Kåfjord"].payments_ore + totals["Lyngen"].payments_ore == 100_000_000 + 50_000_000


def test_it_shows_changes_since_the_previous_report(world):
    build_2024(world)
    content = _content(world, world.kafjord, baseline=dt.date(2024, 3, 1))
    it = content.measures[0]
    assert not it.is_new
    assert ("Fase", "Foreslått", "Under gjennomføring") in it.changes
    assert ("Trafikklys", "I rute", "Risiko") in it.changes
    fresh = _content(world, world.kafjord, baseline=dt.date(2023, 12, 31)).measures[0]
    assert fresh.is_new and fresh.changes == []


def test_it_lists_decisions_ahead(world):
    build_2024(world)
    decisions = _content(world, world.lyngen).decisions
    assert [(d.title, d.kind, d.due, d.overdue) for d in decisions] == [
        ("1.1 IT-samarbeid", "Oppfølging med frist", dt.date(2025, 3, 1), False),
        ("1.2 Brannsamarbeid Nord-Troms", "Forslag som venter på vedtak", None, False),
        # Lyngen buys the IT service, and its council has not adopted the agreement yet
        ("Felles IT-drift", "Avtale som venter på vedtak i kommunestyret", None, False),
    ]
    assert decisions[2].who == "Lyngen kommunestyre"


def test_it_puts_overdue_follow_ups_first_and_flags_them(world):
    it, *_rest = build_2024(world)
    measure_post_status_update(acting_user=world.secretariat, measure=it, reported_on=dt.date(2024, 6, 1),
                               phase="in_progress", traffic_light="green", follow_up_text="Avklare lisenser",
                               follow_up_responsible="IT-leder", follow_up_due=dt.date(2024, 9, 1),
                               recorded_at=at(2024, 6, 1))
    content = _content(world, world.kafjord)
    first = content.decisions[0]
    assert (first.title, first.kind, first.overdue, first.due) == (
        "1.1 IT-samarbeid", "Oppfølging over frist", True, dt.date(2024, 9, 1))
    html = content_html(content)
    assert "Oppfølging over frist" in html and "Frist passert" in html


def test_it_says_plainly_when_a_measure_had_no_update_in_the_year(world):
    """Old text is never printed as this year's status."""
    old = make_measure(world.collaboration, title="Felles strategidokument", strategy=world.strategy,
                       participants=[world.kafjord], recorded_at=at(2019, 3, 1))
    measure_post_status_update(acting_user=world.secretariat, measure=old, reported_on=dt.date(2019, 9, 1),
                               phase="in_progress", traffic_light="green",
                               status_text="Utarbeider felles strategidokument høst 2019.", recorded_at=at(2019, 9, 1))
    content = _content(world, world.kafjord)
    row = next(m for m in content.measures if m.title == "Felles strategidokument")
    assert row.narrative == [] and row.last_before.reported_on == dt.date(2019, 9, 1)
    text = " ".join(content_html(content).split())
    assert ("Ingen samlet statusoppdatering fra 01.01.2024 til 31.12.2024. Siste samlede statusoppdatering er "
            "fra 01.09.2019.") in text
    assert "Utarbeider felles strategidokument" not in text


def test_it_prints_the_municipalitys_own_part_with_reason_and_follow_up(world):
    it, *_rest = build_2024(world)
    measure_post_status_update(acting_user=world.admin_kafjord, measure=it, reported_on=dt.date(2024, 11, 1),
                               municipality=world.kafjord, phase="in_progress", traffic_light="red",
                               light_reason="Mangler lisenser", status_text="Kåfjord venter på lisenser.",
                               follow_up_text="Bestille lisenser", follow_up_responsible="Rådmannen",
                               follow_up_due=dt.date(2025, 1, 15), recorded_at=at(2024, 11, 1))
    content = _content(world, world.kafjord)
    entry = next(e for e in content.measures[0].narrative if e.reported_on == dt.date(2024, 11, 1))
    assert (entry.is_part, entry.light_reason, entry.follow_up, entry.follow_up_responsible) == (
        True, "Mangler lisenser", "Bestille lisenser", "Rådmannen")
    text = " ".join(re.sub(r"<[^>]+>", " ", content_html(content)).split())
    assert "Delen til Kåfjord" in text and "Begrunnelse: Mangler lisenser" in text
    assert "Oppfølging: Bestille lisenser (ansvar: Rådmannen, frist 15.01.2025)" in text


def test_it_draws_the_chart_with_numbers_svg_understands(world):
    """The chart's coordinates are written with a decimal point, not the
    Norwegian comma: with "230,0" WeasyPrint draws no bars and cuts the labels."""
    build_2024(world)

    html = content_html(_content(world, world.kafjord))

    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart"'):html.index("</svg>")]
    assert re.findall(r'="\d+,\d+"', svg) == []
    assert re.search(r'<rect x="230\.0" y="30" width="\d+\.\d" height="18" fill="#[0-9a-f]{6}"', svg)
    assert all(f'font-size="11">{label}</text>' in svg for label in ("I rute", "Risiko", "Ikke i rute"))  # legend
