"""Helpers shared by the dashboard tests."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from collaborations.economy.models import HostAgreement, HostAgreementParticipant
from collaborations.meetings.models import Meeting
from collaborations.portfolio.services import measure_post_status_update
from collaborations.registry.models import Body
from tests.factories import make_measure

LIST_LINK = re.compile(r'<a [^>]*href="(/samarbeid/[^"]+/tiltak/[^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def linked_numbers(content: str) -> list[tuple[str, int]]:
    """Every (list URL, number) a page links: the first number in each link's text."""
    found = []
    for href, inner in LIST_LINK.findall(content):
        text = html.unescape(TAG.sub(" ", inner)).replace("\xa0", "")
        match = re.search(r"\d+", text)
        if match:
            found.append((html.unescape(href), int(match.group())))
    return found


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    match = re.search(r'class="result-count"[^>]*>\s*(\d+) tiltak', response.content.decode())
    assert match, url
    return int(match.group(1))


def queries_for(client, url: str) -> int:
    from django.core.cache import cache

    cache.clear()
    client.get(url)  # warm up sessions, content types, guardian caches
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(world, factor: int = 10) -> None:
    """Add `factor` times more measures (with participants, status updates and
    history), host agreements and a council meeting to the world."""
    long_ago = timezone.now() - dt.timedelta(days=400)
    for i in range(3 * factor):
        light = ("green", "amber", "red")[i % 3]
        m = make_measure(world.collaboration, title=f"Vekst {i}", strategy=world.strategy,
                         participants=[world.kafjord, world.lyngen] if i % 2 else [world.lyngen],
                         owner_municipality=world.lyngen, visibility="internal" if i % 4 == 0 else "published",
                         potential=1 + i % 10, feasibility=10 - i % 10, budget=Decimal(10000), budget_recurrence="yearly",
                         cost_key=world.cost_key, recorded_at=long_ago)
        for k in range(3):
            measure_post_status_update(
                acting_user=world.secretariat, measure=m, reported_on=dt.date.today() - dt.timedelta(days=30 * k),
                phase="in_progress", traffic_light=light, light_reason="" if light == "green" else "Forsinket",
                status_text=f"Oppdatering {k}", follow_up_due=None)
    for i in range(factor):
        a = HostAgreement.objects.create(collaboration=world.collaboration, service=f"Tjeneste {i}",
                                         host=world.kafjord if i % 2 else world.lyngen, positions=Decimal("1.5"),
                                         annual_cost=Decimal(100000), cost_key=world.cost_key)
        for municipality in (world.kafjord, world.lyngen):
            HostAgreementParticipant.objects.create(agreement=a, municipality=municipality)
    body, _ = Body.objects.get_or_create(collaboration=world.collaboration, kind=Body.Kind.REGIONAL_COUNCIL,
                                         name="Nord-Troms regionråd")
    Meeting.objects.create(body=body, title="Regionrådsmøte", held_on=dt.date.today() - dt.timedelta(days=20))
