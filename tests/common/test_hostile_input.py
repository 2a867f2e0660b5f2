"""The hostile corpus for every free-text field (issue 12, "make the red team
part of the suite"; the import files' corpus is tests/imports').

Every page the resolver knows is opened (as the secretariat, else as whoever
is offered a form there), and every field of every form on it is submitted
through the real URL, one at a time, with what a hostile or unlucky user
types (tests/common/hostile.py): markup, `{{7*7}}` and `{% debug %}`, a
`javascript:` link, right-to-left override and combining characters, 1 MB of
text, a NUL byte, and a lone surrogate sent as raw bytes. Then:

* no answer is a server error;
* 1 MB is refused with a Norwegian length message, NUL with the control
  character middleware's 400; a refused form wrote nothing at all (every row
  of the portal's tables, history and audit trail included, is unchanged);
* what was saved is shown escaped in every page that shows it afterwards: no
  raw `<script>`, no `javascript:` link, the literal `{{7*7}}` and
  `{% debug %}` (never evaluated), in every page of the collaboration, as
  the secretariat and as an anonymous visitor.
"""

from __future__ import annotations

import datetime as dt
import zlib

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from collaborations.access.models import RoleAssignment
from collaborations.registry.models import BodyMember, Person
from collaborations.rounds.services import round_open
from tests.access.canary import admin_model_of, build, patterns
from tests.access.matrix import make_matrix_world, users
from tests.common.hostile import (
    LENGTH_MESSAGE,
    LONE_SURROGATE_BYTES,
    LONE_SURROGATE_RAW,
    MEGABYTE,
    NEVER_IN_HTML,
    NUL,
    fingerprint,
    forms_in,
    multipart,
    short_hostile,
    shown_escaped,
    submission,
    urlencoded,
)

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

# Patterns left out, and why.
LEFT_OUT = {
    "import_upload": "the import files' hostile corpus is tests/imports'",
    "import_preview": "the import files' hostile corpus is tests/imports'",
    "import_confirm": "the import files' hostile corpus is tests/imports'",
    "import_template": "the import files' hostile corpus is tests/imports'",
}
# Forms that are not submitted here, and why.
NOT_SUBMITTED = {"logout": "no field but the token; it would end the session the test runs in"}
# Pages whose forms take no hostile value at all, and why; every other form with a free-text field
# must save one, so that what it shows afterwards is judged too.
NEVER_SAVED = {
    "login": "a log-in with a made-up name fails, whatever the name",
    "password_reset": "the address is looked up, nothing is saved",
    "reporting:archive": "ordering a report has no free text; publishing needs a finished file",
}


def _defaults(name: str, world) -> dict[str, str | list[str]]:
    """Values that make a page's form valid where the page itself leaves a
    choice open, so that the hostile field is what is judged."""
    today = timezone.localdate()
    return {
        "collaboration_roles": {"user": world.stranger.username, "role": "secretariat",
                                "scope": f"c:{world.collaboration.pk}"},
        "person_invite": {"role": "secretariat", "scope": f"c:{world.collaboration.pk}"},
        "merger": {"predecessors": [str(world.kafjord.pk), str(world.lyngen.pk)], "successor": "",
                   "new_number": "5499", "new_county": str(world.kafjord.county_id)},
        "agreement_participant_leave": {"left_on": today.replace(year=today.year + 2).isoformat()},
        "member_add": {"municipality": str(world.outsider.pk), "consent_1": "on", "consent_2": "on"},
        "body_create": {"kind": "regional_council"},
        "agreement_participant_add": {"municipality": str(world.kafjord.pk)},
    }.get(name, {})

PAGES = [p for p in patterns() if not p.name.startswith("admin:") and p.name not in LEFT_OUT
         and not p.name.startswith("admin/")]
ROLES_TRIED = ("secretariat", "superuser", "coordinator", "partner", "admin_participant", "anonymous")


