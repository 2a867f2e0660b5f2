"""The permission matrix: every role × every object kind × every action, at
the policy level and at the HTTP level. The tables ARE the specification;
refused cases stand beside the allowed ones. Read a policy row as

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
    "secretariat": ["ROS Vestre Varanger"],
    "superuser": [],
}

LOGIN = 302  # anonymous visitors are sent to the login page (admin: its own login)
ADMIN_GONE = 302  # the admin redirects a row outside the user's queryset to its index
LANDS = (302,)  # /start/ sends each role on to where its work is (tests/access/test_start.py)

#            anonymous stranger politician admin_p admin_o coordinator secretariat superuser
def row(*statuses) -> dict:
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses))


def _m(world, o, key):
    return o[key].pk


HTTP = [
    # name, method, url builder (world, objects) -> url, expected status per role
    ("home", "get", lambda w, o: reverse("home"), row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("health", "get", lambda w, o: reverse("health"), row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("collaboration_detail", "get", lambda w, o: reverse("collaboration_detail", args=["nord-troms"]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("my_measures", "get", lambda w, o: reverse("my_measures"), row(LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    ("measure_detail", "get", lambda w, o: reverse("measure_detail", args=[w.shared.pk]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("measure_detail", "get", lambda w, o: reverse("measure_detail", args=[w.internal.pk]),
     row(404, 404, 404, 200, 404, 404, 200, 200)),
    ("measure_detail", "get", lambda w, o: reverse("measure_detail", args=[w.foreign_internal.pk]),
     row(404, 404, 404, 404, 200, 404, 404, 200)),
    ("measure_status", "get", lambda w, o: reverse("measure_status", args=[w.shared.pk]),
     row(LOGIN, 403, 403, 200, 403, 403, 200, 200)),
    ("measure_status", "get", lambda w, o: reverse("measure_status", args=[w.internal.pk]),
     row(LOGIN, 404, 404, 403, 404, 404, 200, 200)),
    ("measure_status", "post", lambda w, o: reverse("measure_status", args=[w.shared.pk]),
     row(LOGIN, 403, 403, 200, 403, 403, 200, 200)),
    # Lyngen's part of a measure Kåfjord owns: Lyngen's administration, or the secretariat on its behalf
    ("measure_part_status", "get", lambda w, o: reverse("measure_part_status", args=[w.shared.pk, w.lyngen.pk]),
     row(LOGIN, 403, 403, 403, 403, 403, 200, 200)),
    ("measure_part_status", "post", lambda w, o: reverse("measure_part_status", args=[w.shared.pk, w.lyngen.pk]),
     row(LOGIN, 403, 403, 403, 403, 403, 200, 200)),
    ("measure_part_status", "get", lambda w, o: reverse("measure_part_status", args=[w.shared.pk, w.kafjord.pk]),
     row(LOGIN, 403, 403, 200, 403, 403, 200, 200)),
    ("measure_edit", "get", lambda w, o: reverse("measure_edit", args=[w.shared.pk]),
     row(LOGIN, 403, 403, 200, 403, 403, 200, 200)),
    ("measure_edit", "get", lambda w, o: reverse("measure_edit", args=[w.network_measure.pk]),
     row(LOGIN, 403, 403, 403, 403, 200, 200, 200)),
    ("measure_edit", "post", lambda w, o: reverse("measure_edit", args=[w.shared.pk]),
     row(LOGIN, 403, 403, 200, 403, 403, 200, 200)),
    ("document_upload", "get", lambda w, o: reverse("document_upload", args=[w.shared.pk]),
     row(LOGIN, 403, 403, 200, 403, 403, 200, 200)),
    ("document_upload", "post", lambda w, o: reverse("document_upload", args=[w.shared.pk]),
     row(LOGIN, 403, 403, 200, 403, 403, 200, 200)),
    ("round_list", "get", lambda w, o: reverse("round_list", args=["nord-troms"]),
     row(LOGIN, 403, 403, 403, 403, 403, 200, 200)),
    ("round_list", "post", lambda w, o: reverse("round_list", args=["nord-troms"]),
     row(LOGIN, 403, 403, 403, 403, 403, 200, 200)),
    ("dashboard_overview", "get", lambda w, o: reverse("dashboard_overview", args=["nord-troms"]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("dashboard_strategy", "get", lambda w, o: reverse("dashboard_strategy", args=["nord-troms", 1]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("dashboard_municipality", "get", lambda w, o: reverse("dashboard_municipality", args=["nord-troms", "5426"]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("dashboard_host_balance", "get", lambda w, o: reverse("dashboard_host_balance", args=["nord-troms"]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("dashboard_priority", "get", lambda w, o: reverse("dashboard_priority", args=["nord-troms"]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("dashboard_costs", "get", lambda w, o: reverse("dashboard_costs", args=["nord-troms"]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("collaboration_measures", "get", lambda w, o: reverse("collaboration_measures", args=["nord-troms"]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    # API and export
    ("api_collaborations", "get", lambda w, o: reverse("api_collaborations"),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("api_collaborations", "post", lambda w, o: reverse("api_collaborations"),
     row(405, 405, 405, 405, 405, 405, 405, 405)),
    ("api_measures", "get", lambda w, o: reverse("api_measures", args=["nord-troms"]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("api_measures", "get", lambda w, o: reverse("api_measures", args=["vestre-varanger"]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("api_measure", "get", lambda w, o: reverse("api_measure", args=[w.internal.pk]),
     row(404, 404, 404, 200, 404, 404, 200, 200)),
    ("api_measure", "get", lambda w, o: reverse("api_measure", args=[w.foreign_internal.pk]),
     row(404, 404, 404, 404, 200, 404, 404, 200)),
    ("api_measure", "get", lambda w, o: reverse("api_measure", args=[w.shared.pk]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("measures_csv", "get", lambda w, o: reverse("measures_csv", args=["nord-troms"]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("measures_csv", "get", lambda w, o: reverse("measures_csv", args=["vestre-varanger"]),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    # import of measures: secretariat only (an unknown token is 404 once the policy has said yes)
    ("import_upload", "get", lambda w, o: reverse("import_upload", args=["nord-troms"]),
     row(LOGIN, 403, 403, 403, 403, 403, 200, 200)),
    ("import_upload", "post", lambda w, o: reverse("import_upload", args=["nord-troms"]),
     row(LOGIN, 403, 403, 403, 403, 403, 200, 200)),
    ("import_upload", "get", lambda w, o: reverse("import_upload", args=["vestre-varanger"]),
     row(LOGIN, 403, 403, 403, 403, 403, 403, 200)),
    ("import_template", "get", lambda w, o: reverse("import_template", args=["nord-troms"]),
     row(LOGIN, 403, 403, 403, 403, 403, 200, 200)),
    ("import_preview", "get", lambda w, o: reverse("import_preview", args=["nord-troms", "ukjent"]),
     row(LOGIN, 403, 403, 403, 403, 403, 404, 404)),
    ("import_confirm", "post", lambda w, o: reverse("import_confirm", args=["nord-troms", "ukjent"]),
     row(LOGIN, 403, 403, 403, 403, 403, 404, 404)),
    # the installation's own pages: the accessibility statement and the icon, for everyone
    ("accessibility_statement", "get", lambda w, o: reverse("accessibility_statement"),
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("favicon", "get", lambda w, o: reverse("favicon"), row(*[(302,)] * 8)),  # to the static icon
    # where each role lands after logging in, and the politicians' start page
    ("start", "get", lambda w, o: reverse("start"), row(*[LANDS] * 8)),
    ("my_collaborations", "get", lambda w, o: reverse("my_collaborations"),
     row(LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    # the audit trail: the secretariat of the collaboration only
    ("audit_trail", "get", lambda w, o: reverse("audit_trail", args=["nord-troms"]),
     row(LOGIN, 403, 403, 403, 403, 403, 200, 200)),
    ("audit_trail", "get", lambda w, o: reverse("audit_trail", args=["vestre-varanger"]),
     row(LOGIN, 403, 403, 403, 403, 403, 403, 200)),
    # reports: a finished council report that is not yet published reaches the
    # politicians and administrations of the members (read_reports), not the public
    ("reporting:job_row", "get", lambda w, o: reverse("reporting:job_row", args=[o["draft_report"].pk]),
     row(404, 404, 200, 200, 404, 200, 200, 200)),
    ("reporting:archive", "get", lambda w, o: reverse("reporting:archive") + "?samarbeid=nord-troms",
     row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("reporting:generate", "post", lambda w, o: reverse("reporting:generate"),
     # allowed roles are not refused: their empty order is answered as invalid (400) or re-shown
     row(LOGIN, 403, 403, 403, 403, 403, (200, 302, 400), (200, 302, 400))),
    # the admin: staff only, rows scoped by the policy
    ("admin:index", "get", lambda w, o: reverse("admin:index"), row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200)),
    ("admin:collaborations_measure_changelist", "get",
     lambda w, o: reverse("admin:collaborations_measure_changelist"),
     row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200)),
    ("admin:collaborations_measure_change", "get",
     lambda w, o: reverse("admin:collaborations_measure_change", args=[w.internal.pk]),
     row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200)),
    ("admin:collaborations_measure_change", "get",
     lambda w, o: reverse("admin:collaborations_measure_change", args=[w.foreign_internal.pk]),
     row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, ADMIN_GONE, 200)),
    ("admin:collaborations_measure_history", "get",
     lambda w, o: reverse("admin:collaborations_measure_history", args=[w.foreign_internal.pk]),
     row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403, 200)),
    ("admin:collaborations_collaboration_change", "get",
     lambda w, o: reverse("admin:collaborations_collaboration_change", args=[w.collaboration.pk]),
     row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200)),
    ("admin:collaborations_collaboration_change", "get",
     lambda w, o: reverse("admin:collaborations_collaboration_change", args=[w.other_collaboration.pk]),
     row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, ADMIN_GONE, 200)),
    ("admin:collaborations_meeting_change", "get",
     lambda w, o: reverse("admin:collaborations_meeting_change", args=[o["meeting"].pk]),
     row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200)),
    ("admin:collaborations_hostagreement_change", "get",
     lambda w, o: reverse("admin:collaborations_hostagreement_change", args=[o["host_agreement"].pk]),
     row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200)),
    ("admin:collaborations_statusupdate_changelist", "get",
     lambda w, o: reverse("admin:collaborations_statusupdate_changelist"),
     row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200)),
    ("admin:collaborations_roleassignment_changelist", "get",
     lambda w, o: reverse("admin:collaborations_roleassignment_changelist"),
     row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200)),
    ("admin:collaborations_collaboration_add", "get",
     lambda w, o: reverse("admin:collaborations_collaboration_add"),
     row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403, 200)),
]

# Named URLs that have no row above, and why. A new URL without a row or a
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
    "secretariat": (200, 200), "superuser": (200, 200),
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
    users_ = {**world.users_by_role(), "superuser": world.superuser}
    from django.test import Client
    client = Client()
    if users_[role]:
        client.force_login(users_[role])
    got = tuple(client.get(reverse("document_download", args=[d.pk])).status_code for d in (public, internal))
    assert got == DOCUMENTS[role]
