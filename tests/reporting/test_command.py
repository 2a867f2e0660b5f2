"""manage.py generate_reports."""

import pytest
from django.core.management import CommandError, call_command

from reporting.models import ReportJob
from tests.reporting.helpers import eager_celery  # noqa: F401

pytestmark = pytest.mark.usefixtures("eager_celery")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_it_generates_all_member_councils(world, media, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_reports", "--collaboration", "nord-troms", "--type", "council", "--year", "2024",
                     "--cutoff", "2024-12-31", "--all-members")
    jobs = ReportJob.objects.order_by("municipality__name")
    assert [(j.municipality.name, j.status, j.requested_by) for j in jobs] == [
        ("Kåfjord", "done", None), ("Lyngen", "done", None)]
    assert capsys.readouterr().out == f"Bestilt 2 rapporter: {jobs[0].pk}, {jobs[1].pk}\n"


@pytest.mark.django_db(transaction=True)
def test_it_waits_and_prints_pages_size_and_checksum(world, media, capsys):
    call_command("generate_reports", "--collaboration", "nord-troms", "--type", "regional", "--year", "2024",
                 "--wait", "--timeout", "60")
    job = ReportJob.objects.get()
    assert job.status == "done"
    assert capsys.readouterr().out == (
        f"Bestilt 1 rapport: {job.pk}\n"
        f"{job.pk}: Årsrapport til regionrådet 2024: {job.page_count} sider, {job.size} byte, "
        f"sha256 {job.sha256}, reports/nord-troms/2024/regional-{job.pk}.pdf\n")


def test_it_refuses_unknown_collaborations_and_municipalities(world, media):
    with pytest.raises(CommandError, match="Fant ikke samarbeidet «finnes-ikke»."):
        call_command("generate_reports", "--collaboration", "finnes-ikke", "--type", "regional", "--year", "2024")
    with pytest.raises(CommandError, match="Kommune 5614 er ikke medlem av Nord-Troms."):
        call_command("generate_reports", "--collaboration", "nord-troms", "--type", "council", "--year", "2024",
                     "--municipality", "5614")
    with pytest.raises(CommandError, match="Velg en kommune eller alle medlemmene."):
        call_command("generate_reports", "--collaboration", "nord-troms", "--type", "council", "--year", "2024")
