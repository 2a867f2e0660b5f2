"""One rule and one representation for a measure's timeline in every channel.

Everyone who may see a measure reads who, when and why of each entry of its
timeline, on the measure page, in the API and in the timeline CSV alike; what
was recorded while the measure was internal only those who may see internal
items (policy.sees_internal_history). Every channel shows the entries
portfolio.history.measure_timeline builds (TimelineEntry), never one of its own.
The reports' narrative prints the same status updates (without author or
comment, for every reader).
"""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from collaborations.access import policy
from collaborations.portfolio.history import TIMELINE_COLUMNS, measure_timeline
from collaborations.portfolio.services import measure_post_status_update, measure_update
from reporting.content import build_content
from reporting.pdf import content_html
from tests.factories import make_measure, make_partner_user

ROLES = ["anonymous", "politician", "admin_participant", "secretariat", "partner"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def post(measure, user, **fields):
    fields.setdefault("phase", "in_progress")
    fields.setdefault("traffic_light", "green")
    return measure_post_status_update(acting_user=user, measure=measure, reported_on=timezone.localdate(), **fields)


@pytest.fixture
def story(world):
    """A measure drafted internal, published, then reported on by the owner,
    by the secretariat on behalf of Lyngen and by an outside partner, and renamed."""
    measure = make_measure(world.collaboration, participants=[world.kafjord, world.lyngen],
                           acting_user=world.secretariat, title="Felles legevakt (utkast)", visibility="internal",
                           reason="Forslag fra kommunedirektørutvalget")
    partner, partner_user = make_partner_user(world, measures=[measure])
    measure.refresh_from_db()
    post(measure, world.secretariat, status_text="Intern vurdering", reason="Intern runde")
    measure.refresh_from_db()
    measure_update(acting_user=world.secretariat, measure=measure, expected_version=measure.version,
                   reason="Vedtatt i regionrådet", title="Felles legevakt", visibility="published")
    measure.refresh_from_db()
    post(measure, world.admin_kafjord, traffic_light="amber", light_reason="Forsinket levering",
         status_text="Leverandør valgt", follow_up_text="Ny tidsplan", follow_up_responsible="IT-leder",
         reason="Vårens rapportering")
    post(measure, world.secretariat, municipality=world.lyngen, on_behalf=True, status_text="Lyngen er i gang",
         reason="Etter telefon med Lyngen")
    post(measure, partner_user, partner=partner, status_text="UNN har bemannet sin del", reason="UNN melder inn")
    measure.refresh_from_db()
    measure_update(acting_user=world.secretariat, measure=measure, expected_version=measure.version,
                   reason="Nytt navn etter vedtak", title="Felles legevakt Nord-Troms")
    measure.refresh_from_db()
    users = {**world.users_by_role(), "partner": partner_user}
    return measure, users


def _page_entries(html: str) -> list[tuple[str, str]]:
    """(who, why) of each entry the measure page's timeline shows."""
    timeline = html[html.index('<ol class="timeline">'):]
    timeline = timeline[:timeline.index("</ol>")]
    out = []
    for item in timeline.split('<li class="timeline-item')[1:]:
        who = re.search(r'<span class="who">(.*?)</span>', item, re.S)
        why = re.search(r'<p class="reason"><strong>Hvorfor:</strong> (.*?)</p>', item, re.S)
        out.append((unescape(who.group(1).strip()) if who else "", unescape(why.group(1)) if why else ""))
    return out


def _csv_rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def _channels(client, measure, user):
    if user is not None:
        client.force_login(user)
    page = client.get(reverse("measure_detail", args=[measure.pk]))
    api = client.get(reverse("api_measure", args=[measure.pk]))
    export = client.get(reverse("measure_timeline_csv", args=[measure.pk]))
    assert (page.status_code, api.status_code, export.status_code) == (200, 200, 200)
    return page, api.json(), _csv_rows(export)


@pytest.mark.parametrize("role", ROLES)
def test_every_channel_shows_the_same_who_and_why(client, world, story, role):
    measure, users = story
    page, api, rows = _channels(client, measure, users[role])

    on_page = _page_entries(page.content.decode())
    in_api = [(e["byline"], e["reason"]) for e in api["timeline"]]
    in_csv = [(r[2], r[3]) for r in rows[1:]]
    assert on_page == in_api == in_csv
    # Who, when and why of everything since publishing, for everyone who may see the measure.
    for seen in [("Kari Kåfjord", "Vårens rapportering"), ("Siri Sekretær på vegne av Lyngen", "Etter telefon med Lyngen"),
                 ("Siri Sekretær", "Nytt navn etter vedtak"), ("Siri Sekretær", "Vedtatt i regionrådet")]:
        assert seen in on_page, seen
    assert any(who and why == "UNN melder inn" for who, why in on_page)
    updates = {u["status_text"]: (u["author"], u["reason"]) for u in api["status_updates"]}
    assert updates["Leverandør valgt"] == ("Kari Kåfjord", "Vårens rapportering")
    # What was recorded while it was internal: only for those who may see internal items.
    reader = users[role] if users[role] is not None else AnonymousUser()
    inside = policy.sees_internal_history(reader, measure)
    assert inside is (role in ("admin_participant", "secretariat", "partner"))  # those who report on it
    assert (("Siri Sekretær", "Intern runde") in on_page) is inside
    assert ("Intern vurdering" in updates) is inside
    assert (("Siri Sekretær", "Forslag fra kommunedirektørutvalget") in on_page) is inside


@pytest.mark.parametrize("role", ROLES)
def test_every_channel_shows_the_shared_representation_and_nothing_of_its_own(client, world, story, role):
    """The page renders measure_timeline's entries, the API is TimelineEntry.as_dict
    of the same entries, the CSV TimelineEntry.as_row: a channel that built its
    own rows (and hid or added something) fails here."""
    measure, users = story
    user = users[role]
    page, api, rows = _channels(client, measure, user)
    reader = user if user is not None else AnonymousUser()
    expected = measure_timeline(measure, include_internal=policy.sees_internal_history(reader, measure))

    assert page.context["timeline"] == expected
    assert api["timeline"] == json.loads(json.dumps([e.as_dict() for e in expected]))
    statuses = sorted((e for e in expected if e.status is not None), key=lambda e: (e.status.reported_on, e.when),
                      reverse=True)
    assert api["status_updates"] == json.loads(json.dumps([e.as_dict() for e in statuses]))
    assert rows[0] == [str(c) for c in TIMELINE_COLUMNS]
    assert rows[1:] == [e.as_row() for e in expected]


def test_the_report_prints_the_same_status_updates_and_no_author_for_any_reader(world, story):
    measure, _users = story
    today = timezone.localdate()

    def report(include_internal: bool):
        content = build_content(collaboration=world.collaboration, report_type="regional", year=today.year,
                                cutoff=today, include_internal=include_internal)
        return content, content_html(content)

    public, public_html = report(False)
    row = next(m for m in public.measures if m.id == measure.pk)
    timeline = measure_timeline(measure, include_internal=False)
    printed = sorted((e.who, e.text) for e in row.narrative)
    assert printed == sorted(("Samlet status" if e.kind == "status" else e.municipality, e.status.status_text)
                             for e in timeline if e.status is not None)
    assert "Intern vurdering" not in public_html
    internal, internal_html = report(True)
    assert "Intern vurdering" in [e.text for e in next(m for m in internal.measures if m.id == measure.pk).narrative]
    for html in (public_html, internal_html):  # a report names no author and quotes no comment, for anyone
        for text in ("Kari Kåfjord", "Vårens rapportering", "Etter telefon med Lyngen"):
            assert text not in html, text


def test_a_measure_s_timeline_csv_is_refused_where_the_measure_is(client, world):
    assert client.get(reverse("measure_timeline_csv", args=[world.internal.pk])).status_code == 404
    client.force_login(world.politician_kafjord)
    assert client.get(reverse("measure_timeline_csv", args=[world.internal.pk])).status_code == 404
    client.force_login(world.admin_kafjord)
    assert client.get(reverse("measure_timeline_csv", args=[world.internal.pk])).status_code == 200


def test_the_measure_page_links_its_timeline_csv(client, world):
    html = client.get(reverse("measure_detail", args=[world.shared.pk])).content.decode()
    assert reverse("measure_timeline_csv", args=[world.shared.pk]) in html
