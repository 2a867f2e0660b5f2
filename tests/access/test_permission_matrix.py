"""The permission matrix: every role × every object kind × every action, at
the policy level and at the HTTP level. The tables ARE the specification
(policy_matrix.txt and http_matrix.txt beside this file, read by the tests
below); refused cases stand beside the allowed ones. Read a policy row as

    object kind        role                V E R M D I G C A

V view, E edit, R report_part, M manage, D read_reports (finished reports
before they are published: the politicians' and administrators' of members),
I view_internal, G generate_reports, C coordinate, A administer (the
installation: superuser only); "Y" allowed, "." refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from collaborations.access import policy
from collaborations.access.policy import Action
from tests.access.matrix import ROLES, assert_access, client_for, matrix, users  # noqa: F401 (fixture)

# Every test here needs the test database, also those that only use the
# module-scoped `matrix` (pytest-django sets databases up only for marked tests).
pytestmark = pytest.mark.django_db

ACTIONS = [Action.VIEW, Action.EDIT, Action.REPORT_PART, Action.MANAGE, Action.READ_REPORTS,
           Action.VIEW_INTERNAL, Action.GENERATE_REPORTS, Action.COORDINATE, Action.ADMINISTER]

POLICY = (Path(__file__).parent / "policy_matrix.txt").read_text()


def _policy_cases():
    for line in POLICY.strip().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, role, *marks = line.split()
        assert len(marks) == len(ACTIONS), line
        for action, mark in zip(ACTIONS, marks):
            yield pytest.param(kind, role, action, mark == "Y", id=f"{kind}-{role}-{action}")


def test_it_covers_every_role_object_and_action():
    cases = {(p.values[0], p.values[1], p.values[2]) for p in _policy_cases()}
    kinds = {c[0] for c in cases}
    assert len(kinds) == 10 and {c[1] for c in cases} == set(ROLES) and {c[2] for c in cases} == set(Action)
    assert len(cases) == 10 * len(ROLES) * len(Action)


@pytest.mark.parametrize("kind, role, action, expected", list(_policy_cases()))
def test_it_follows_the_policy_table(matrix, kind, role, action, expected):
    world, objects = matrix
    assert policy.allows(users(world)[role], action, objects[kind]) is expected


# ---------------------------------------------------------------- HTTP

# Internal titles each role must never find in a response body.
HIDDEN = {
    "anonymous": ["Helhetlig ROS-analyse", "ROS Vestre Varanger", "Intern risikovurdering møte"],
    "stranger": ["Helhetlig ROS-analyse", "ROS Vestre Varanger", "Intern risikovurdering møte"],
    "politician": ["Helhetlig ROS-analyse", "ROS Vestre Varanger", "Intern risikovurdering møte"],
    "admin_participant": ["ROS Vestre Varanger"],
    "admin_outsider": ["Helhetlig ROS-analyse", "Intern risikovurdering møte"],
    "coordinator": ["Helhetlig ROS-analyse", "ROS Vestre Varanger", "Intern risikovurdering møte"],
    "partner": ["Helhetlig ROS-analyse", "ROS Vestre Varanger", "Intern risikovurdering møte"],
    "secretariat": ["ROS Vestre Varanger"],
    "superuser": [],
}

LOGIN = 302  # anonymous visitors are sent to the login page (admin: its own login)
STATUSES = {
    "LOGIN": LOGIN,
    "GONE": 302,  # the admin redirects a row outside the user's queryset to its index
    "REDIRECT": (302,),  # a redirect anywhere, e.g. /start/ sends each role on to where its work is (test_start.py)
}
METHODS = ("get", "post")

# The HTTP tables: request (method, url name, arguments) => expected status per role.
# http_matrix.txt holds the daily pages; each feature of the secretariat's
# workspace keeps its own rows in http_matrix_<feature>.txt, read the same way.
HTTP_TABLES = sorted(Path(__file__).parent.glob("http_matrix*.txt"))


def _status(token: str) -> int | tuple[int, ...]:
    if token in STATUSES:
        return STATUSES[token]
    if "|" in token:
        return tuple(int(t) for t in token.split("|"))
    return int(token)  # anything else than a number fails here, when the tests are collected


def _url_builder(name: str, args: list[str]):
    """(world, objects) -> the URL: w.NAME is the world's NAME's pk, o.NAME the
    matrix object NAME's pk, ?QUERY is appended, anything else is passed as is."""
    query = "".join(a for a in args if a.startswith("?"))
    args = [a for a in args if not a.startswith("?")]

    def build(w, o):
        values = [getattr(w, a[2:]).pk if a.startswith("w.") else o[a[2:]].pk if a.startswith("o.") else a
                  for a in args]
        return reverse(name, args=values) + query

    return build


def _http_rows() -> list[tuple]:
    """The rows of every http_matrix*.txt as (name, method, url builder, expected status per role)."""
    rows = []
    for table in HTTP_TABLES:
        rows += _table_rows(table.read_text())
    return rows


