"""The Content-Security-Policy in a real browser: the start page, a
dashboard, a measure page (with a status update through its HTMX live part),
the login page and the admin, at 1366 and 375 px, raise no
`securitypolicyviolation` event and print nothing to the console (a refused
script or style, or a Permissions-Policy feature Chromium does not know,
would show there). The headers themselves: tests/portal/test_security_headers.py."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

# Registered before any of the page's own scripts run, on every document the page opens.
LISTEN = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportViolation(`${e.violatedDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(any_page):
    """any_page, with every CSP violation and every console message kept in page.csp_problems."""
    page = any_page
    page.csp_problems = []
    page.expose_function("reportViolation", lambda text: page.csp_problems.append(f"violation: {text}"))
    page.add_init_script(LISTEN)
    page.on("console", lambda message: page.csp_problems.append(f"console {message.type}: {message.text}"))
    return page


def visit(page, url: str, *, nonce: bool = True) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    # The portal's pages load their scripts with the nonce; the admin's from 'self' without one.
    assert ("'nonce-" in policy) == nonce, policy
    page.wait_for_load_state("load")


def test_the_public_pages_raise_no_policy_violation(watched, live_server, world):
    page = watched
    visit(page, f"{live_server.url}/")
    visit(page, f"{live_server.url}/samarbeid/{world.collaboration.slug}/oversikt/")
    expect(page.locator("svg[role=img]").first).to_be_visible()  # the dashboard's charts (inline SVG)
    visit(page, f"{live_server.url}/tiltak/{world.shared.pk}/")
    visit(page, f"{live_server.url}/konto/login/")

    assert page.csp_problems == []


def test_a_status_update_through_the_live_part_raises_no_policy_violation(watched, live_server, world, login):
    page = watched
    login(page, live_server, "admin_kafjord", password=PASSWORD)
    visit(page, f"{live_server.url}/tiltak/{world.shared.pk}/")

    form = page.locator("form.status-form")
    form.get_by_label("Risiko", exact=True).check()
    form.get_by_label("Hva har skjedd?").fill("Testmiljøet er forsinket.")
    form.get_by_label("Begrunnelse for trafikklyset").fill("Leverandøren mangler folk.")
    with page.expect_response(lambda r: r.request.method == "POST" and r.request.headers.get("hx-request") == "true"):
        form.get_by_role("button", name="Lagre status").click()
    expect(page.get_by_role("status").filter(has_text="Statusoppdateringen er lagret.")).to_be_visible()
    expect(page.locator("ol.timeline > li").first).to_contain_text("Testmiljøet er forsinket.")

    assert page.csp_problems == []


def test_the_admin_works_under_the_policy(watched, live_server, world):
    page = watched
    visit(page, f"{live_server.url}/admin/login/", nonce=False)
    page.get_by_label("Brukernavn").fill("root")
    page.get_by_label("Passord").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()

    visit(page, f"{live_server.url}/admin/auth/user/", nonce=False)
    page.locator("#action-toggle").check()  # the change list's own script ticks every row
    expect(page.locator("input.action-select").first).to_be_checked()
    visit(page, f"{live_server.url}/admin/auth/user/{world.secretariat.pk}/change/", nonce=False)
    expect(page.locator("#id_username")).to_have_value("sekretariat")
    page.locator("#id_last_login_0").fill("")
    page.locator(".datetimeshortcuts a", has_text="I dag").first.click()  # a date shortcut (DateTimeShortcuts.js)
    expect(page.locator("#id_last_login_0")).not_to_have_value("")

    assert page.csp_problems == []
