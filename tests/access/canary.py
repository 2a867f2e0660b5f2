"""The canary leak test's world and crawler (tests/access/test_canary_leaks.py).

`seed_canaries()` writes a unique canary string ("KANARI-<8 hex>-<what>-<slug>")
into every kind of internal object of every demo collaboration, through the
portal's own services: an internal measure (title, description, organisation,
the reason it was made, its overall status and a participant's part), its
documents, the history of a measure recorded while it was internal (then
published under a new title), an internal network, an internal host
agreement and a participant's case number in it, an internal meeting and an
internal case in a published one, a reporting round, and rendered reports
(an internal one and a public draft, both unpublished). Each canary knows
which of the roles in tests/access/matrix.py may see it: the oracle below is
written out by hand from the README's rules, not asked of the policy.

`url_cases()` walks the resolver (every URL pattern the portal knows, the
admin's included) and fills each path parameter from the seeded data,
including other collaborations' ids and internal ids. A pattern whose
parameters it cannot fill is returned as unfilled, and the test fails on it:
a new URL is covered the day it is added, or named here with a reason.

`scan()` reads a response whatever it is (HTML, JSON, CSV, XLSX, iCal, PDF
text, raw bytes and the headers) and returns the canaries in it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from collaborations.access.models import Role, RoleAssignment
from collaborations.access.roles import role_grant
from collaborations.economy.models import CostKey, HostAgreement, HostAgreementParticipant
from collaborations.economy.services import AGREEMENT_PARTICIPANTS, agreement_save
from collaborations.meetings.models import (
    CouncilCase,
    CouncilCaseAttachment,
    CouncilDecision,
    FollowUp,
    Meeting,
    MeetingCase,
    WheelItem,
)
from collaborations.meetings.services import (
    case_save,
    council_case_attach,
    council_case_save,
    follow_up_save,
    meeting_save,
    wheel_item_save,
)
from collaborations.portfolio.models import Document, Measure, PlanPeriod, Strategy
from collaborations.portfolio.services import document_upload, measure_create, measure_post_status_update, measure_update
from collaborations.registry.models import Body, BodyMember, Collaboration, Network, OutsidePartner, Person, PopulationFigure
from collaborations.registry.selectors import members_on
from collaborations.registry.services import body_save, network_save
from collaborations.rounds.models import ReportingRound
from collaborations.rounds.services import round_open
from reporting.models import ReportJob
from reporting.services import report_publish, report_request
from tests.access.matrix import ROLES

User = get_user_model()

# ---------------------------------------------------------------- who is who in the demo data

# The demo user standing for each role of tests/access/matrix.py ("stranger" is made here).
DEMO_USERS = {
    "politician": "ordforer-kafjord",        # mayor of Kåfjord (Nord-Troms)
    "admin_participant": "admin-kafjord",     # administrator of Kåfjord (Nord-Troms)
    "admin_outsider": "admin-tana",           # administrator of Tana: outside Nord-Troms, inside Vestre Varanger
    "coordinator": "koordinator-hr",          # coordinates two Nord-Troms networks
    "partner": "partner-unn",                 # UNN HF, an outside partner in Nord-Troms
    "secretariat": "sekretariat-nordtroms",
    "superuser": "admin",
}
STRANGER = "fremmed-kanari"
ALL = "*"

# The oracle, by hand from the README: whose internal items each role sees (the secretariat of
# its collaboration; a municipality's administrators in every collaboration it is a member of),
# which collaborations it manages, and whose finished reports it reads before they are
# published (politicians and administrators of members, network coordinators, the secretariat).
INTERNAL_OF = {"admin_participant": {"nord-troms"}, "admin_outsider": {"vestre-varanger"},
               "secretariat": {"nord-troms"}, "superuser": {ALL}}
MANAGES = {"secretariat": {"nord-troms"}, "superuser": {ALL}}
READS_REPORTS = {"politician": {"nord-troms"}, "admin_participant": {"nord-troms"},
                 "admin_outsider": {"vestre-varanger"}, "coordinator": {"nord-troms"},
                 "secretariat": {"nord-troms"}, "superuser": {ALL}}


def _roles(table: dict, slug: str) -> frozenset[str]:
    return frozenset(r for r in ROLES if slug in table.get(r, ()) or ALL in table.get(r, ()))


def internal(slug: str) -> frozenset[str]:
    return _roles(INTERNAL_OF, slug)


def manages(slug: str) -> frozenset[str]:
    return _roles(MANAGES, slug)


def reads_reports(slug: str) -> frozenset[str]:
    return _roles(READS_REPORTS, slug)


# ---------------------------------------------------------------- canaries

PREFIX = "KANARI-"
CANARY_RE = re.compile(r"KANARI-?([0-9a-f]{0,8})")


@dataclass(frozen=True)
class Canary:
    id: str
    text: str
    what: str                 # "internal measure: title"
    slug: str
    group: str                # the object it sits in ("internal measure in nord-troms")
    audience: frozenset[str]  # the roles that may see it


@dataclass
class Report:
    job: ReportJob
    what: str
    audience: frozenset[str]
    sha256: str = ""


@dataclass
class Seed:
    canaries: dict[str, Canary] = field(default_factory=dict)
    # The rows URL parameters are filled with, by model: (object, its collaboration's slug).
    objects: dict[type, list[tuple[object, str]]] = field(default_factory=lambda: defaultdict(list))
    reports: list[Report] = field(default_factory=list)
    # group -> roles that must find at least one of its canaries (the positive controls).
    must_see: dict[str, frozenset[str]] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    slugs: list[str] = field(default_factory=list)

    def canary(self, what: str, slug: str, group: str, audience: frozenset[str], *, label: str = "",
               max_length: int = 200) -> str:
        cid = uuid.uuid4().hex[:8]
        text = f"{PREFIX}{cid}-{label or what.split(':')[-1].strip().replace(' ', '-')}-{slug}"[:max_length]
        self.canaries[cid] = Canary(cid, text, what, slug, group, audience)
        return text

    def add(self, obj, slug: str) -> None:
        self.objects[type(obj)].append((obj, slug))


def _file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n", "application/pdf")


def demo_users() -> dict:
    users = {"anonymous": None}
    for role, username in DEMO_USERS.items():
        users[role] = User.objects.get(username=username)
    users["stranger"] = User.objects.create_user(STRANGER, password="passord-for-test-123")
    return users


def seed_canaries() -> Seed:
    """Canaries in every collaboration of the loaded demo data (call after load_demo)."""
    seed = Seed()
    seed.users = demo_users()
    superuser = seed.users["superuser"]
    today = timezone.localdate()
    for collaboration in Collaboration.objects.order_by("slug"):
        slug = collaboration.slug
        seed.slugs.append(slug)
        secretary = User.objects.filter(username=f"sekretariat-{slug.replace('-', '')}").first()
        _seed_collaboration(seed, collaboration, secretary or superuser, today)
    _seed_nord_troms_roles(seed, Collaboration.objects.get(slug="nord-troms"), seed.users, today)
    for report in seed.reports:
        report.job.refresh_from_db()
        assert report.job.status == ReportJob.Status.DONE, (report.what, report.job.error)
        report.sha256 = report.job.sha256
    return seed


def _seed_collaboration(seed: Seed, c: Collaboration, acting, today: dt.date) -> None:
    slug = c.slug
    seen = internal(slug)
    members = members_on(c, today)
    first = members[0]
    k = seed.canary
    reason = "Testdata for kanarifugltesten"

    # An internal network.
    group = f"internal network in {slug}"
    seed.must_see[group] = seen
    network = network_save(acting_user=acting, reason=reason, network=Network(
        collaboration=c, visibility="internal", name=k("internal network: name", slug, group, seen),
        description=k("internal network: description", slug, group, seen),
        meeting_rhythm=k("internal network: meeting rhythm", slug, group, seen)),
        member_municipality_ids=[first.pk])
    seed.add(network, slug)

    # An internal host agreement, and a participant's case number in it.
    group = f"internal agreement in {slug}"
    seed.must_see[group] = seen
    agreement = agreement_save(acting_user=acting, reason=reason, agreement=HostAgreement(
        collaboration=c, visibility="internal", host=first, positions=Decimal("1.0"),
        service=k("internal agreement: service", slug, group, seen),
        delegated_authority=k("internal agreement: delegated authority", slug, group, seen),
        exit_terms=k("internal agreement: exit terms", slug, group, seen)))
    AGREEMENT_PARTICIPANTS.save(acting_user=acting, reason=reason, participant=HostAgreementParticipant(
        agreement=agreement, municipality=members[1] if len(members) > 1 else first, adopted_on=today,
        case_number=k("internal agreement: case number", slug, group, seen, label="case", max_length=50)))
    seed.add(agreement, slug)

    # An internal measure: its fields, why it was made, its overall status and a participant's part.
    group = f"internal measure in {slug}"
    seed.must_see[group] = seen
    measure = measure_create(
        acting_user=acting, collaboration=c, visibility="internal", participant_ids=[first.pk],
        title=k("internal measure: title", slug, group, seen),
        description=k("internal measure: description", slug, group, seen),
        organisation=k("internal measure: organisation", slug, group, seen),
        reason=k("internal measure: reason for creating it", slug, group, seen, label="reason"))
    measure_post_status_update(
        acting_user=acting, measure=measure, reported_on=today, phase="in_progress", traffic_light="amber",
        light_reason=k("status update of an internal measure: light reason", slug, group, seen),
        status_text=k("status update of an internal measure: status", slug, group, seen),
        follow_up_text=k("status update of an internal measure: follow-up", slug, group, seen),
        follow_up_responsible=k("status update of an internal measure: follow-up by", slug, group, seen),
        reason=k("status update of an internal measure: comment", slug, group, seen, label="comment"))
    measure.refresh_from_db()
    measure_post_status_update(
        acting_user=acting, measure=measure, reported_on=today, phase="in_progress", traffic_light="green",
        municipality=first, on_behalf=True,
        status_text=k("a participant's part of an internal measure: status", slug, group, seen))
    seed.add(measure, slug)

    # Its documents: an internal one, and a "published" one that is internal with its measure.
    group = f"documents of the internal measure in {slug}"
    seed.must_see[group] = seen
    for visibility in ("internal", "published"):
        name = k(f"{visibility} document of an internal measure: file name", slug, group, seen, label="file")
        document = document_upload(
            acting_user=acting, measure=measure, visibility=visibility,
            title=k(f"{visibility} document of an internal measure: title", slug, group, seen),
            file=_file(f"{name}.pdf", k(f"{visibility} document of an internal measure: content", slug, group,
                                        seen, label="content")))
        seed.add(document, slug)

    # A published measure run by the internal network under the internal agreement, with an internal
    # document: the measure is everyone's, the network, the agreement and the document are not.
    public = measure_create(acting_user=acting, collaboration=c, title=f"Offentlig tiltak {c.name}", reason=reason,
                            network=network, host_agreement=agreement)
    group = f"internal document of a published measure in {slug}"
    seed.must_see[group] = seen
    name = k("internal document of a published measure: file name", slug, group, seen, label="file")
    document = document_upload(
        acting_user=acting, measure=public, visibility="internal",
        title=k("internal document of a published measure: title", slug, group, seen),
        file=_file(f"{name}.pdf", k("internal document of a published measure: content", slug, group, seen,
                                    label="content")))
    seed.add(public, slug)
    seed.add(document, slug)

    # A measure made internal, then published under a new title: what was recorded while it was
    # internal stays with those who could see it then (policy.sees_internal_history). Its status as it
    # stood when it was published becomes public with it, so the internal status is superseded first.
    group = f"internal history of a published measure in {slug}"
    seed.must_see[group] = seen
    later = measure_create(
        acting_user=acting, collaboration=c, visibility="internal",
        title=k("internal history: old title", slug, group, seen),
        description=k("internal history: old description", slug, group, seen),
        reason=k("internal history: reason for creating it", slug, group, seen, label="reason"))
    measure_post_status_update(
        acting_user=acting, measure=later, reported_on=today, phase="in_progress", traffic_light="red",
        light_reason=k("internal history: old light reason", slug, group, seen),
        status_text=k("internal history: old status", slug, group, seen),
        reason=k("internal history: old status comment", slug, group, seen, label="comment"))
    later.refresh_from_db()
    measure_post_status_update(acting_user=acting, measure=later, reported_on=today, phase="in_progress",
                               traffic_light="green", status_text="Status før publisering.",
                               expected_version=later.version)
    later.refresh_from_db()
    later = measure_update(acting_user=acting, measure=later, expected_version=later.version,
                           reason="Publisert etter behandling", visibility="published",
                           title=f"Publisert tiltak {c.name}", description="Beskrivelsen som gjelder nå.")
    measure_post_status_update(acting_user=acting, measure=later, reported_on=today, phase="in_progress",
                               traffic_light="green", status_text="Status etter publisering.",
                               expected_version=later.version)
    seed.add(later, slug)

    # Meetings: an internal one, and an internal case in a published one (the admin shows them).
    body = c.bodies.order_by("pk").first() or body_save(
        acting_user=acting, reason=reason,
        body=Body(collaboration=c, kind=Body.Kind.CHIEF_EXECUTIVES, name=f"Styret i {c.name}"))
    group = f"internal meeting in {slug}"
    seed.must_see[group] = manages(slug)
    meeting = meeting_save(acting_user=acting, reason=reason, meeting=Meeting(
        body=body, held_on=today, visibility="internal", title=k("internal meeting: title", slug, group, seen),
        present=k("internal meeting: present", slug, group, seen)))
    seed.add(meeting, slug)
    published_meeting = meeting_save(acting_user=acting, reason=reason, meeting=Meeting(
        body=body, held_on=today, title=f"Åpent møte i {c.name}"))
    group = f"internal meeting case in {slug}"
    seed.must_see[group] = manages(slug)
    internal_case = case_save(acting_user=acting, reason=reason, case=MeetingCase(
        meeting=published_meeting, number=1, visibility="internal",
        title=k("internal meeting case: title", slug, group, seen),
        conclusion=k("internal meeting case: conclusion", slug, group, seen)))
    follow_up_save(acting_user=acting, reason=reason, follow_up=FollowUp(
        case=internal_case, responsible=k("internal meeting case: follow-up", slug, group, seen),
        due_on=today - dt.timedelta(days=1)))
    case_save(acting_user=acting, reason=reason, case=MeetingCase(meeting=published_meeting, number=2,
                                                                  title=f"Åpen sak i {c.name}"))
    seed.add(published_meeting, slug)

    # The annual wheel: an internal item.
    group = f"internal wheel item in {slug}"
    seed.must_see[group] = manages(slug)
    seed.add(wheel_item_save(acting_user=acting, reason=reason, wheel_item=WheelItem(
        collaboration=c, month=today.month, visibility="internal", title=k("internal wheel item: title", slug, group, seen),
        responsible=k("internal wheel item: responsible", slug, group, seen))), slug)

    # Joint council cases: an internal one (the admin and the portal show it to the administration only).
    group = f"internal council case in {slug}"
    seed.must_see[group] = manages(slug)
    members = list(members_on(c, today))
    internal_council_case = council_case_save(
        acting_user=acting, reason=reason, councils=members, council_case=CouncilCase(
            collaboration=c, visibility="internal", title=k("internal council case: title", slug, group, seen),
            proposed_decision=k("internal council case: proposal", slug, group, seen)))
    council_case_attach(acting_user=acting, council_case=internal_council_case, title="Vedlegg",
                        file=_file("vedlegg.pdf", k("internal council case: attachment", slug, group, seen)))
    seed.add(internal_council_case, slug)
    seed.add(council_case_save(acting_user=acting, reason=reason, councils=members, council_case=CouncilCase(
        collaboration=c, title=f"Felles sak i {c.name}", proposed_decision="Kommunestyret vedtar forslaget.")), slug)

    # A reporting round: the secretariat's.
    group = f"reporting round in {slug}"
    seed.must_see[group] = manages(slug)
    rnd = round_open(acting_user=acting, collaboration=c, starts_on=today - dt.timedelta(days=30),
                     deadline=today + dt.timedelta(days=30),
                     title=k("reporting round: title", slug, group, manages(slug)))
    seed.add(rnd, slug)

    # Reports: an internal one and a public draft, neither published.
    _report(seed, c, acting, today, include_internal=True, what=f"internal report (unpublished) of {slug}",
            audience=manages(slug))
    _report(seed, c, acting, today, include_internal=False, what=f"draft report (unpublished) of {slug}",
            audience=manages(slug) | reads_reports(slug))
    if slug in ("nord-troms", "vestre-varanger"):
        # A published internal report: everyone who sees the collaboration's internal items reads it.
        _report(seed, c, acting, today, include_internal=True, what=f"published internal report of {slug}",
                audience=seen, publish=True)


# Reports are rendered for real in this collaboration only: a demo collaboration's full report takes
# WeasyPrint 5-20 s, Fosen's (one measure besides the canaries') a few. Elsewhere the report
# jobs are ordered through the service and given a small stand-in file with a canary of its own;
# who may download a report is decided by its row, whatever the file holds.
RENDERED = "fosen"


def _report(seed: Seed, c: Collaboration, acting, today: dt.date, *, include_internal: bool, what: str,
            audience: frozenset[str], publish: bool = False) -> ReportJob:
    from reporting.services import report_mark_done
    from reporting.tasks import render_report

    batch = report_request(acting_user=acting, collaboration=c, report_type="regional", year=today.year,
                           cutoff=today, include_internal=include_internal)
    job = batch.jobs.get()
    if c.slug == RENDERED:
        render_report.apply(args=[job.pk])  # on commit it would be queued; the fixture's transaction never commits
    else:
        group = f"report file: {what}"
        seed.must_see[group] = audience
        text = seed.canary(f"report file: {what}", c.slug, group, audience, label="report")
        content = b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"
        name = default_storage.save(job.archive_name(), ContentFile(content))
        ReportJob.objects.filter(pk=job.pk).update(file=name, attempts=1, size=len(content), page_count=1,
                                                   sha256=hashlib.sha256(content).hexdigest())
        report_mark_done(job_id=job.pk, attempt=1)
    job.refresh_from_db()
    if publish:
        job = report_publish(acting_user=acting, job=job, reason="Testdata for kanarifugltesten")
    seed.reports.append(Report(job, what, audience))
    seed.add(job, c.slug)
    return job


def _seed_nord_troms_roles(seed: Seed, c: Collaboration, users: dict, today: dt.date) -> None:
    """What the partner and the coordinator may see of Nord-Troms's internal items, and what not."""
    slug, acting, k = c.slug, users["secretariat"], seed.canary
    seen = internal(slug)
    unn = OutsidePartner.objects.get(name="UNN HF")

    # An internal measure UNN HF takes part in: its users see it and report their part, but never
    # its internal documents.
    group, audience = "internal measure with UNN HF", seen | {"partner"}
    seed.must_see[group] = audience
    measure = measure_create(acting_user=acting, collaboration=c, visibility="internal", partner_ids=[unn.pk],
                             title=k("internal measure with a partner: title", slug, group, audience),
                             reason="Testdata for kanarifugltesten")
    measure_post_status_update(acting_user=users["partner"], measure=measure, partner=unn, reported_on=today,
                               phase="in_progress", traffic_light="green",
                               status_text=k("the partner's part: status", slug, group, audience))
    seed.add(measure, slug)
    group = "internal document of the measure with UNN HF"
    seed.must_see[group] = seen
    document = document_upload(acting_user=acting, measure=measure, visibility="internal",
                               title=k("internal document of the partner's measure: title", slug, group, seen),
                               file=_file("ros.pdf", "ROS"))
    seed.add(document, slug)

    # An internal measure run by the coordinator's network: the coordinator edits it and sees its
    # internal documents.
    hr = c.networks.get(name="HR-nettverket (personalledere)")
    group, audience = "internal measure of the coordinator's network", seen | {"coordinator"}
    seed.must_see[group] = audience
    measure = measure_create(acting_user=acting, collaboration=c, visibility="internal", network=hr,
                             title=k("internal measure of a network: title", slug, group, audience),
                             reason="Testdata for kanarifugltesten")
    document = document_upload(acting_user=acting, measure=measure, visibility="internal",
                               title=k("internal document of the network's measure: title", slug, group,
                                       audience), file=_file("notat.pdf", "Notat"))
    seed.add(measure, slug)
    seed.add(document, slug)

    # An internal network the coordinator coordinates.
    group, audience = "internal network the coordinator coordinates", seen | {"coordinator"}
    seed.must_see[group] = audience
    network = network_save(acting_user=acting, reason="Testdata for kanarifugltesten", network=Network(
        collaboration=c, visibility="internal", name=k("internal network of the coordinator: name", slug, group,
                                                       audience)))
    role_grant(acting_user=acting, user=users["coordinator"], role=Role.NETWORK_COORDINATOR, network=network,
               reason="Testdata for kanarifugltesten")
    seed.add(network, slug)