@pytest.fixture(scope="module")
def hostile_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The permission matrix's world, with a body member, a round and a document
    so that every page has something to show and edit."""
    from django.test import override_settings

    from collaborations.meetings.services import council_case_attach
    from collaborations.portfolio.services import document_upload

    media = tmp_path_factory.mktemp("hostile-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)), transaction.atomic():
        world, objects = make_matrix_world()
        person = Person.objects.create(name="Berit Bakke", municipality=world.kafjord)
        objects["body_member"] = BodyMember.objects.create(body=world.first_body, person=person, role="leder")
        objects["round"] = round_open(acting_user=world.secretariat, collaboration=world.collaboration,
                                      title="Halvår", starts_on=_today(-30), deadline=_today(30))
        objects["document"] = document_upload(
            acting_user=world.secretariat, measure=world.shared, title="Referat",
            file=SimpleUploadedFile("referat.pdf", b"%PDF-1.4 referat", "application/pdf"))
        objects["assignment"] = RoleAssignment.objects.get(user=world.partner_user)
        objects["attachment"] = council_case_attach(
            acting_user=world.secretariat, council_case=objects["council_case"], title="Avtalen",
            file=SimpleUploadedFile("avtale.pdf", b"%PDF-1.4 avtale", "application/pdf"))
        yield world, objects, str(media)
        transaction.set_rollback(True)


def _today(days: int):
    return timezone.localdate() + dt.timedelta(days=days)


def _values(world, objects) -> dict[str, object]:
    """A value for every path parameter, from the matrix world."""
    agreement = objects["host_agreement"]
    return {
        "slug": world.collaboration.slug, "measure_id": world.shared.pk, "municipality_id": world.kafjord.pk,
        "partner_id": world.partner.pk, "document_id": objects["document"].pk, "network_id": world.network.pk,
        "agreement_id": agreement.pk, "participant_id": agreement.participants.first().pk,
        "plan_id": world.plan.pk, "strategy_id": world.strategy.pk, "key_id": world.cost_key.pk,
        "body_id": world.first_body.pk, "member_id": objects["body_member"].pk,
        "person_id": world.coordinator_person.pk, "figure_id": world.kafjord_figure.pk,
        "round_id": objects["round"].pk, "assignment_id": objects["assignment"].pk,
        "user_id": world.secretariat.pk, "job_id": objects["draft_report"].pk,
        "uidb64": "MQ", "token": "set-password",
        "meeting_id": objects["meeting"].pk, "case_id": objects["internal_case"].pk,
        "follow_up_id": objects["follow_up"].pk, "council_case_id": objects["council_case"].pk,
        "decision_id": objects["council_decision"].pk, "attachment_id": objects["attachment"].pk,
        "item_id": objects["wheel_item"].pk,
    }


def _number(name: str, world) -> object:
    return world.kafjord.number if name == "dashboard_municipality" else world.strategy.number


def _url(pattern, world, objects) -> str:
    values = _values(world, objects)
    values["number"] = _number(pattern.name, world)
    missing = [p for p in pattern.params if p not in values]
    assert not missing, f"{pattern.name}: no value for {missing}: add one to _values()"
    return build(pattern, values)


def _client(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    user = users(world)[role]
    if user is not None:
        client.force_login(user)
    return client


def _same(path_a: str, path_b: str) -> bool:
    return path_a.split("?")[0].rstrip("/") == path_b.split("?")[0].rstrip("/")


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


class Attack:
    """Submits one form's fields, one at a time, with the corpus, and keeps the record."""

    def __init__(self, client: Client, page: str, form, defaults: dict, *, tamper: bool = True):
        self.client, self.page, self.form, self.defaults, self.tamper = client, page, form, defaults, tamper
        self.failures: list[str] = []
        self.saved: list[tuple[str, str, str]] = []   # (form action, field, value)
        self.shown: list[str] = [page]                 # pages that show what was saved
        self.posts = 0

    def fresh_form(self):
        response = self.client.get(self.page)
        if response.status_code != 200:
            return None
        return next((f for f in forms_in(response.content.decode(), self.page) if _same(f.action, self.form.action)),
                    None)

    def post(self, form, data: list[tuple[str, str]], raw: dict[str, str] | None = None):
        """POST in a savepoint: a server error is rolled back alone (PostgreSQL refuses
        every query in a transaction after an error), and reported."""
        self.posts += 1
        cache.clear()  # rate limits (the login's) must not answer instead of the view
        sid = transaction.savepoint_create()
        if form.has_file:
            files = {f.name: ("notat.pdf", b"%PDF-1.4 notat") for f in form.fields if f.kind == "file"}
            body, content_type = multipart(data, files, {k: LONE_SURROGATE_RAW for k in raw or {}})
            response = self.client.post(form.action, body, content_type=content_type)
        else:
            response = self.client.post(form.action, urlencoded(data, raw),
                                        content_type="application/x-www-form-urlencoded")
        if response.status_code >= 500:
            transaction.savepoint_rollback(sid)
        else:
            transaction.savepoint_commit(sid)
        return response

    def judge(self, what: str, response, before: str, *, must_refuse: bool = False, status: int | None = None) -> bool:
        """True if the submission was saved (a redirect)."""
        where = f"{what} → POST {self.form.action}"
        if response.status_code >= 500:
            self.failures.append(f"{where}: {response.status_code}")
            return False
        if status is not None and response.status_code != status:
            self.failures.append(f"{where}: {response.status_code}, expected {status}")
        saved = response.status_code in (301, 302, 303)
        if must_refuse and saved:
            self.failures.append(f"{where}: accepted ({response.status_code} to {response.get('Location')})")
        if not saved and fingerprint() != before:
            self.failures.append(f"{where}: refused ({response.status_code}) but something was written")
        return saved

    def run(self, tag_prefix: str) -> None:
        form = self.fresh_form() or self.form
        kinds = {f.name: f.kind for f in form.fields}
        names = [n for n in dict.fromkeys(f.name for f in form.fields)
                 if kinds[n] not in ("file", "password") and n != "csrfmiddlewaretoken"
                 and "__prefix__" not in n  # the admin's template row for "add another", never submitted
                 and (self.tamper or kinds[n] in form.FREE_TEXT)]
        # The free-text fields first: tampering with a choice can make a valid submission (a ticked
        # box) that changes what the form offers afterwards.
        names.sort(key=lambda n: kinds[n] not in form.FREE_TEXT)
        for name in names:
            form = self.fresh_form()
            if form is None:
                return  # a save made the form go away (a member who left, a closed plan)
            target = next((f for f in form.fields if f.name == name), None)
            if target is None:
                continue
            label = f"{tag_prefix}.{target.name}"
            tag = f"H{zlib.crc32(label.encode()) % 10**6:06d}"
            if target.kind not in form.FREE_TEXT:
                # Hidden, choice, date and number fields: tampered with, never a 500, nothing half-saved.
                before = fingerprint()
                response = self.post(form, submission(form, {target.name: short_hostile(tag, 40)}, self.defaults))
                self.judge(f"{label} = markup", response, before)
                continue
            # The markup last, so that it is what the field holds when the pages are read.
            refused_megabyte = ""
            for what, overrides, raw, kwargs in (
                    ("1 MB of text", {target.name: MEGABYTE}, None, {"must_refuse": True}),
                    ("NUL", {target.name: NUL}, None, {"must_refuse": True, "status": 400}),
                    ("a lone surrogate", {}, {target.name: LONE_SURROGATE_BYTES}, {})):
                if form is None:
                    return
                before = fingerprint()
                data = submission(form, overrides, self.defaults) if not raw else [
                    (k, v) for k, v in submission(form, {}, self.defaults) if k != target.name]
                # What a lone surrogate saves (a replacement character) is undone, so that a form
                # that can be sent once (a member who leaves, a plan closed) still takes the markup.
                sid = transaction.savepoint_create()
                response = self.post(form, data, raw)
                saved = self.judge(f"{label} = {what}", response, before, **kwargs)
                if raw is not None:
                    transaction.savepoint_rollback(sid)
                else:
                    transaction.savepoint_commit(sid)
                if raw is None and not saved and overrides[target.name] is MEGABYTE:
                    refused_megabyte = response.content.decode(errors="replace")
                form = self.fresh_form()
            if form is None:
                return
            if self.markup(form, target, label, tag) and refused_megabyte \
                    and not LENGTH_MESSAGE.search(refused_megabyte):
                self.failures.append(f"{label} = 1 MB of text → POST {self.form.action}: "
                                     "refused without a Norwegian length message")

    def markup(self, form, target, label: str, tag: str) -> bool:
        """Submit the markup, shorter if the field says it is too long. True if it
        was saved (then the pages must show it escaped). A field that takes it
        takes text, and must have refused 1 MB of it for its length (a number,
        an e-mail address or a year in a text box refuses both, each with its
        own message)."""
        limits = [target.maxlength or 10**6, 60, 24]
        for limit in limits:
            value = short_hostile(tag, limit)
            before = fingerprint()
            response = self.post(form, submission(form, {target.name: value}, self.defaults))
            if self.judge(f"{label} = markup", response, before):
                self.saved.append((form.action, target.name, value))
                if response.get("Location"):
                    self.shown.append(response["Location"].split("#")[0])
                return True
            if not LENGTH_MESSAGE.search(response.content.decode(errors="replace")):
                return False
            form = self.fresh_form()
            if form is None:
                return False
        return False


