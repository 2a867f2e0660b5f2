import os

import pytest

os.environ.setdefault("TESTING", "1")


@pytest.fixture
def world(db):
    from tests.factories import make_world

    return make_world()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate limits (django-ratelimit: password reset, API
    counts in the cache) must not carry over from earlier tests that logged in
    as the same user, nor must cached pages."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _bokmal_after_each_test():
    """A request in English (the language switcher) leaves English active in
    the thread; the next test starts in bokmål again, whatever ran before it."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run in-process in every test but the `worker` ones, also when
    REDIS_URL is set (CI's second run): only tests/jobs/ talk to a real worker,
    so no test can hang waiting for a worker that is not there."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    from portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