# ---------------------------------------------------------------- the resolver's URLs, filled

@dataclass(frozen=True)
class Pattern:
    """One URL pattern the resolver knows, with the parts of its route."""

    name: str                       # "ns:name", or the route itself for an unnamed pattern
    parts: tuple                    # the RoutePattern/RegexPattern of each resolver level
    params: tuple[str, ...]         # parameter names; positional regex groups as "0", "1", ...

    @property
    def route(self) -> str:
        return "".join(str(p) for p in self.parts)


def _group_spans(regex: str) -> list[tuple[int, int, str | None]]:
    """The top-level capturing groups of `regex`: (start, end, name or None)."""
    spans, depth, start, i = [], 0, None, 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                group = regex[start:i + 1]
                named = re.match(r"\(\?P<(\w+)>", group)
                if named or not group.startswith("(?"):
                    spans.append((start, i + 1, named.group(1) if named else None))
        i += 1
    return spans


def _params(part) -> list[str]:
    if isinstance(part, RoutePattern):
        return re.findall(r"<(?:\w+:)?(\w+)>", str(part))
    names, n = [], 0
    for _s, _e, name in _group_spans(str(part)):
        names.append(name if name else str(n))
        n += 0 if name else 1
    return names


def patterns() -> list[Pattern]:
    """Every URL pattern the resolver knows, the first of any two with the same route."""
    found, routes = [], set()

    def walk(entries, parts, namespace):
        for entry in entries:
            if isinstance(entry, URLResolver):
                ns = ":".join(filter(None, [namespace, entry.namespace]))
                walk(entry.url_patterns, (*parts, entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                all_parts = (*parts, entry.pattern)
                route = "".join(str(p) for p in all_parts)
                if route in routes:
                    continue  # shadowed: the resolver never reaches it
                routes.add(route)
                name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
                params = tuple(p for part in all_parts for p in _params(part))
                found.append(Pattern(name, all_parts, params))

    walk(get_resolver().url_patterns, (), "")
    return found


def build(pattern: Pattern, values: dict[str, object]) -> str:
    url = ""
    positional = 0
    for part in pattern.parts:
        text = str(part)
        if isinstance(part, RoutePattern):
            url += re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), text)
            continue
        out, last = "", 0
        for start, end, name in _group_spans(text):
            out += text[last:start]
            if name is None:
                name, positional = str(positional), positional + 1
            out += str(values[name])
            last = end
        out += text[last:]
        url += out.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + url


