"""The canary leak test (issue 12, "make the red team part of the suite").

Every demo collaboration gets a unique canary string in every kind of
internal object (tests/access/canary.py says which, and who may see each).
Then every role of the permission matrix requests every URL the resolver
knows, with its path parameters filled from the data (other collaborations'
ids and internal ids included), and no canary may appear where the role may
not see it: in HTML, JSON, CSV, XLSX, iCal, a PDF's text, a file's bytes or a
header. A rendered report's file may reach only those who may read it.

The test can fail: each role must find at least one canary of every object
it may see (the secretariat its collaboration's, the partner the measure it
takes part in, ...), and the superuser every canary, so seeding and reading
work. GET only; refused POSTs are the permission matrix's
(tests/access/test_permission_matrix.py).
"""

from __future__ import annotations

import time
import types
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from collaborations.access import policy
from collaborations.access.policy import Action
from tests.access.canary import (
    INTERNAL_OF,
    MANAGES,
    READS_REPORTS,
    RENDERED,
    ROLES,
    get,
    internal,
    manages,
    pdf_text,
    readable_text,
    reads_reports,
    scan,
    seed_canaries,
    sha256,
    url_cases,
)

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

# URL patterns the crawler cannot fill, and why. A new pattern it cannot fill fails
# test_it_fills_every_url_pattern until its parameters are taught to canary.Filler or named here.
EXEMPT: dict[str, str] = {}


@dataclass
class Crawl:
    """What one role got in the crawl."""

    requests: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    leaks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    seen_reports: set[str] = field(default_factory=set)
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@pytest.fixture(scope="module")
def canary_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data with canaries, loaded once for the module inside a
    transaction that is rolled back at the end, and the crawl of every URL as
    every role. Dashboards are cached as in production (the cache must keep
    each visibility scope apart); the API's rate limit is off (it would answer
    instead of the view after 60 requests)."""
    media = tmp_path_factory.mktemp("canary-media")
    started = time.perf_counter()
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(
            MEDIA_ROOT=str(media), DASHBOARD_CACHE_SECONDS=300, RATELIMIT_ENABLE=False):
        cache.clear()
        call_command("load_demo", verbosity=0)
        loaded = time.perf_counter()
        seed = seed_canaries()
        cases, unfilled = url_cases(seed)
        seeded = time.perf_counter()
        crawls = _crawl(seed, cases)
        print(f"\ncanary world: demo {loaded - started:.1f} s, canaries {seeded - loaded:.1f} s, "
              f"{len(seed.canaries)} canaries, {len(seed.reports)} reports, {len(cases)} URLs, "
              f"{sum(c.requests for c in crawls.values())} GETs in {time.perf_counter() - seeded:.1f} s")
        for role, crawl in crawls.items():
            print(f"  {role}: {crawl.requests} GETs, {crawl.seconds:.1f} s ({crawl.cpu:.1f} s CPU); "
                  f"{dict(crawl.kinds)}")
        yield seed, cases, unfilled, crawls
        transaction.set_rollback(True)
        cache.clear()


def _client(seed, role: str) -> Client:
    client = Client(raise_request_exception=False)  # a server error is counted, and the crawl goes on
    if seed.users[role] is not None:
        client.force_login(seed.users[role])
    return client


def _crawl(seed, cases) -> dict[str, Crawl]:
    """Every URL as every role, URL by URL (so a page cached for one role is
    there when the next asks)."""
    clients = {role: _client(seed, role) for role in ROLES}
    crawls = {role: Crawl() for role in ROLES}
    by_pattern: dict[str, float] = defaultdict(float)
    reports = {r.sha256: r for r in seed.reports}
    for case in cases:
        for role in ROLES:
            if role not in case.roles:
                continue
            crawl, url = crawls[role], case.url
            wall, cpu = time.perf_counter(), time.process_time()
            response, raw = get(clients[role], url)
            crawl.requests += 1
            if response.status_code >= 500:
                crawl.errors.append(f"{response.status_code} GET {url} ({case.name})")
            else:
                crawl.kinds[response.get("Content-Type", "-").split(";")[0]] += 1
                _read(seed, reports, crawl, role, case, response, raw)
            crawl.seconds += time.perf_counter() - wall
            crawl.cpu += time.process_time() - cpu
            by_pattern[case.name] += time.process_time() - cpu
    slowest = sorted(by_pattern.items(), key=lambda kv: -kv[1])[:12]
    print("\nslowest patterns (CPU s, all roles): " + ", ".join(f"{name} {t:.1f}" for name, t in slowest))
    return crawls


def _read(seed, reports, crawl: Crawl, role: str, case, response, raw: bytes) -> None:
    ids, broken = scan(readable_text(response, raw))
    for cid in ids:
        canary = seed.canaries.get(cid)
        if canary is None:
            crawl.fragments.append(f"unknown canary {cid} in GET {case.url}")
        elif role not in canary.audience:
            crawl.leaks.append(f"GET {case.url} ({case.name}): {canary.what} of {canary.slug} ({canary.text})")
        else:
            crawl.seen_ids.add(cid)
    if broken and role != "superuser":
        crawl.fragments.append(f"a cut canary {sorted(broken)} in GET {case.url} ({case.name})")
    report = reports.get(sha256(raw))
    if report is not None:
        if role not in report.audience:
            crawl.leaks.append(f"GET {case.url} ({case.name}): the file of the {report.what}")
        crawl.seen_reports.add(report.what)


def test_it_fills_every_url_pattern(canary_world):
    _seed, cases, unfilled, _crawls = canary_world
    missing = [p for p in unfilled if p.split(" ")[0] not in EXEMPT]
    assert not missing, ("URL patterns whose parameters the canary test cannot fill (teach tests/access/canary.py "
                         "Filler their parameters, or add them to EXEMPT with a reason):\n  " + "\n  ".join(missing))
    assert len({c.name for c in cases}) > 250


def test_a_pattern_it_cannot_fill_is_named(canary_world):
    """The day a URL with a parameter nobody taught the filler is added, the
    test says which; the slug beside it is filled, as every collaboration's."""
    seed = canary_world[0]
    urlconf = types.ModuleType("canary_probe_urls")
    urlconf.urlpatterns = [path("ny/<int:ukjent_id>/", HttpResponse, name="ny"),
                           path("samarbeid/<slug:slug>/ny/", HttpResponse, name="kjent")]
    with override_settings(ROOT_URLCONF=urlconf):
        cases, unfilled = url_cases(seed)
    assert unfilled == ["ny (ny/<int:ukjent_id>/)"]
    assert sorted(c.url for c in cases) == sorted(f"/samarbeid/{slug}/ny/" for slug in seed.slugs)


