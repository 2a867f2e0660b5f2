"""Proof that the browser harness works: Chromium, the live server, the login
form, axe-core (including that it does report a violation) and screenshots."""

import pytest
from django.contrib.auth import get_user_model

from tests.browser.conftest import SKIP_MESSAGE, A11yViolations, require_chromium


@pytest.mark.browser
def test_it_renders_home_page_in_chromium(page, live_server, check_a11y, snap):
    response = page.goto(f"{live_server.url}/")

    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.get_by_role("heading", level=1).inner_text() == "Interkommunale samarbeid"
    assert page.evaluate("navigator.language") == "nb-NO"
    assert page.viewport_size == {"width": 1366, "height": 900}
    check_a11y(page)
    path = snap(page, "harness-home", mobile=True)
    assert path.stat().st_size > 1000
    assert path.with_name("harness-home-mobile.png").stat().st_size > 1000


@pytest.mark.browser
def test_it_reports_an_unlabeled_input(page, live_server, check_a11y):
    page.goto(f"{live_server.url}/")
    page.evaluate("""() => {
        const input = document.createElement('input');
        input.type = 'text';
        input.id = 'harness-unlabeled';
        document.querySelector('main').appendChild(input);
    }""")

    with pytest.raises(A11yViolations) as failure:
        check_a11y(page)

    ids = {v["id"] for v in failure.value.violations}
    assert "label" in ids
    message = str(failure.value)
    assert "- label [critical]: Form elements must have labels" in message
    assert "at #harness-unlabeled" in message


@pytest.mark.browser
def test_it_logs_in_through_the_login_form(page, live_server, login):
    get_user_model().objects.create_user(username="harness", password="demo")

    login(page, live_server, "harness", next="/konto/login/")

    session = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    assert len(session) == 1 and session[0]["httpOnly"]


@pytest.mark.browser
def test_it_refuses_a_wrong_password_with_a_readable_error(page, live_server, login):
    get_user_model().objects.create_user(username="harness", password="demo")

    with pytest.raises(AssertionError, match="Login as 'harness' failed"):
        login(page, live_server, "harness", password="feil")

    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]


@pytest.mark.browser
def test_it_gives_a_phone_sized_page_without_horizontal_scrolling(phone_page, live_server):
    phone_page.goto(f"{live_server.url}/")

    assert phone_page.evaluate("window.innerWidth") == 375
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375


def test_it_skips_without_chromium_outside_ci(tmp_path):
    with pytest.raises(pytest.skip.Exception, match=SKIP_MESSAGE):
        require_chromium(str(tmp_path / "no-chromium"), ci=False)


def test_it_fails_without_chromium_under_ci(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="Chromium not found at .*no-chromium"):
        require_chromium(str(tmp_path / "no-chromium"), ci=True)


def test_it_accepts_an_executable_chromium(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)

    assert require_chromium(str(fake), ci=True) == str(fake)