def _first(queryset):
    obj = queryset.order_by("pk").first()
    return [obj] if obj is not None else []


def admin_model_of(pattern: Pattern):
    """The model of an admin pattern (admin/<app_label>/<model_name>/...), or None."""
    route = pattern.route
    m = re.match(r"admin/(\w+)/(\w+)/", route)
    if not m:
        return None
    try:
        return apps.get_model(m.group(1), m.group(2))
    except LookupError:
        return None


# The collaborations whose rows fill the admin's object URLs: the secretariat's own and another.
ADMIN_SLUGS = ("nord-troms", "vestre-varanger")


class Filler:
    """Candidate values for each path parameter, from the seeded data.

    Each value is (value, slug of its collaboration or None). Parameters that
    name a child (an agreement's participant, a body's member, a measure's
    municipality) are filled from the parent's value. A slug beside a
    collaboration's object is its own collaboration's and one other
    (nord-troms, or vestre-varanger for nord-troms's objects): the other
    collaboration's URL must not reach the object either.
    """

    # (url name or "*", parameter) -> the parameter whose value it is a child of
    PARENTS = {
        ("*", "participant_id"): "agreement_id",
        ("*", "member_id"): "body_id",
        ("*", "case_id"): "meeting_id",
        ("*", "follow_up_id"): "case_id",
        ("*", "decision_id"): "council_case_id",
        ("*", "attachment_id"): "council_case_id",
        ("measure_part_status", "municipality_id"): "measure_id",
        ("measure_partner_status", "partner_id"): "measure_id",
        ("member_exit", "municipality_id"): "slug",
        ("population_edit", "figure_id"): "slug",
        ("role_revoke", "assignment_id"): "slug",
        ("dashboard_strategy", "number"): "slug",
        ("dashboard_municipality", "number"): "slug",
        ("dashboard_plan_strategy", "number"): "plan_id",
        ("*", "history_id"): "object_id",
        ("*", "1"): "0",                      # the admin's simple history: (object, history row)
        ("admin:view_on_site", "object_id"): "content_type_id",
    }

    def __init__(self, seed: Seed):
        self.seed = seed
        self.collaborations = {c.slug: c for c in Collaboration.objects.all()}

    def objects(self, model) -> list[tuple[object, str | None]]:
        return list(self.seed.objects.get(model, []))

    def _bound(self, rows) -> list[tuple[object, str | None]]:
        return [(obj, getattr(getattr(obj, "collaboration", None), "slug", None)) for obj in rows]

    def parent(self, pattern: Pattern, param: str) -> str | None:
        parent = self.PARENTS.get((pattern.name, param)) or self.PARENTS.get(("*", param))
        return parent if parent in pattern.params else None

    def values(self, pattern: Pattern, param: str, parent=None) -> list[tuple[object, str | None]]:
        name, seed = pattern.name, self.seed
        admin_model = admin_model_of(pattern)
        if param == "slug":
            return [(s, s) for s in seed.slugs]
        simple = {"measure_id": Measure, "document_id": Document, "job_id": ReportJob, "round_id": ReportingRound}
        if param in simple:
            return [(o.pk, s) for o, s in self.objects(simple[param])]
        if param == "network_id":
            return [(o.pk, s) for o, s in self.objects(Network)] + [
                (o.pk, o.collaboration.slug) for o in _first(Network.objects.filter(visibility="published"))]
        if param == "agreement_id":
            return [(o.pk, s) for o, s in self.objects(HostAgreement)] + [
                (o.pk, o.collaboration.slug) for o in _first(HostAgreement.objects.filter(visibility="published"))]
        if param == "item_id":
            return [(o.pk, s) for o, s in self.objects(WheelItem)]
        if param == "token" and name == "personal_ics":
            return [("0" * 43, None)]  # a wrong secret: 404 for everyone (the right one: tests/meetings/test_wheel.py)
        if param == "council_case_id":
            return [(o.pk, s) for o, s in self.objects(CouncilCase)]
        if param == "attachment_id":
            return [(a.pk, None) for a in _first(CouncilCaseAttachment.objects.filter(council_case_id=parent))]
        if param == "decision_id":
            return [(d.pk, None) for d in _first(CouncilDecision.objects.filter(council_case_id=parent))]
        if param == "meeting_id" and name == "reporting:minutes":
            # A PDF each: the meetings of the collaborations the admin crawl covers (an internal one among them).
            return [(o.pk, s) for o, s in self.objects(Meeting) if s in ADMIN_SLUGS]
        if param == "meeting_id":
            return [(o.pk, s) for o, s in self.objects(Meeting)]
        if param == "case_id":  # the internal case of the published meeting, numbered 1
            return [(c.pk, None) for c in _first(MeetingCase.objects.filter(meeting_id=parent).order_by("number"))]
        if param == "follow_up_id":
            return [(f.pk, None) for f in _first(FollowUp.objects.filter(case_id=parent))]
        if param == "participant_id":
            return [(p.pk, None) for p in _first(HostAgreementParticipant.objects.filter(agreement_id=parent))]
        if param == "plan_id":
            return [(p.pk, p.collaboration.slug) for p in PlanPeriod.objects.order_by("pk")]
        if param == "strategy_id":
            return [(s.pk, slug) for slug in seed.slugs
                    for s in _first(Strategy.objects.filter(plan__collaboration__slug=slug))]
        if param == "key_id":
            return [(k.pk, slug) for slug in seed.slugs for k in _first(CostKey.objects.filter(collaboration__slug=slug))]
        if param == "body_id":
            return [(b.pk, slug) for slug, c in self.collaborations.items()
                    for b in _first(c.bodies.filter(members__isnull=False)) or _first(c.bodies.all())]
        if param == "member_id":
            return [(m.pk, None) for m in _first(BodyMember.objects.filter(body_id=parent))]
        if param == "person_id":
            people = list(Person.objects.filter(user__username=DEMO_USERS["coordinator"]))
            people += _first(Person.objects.filter(user__isnull=True, responsible_for__isnull=False))
            return [(p.pk, None) for p in people]
        if param == "partner_id" and parent is not None:
            return [(p.pk, None) for p in Measure.objects.get(pk=parent).partners.all()]
        if param == "partner_id":
            return [(p.pk, None) for p in OutsidePartner.objects.filter(name__in=["UNN HF"])] + [
                (p.pk, None) for p in _first(OutsidePartner.objects.exclude(name="UNN HF"))]
        if param == "municipality_id" and name == "measure_part_status":
            return [(p.municipality_id, None) for p in Measure.objects.get(pk=parent).participations.all()[:1]]
        if param == "municipality_id":
            return [(m.pk, None) for m in members_on(self.collaborations[parent], timezone.localdate())[:1]]
        if param == "figure_id":
            members = members_on(self.collaborations[parent], timezone.localdate())[:1]
            return [(f.pk, None) for f in PopulationFigure.objects.filter(municipality__in=members)[:1]]
        if param == "assignment_id":
            return [(a.pk, None) for a in _first(RoleAssignment.objects.filter(collaboration__slug=parent))]
        if param == "user_id":
            return [(seed.users[r].pk, None) for r in ("secretariat", "admin_outsider", "partner")]
        if param == "number" and name == "dashboard_municipality":
            members = members_on(self.collaborations[parent], timezone.localdate())
            outsider = members_on(self.collaborations["nord-troms" if parent != "nord-troms" else "senja"],
                                  timezone.localdate())
            return [(m.number, None) for m in members[:1] + outsider[:1]]
        if param == "number" and name == "dashboard_strategy":
            plan = self.collaborations[parent].plans.order_by("-start_year").first()
            numbers = list(plan.strategies.order_by("number").values_list("number", flat=True)[:1]) if plan else []
            return [(n, None) for n in numbers or [1]]
        if param == "number" and name == "dashboard_plan_strategy":
            numbers = Strategy.objects.filter(plan_id=parent).order_by("number").values_list("number", flat=True)
            return [(n, None) for n in list(numbers[:1]) or [1]]
        if param == "token" and name.startswith("import_"):
            return [("0" * 32, None)]  # no such upload: the views must answer 404, not fail
        if name == "password_reset_confirm":
            return [({"uidb64": "MQ", "token": "set-password"}[param], None)]
        if param in ("object_id", "0") and admin_model is not None:
            # The admin is the secretariat's and the superuser's: its own collaboration's rows and another's.
            rows = [(o.pk, s) for o, s in self.objects(admin_model) if s in ADMIN_SLUGS]
            return rows or [(o.pk, None) for o in _first(admin_model._default_manager.all())] or [(0, None)]
        if param in ("history_id", "1") and admin_model is not None:
            # The oldest history row: for a measure published later, what was recorded while it was internal.
            history = getattr(admin_model, "history", None)
            first = history.filter(**{admin_model._meta.pk.attname: parent}).order_by("history_id").first() \
                if history is not None else None
            return [(first.history_id if first else 0, None)]
        if param == "id" and admin_model is not None:  # the admin's password change for a user
            return [(seed.users["secretariat"].pk, None)]
        if param == "content_type_id":
            return [(ContentType.objects.get_for_model(Measure).pk, None)]
        if param == "object_id" and name == "admin:view_on_site":
            return [(o.pk, s) for o, s in self.objects(Measure)[:2]]
        if param == "app_label":
            return [(label, None) for label in ("auth", "axes", "collaborations", "reporting")]
        if param == "url":
            return [("finnes-ikke/", None)]
        return []


