"""One way to write, read and compare dates."""

import datetime as dt

import pytest
from django.utils import timezone

from collaborations.common.dates import (
    active_on_q,
    end_of,
    is_active_on,
    months_before,
    norwegian_date,
    norwegian_datetime,
    overlaps_year,
    parse_date,
    years_after,
)

D = dt.date


def test_it_writes_dates_and_times_the_norwegian_way():
    assert norwegian_date(D(2025, 3, 1)) == "01.03.2025"
    assert norwegian_date(None) == ""
    moment = timezone.make_aware(dt.datetime(2025, 3, 1, 14, 5))
    assert norwegian_datetime(moment) == "01.03.2025 kl. 14.05"


def test_the_templates_use_the_same_format(settings):
    from django.template import Context, Template
    html = Template("{{ d|date }} {{ t|date:'DATETIME_FORMAT' }}").render(Context({
        "d": D(2025, 12, 31), "t": timezone.make_aware(dt.datetime(2025, 12, 31, 9, 30))}))
    assert html == "31.12.2025 31.12.2025 kl. 09.30"


@pytest.mark.parametrize("text, day", [("31.12.2025", D(2025, 12, 31)), ("2025-12-31", D(2025, 12, 31)),
                                       ("31.12.25", D(2025, 12, 31)), ("31/12/2025", None), ("", None)])
def test_it_reads_what_people_type(text, day):
    assert parse_date(text) == day


def test_it_counts_months_and_years_back_and_forth():
    assert months_before(D(2025, 3, 31), 1) == D(2025, 2, 28)
    assert years_after(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert end_of(D(2025, 1, 1)).date() == D(2025, 1, 1)


@pytest.mark.parametrize("start, end, day, active", [
    (None, None, D(2025, 1, 1), True), (D(2025, 1, 1), None, D(2024, 12, 31), False),
    (None, D(2024, 12, 31), D(2024, 12, 31), True), (None, D(2024, 12, 31), D(2025, 1, 1), False)])
def test_it_has_one_rule_for_active_on_a_day(start, end, day, active, db):
    from collaborations.registry.models import Membership
    from tests.factories import make_collaboration, make_municipality

    assert is_active_on(start, end, day) is active
    m = make_municipality("Tana", "5636")
    c = make_collaboration("Vestre Varanger")
    Membership.objects.create(collaboration=c, municipality=m, joined_on=start, left_on=end)
    assert Membership.objects.filter(active_on_q(day, "joined_on", "left_on")).exists() is active


def test_it_tells_whether_a_period_overlaps_a_year():
    assert overlaps_year(D(2024, 6, 1), D(2025, 1, 1), 2025)
    assert not overlaps_year(D(2026, 1, 1), None, 2025)
    assert overlaps_year(None, None, 2025)
