"""What the accessibility statement claims, checked: every page it lists
(portal/accessibility.py) opens for the role named there, in the demo data, and
passes axe-core's WCAG 2.0/2.1 A and AA rules at 1366 px and at 375 px."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from collaborations.access import policy
from collaborations.access.policy import Action
from collaborations.meetings.models import CouncilCase, Meeting
from collaborations.portfolio.models import Measure
from portal import accessibility

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(live_server):
    call_command("load_demo", verbosity=0)
    admin = get_user_model().objects.get(username="admin-kafjord")
    editable = [m for m in Measure.objects.order_by("pk") if policy.allows(admin, Action.EDIT, m)]
    return {"measure": editable[0].pk,
            "meeting": Meeting.objects.get(body__collaboration__slug="senja", held_on="2017-12-06").pk,
            "council_case": CouncilCase.objects.get(collaboration__slug="nord-troms").pk}


@pytest.mark.parametrize("width", accessibility.WIDTHS)
def test_every_page_in_the_statement_passes_axe(browser, live_server, demo, login, check_a11y, snap, request,
                                                width):
    context = browser.new_context(locale="nb-NO", viewport={"width": width, "height": 900},
                                  is_mobile=width < 600, has_touch=width < 600)
    try:
        checked = 0
        for role in dict.fromkeys(p.role for p in accessibility.CHECKED_PAGES):
            context.clear_cookies()
            page = context.new_page()
            if role:
                login(page, live_server, role)
            for checked_page in (p for p in accessibility.CHECKED_PAGES if p.role == role):
                url = live_server.url + checked_page.path.format(**demo)
                response = page.goto(url)
                assert response.status == 200, f"{checked_page.label} ({url}) as {role or 'visitor'}: {response.status}"
                check_a11y(page)
                checked += 1
            page.close()
        assert checked == len(accessibility.CHECKED_PAGES) == 37
    finally:
        context.close()


def test_the_statement_itself_at_375_px(phone_page, live_server, check_a11y, snap):
    phone_page.goto(f"{live_server.url}/")
    phone_page.get_by_role("link", name="Tilgjengelighetserklæring").click()

    assert phone_page.get_by_role("heading", level=1).inner_text() == "Tilgjengelighetserklæring for Samarbeidsportalen"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    check_a11y(phone_page)
    snap(phone_page, "tilgjengelighetserklaering", mobile=True)