# Query strings added to a pattern's plain URL: filters and choices that change what a page shows,
# each with the collaboration it concerns (or None).
QUERIES = {
    "reporting:archive": lambda seed: [(f"?samarbeid={s}", s) for s in seed.slugs],
    "collaboration_detail": lambda seed: [("?med=undersamarbeid", None)],
    "my_measures": lambda seed: [("?q=kanari", None)],
    "collaboration_measures": lambda seed: [("?q=kanari", None)],
}
# Searches find the canaries (in lower case, so that the search box showing what was searched for
# is no canary).
ADMIN_SEARCH = "?q=kanari"

# Who requests what. Every role requests every pattern; a role requests another collaboration's
# URLs only where it is not just like another role there (roles that stand in the same relation to a
# collaboration go through the same code):
# * Nord-Troms, where the roles have their rights, and URLs of no collaboration: every role;
# * Vestre Varanger: its administrator (admin_outsider), the Nord-Troms secretariat (rights in
#   another collaboration: the classic way to reach the wrong one), a user without roles, an
#   anonymous visitor and the superuser; the others are users without roles there;
# * the four demo collaborations where no role but the superuser has rights: an anonymous visitor
#   and the superuser (a logged-in user without rights there is tried in Vestre Varanger and
#   Nord-Troms);
# * the admin: only the secretariat and the superuser are staff; to everyone else it is the admin's
#   log-in page, asked by an anonymous visitor and a user without roles.
ROLES_FOR = {
    "nord-troms": frozenset(ROLES),
    "vestre-varanger": frozenset({"anonymous", "stranger", "admin_outsider", "secretariat", "superuser"}),
}
FEW_ROLES = frozenset({"anonymous", "superuser"})
ADMIN_ROLES = frozenset({"anonymous", "stranger", "secretariat", "superuser"})


