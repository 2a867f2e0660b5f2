import os

import pytest

os.environ.setdefault("TESTING", "1")


@pytest.fixture
def world(db):
    from tests.factories import make_world

    return make_world()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: login rate limits (django-ratelimit
    counts in the cache) must not carry over from earlier tests that logged in
    as the same user, nor must cached pages."""
    from django.core.cache import cache

    cache.clear()
    yield