def _table_rows(text: str) -> list[tuple]:
    rows, roles = [], None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        request, arrow, statuses = line.partition("=>")
        assert arrow, line
        request, statuses = request.split(), statuses.split()
        assert len(statuses) == len(ROLES), line
        if request == ["request"]:  # the header: which role each column is
            roles = statuses
            continue
        assert roles == ROLES, "the header must name the roles in order before the first row"
        method, name, *args = request
        assert method in METHODS, line
        rows.append((name, method, _url_builder(name, args), dict(zip(ROLES, map(_status, statuses)))))
    return rows


HTTP = _http_rows()

# Named URLs that have no row in any http_matrix*.txt, and why. A new URL without a row or a
# reason here fails test_it_has_a_row_for_every_url.
EXEMPT = {
    "document_download": "needs a stored file: test_it_serves_documents_only_to_those_who_may_see_them",
    "reporting:download": "needs a report job: covered by the reporting tests",
    "reporting:publish": "needs a report job: covered by the reporting tests",
    "reporting:correct": "needs a report job: covered by the reporting tests",
    "reporting:regenerate": "needs a report job: covered by the reporting tests",
    "reporting:delete": "needs a report job: covered by the reporting tests",
    "round_detail": "needs a reporting round: covered by the round tests",
}


def _http_cases():
    for name, method, build, expected in HTTP:
        for role in ROLES:
            yield pytest.param(name, method, build, role, expected[role], id=f"{method}-{name}-{role}")


@pytest.mark.crawl  # every URL as every role, like the canary crawl: backend-independent, so CI runs it on SQLite
@pytest.mark.parametrize("name, method, build, role, expected", list(_http_cases()))
def test_it_answers_each_role_as_the_table_says(matrix, name, method, build, role, expected):
    world, objects = matrix
    url = build(world, objects)  # a URL name that does not resolve fails here: no row is ever skipped
    cache.clear()  # the API's rate limit per IP must not interfere
    client = client_for(world, role)
    response = getattr(client, method)(url)
    allowed = expected if isinstance(expected, tuple) else (expected,)
    assert response.status_code in allowed, f"{role} {method.upper()} {url}: {response.status_code}"
    if response.status_code == LOGIN and expected == LOGIN:
        assert "login" in response.url or response.url.endswith(reverse("admin:index")), response.url
    if not getattr(response, "streaming", False):
        body = response.content.decode("utf-8", errors="replace")
        for title in HIDDEN[role]:
            assert title not in body, f"{title!r} leaked to {role} in {url}"


def _named_urls() -> set[str]:
    names = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLPattern) and entry.name:  # the installation's own pages (portal/urls.py)
            names.add(entry.name)
        elif isinstance(entry, URLResolver) and getattr(entry.urlconf_module, "__name__", "") in (
                "collaborations.urls", "reporting.urls"):
            prefix = f"{entry.namespace}:" if entry.namespace else ""
            names |= {prefix + p.name for p in entry.url_patterns if isinstance(p, URLPattern) and p.name}
    return names


def test_it_has_a_row_for_every_url():
    covered = {name for name, *_rest in HTTP} | set(EXEMPT)
    assert _named_urls() - covered == set()


def test_assert_access_helper_checks_status_and_leaks(matrix):
    world, _objects = matrix
    url = reverse("api_measures", args=["nord-troms"])
    cache.clear()
    assert_access(client_for(world, "anonymous"), url, 200, hidden=HIDDEN["anonymous"])
    with pytest.raises(AssertionError):
        assert_access(client_for(world, "secretariat"), url, 200, hidden=["Helhetlig ROS-analyse"])
    with pytest.raises(AssertionError):
        assert_access(client_for(world, "anonymous"), url, 404)


DOCUMENTS = {
    # role: (published document, internal document)
    "anonymous": (200, 404), "stranger": (200, 404), "politician": (200, 404),
    "admin_participant": (200, 200), "admin_outsider": (200, 404), "coordinator": (200, 404),
    # the partner takes part in the measure, but never sees its internal documents
    "partner": (200, 404), "secretariat": (200, 200), "superuser": (200, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_documents_only_to_those_who_may_see_them(matrix, role, settings, tmp_path):
    world, _objects = matrix
    from collaborations.portfolio.services import document_upload

    settings.MEDIA_ROOT = tmp_path
    public = document_upload(acting_user=world.secretariat, measure=world.shared, title="Referat",
                             file=SimpleUploadedFile("referat.pdf", b"%PDF-1.4 referat", "application/pdf"))
    internal = document_upload(acting_user=world.secretariat, measure=world.shared, title="ROS",
                               visibility="internal",
                               file=SimpleUploadedFile("ros.pdf", b"%PDF-1.4 ros", "application/pdf"))
    client = client_for(world, role)
    got = tuple(client.get(reverse("document_download", args=[d.pk])).status_code for d in (public, internal))
    assert got == DOCUMENTS[role]
