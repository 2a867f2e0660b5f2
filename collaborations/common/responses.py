"""What a view answers after a save."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


def saved_and_back(request: HttpRequest, message: str, viewname: str, *args) -> HttpResponse:
    """To `viewname` with `message` as a success message, which the page
    scrolls to and reads out (#melding)."""
    messages.success(request, message)
    return redirect(reverse(viewname, args=args) + "#melding")
