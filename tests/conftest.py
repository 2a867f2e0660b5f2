import os

import pytest

os.environ.setdefault("TESTING", "1")


@pytest.fixture
def world(db):
    from tests.factories import make_world

    return make_world()
