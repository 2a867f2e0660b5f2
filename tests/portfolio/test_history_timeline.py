"""TimelineEntry, the one representation of a timeline entry: what it says
of a status update, a part reported on behalf of a municipality, an outside
partner's part and a change, as JSON (as_dict) and as a table row (as_row)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from collaborations.portfolio.history import measure_timeline
from collaborations.portfolio.services import measure_post_status_update, measure_update
from tests.factories import make_partner_user

TODAY = timezone.localdate()


def test_a_status_update_entry_says_who_when_why_and_what(world):
    update = measure_post_status_update(
        acting_user=world.admin_kafjord, measure=world.shared, reported_on=dt.date(2024, 5, 2), phase="in_progress",
        traffic_light="amber", light_reason="Forsinket levering", status_text="Leverandør valgt",
        follow_up_text="Ny tidsplan", follow_up_responsible="IT-leder", follow_up_due=dt.date(2025, 3, 1),
        reason="Vårens rapportering")

    entry = measure_timeline(world.shared)[0]

    assert (entry.kind, entry.title, entry.byline, entry.reason) == (
        "status", "Statusoppdatering", "Kari Kåfjord", "Vårens rapportering")
    data = entry.as_dict()
    assert data == {
        "when": update.created_at.isoformat(), "kind": "status", "title": "Statusoppdatering",
        "author": "Kari Kåfjord", "on_behalf": False, "byline": "Kari Kåfjord", "reason": "Vårens rapportering",
        "municipality": None, "changes": data["changes"], "reported_on": "2024-05-02", "phase": "in_progress",
        "phase_label": "Under gjennomføring", "light": "amber", "light_label": "Risiko",
        "light_reason": "Forsinket levering", "status_text": "Leverandør valgt", "follow_up_text": "Ny tidsplan",
        "follow_up_responsible": "IT-leder", "follow_up_due": "2025-03-01"}
    assert {"field": "Trafikklys", "old": "I rute", "new": "Risiko"} in data["changes"]
    row = entry.as_row()
    assert row[1:12] == ["Statusoppdatering", "Kari Kåfjord", "Vårens rapportering", "02.05.2024",
                         "Under gjennomføring", "Risiko", "Forsinket levering", "Leverandør valgt", "Ny tidsplan",
                         "IT-leder", "01.03.2025"]
    assert "Trafikklys: I rute → Risiko" in row[12]


def test_a_part_on_behalf_and_an_outside_partner_s_part_name_whose_part_it_is(world):
    partner, partner_user = make_partner_user(world)
    measure_post_status_update(acting_user=world.secretariat, measure=world.shared, reported_on=TODAY,
                               phase="in_progress", traffic_light="green", municipality=world.lyngen, on_behalf=True,
                               reason="Etter telefon med Lyngen")
    measure_post_status_update(acting_user=partner_user, measure=world.shared, reported_on=TODAY,
                               phase="in_progress", traffic_light="green", partner=partner)

    by_partner, on_behalf = [e for e in measure_timeline(world.shared) if e.kind == "part"]

    assert (on_behalf.title, on_behalf.byline) == ("Delen til Lyngen", "Siri Sekretær på vegne av Lyngen")
    assert on_behalf.as_dict()["municipality"] == "Lyngen" and on_behalf.as_dict()["on_behalf"] is True
    assert (by_partner.title, by_partner.byline) == ("Delen til UNN HF", "Pia Partner")


def test_the_page_shows_why_a_measure_was_registered_as_every_other_channel_does(client, world):
    world.shared.refresh_from_db()
    measure_update(acting_user=world.secretariat, measure=world.shared, expected_version=world.shared.version,
                   reason="Nytt navn", title="Felles sak- og arkivsystem")
    created = measure_timeline(world.shared)[-1]
    assert created.kind == "created" and created.reason == "Testdata"

    body = client.get(reverse("measure_detail", args=[world.shared.pk])).content.decode()

    assert "<strong>Hvorfor:</strong> Testdata" in body


def test_a_status_written_while_internal_stays_out_of_the_diff_that_replaces_it_after_publishing(client, world):
    """Published without a new status first: the next status update's diff
    would show the internal status as its old value. Readers without internal
    history read «(fra da tiltaket var internt)» there, in every channel."""
    from collaborations.portfolio.history import RECORDED_WHILE_INTERNAL
    from tests.factories import make_measure

    draft = make_measure(world.collaboration, participants=[world.kafjord], acting_user=world.secretariat,
                         title="Felles legevakt", visibility="internal")
    measure_post_status_update(acting_user=world.secretariat, measure=draft, reported_on=TODAY, phase="in_progress",
                               traffic_light="red", light_reason="Sårbarhet i nødnettet",
                               status_text="Intern risikovurdering")
    draft.refresh_from_db()
    measure_update(acting_user=world.secretariat, measure=draft, expected_version=draft.version,
                   reason="Vedtatt i regionrådet", visibility="published")
    draft.refresh_from_db()
    measure_post_status_update(acting_user=world.secretariat, measure=draft, reported_on=TODAY, phase="in_progress",
                               traffic_light="green", status_text="Status etter publisering")
    urls = [reverse(name, args=[draft.pk]) for name in ("measure_detail", "api_measure", "measure_timeline_csv")]

    public = measure_timeline(draft, include_internal=False)
    changes = public[0].changes
    assert ("Status", str(RECORDED_WHILE_INTERNAL), "Status etter publisering") in changes
    assert ("Trafikklys", str(RECORDED_WHILE_INTERNAL), "I rute") in changes
    for url in urls:
        body = client.get(url).content.decode("utf-8")
        for secret in ("Sårbarhet i nødnettet", "Intern risikovurdering"):
            assert secret not in body, (url, secret)
    client.force_login(world.secretariat)
    inside = measure_timeline(draft, include_internal=True)
    assert ("Status", "Intern risikovurdering", "Status etter publisering") in inside[0].changes
    assert "Sårbarhet i nødnettet" in client.get(urls[2]).content.decode("utf-8")


def test_an_internal_network_is_named_in_the_diff_only_to_those_who_see_internal_history(client, world):
    """A published measure moved from an internal network to a published one: the
    diff names the internal network only as internal for outsiders, in every channel."""
    from collaborations.registry.models import Network

    hidden = Network.objects.create(collaboration=world.collaboration, name="Skjult beredskapsnettverk",
                                    visibility="internal")
    measure = world.network_measure
    measure_update(acting_user=world.secretariat, measure=measure, expected_version=measure.version,
                   reason="Flyttet til beredskap", network=hidden)
    measure.refresh_from_db()
    measure_update(acting_user=world.secretariat, measure=measure, expected_version=measure.version,
                   reason="Tilbake til arkivnettverket", network=world.network)

    public = measure_timeline(measure, include_internal=False)[0]
    assert ("Fagnettverk", "(internt)", "Fagnettverk arkivledere") in public.changes
    for name in ("measure_detail", "api_measure", "measure_timeline_csv"):
        body = client.get(reverse(name, args=[measure.pk])).content.decode("utf-8")
        assert "Skjult beredskapsnettverk" not in body, name
    inside = measure_timeline(measure, include_internal=True)[0]
    assert ("Fagnettverk", "Skjult beredskapsnettverk", "Fagnettverk arkivledere") in inside.changes
