"""The portal speaks bokmål by default, and refuses control characters at the door."""

import re

from django.http import HttpResponseBadRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.translation import gettext


class NorwegianByDefaultMiddleware:
    """The portal speaks bokmål unless the user chose otherwise.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a
    council member with an English browser would get English. Here only an
    explicit choice (the language switch, stored in the language cookie)
    changes the language. Must come before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# C0 control characters other than tab, line feed and carriage return: never
# meaningful in an address or a form field, and PostgreSQL refuses NUL in text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RefuseControlCharactersMiddleware:
    """Answer 400 with a Norwegian page when the address, a query parameter or
    a form field holds a control character (NUL above all), before any view
    passes it to the database, where it would end in a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = self._where(request)
        if where is not None:
            return HttpResponseBadRequest(render_to_string("400.html", {"where": where}, request=request))
        return self.get_response(request)

    @staticmethod
    def _where(request) -> str | None:
        if CONTROL_CHARACTERS.search(request.path):
            return gettext("adressen")
        for name, params in ((gettext("adressen"), request.GET), (gettext("skjemaet"), _form(request))):
            for key, values in params.lists():
                if CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values):
                    return name
        return None


def _form(request) -> QueryDict:
    """The posted form fields (not uploaded files' contents)."""
    if request.method != "POST":
        return QueryDict()
    try:
        return request.POST
    except Exception:  # a broken multipart body: Django answers it itself
        return QueryDict()
