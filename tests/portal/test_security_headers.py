"""The headers every page carries: a Content-Security-Policy with a fresh
nonce that the page's own script tags carry (and nothing inline for it to
refuse), Permissions-Policy, and HSTS with subdomains and preload. That a real
browser reports no violation is tests/browser/test_csp.py."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
# Templates that never reach a browser: e-mails and the PDFs WeasyPrint draws.
NOT_SERVED = ("emails/", "reporting/pdf/", "registration/password_reset_email")


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def pages(world) -> list[str]:
    return [
        "/",
        reverse("login"),
        reverse("password_reset"),
        reverse("dashboard_overview", args=[world.collaboration.slug]),
        reverse("dashboard_municipality", args=[world.collaboration.slug, world.kafjord.number]),
        reverse("measure_detail", args=[world.shared.pk]),
        reverse("accessibility_statement"),
    ]


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy_whose_nonce_its_scripts_carry(client, world):
    client.force_login(world.admin_kafjord)  # the measure page then has its live status form (HTMX)
    nonces = set()
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = csp_directives(response)

        assert csp["default-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'"]
        assert csp["object-src"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert csp["script-src"][0] == "'self'" and len(csp["script-src"]) == 2, csp["script-src"]
        nonce = re.fullmatch(r"'nonce-([A-Za-z0-9+/=]{16,})'", csp["script-src"][1]).group(1)
        nonces.add(nonce)

        body = response.content.decode()
        scripts = re.findall(r"<script\b[^>]*>", body)
        assert len(scripts) == 2, (url, scripts)  # HTMX and portal.js
        for tag in scripts:
            assert f'nonce="{nonce}"' in tag and " src=" in tag, (url, tag)
        assert 'name="htmx-config"' in body and '"includeIndicatorStyles": false' in body
    assert len(nonces) == len(pages(world))  # a new nonce for every response


@pytest.mark.django_db
def test_the_measure_pages_live_part_is_free_of_inline_script_and_style(client, world):
    """What HTMX swaps in (the live part after a status update) must not need
    anything the policy refuses either."""
    client.force_login(world.admin_kafjord)
    url = reverse("measure_detail", args=[world.shared.pk])
    page = client.get(url).content.decode()
    assert 'hx-target="#measure-live"' in page
    action = re.search(r'hx-post="([^"]+)"', page).group(1)

    response = client.post(action, {"reported_on": "", "phase": ""}, headers={"HX-Request": "true"})

    assert response.status_code in (200, 422)
    body = response.content.decode()
    assert 'id="measure-live"' in body
    assert "<script" not in body and "<style" not in body and " style=" not in body


def test_no_template_served_to_a_browser_has_inline_script_or_style():
    """The policy refuses inline <script>, <style> and style="" attributes, so
    no template may hold them (e-mails and PDF templates may: no browser runs
    them under this policy). HTMX's hx-on (code in an attribute) is refused too."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = path.relative_to(ROOT / "templates").as_posix()
        if name.startswith(NOT_SERVED):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\shx-on[:-]", r"\son[a-z]+="):
            offenders += [f"{name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []


@pytest.mark.django_db
def test_every_response_switches_off_the_browser_features_the_portal_never_uses(client):
    for response in [client.get("/"), client.get(reverse("login")), client.get("/finnes-ikke/")]:
        policy = response["Permissions-Policy"]
        for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
            assert f"{feature}=()" in policy


@pytest.mark.django_db
def test_https_responses_carry_hsts_with_subdomains_and_preload(client):
    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_the_admin_gets_the_policy_too(client, world):
    client.force_login(world.superuser)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert csp_directives(response)["default-src"] == ["'self'"]
    assert response["Permissions-Policy"]