_submitted_elsewhere: set[str] = set()


@pytest.mark.parametrize("pattern", PAGES, ids=[p.name for p in PAGES])
def test_every_free_text_field_survives_the_hostile_corpus(hostile_world, pattern):
    world, objects, media = hostile_world
    from django.test import override_settings

    url = _url(pattern, world, objects)
    with override_settings(MEDIA_ROOT=media):
        _attack_page(world, pattern, url)


def _attack_page(world, pattern, url: str) -> None:
    failures: list[str] = []
    client, forms = None, []
    for role in ROLES_TRIED:
        client = _client(world, role)
        cache.clear()
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            forms = [f for f in forms_in(response.content.decode(), url) if _url_name(f.action) not in NOT_SUBMITTED]
            if forms:
                break
    if not forms:
        # A page without a form takes no hostile POST either.
        before = fingerprint()
        response = client.post(url, {"q": short_hostile("H", 200), "title": MEGABYTE})
        assert response.status_code < 500, f"POST {url}: {response.status_code}"
        if response.status_code not in (301, 302, 303):
            assert fingerprint() == before, f"POST {url} refused ({response.status_code}) but wrote something"
        return
    attacks = []
    for form in forms:
        action_name = _url_name(form.action)
        if not _same(form.action, url):
            # A form that posts elsewhere is attacked on its own page, if it has one.
            elsewhere = client.get(form.action)
            if elsewhere.status_code == 200 or action_name in _submitted_elsewhere:
                continue
            _submitted_elsewhere.add(action_name)
        attack = Attack(client, url, form, _defaults(pattern.name, world))
        attack.run(pattern.name)
        attacks.append(attack)
        failures += attack.failures
    failures += _shown_escaped(world, client, attacks)
    if any(a.form.free_text for a in attacks) and not any(a.saved for a in attacks) \
            and pattern.name not in NEVER_SAVED:
        failures.append("no hostile value was saved in any field, so what the page shows afterwards is not judged: "
                        "give its form valid values in _defaults(), or name it in NEVER_SAVED")
    fields = {(a.form.action, f.name) for a in attacks for f in a.form.fields}
    print(f"\n{pattern.name}: {len(attacks)} forms, {len(fields)} fields, {sum(a.posts for a in attacks)} POSTs, "
          f"{sum(len(a.saved) for a in attacks)} hostile values saved")
    assert not failures, f"{pattern.name} ({url}):\n  " + "\n  ".join(failures)