def test_the_oracle_matches_the_demo_roles(canary_world):
    """The hand-written oracle (who sees whose internal items, manages, reads
    draft reports) names the demo users' actual grants: a change in the demo
    data fails here, not as a puzzling leak."""
    seed, _cases, _unfilled, _crawls = canary_world
    for table, action in ((INTERNAL_OF, Action.VIEW_INTERNAL), (MANAGES, Action.MANAGE),
                          (READS_REPORTS, Action.READ_REPORTS)):
        for role in ROLES:
            actual = set(policy.collaborations_where(seed.users[role], action).values_list("slug", flat=True))
            expected = set(seed.slugs) if "*" in table.get(role, ()) else table.get(role, set())
            assert actual == expected, (role, action)
    assert internal("nord-troms") == {"admin_participant", "secretariat", "superuser"}
    assert manages("senja") == {"superuser"}
    assert reads_reports("vestre-varanger") == {"admin_outsider", "superuser"}


@pytest.mark.parametrize("role", ROLES)
def test_no_canary_reaches_a_role_that_may_not_see_it(canary_world, role):
    seed, _cases, _unfilled, crawls = canary_world
    crawl = crawls[role]
    assert not crawl.errors, "server errors:\n  " + "\n  ".join(crawl.errors)
    assert not crawl.leaks, f"canaries leaked to {role}:\n  " + "\n  ".join(sorted(set(crawl.leaks)))
    assert not crawl.fragments, "\n  ".join(crawl.fragments)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_finds_what_it_may_see(canary_world, role):
    """The positive controls: the leak test can fail, because every role finds
    canaries of every object it may see (and the superuser every canary), and
    downloads every report it may read."""
    seed, _cases, _unfilled, crawls = canary_world
    crawl = crawls[role]
    seen_groups = {seed.canaries[cid].group for cid in crawl.seen_ids}
    expected = {group for group, roles in seed.must_see.items() if role in roles}
    assert expected <= seen_groups, f"{role} found no canary of: {sorted(expected - seen_groups)}"
    expected_reports = {r.what for r in seed.reports if role in r.audience}
    assert expected_reports <= crawl.seen_reports, \
        f"{role} could not download: {sorted(expected_reports - crawl.seen_reports)}"
    if role == "superuser":
        unseen = sorted(f"{c.what} ({c.slug})" for cid, c in seed.canaries.items() if cid not in crawl.seen_ids)
        assert not unseen, "canaries no page shows, not even to the superuser:\n  " + "\n  ".join(unseen)


def test_a_rendered_public_report_holds_no_canary_and_an_internal_one_does(canary_world):
    """The reports rendered for real (canary.RENDERED): the public draft's PDF
    text has no canary at all (every canary is internal to someone), the
    internal report's has the internal measure's; the text is read as the
    crawl reads it."""
    seed, _cases, _unfilled, _crawls = canary_world
    texts = {}
    for report in seed.reports:
        if report.job.collaboration.slug != RENDERED:
            continue
        with report.job.file.open("rb") as handle:
            raw = handle.read()
        assert raw.startswith(b"%PDF")
        texts[report.job.include_internal] = scan(pdf_text(raw))[0]
    public = {f"{seed.canaries[cid].what}" for cid in texts[False]}
    assert not public, f"the public report of {RENDERED} holds: {sorted(public)}"
    internal_measure = {seed.canaries[cid].what for cid in texts[True]}
    assert "internal measure: title" in internal_measure, sorted(internal_measure)
