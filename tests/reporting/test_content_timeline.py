"""The report's narrative prints status updates as the measure's timeline has
them: what was registered while a measure was internal stays out of a report
that leaves internal items out, and an outside partner's part reads as its part."""

import datetime as dt
import re

import pytest

from collaborations.portfolio.models import Measure
from collaborations.portfolio.services import measure_post_status_update, measure_update
from reporting.content import build_content
from reporting.pdf import content_html
from tests.factories import make_measure, make_partner_user
from tests.reporting.helpers import at, eager_celery  # noqa: F401

pytestmark = pytest.mark.usefixtures("eager_celery")

CUTOFF = dt.date(2024, 12, 31)


def _content(world, municipality=None, report_type="council", include_internal=False):
    return build_content(collaboration=world.collaboration, report_type=report_type, year=2024, cutoff=CUTOFF,
                         municipality=municipality, include_internal=include_internal)


def _text(content) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", content_html(content)).split())


def _post(world, measure, day: dt.date, text: str, **extra):
    measure_post_status_update(acting_user=world.secretariat, measure=measure, reported_on=day, phase="in_progress",
                               traffic_light="green", status_text=text, recorded_at=at(day.year, day.month, day.day),
                               **extra)
    measure.refresh_from_db()


def test_a_report_without_internal_items_leaves_out_what_was_registered_while_the_measure_was_internal(world):
    draft = make_measure(world.collaboration, title="Felles legevakt", number="1.4", strategy=world.strategy,
                         participants=[world.kafjord], acting_user=world.secretariat, visibility="internal",
                         recorded_at=at(2024, 1, 10))
    _post(world, draft, dt.date(2024, 3, 1), "Intern risikovurdering av legevakten")
    measure_update(acting_user=world.secretariat, measure=draft, expected_version=draft.version,
                   reason="Vedtatt i regionrådet", visibility="published")
    Measure.history.model.objects.filter(id=draft.pk, visibility="published").update(history_date=at(2024, 6, 1))
    draft.refresh_from_db()
    _post(world, draft, dt.date(2024, 9, 1), "Legevakten er i drift")

    public = _content(world, world.kafjord)
    row = next(m for m in public.measures if m.id == draft.pk)
    assert [e.text for e in row.narrative] == ["Legevakten er i drift"]
    assert "Intern risikovurdering" not in _text(public)
    regional = _content(world, report_type="regional")
    assert "Intern risikovurdering" not in _text(regional)

    internal = _content(world, world.kafjord, include_internal=True)
    row = next(m for m in internal.measures if m.id == draft.pk)
    assert [e.text for e in row.narrative] == ["Intern risikovurdering av legevakten", "Legevakten er i drift"]


def test_an_outside_partner_s_part_is_printed_as_its_part_never_as_the_overall_status(world):
    measure = make_measure(world.collaboration, title="Velferdsteknologi", number="3.1", strategy=world.strategy,
                           participants=[world.kafjord, world.lyngen], recorded_at=at(2023, 1, 10))
    partner, _user = make_partner_user(world, measures=[measure])
    measure.refresh_from_db()
    _post(world, measure, dt.date(2023, 10, 1), "Samlet: leverandør valgt")
    _post(world, measure, dt.date(2023, 11, 1), "UNN prøver ut løsningen", partner=partner)
    _post(world, measure, dt.date(2024, 8, 1), "UNN har bemannet sin del", partner=partner)

    content = _content(world, report_type="regional")
    row = next(m for m in content.measures if m.id == measure.pk)
    assert [(e.who, e.is_part, e.text) for e in row.narrative] == [("UNN HF", True, "UNN har bemannet sin del")]
    # The newest overall update before the year is the overall one, not the partner's part.
    assert (row.last_before.who, row.last_before.text) == ("Samlet status", "Samlet: leverandør valgt")
    text = _text(content)
    assert "Delen til UNN HF" in text