def _shown_escaped(world, client: Client, attacks: list[Attack]) -> list[str]:
    """Every page that shows what was saved, as the one who saved it and as an
    anonymous visitor: nothing raw, and each saved value found escaped somewhere."""
    saved = [s for a in attacks for s in a.saved]
    if not saved:
        return []
    slug = world.collaboration.slug
    lists = ("", "forvaltning/", "revisjonsspor/", "tiltak/", "oversikt/", "tiltak.csv", "medlemmer/", "fagnettverk/",
             "organer/", "personer/", "partnere/", "innbyggertall/", "roller/", "rapporteringsrunder/", "planer/",
             "avtaler/", "kostnadsnokler/")
    pages = {p for a in attacks for p in a.shown} | {f"/samarbeid/{slug}/{page}" for page in lists} | {
        f"/api/samarbeid/{slug}/tiltak/", f"/tiltak/{world.shared.pk}/", f"/api/tiltak/{world.shared.pk}/",
        "/mine-tiltak/", "/rapporter/"}
    failures, bodies = [], []
    for who, c in (("the one who saved it", client), ("anonymous", Client(raise_request_exception=False))):
        for page in sorted(pages):
            cache.clear()
            response = c.get(page)
            if response.status_code >= 500:
                failures.append(f"GET {page} as {who}: {response.status_code}")
                continue
            if response.status_code != 200 or getattr(response, "streaming", False):
                continue
            body = response.content.decode(errors="replace")
            if "json" in response.get("Content-Type", ""):
                import json

                body = json.dumps(json.loads(body), ensure_ascii=False)
            elif "html" in response.get("Content-Type", ""):
                for pattern in NEVER_IN_HTML:
                    if pattern.search(body):
                        failures.append(f"GET {page} as {who}: {pattern.pattern!r} raw in the page")
            bodies.append(body)
    everything = "\n".join(bodies)
    for action, name, value in saved:
        if not any(v in everything for v in shown_escaped("", value)):
            failures.append(f"{name} of {action}: saved, but shown in none of {sorted(pages)}")
    return failures


