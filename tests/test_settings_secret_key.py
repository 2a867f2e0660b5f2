"""Production without SECRET_KEY: commands that sign nothing run, anything that
needs the key is refused; a development installation gets a built-in key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "DEMO", "TESTING", "DATABASE_URL", "REDIS_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def test_it_refuses_to_sign_without_a_secret_key_in_production():
    result = _run("from django.core import signing; signing.dumps('x')")
    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in result.stderr


def test_it_still_runs_management_checks_without_a_secret_key():
    result = _run("from django.core.management import call_command; call_command('check')")
    assert result.returncode == 0, result.stderr


def test_it_reads_the_key_from_a_file(tmp_path):
    key = tmp_path / "secret_key"
    key.write_text("k" * 50 + "\n")
    result = _run("from django.conf import settings; print(settings.SECRET_KEY)", SECRET_KEY_FILE=str(key))
    assert result.stdout.strip() == "k" * 50


def test_kept_postgresql_connections_are_health_checked_before_use():
    """A connection the database dropped is replaced, not used for one 500 per web worker."""
    result = _run("from django.conf import settings; d = settings.DATABASES['default']; "
                  "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
                  TESTING="1", DATABASE_URL="postgres://u:p@127.0.0.1:5432/portal")
    assert result.stdout.split() == ["60", "True"], result.stderr
