"""Report jobs on a real Celery worker (Redis broker, PostgreSQL database).

Run only when REDIS_URL is set (CI); without it they skip with a message.
Under CI=true an unreachable Redis fails instead of skipping. Each test run
uses its own queue, so CI's two runs and other developers' workers never take
each other's tasks. The worker sees the test database because the tests are
transactional and the worker gets DATABASE_URL pointing at it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from reporting import services
from reporting.models import ReportJob

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(django_settings.BASE_DIR)
VISIBILITY_TIMEOUT = 20  # seconds; the task time limit becomes 10 s (half of it)
QUEUE = f"reports-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("REDIS_URL er ikke satt: jobbtestene med ekte Celery-worker kjører bare mot Redis (som i CI).")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach Redis
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true og REDIS_URL={url} er satt, men Redis svarer ikke: {exc}")
        pytest.skip(f"Redis på {url} svarer ikke: {exc}")
    return url


@pytest.fixture
def queue(settings, redis_url, tmp_path) -> str:
    if connection.vendor != "postgresql":
        pytest.skip("Jobbtestene trenger PostgreSQL (DATABASE_URL) så workeren ser testdatabasen.")
    settings.REPORTS_QUEUE = QUEUE
    settings.MEDIA_ROOT = tmp_path / "media"
    return QUEUE


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, *, redis_url: str, media_root: Path, log: Path, render_delay: float = 0):
        env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": redis_url, "TESTING": "1",
               "MEDIA_ROOT": str(media_root), "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
               services.RENDER_DELAY_ENV: str(render_delay), "CONN_MAX_AGE": "0"}
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "prefork", "-c", "1",
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", QUEUE, "-l", "info"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        """SIGKILL the worker and its pool child: nothing gets to clean up or acknowledge."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if not self.log.closed:
            self.log.close()


@pytest.fixture
def workers(redis_url, queue, tmp_path):
    started: list[Worker] = []

    def start(render_delay: float = 0) -> Worker:
        w = Worker(redis_url=redis_url, media_root=tmp_path / "media", log=tmp_path / "worker.log",
                   render_delay=render_delay)
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()
    import redis

    redis.Redis.from_url(redis_url).delete(QUEUE)


def _wait_for(job_id: int, predicate, timeout: float, log: Path) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ReportJob.objects.get(pk=job_id)
        if predicate(job):
            return job
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    pytest.fail(f"job {job_id} reached {job.status!r} (attempts {job.attempts}) within {timeout} s.\n{tail}")


def _archived_files(media_root: Path) -> list[Path]:
    return sorted(p for p in media_root.rglob("*") if p.is_file())


def _order(world):
    return services.report_request(acting_user=world.secretariat, collaboration=world.collaboration,
                                   report_type="council", year=2024, municipality=world.kafjord).jobs.get()


def test_it_completes_a_job_on_a_real_worker(world, workers, tmp_path):
    workers()
    job = _order(world)  # started on commit: the test is transactional, so at once
    job = _wait_for(job.pk, lambda j: j.status == "done", 90, tmp_path / "worker.log")
    files = _archived_files(tmp_path / "media")
    assert [p.relative_to(tmp_path / "media").as_posix() for p in files] == [job.file.name]
    import hashlib

    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == job.sha256
    assert job.attempts == 1 and job.page_count > 3


def test_it_survives_a_worker_killed_mid_render(world, workers, tmp_path):
    log = tmp_path / "worker.log"
    first = workers(render_delay=6)
    job = _order(world)
    _wait_for(job.pk, lambda j: j.status == "rendering", 60, log)
    first.kill()
    assert ReportJob.objects.get(pk=job.pk).status == "rendering"  # left mid-render

    workers()  # the broker redelivers the unacknowledged task after the visibility timeout
    job = _wait_for(job.pk, lambda j: j.status == "done", VISIBILITY_TIMEOUT + 90, log)
    assert job.attempts == 2
    files = _archived_files(tmp_path / "media")
    assert [p.relative_to(tmp_path / "media").as_posix() for p in files] == [job.file.name]
    import hashlib

    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == job.sha256 and job.size == files[0].stat().st_size