def roles_for(name: str, slug: str | None) -> frozenset[str]:
    roles = frozenset(ROLES) if slug is None else ROLES_FOR.get(slug, FEW_ROLES)
    return roles & ADMIN_ROLES if name.startswith("admin") else roles


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    roles: frozenset[str]


def url_cases(seed: Seed) -> tuple[list[Case], list[str]]:
    """A Case for every pattern and its parameters filled from `seed`, and
    the routes of the patterns that could not be filled."""
    filler = Filler(seed)
    cases, unfilled = [], []
    for pattern in patterns():
        filled = _fill(filler, pattern)
        if filled is None:
            unfilled.append(f"{pattern.name} ({pattern.route})")
            continue
        extra = QUERIES.get(pattern.name, lambda s: [])(seed)
        if pattern.name.startswith("admin:") and pattern.name.endswith("_changelist"):
            extra = [(ADMIN_SEARCH, None)]
        for url, slug in filled:
            cases.append(Case(pattern.name, url, roles_for(pattern.name, slug)))
            for query, query_slug in extra:
                concerns = query_slug or slug
                cases.append(Case(pattern.name, url + query, roles_for(pattern.name, concerns)))
    return cases, unfilled


def _fill(filler: Filler, pattern: Pattern) -> list[tuple[str, str | None]] | None:
    """(URL, the collaboration it concerns or None) for each way to fill the pattern's parameters."""
    if not pattern.params:
        return [(build(pattern, {}), None)]
    children = {p: filler.parent(pattern, p) for p in pattern.params}
    slug_is_parent = "slug" in children.values()
    roots = [p for p in pattern.params if children[p] is None and (p != "slug" or slug_is_parent)]
    combos: list[dict] = [{}]
    for param in roots:
        values = filler.values(pattern, param)
        if not values:
            return None
        combos = [{**c, param: v} for c in combos for v in values]
    pending = [p for p in pattern.params if children[p] is not None]
    while pending:
        param = next(p for p in pending if children[p] in combos[0])
        out = []
        for combo in combos:
            out += [{**combo, param: v} for v in filler.values(pattern, param, parent=combo[children[param]][0])]
        combos = out
        pending.remove(param)
        if not combos:
            return None
    if "slug" in pattern.params and not slug_is_parent:
        out = []
        for combo in combos:
            own = {s for _v, s in combo.values() if s}
            slugs = sorted(own | {_other(s) for s in own}) if own else list(filler.seed.slugs)
            out += [{**combo, "slug": (s, s)} for s in slugs]
        combos = out
    filled = {}
    for combo in combos:
        objects = {s for k, (_v, s) in combo.items() if k != "slug" and s}
        # The collaboration the URL concerns: its object's (the one with the most roles, if two),
        # else its slug's.
        concerns = max(sorted(objects), key=lambda s: len(ROLES_FOR.get(s, FEW_ROLES))) if objects \
            else combo.get("slug", (None, None))[1]
        filled[build(pattern, {k: v for k, (v, _s) in combo.items()})] = concerns
    return sorted(filled.items())


