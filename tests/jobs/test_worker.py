"""Report jobs on a real Celery worker (Redis broker, PostgreSQL database).

Run only when REDIS_URL is set (CI); without it they skip with a message.
Under CI=true an unreachable Redis fails instead of skipping. Each test run
uses its own queue, so CI's two runs and other developers' workers never take
each other's tasks. The worker sees the test database because the tests are
transactional and the worker gets DATABASE_URL pointing at it.
"""

from __future__ import annotations

import contextlib
import json
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

from collaborations.access.models import AuditEvent
from reporting import services
from reporting.models import ReportJob
from reporting.tasks import take_over_stalled_reports
from tests.common.processes import child_database_url, stop_process_group

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



class Worker:
    def __init__(self, *, redis_url: str, media_root: Path, log: Path, render_delay: float = 0,
                 env: dict[str, str] | None = None):
        env = {**os.environ, "DATABASE_URL": child_database_url(), "REDIS_URL": redis_url, "TESTING": "1",
               "MEDIA_ROOT": str(media_root), "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
               services.RENDER_DELAY_ENV: str(render_delay), "CONN_MAX_AGE": "0", **(env or {})}
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
        stop_process_group(self.proc)
        if not self.log.closed:
            self.log.close()


@pytest.fixture
def workers(redis_url, queue, tmp_path):
    started: list[Worker] = []

    def start(render_delay: float = 0, env: dict[str, str] | None = None) -> Worker:
        w = Worker(redis_url=redis_url, media_root=tmp_path / "media", log=tmp_path / "worker.log",
                   render_delay=render_delay, env=env)
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()
    import redis

    redis.Redis.from_url(redis_url).delete(QUEUE)
    with _broker(redis_url) as qos:  # a killed worker's message the broker still holds
        for tag in _unacknowledged(qos):
            qos.channel.client.pipeline().zrem(qos.unacked_index_key, tag).hdel(qos.unacked_key, tag).execute()


@contextlib.contextmanager
def _broker(redis_url: str):
    """The Redis transport's bookkeeping of delivered, unacknowledged messages (kombu's QoS)."""
    from kombu import Connection

    with Connection(redis_url) as conn:
        yield conn.default_channel.qos


def _unacknowledged(qos) -> list[str]:
    """Delivery tags of this module's messages that a worker took and never acknowledged."""
    client = qos.channel.client
    return [tag.decode() for tag, raw in client.hgetall(qos.unacked_key).items()
            if json.loads(raw)[2] == QUEUE]


def _wait_for(job_id: int, predicate, timeout: float, log: Path, each=None) -> ReportJob:
    """Poll the job until `predicate` holds; `timeout` bounds the waiting (it
    is no speed requirement). `each()` runs before every look."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if each is not None:
            each()
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


def test_it_takes_over_a_job_whose_whole_worker_was_killed(world, workers, tmp_path, settings):
    """kill -9 on the whole worker (main process and pool child) mid-render.
    The broker keeps the message for its visibility timeout, an hour as in
    production; the beat task takes the job over once it has been rendering
    longer than the hard time limit (10 s here) and a margin, a new worker
    renders it, and the dead worker's message, redelivered after all, writes
    nothing."""
    log = tmp_path / "worker.log"
    as_in_production = {"CELERY_VISIBILITY_TIMEOUT": "3600", "CELERY_TASK_TIME_LIMIT": "10"}
    settings.CELERY_TASK_TIME_LIMIT = 10  # this process plays beat: the workers' limit
    first = workers(render_delay=6, env=as_in_production)
    job = _order(world)
    _wait_for(job.pk, lambda j: j.status == "rendering", 60, log)
    first.kill()
    assert ReportJob.objects.get(pk=job.pk).status == "rendering"
    with _broker(os.environ["REDIS_URL"]) as qos:
        lost = _unacknowledged(qos)
    assert len(lost) == 1  # the broker would hand it out again only in an hour

    workers(env=as_in_production)
    # take_over_stalled_reports as beat sends it every minute (here at every look).
    job = _wait_for(job.pk, lambda j: j.status == "done", 90, log, each=take_over_stalled_reports)
    assert job.attempts == 2 and job.error == ""
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.REPORTS_ORDERED, reason__startswith="Arbeidsprosessen stoppet"
                                     ).count() == 1
    files = _archived_files(tmp_path / "media")
    assert [p.relative_to(tmp_path / "media").as_posix() for p in files] == [job.file.name]
    before = (job.sha256, job.finished_at, files[0].stat().st_mtime_ns)

    # The hour passes: the broker redelivers the dead worker's message (kombu's own restore).
    with _broker(os.environ["REDIS_URL"]) as qos:
        assert _unacknowledged(qos) == lost
        qos.restore_by_tag(lost[0])

        def handled() -> bool:  # taken, run (it says it skipped) and acknowledged
            return ("'skipped': True" in log.read_text(errors="replace")
                    and not _unacknowledged(qos) and not qos.channel.client.llen(QUEUE))

        deadline = time.monotonic() + 60
        while not handled() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert handled(), log.read_text(errors="replace")[-3000:]
    job.refresh_from_db()
    assert (job.sha256, job.finished_at, files[0].stat().st_mtime_ns) == before and job.attempts == 2
    assert _archived_files(tmp_path / "media") == files
