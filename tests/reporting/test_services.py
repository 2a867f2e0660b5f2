"""Ordering, publishing, correcting and deleting reports (reporting.services)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from guardian.shortcuts import assign_perm

from collaborations.common.errors import DomainError
from collaborations.portfolio.services import measure_post_status_update
from reporting import services
from reporting.models import ReportImmutableError, ReportJob
from tests.factories import make_municipality, make_user
from tests.reporting.helpers import (
    build_2024,
    eager_celery,  # noqa: F401
)

pytestmark = pytest.mark.usefixtures("eager_celery")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def order(world, capture, user=None, **kw):
    kw.setdefault("report_type", "council")
    kw.setdefault("year", 2024)
    kw.setdefault("cutoff", dt.date(2024, 12, 31))
    with capture(execute=True):
        return services.report_request(acting_user=user or world.secretariat, collaboration=world.collaboration,
                                       **kw)


def test_it_orders_one_report_per_member_council(world, media, django_capture_on_commit_callbacks):
    batch = order(world, django_capture_on_commit_callbacks, all_members=True)
    jobs = list(batch.jobs.order_by("municipality__name"))
    assert [j.municipality.name for j in jobs] == ["Kåfjord", "Lyngen"]
    assert all(j.status == "done" and j.requested_by == world.secretariat for j in jobs)
    assert all(j.page_count > 3 and j.size > 10_000 and len(j.sha256) == 64 for j in jobs)
    assert jobs[0].file.name == f"reports/nord-troms/2024/council-5426-{jobs[0].pk}.pdf"
    assert jobs[0].started_at <= jobs[0].finished_at and jobs[0].attempts == 1


def test_it_gives_identical_content_when_generated_again_after_edits(world, media, django_capture_on_commit_callbacks):
    it, fire, _ros, _a = build_2024(world)
    first = order(world, django_capture_on_commit_callbacks, municipality=world.lyngen).jobs.get()
    measure_post_status_update(acting_user=world.secretariat, measure=fire, reported_on=dt.date.today(),
                               phase="stopped", traffic_light="red", light_reason="Stanset", status_text="Stanset.")
    second = order(world, django_capture_on_commit_callbacks, municipality=world.lyngen).jobs.get()
    assert first.status == second.status == "done"
    assert first.content_sha256 == second.content_sha256
    assert first.sha256 != second.sha256  # the cover differs: report number


def test_it_refuses_bad_orders_in_norwegian(world, media, django_capture_on_commit_callbacks):
    with pytest.raises(DomainError) as e:
        order(world, django_capture_on_commit_callbacks)
    assert e.value.message_dict == {"municipality": ["Velg en kommune eller alle medlemmene."]}
    with pytest.raises(DomainError) as e:
        order(world, django_capture_on_commit_callbacks, municipality=world.outsider)
    assert e.value.message_dict == {"municipality": ["Loppa er ikke medlem av Nord-Troms per skjæringsdatoen."]}
    with pytest.raises(DomainError) as e:
        order(world, django_capture_on_commit_callbacks, all_members=True, cutoff=dt.date(2023, 12, 31))
    assert e.value.message_dict == {"cutoff": ["Skjæringsdatoen må ligge i rapportåret eller året etter."]}
    with pytest.raises(DomainError) as e:
        order(world, django_capture_on_commit_callbacks, report_type="regional", municipality=world.kafjord)
    assert e.value.message_dict["municipality"] == ["Rapporten til regionrådet gjelder hele samarbeidet, ikke én kommune."]
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "stranger", "politician", "admin_participant", "coordinator"])
def test_it_lets_only_the_secretariat_order(world, media, django_capture_on_commit_callbacks, role):
    user = world.users_by_role()[role]
    with pytest.raises(PermissionDenied, match="Bare sekretariatet kan lage og publisere rapporter."):
        services.report_request(acting_user=user or _anonymous(), collaboration=world.collaboration,
                                report_type="regional", year=2024, cutoff=dt.date(2024, 12, 31))


def _anonymous():
    from django.contrib.auth.models import AnonymousUser
    return AnonymousUser()


def test_it_refuses_internal_reports_to_those_who_may_not_see_internal_items(world, media,
                                                                             django_capture_on_commit_callbacks):
    manager_only = make_user("bare_forvalter")
    assign_perm("collaborations.manage_collaboration", manager_only, world.collaboration)
    with pytest.raises(DomainError) as e:
        order(world, django_capture_on_commit_callbacks, user=manager_only, report_type="regional",
              include_internal=True)
    assert e.value.message_dict == {
        "include_internal": ["Du har ikke tilgang til interne tiltak og kan ikke lage en intern rapport."]}
    batch = order(world, django_capture_on_commit_callbacks, report_type="regional", include_internal=True)
    assert batch.jobs.get().include_internal


def test_it_makes_published_reports_immutable(world, media, django_capture_on_commit_callbacks):
    job = order(world, django_capture_on_commit_callbacks, report_type="regional").jobs.get()
    job = services.report_publish(acting_user=world.secretariat, job=job)
    assert job.published_by == world.secretariat
    with pytest.raises(DomainError, match="Publiserte rapporter kan ikke lages på nytt. Lag en ny, rettet versjon."):
        services.report_regenerate(acting_user=world.secretariat, job=job)
    with pytest.raises(DomainError, match="Publiserte rapporter kan ikke slettes."):
        services.report_delete(acting_user=world.secretariat, job=job)
    with pytest.raises(DomainError, match="Rapporten er allerede publisert."):
        services.report_publish(acting_user=world.secretariat, job=job)
    # The model refuses too, whatever calls it.
    job.error = "endret"
    with pytest.raises(ReportImmutableError):
        job.save()
    with pytest.raises(ReportImmutableError):
        job.delete()
    with pytest.raises(ReportImmutableError):
        ReportJob.objects.filter(pk=job.pk).delete()
    # Rendering again leaves it alone.
    sha = job.sha256
    assert services.report_render(job_id=job.pk)["skipped"]
    job.refresh_from_db()
    assert job.sha256 == sha and job.error == ""


def test_it_makes_a_corrected_version_that_supersedes_the_old(world, media, django_capture_on_commit_callbacks):
    job = order(world, django_capture_on_commit_callbacks, municipality=world.kafjord).jobs.get()
    with pytest.raises(DomainError, match="Bare publiserte rapporter rettes med en ny versjon."):
        services.report_correct(acting_user=world.secretariat, job=job)
    services.report_publish(acting_user=world.secretariat, job=job)
    with django_capture_on_commit_callbacks(execute=True):
        new = services.report_correct(acting_user=world.secretariat, job=job)
    new.refresh_from_db()
    assert new.supersedes == job and new.version == 2 and new.status == "done"
    assert (new.municipality, new.cutoff, new.year) == (job.municipality, job.cutoff, job.year)
    with pytest.raises(DomainError, match=f"Rapporten er allerede erstattet av rapport {new.pk}."):
        services.report_correct(acting_user=world.secretariat, job=job)


def test_it_deletes_an_unpublished_report_and_its_file(world, media, django_capture_on_commit_callbacks):
    job = order(world, django_capture_on_commit_callbacks, report_type="regional").jobs.get()
    path = media / job.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_delete(acting_user=world.secretariat, job=job)
    assert not ReportJob.objects.filter(pk=job.pk).exists()
    assert not path.exists()


def test_it_refuses_to_publish_an_unfinished_report(world, media):
    job = ReportJob.objects.create(collaboration=world.collaboration, report_type="regional", year=2024,
                                   cutoff=dt.date(2024, 12, 31))
    with pytest.raises(DomainError, match="Bare ferdige rapporter kan publiseres."):
        services.report_publish(acting_user=world.secretariat, job=job)


def test_it_generates_last_years_reports_for_every_collaboration_once(world, media,
                                                                      django_capture_on_commit_callbacks):
    make_municipality("Storfjord", "5425")
    with django_capture_on_commit_callbacks(execute=True):
        batches = services.reports_generate_yearly(year=2024)
    kinds = sorted((b.collaboration.name, b.report_type, b.jobs.count()) for b in batches)
    assert kinds == [("Nord-Troms", "council", 2), ("Nord-Troms", "regional", 1),
                     ("Vestre Varanger", "council", 1), ("Vestre Varanger", "regional", 1)]
    assert services.reports_generate_yearly(year=2024) == []
