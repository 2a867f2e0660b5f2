"""A dropped database connection costs no request a 500 (issue 12, finding 8).

gunicorn (sync workers, as in the Dockerfile) serves the test database in a
subprocess with kept connections (CONN_MAX_AGE=60). Between rounds of
requests a separate connection terminates every other backend of the test
database (`pg_terminate_backend`: what a database restart or failover does to
the web workers' idle connections). With CONN_HEALTH_CHECKS (portal/settings.py)
every request answers 200; the same server with the checks turned off answers
500 after each termination, which shows that the test does reach the fault.

A connection killed in the middle of a query still fails that one request:
the database went away under it. The checks cover the common case, kept idle
connections that died between requests.

PostgreSQL only (DATABASE_URL); it skips with a message on SQLite.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from tests.common.processes import child_database_url, stop_process_group

pytestmark = pytest.mark.django_db(transaction=True)  # the server in the subprocess sees committed rows only

BASE_DIR = Path(django_settings.BASE_DIR)
ROUNDS = 3
REQUESTS_PER_ROUND = 8


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Feiltesten for databasetilkoblinger trenger PostgreSQL (DATABASE_URL).")



def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, cookie: str = "") -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class Server:
    """gunicorn on loopback against the test database, kept connections on."""

    def __init__(self, tmp_path: Path, *, health_checks: bool, workers: int = 2):
        settings_module = tmp_path / "fault_settings.py"
        settings_module.write_text(
            "from portal.settings import *  # noqa: F403\n"
            + ("" if health_checks else "DATABASES['default']['CONN_HEALTH_CHECKS'] = False  # noqa: F405\n"))
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL_FILE", "DEBUG", "DEMO")}
        env.update({"DJANGO_SETTINGS_MODULE": "fault_settings", "PYTHONPATH": f"{tmp_path}{os.pathsep}{BASE_DIR}",
                    "DATABASE_URL": child_database_url(), "CONN_MAX_AGE": "60", "TESTING": "1",
                    "MEDIA_ROOT": str(tmp_path / "media")})
        self.port = _free_port()
        self.log_path = tmp_path / "gunicorn.log"
        self.log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--timeout", "60"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60  # a bound for waiting, not a speed requirement
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if _get(self.port, "/helse/") == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"gunicorn startet ikke:\n{self.tail()}")

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        stop_process_group(self.proc)
        self.log.close()


def _terminate_other_backends() -> int:
    """From this test's own connection: end every other session on the test database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def _rounds(world, tmp_path, *, health_checks: bool, workers: int = 2) -> list[list[int]]:
    """Statuses of every round of requests; the database connections are
    terminated before each round but the first."""
    client = Client()
    client.force_login(world.secretariat)  # a session row the server reads from the database
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
    slug = world.collaboration.slug
    paths = ["/", f"/samarbeid/{slug}/", "/api/samarbeid/", f"/samarbeid/{slug}/tiltak.csv"]
    server = Server(tmp_path, health_checks=health_checks, workers=workers)
    try:
        statuses = []
        for n in range(ROUNDS + 1):
            if n:
                assert _terminate_other_backends() >= 1, "the server kept no connection to terminate"
            statuses.append([_get(server.port, paths[i % len(paths)], cookie if i % 2 else "")
                             for i in range(REQUESTS_PER_ROUND)])
        return statuses
    finally:
        server.stop()
        log = server.tail()
        if "Traceback" in log and health_checks:
            print(log)


def test_no_request_fails_when_the_database_drops_the_connections(postgresql, world, tmp_path):
    statuses = _rounds(world, tmp_path, health_checks=True)
    assert statuses == [[200] * REQUESTS_PER_ROUND] * (ROUNDS + 1)


def test_without_health_checks_the_same_fault_gives_500(postgresql, world, tmp_path):
    """The control: this is the fault the checks repair (one 500 per web
    worker that held a connection), so the test above cannot pass by missing it.
    One web worker: it holds a connection in every round, so every round after a
    termination must start with its 500 (with two, a worker that served no request
    in a round may hold none, and the round can pass by chance)."""
    statuses = _rounds(world, tmp_path, health_checks=False, workers=1)
    assert statuses[0] == [200] * REQUESTS_PER_ROUND
    assert all(500 in round_ for round_ in statuses[1:]), statuses
    assert set(sum(statuses, [])) == {200, 500}
