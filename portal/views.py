"""Pages of the installation itself, outside the domain: the accessibility statement and the icon."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

from . import accessibility


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html", accessibility.statement_context(settings))


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and the admin ask for /favicon.ico; the portal's pages link the SVG."""
    return redirect(static("favicon.ico"), permanent=False)