# ---------------------------------------------------------------- the admin's forms

ADMIN_FORMS = [p for p in patterns() if p.name.startswith("admin:") and p.name.endswith("_change")
               and p.params == ("object_id",) and admin_model_of(p) is not None]


@pytest.mark.parametrize("pattern", ADMIN_FORMS, ids=[p.name for p in ADMIN_FORMS])
def test_every_admin_form_survives_the_hostile_corpus(hostile_world, pattern):
    """The admin's change forms, as the secretariat (the superuser for what only
    the installation's administrators change): every free-text field, the same
    corpus and the same judgement. (Choices are not tampered with here: the
    admin's forms are Django's own.)"""
    world, objects, media = hostile_world
    from django.test import override_settings

    from collaborations.access import policy

    model = admin_model_of(pattern)
    found = None
    for role in ("secretariat", "superuser"):
        user = users(world)[role]
        client = _client(world, role)
        # The first row the role may change (an ended membership, say, is only viewed).
        for obj in policy.managed_rows(user, model._default_manager.all()).order_by("pk")[:5]:
            url = build(pattern, {"object_id": obj.pk})
            response = client.get(url)
            assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
            page = response.content.decode() if response.status_code == 200 else ""
            forms = [f for f in forms_in(page, url) if _same(f.action, url)] if 'name="_save"' in page else []
            if any(f.free_text for f in forms):
                found = (client, url, forms[0])
                break
        if found is not None:
            break
    if found is None:
        return  # no row to change (the log-in attempts of django-axes), or a record never edited here
    client, url, form = found
    with override_settings(MEDIA_ROOT=media):
        attack = Attack(client, url, form, {"change_reason": "Prøver fiendtlig inndata"}, tamper=False)
        attack.run(pattern.name)
        # The reason for a change is on the row's history and on the audit trail (the admin's, for
        # reference data that belongs to no collaboration).
        attack.shown += [url.replace("/change/", "/history/"), "/admin/collaborations/auditevent/"]
        failures = attack.failures + _shown_escaped(world, client, [attack])
    print(f"\n{pattern.name}: {len({f.name for f in form.free_text})} free-text fields, {attack.posts} POSTs, "
          f"{len(attack.saved)} hostile values saved {attack.saved!r:.600}")
    assert not failures, f"{pattern.name} ({url}):\n  " + "\n  ".join(failures)
