"""One formatter for a field's value and one differ, used by the timeline,
conflicts, reports and the audit trail."""

import datetime as dt
from decimal import Decimal

from collaborations.common.history import display_value, field_changes, latest_as_of, snapshot
from collaborations.economy.models import HostAgreement
from collaborations.portfolio.models import Measure


def test_it_shows_values_as_a_page_does(world):
    field = Measure._meta.get_field
    assert display_value(field("phase"), "in_progress") == "Under gjennomføring"
    assert display_value(field("owner_municipality"), world.kafjord.pk) == "Kåfjord"
    assert display_value(field("owner_municipality"), 999_999) == "(slettet)"
    assert display_value(field("follow_up_due"), dt.date(2025, 3, 1)) == "01.03.2025"
    assert display_value(field("budget"), Decimal("1200000")) == "1\u00a0200\u00a0000,00"
    assert display_value(field("title"), "") == "—"


def test_it_lists_what_changed_in_field_order_with_headings(world):
    before = Measure.objects.get(pk=world.shared.pk)
    after = Measure.objects.get(pk=world.shared.pk)
    after.phase, after.title, after.budget = "decided", "Nytt arkiv", Decimal("10")
    assert field_changes(before, after, model=Measure) == [
        ("Tittel", "Nytt sak- og arkivsystem", "Nytt arkiv"), ("Fase", "Foreslått", "Vedtatt"),
        ("Budsjett (NOK)", "—", "10,00")]
    assert field_changes(before, after, model=Measure, fields=["title"], summarise={"title"}) == [
        ("Tittel", "endret", "")]


def test_it_rebuilds_rows_as_they_stood(world):
    agreement = HostAgreement.objects.create(collaboration=world.collaboration, service="IT", host=world.kafjord)
    moment, pk = agreement.history.first().history_date, agreement.pk
    agreement.delete()
    history = HostAgreement.history.model.objects.filter(id=pk)
    assert [r.service for r in latest_as_of(history, moment)] == ["IT"]
    assert latest_as_of(history, moment + dt.timedelta(days=1)) == []


def test_it_takes_a_snapshot_for_the_audit_trail(world):
    assert snapshot(world.cost_key)["Fast andel (%)"] == "20,00"
