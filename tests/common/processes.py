"""Helpers for the tests that start real processes (gunicorn, a Celery worker)
against the test database."""

from __future__ import annotations

import os
import signal
import subprocess


def child_database_url() -> str:
    """The test database as a DATABASE_URL, for a process started by the test."""
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def stop_process_group(proc: subprocess.Popen) -> None:
    """SIGTERM the process and its children (started with start_new_session=True),
    SIGKILL if they are not gone in 15 seconds."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
