"""Assertions several dashboard pages share, each run the same way on every page."""

from __future__ import annotations

from tests.dashboards.support import grow, linked_numbers, list_count, queries_for


def assert_same_queries_at_ten_times_the_data(world, client, url: str) -> None:
    """The page at `url` runs exactly as many queries with ten times more data
    as with the same shape of data once (no query per row)."""
    grow(world, factor=1)  # the same shape of data at both sizes
    small = queries_for(client, url)
    grow(world, factor=10)
    assert queries_for(client, url) == small


def assert_every_number_links_to_its_list(world, client, url: str, *, links: int, user: str | None = None) -> None:
    """With some data on the page, seen by the world's `user` (None: anonymous),
    the page links `links` numbers, each to a list of exactly that many measures."""
    grow(world, factor=1)
    if user is not None:
        client.force_login(getattr(world, user))
    found = linked_numbers(client.get(url).content.decode())
    assert len(found) == links
    for href, number in found:
        assert list_count(client, href) == number, href


def assert_hidden_from_the_public(world, client, url: str, text: str, *, insider: str) -> str:
    """`text` is not on the page at `url` for the anonymous nor for a politician
    (of Kåfjord), and is there for the world's `insider`: returns that page."""
    assert text not in client.get(url).content.decode()
    client.force_login(world.politician_kafjord)
    assert text not in client.get(url).content.decode()
    client.force_login(getattr(world, insider))
    content = client.get(url).content.decode()
    assert text in content
    return content
