"""The Celery application.

Without REDIS_URL (the embedded default used by `make run` and `make test` on a
fresh machine) tasks run eagerly in the web process: nothing else has to be
started, and a report job still goes through the same task code. With
REDIS_URL set, tasks go to Redis and separate workers pick them up.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Tasks live in the feature packages that own them.
app.autodiscover_tasks(["collaborations.access", "collaborations.meetings", "collaborations.rounds", "reporting"])
