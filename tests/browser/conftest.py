"""The browser-test harness: Playwright (sync API) driving Debian's Chromium
against pytest-django's `live_server`.

Fixtures:
- `page`: a fresh browser context and page, 1366x900, locale nb-NO.
- `phone_page`: the same at 375x812 (a phone).
- `login(page, live_server, username, password="demo", next=None)`: logs in
  through the real login form at /konto/login/.
- `check_a11y(page)`: runs the vendored axe-core with the WCAG 2.0/2.1 A and
  AA rules and fails with a readable list of violations.
- `snap(page, name, mobile=False)`: full-page screenshot to
  test-artifacts/screenshots/<name>.png (and <name>-mobile.png at 375 px).

Mark browser tests `@pytest.mark.browser` and keep them in this folder.

Playwright is never allowed to download a browser: we use /usr/bin/chromium
(Debian's package; `apt-get install chromium`). Without it the tests skip with
"Chromium not found: browser tests skipped", except under CI=true, where a
missing browser fails them.

Why the Playwright instance is package-scoped: the sync API keeps an asyncio
loop running in the main thread for as long as it lives, and Django then
refuses ORM calls from that thread unless DJANGO_ALLOW_ASYNC_UNSAFE is set.
Starting it once for this package (not the session) limits both the loop and
that environment variable to the browser tests; the rest of the suite runs
with Django's safety check intact.
"""

from __future__ import annotations

import os
import re
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / os.environ.get("TEST_ARTIFACTS", "test-artifacts")  # make test sets it
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_MESSAGE = "Chromium not found: browser tests skipped"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}
LOCALE = "nb-NO"
TIMEZONE = "Europe/Oslo"
DEFAULT_TIMEOUT_MS = 10_000
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_chromium(path: str = CHROMIUM, *, ci: bool | None = None) -> str:
    """Return the Chromium executable, or skip (fail under CI) when it is missing."""
    ci = is_ci() if ci is None else ci
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    if ci:
        pytest.fail(f"Chromium not found at {path}: browser tests must run under CI=true "
                    "(apt-get install chromium)", pytrace=False)
    pytest.skip(SKIP_MESSAGE)


# -- Playwright and the browser ----------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    executable = require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements.lock
        if is_ci():
            pytest.fail("The Python package playwright is not installed", pytrace=False)
        pytest.skip("playwright not installed: browser tests skipped")

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Belt and braces: never let Playwright fetch a browser of its own.
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    playwright = sync_playwright().start()
    try:
        # launch() gives every browser its own fresh, temporary user-data dir.
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _fresh_server_state(settings) -> None:
    """Each browser test starts with fresh rate-limit counters and (locally) an empty cache.

    Browser tests log in often, from one address, as the same demo users; the
    password reset's rate limit (django-ratelimit) would otherwise count across tests.
    A per-test key prefix keeps the limit itself working. The Redis cache is
    not flushed: a Celery worker may share that Redis database.
    """
    from django.core.cache import cache

    settings.RATELIMIT_CACHE_PREFIX = f"rl:{uuid.uuid4().hex[:12]}:"
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        cache.clear()


def _open_page(browser: Browser, request: pytest.FixtureRequest, **context_options: Any) -> Iterator[Page]:
    _fresh_server_state(request.getfixturevalue("settings"))
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, **context_options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        yield page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            _save_failure_screenshot(page, request.node.name)
        elif page_errors:
            pytest.fail("JavaScript errors on the page:\n  " + "\n  ".join(page_errors), pytrace=False)
    finally:
        context.close()


def _save_failure_screenshot(page: Page, test_name: str) -> None:
    from playwright.sync_api import Error as PlaywrightError

    folder = ARTIFACTS / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(folder / f"{_safe_name(test_name)}.png"), full_page=True)
    except PlaywrightError as error:  # the page may be gone; the test's own failure is what matters
        warnings.warn(f"No failure screenshot for {test_name}: {error}", stacklevel=1)


