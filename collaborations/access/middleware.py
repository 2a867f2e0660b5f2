"""A refusal is a page, not a trace."""

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
