import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import make_user


def test_it_shows_the_login_page_in_norwegian(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Logg inn</h1>" in body
    assert "Brukernavn" in body and "Passord" in body and "Glemt passordet?" in body


def test_it_logs_in_and_sends_the_user_on_to_where_the_work_is(client, db):
    make_user("kari")

    response = client.post(reverse("login"), {"username": "kari", "password": "passord-for-test-123"})

    assert response.status_code == 302
    assert response["Location"] == reverse("start")  # tests/access/test_start.py: where each role lands


def test_it_refuses_a_wrong_password_with_a_norwegian_message(client, db):
    make_user("kari")

    response = client.post(reverse("login"), {"username": "kari", "password": "feil"})

    assert response.status_code == 200
    assert "Feil brukernavn eller passord." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.fixture
def steady_clock(monkeypatch):
    """The limiter counts in fixed windows of the clock; a test that crossed a
    window's end would see its count restart. Hold the limiter's clock still."""
    import time
    from types import SimpleNamespace

    from django_ratelimit import core

    now = time.time()
    monkeypatch.setattr(core, "time", SimpleNamespace(time=lambda: now))


def test_it_rate_limits_repeated_login_attempts_for_one_username(client, db, steady_clock):
    make_user("kari")
    for _ in range(10):
        assert client.post(reverse("login"), {"username": "kari", "password": "feil"}).status_code == 200

    response = client.post(reverse("login"), {"username": "kari", "password": "passord-for-test-123"})

    assert response.status_code == 429
    assert "For mange innloggingsforsøk. Vent et minutt og prøv igjen." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_does_not_limit_another_username(client, db, steady_clock):
    make_user("kari")
    make_user("lars")
    for _ in range(11):
        client.post(reverse("login"), {"username": "kari", "password": "feil"})

    response = client.post(reverse("login"), {"username": "lars", "password": "passord-for-test-123"})

    assert response.status_code == 302


def test_it_sends_the_password_reset_email_in_text_and_html(client, db):
    make_user("kari")

    response = client.post(reverse("password_reset"), {"email": "kari@example.no"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Nytt passord til Samarbeidsportalen"
    assert "Velg nytt passord her:" in message.body
    assert "/konto/reset/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Velg nytt passord</a>" in html


def test_it_says_the_same_for_an_unknown_address(client, db):
    response = client.post(reverse("password_reset"), {"email": "ingen@example.no"}, follow=True)

    assert "Sjekk e-posten din" in response.content.decode()
    assert mail.outbox == []


def test_it_logs_out_with_a_post(client, db):
    client.force_login(make_user("kari"))

    response = client.post(reverse("logout"))

    assert response.status_code == 302  # LOGOUT_REDIRECT_URL
    assert "_auth_user_id" not in client.session


def test_the_header_says_who_is_signed_in_apart_from_the_log_out_button(client, world):
    """"Logg ut Saksbehandler Kåfjord" read as one command."""
    client.force_login(world.admin_kafjord)

    page = client.get("/").content.decode()

    assert '<span class="who-am-i">Innlogget som Kari Kåfjord</span>' in page
    assert '<button type="submit" class="link-button">Logg ut</button>' in page
