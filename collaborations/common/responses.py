"""What a view answers after a save."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse


def saved_and_back(request: HttpRequest, message: str, viewname: str, *args) -> HttpResponse:
    """To `viewname` with `message` as a success message, which the page
    scrolls to and reads out (#melding)."""
    messages.success(request, message)
    return redirect(reverse(viewname, args=args) + "#melding")


def record_form_page(request: HttpRequest, collaboration, form, **context) -> HttpResponse:
    """One form page of a record kept as typed (templates/collaborations/record_form.html):
    `title`, optional `lead`, `submit`, `back_url` / `back_label`, and `thing`,
    which names the record in the concurrent-edit message."""
    return render(request, "collaborations/record_form.html", {"collaboration": collaboration, "form": form, **context})