@pytest.fixture
def page(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A desktop page (1366x900, nb-NO). Depending on live_server gives the test a transactional db."""
    yield from _open_page(browser, request, viewport=DESKTOP)


@pytest.fixture
def phone_page(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A phone-sized page (375x812, touch, nb-NO)."""
    yield from _open_page(browser, request, viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Keep each phase's report on the item, so fixtures can tell a failed test.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# -- Helpers -------------------------------------------------------------------


@pytest.fixture
def login() -> Callable[..., Page]:
    """login(page, live_server, username, password="demo", next=None): log in via the login form."""

    def _login(page: Page, live_server, username: str, password: str = "demo", next: str | None = None) -> Page:
        url = f"{live_server.url}/konto/login/"
        if next:
            url += f"?next={next}"
        page.goto(url)
        form = page.locator("form:has(input[name='password'])")
        form.locator("input[name='username']").fill(username)
        form.locator("input[name='password']").fill(password)
        with page.expect_navigation():
            form.locator("[type='submit']").click()
        if not any(c["name"] == "sessionid" for c in page.context.cookies()):
            errors = page.locator(".errorlist, [role='alert']").all_inner_texts()
            raise AssertionError(f"Login as {username!r} failed; the login page said: {errors or '(nothing)'}")
        return page

    return _login


class A11yViolations(AssertionError):
    """Raised by check_a11y; carries axe's violations for tests that inspect them."""

    def __init__(self, message: str, violations: list[dict]):
        super().__init__(message)
        self.violations = violations


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) (axe-core, WCAG 2.1 A/AA) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact') or 'n/a'}]: {v['help']} ({v.get('helpUrl', '')})")
        for node in v["nodes"][:10]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.fixture
def check_a11y() -> Callable[[Page], list[dict]]:
    """check_a11y(page): run axe-core on the page as it is now; fail on any WCAG 2.1 A/AA violation."""

    def _check(page: Page) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: an added <script> would be
            # refused by the portal's Content-Security-Policy (no inline scripts).
            page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({target: n.target, html: n.html}))}));
            }""",
            AXE_TAGS,
        )
        if result:
            raise A11yViolations(format_violations(page.url, result), result)
        return result

    return _check


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"


@pytest.fixture
def snap() -> Callable[..., Path]:
    """snap(page, name, mobile=False): full-page screenshot(s) under test-artifacts/screenshots/."""

    def _snap(page: Page, name: str, mobile: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{_safe_name(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        if mobile:
            original = page.viewport_size
            page.set_viewport_size(PHONE)
            try:
                page.screenshot(path=str(SCREENSHOTS / f"{_safe_name(name)}-mobile.png"), full_page=True)
            finally:
                if original:
                    page.set_viewport_size(original)
        return path

    return _snap


# -- What ran: a plain line for `make test` ------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Remember which tests carry the browser / worker markers, wherever they live.
    config._harness_marked = {
        marker: {item.nodeid for item in items if item.get_closest_marker(marker)}
        for marker in ("browser", "worker")
    }


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say plainly whether the browser and worker tests ran or were skipped."""
    marked: dict[str, set[str]] = getattr(config, "_harness_marked", {})
    lines = []
    for marker in ("browser", "worker"):
        nodeids = marked.get(marker, set())
        counts: Counter = Counter()
        reasons: set[str] = set()
        for outcome in ("passed", "failed", "skipped", "error"):
            for report in terminalreporter.stats.get(outcome, []):
                if getattr(report, "nodeid", None) not in nodeids:
                    continue
                if outcome == "passed" and report.when != "call":
                    continue
                counts[outcome] += 1
                if outcome == "skipped" and isinstance(report.longrepr, tuple):
                    reasons.add(str(report.longrepr[2]).removeprefix("Skipped: "))
        ran = counts["passed"] + counts["failed"]
        text = (f"{marker} tests: {ran} ran ({counts['passed']} passed, {counts['failed']} failed), "
                f"{counts['skipped']} skipped")
        if counts["error"]:
            text += f", {counts['error']} errors"
        if not nodeids:
            text += " (none collected)"
        if reasons:
            text += " - " + "; ".join(sorted(reasons))
        lines.append(text)
    summary = "\n".join(lines)
    terminalreporter.write_sep("-", "browser and worker tests")
    terminalreporter.write_line(summary)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "marker-summary.txt").write_text(summary + "\n", encoding="utf-8")


# ---------------------------------------------------------------- what every journey shares

PASSWORD = "passord-for-test-123"  # every user tests/factories.py makes


@pytest.fixture(params=["1366", "375"])
def any_page(request) -> Page:
    """The journey at desktop width and on a phone; console errors are collected in `page.console_errors`."""
    page = request.getfixturevalue("page" if request.param == "1366" else "phone_page")
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    return page


def width(page: Page) -> int:
    return page.viewport_size["width"]


def log_in_from_the_start_page(page: Page, live_server, username: str, password: str = PASSWORD) -> None:
    """The start page → "Logg inn" → the login form, as a user arrives."""
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Logg inn", exact=True).click()
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Logg inn").click()


def assert_feedback(page: Page, text: str, *, focused: bool = False) -> None:
    """The message after a submit (error summary or "lagret") is shown, in view, and focused when asked."""
    from playwright.sync_api import expect

    message = page.locator("[role=alert], [role=status]").filter(has_text=text).first
    expect(message).to_be_visible()
    expect(message).to_be_in_viewport()
    if focused:
        expect(message).to_be_focused()


def no_horizontal_scrolling(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width(page), page.url