def _other(slug: str) -> str:
    return "vestre-varanger" if slug == "nord-troms" else "nord-troms"


# ---------------------------------------------------------------- requesting and reading a response

def get(client, url: str):
    """GET `url` in a savepoint: a request that fails in the database (a 500)
    is rolled back alone, and the requests after it run on (PostgreSQL
    refuses every query in a transaction after an error)."""
    sid = transaction.savepoint_create()
    response = client.get(url)
    raw = body_bytes(response)
    if response.status_code >= 500:
        transaction.savepoint_rollback(sid)
    else:
        transaction.savepoint_commit(sid)
    return response, raw


def body_bytes(response) -> bytes:
    """The whole body. (The test client closes a streamed response once it is
    read; closing it again would fire request_finished, which on PostgreSQL
    closes the connection of the test's transaction.)"""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def readable_text(response, raw: bytes) -> str:
    """Everything a person could read in the response: headers, the body as
    text, the text of a PDF and of every part of a zip (XLSX, DOCX)."""
    texts = [f"{k}: {v}" for k, v in response.items()]
    texts.append(raw.decode("utf-8", errors="replace"))
    if raw.startswith(b"%PDF"):
        texts.append(pdf_text(raw))
    if raw.startswith(b"PK"):
        texts += zip_texts(raw)
    return "\n".join(texts)


def pdf_text(raw: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        text = "".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError):
        return ""  # a document stand-in that is no real PDF: its raw bytes were read above
    # A canary wrapped over two lines (or hyphenated) is still one canary.
    return re.sub(r"[\s\u00ad]+", "", text)


def zip_texts(raw: bytes) -> list[str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        return []
    return [archive.read(name).decode("utf-8", errors="replace") for name in archive.namelist()]


def scan(text: str) -> tuple[set[str], set[str]]:
    """(ids of the canaries in `text`, fragments of canaries that are not whole)."""
    ids, fragments = set(), set()
    for m in CANARY_RE.finditer(text):
        (ids if len(m.group(1)) == 8 else fragments).add(m.group(1) or m.group(0))
    return ids, fragments


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


