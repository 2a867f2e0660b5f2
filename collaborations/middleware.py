from django.core.exceptions import PermissionDenied
from django.shortcuts import render


class FriendlyPermissionDeniedMiddleware:
    """A refusal is a friendly Norwegian page with status 403, never a trace."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", {"reason": str(exception) or ""}, status=403)
        return None


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
