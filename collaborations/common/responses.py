"""What a view answers after a save, and the one way a record's create and edit pages work."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .forms import record_form_again, submit_unless_changed


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


@dataclass(frozen=True)
class RecordPages:
    """The create and edit pages of a record kept as typed, one way:

    * `form(collaboration, data, obj)` builds the bound or unbound form over `obj`
      (carrying `obj`'s newest history row);
    * `save(request, collaboration, form)` returns the service call that saves a valid form;
    * `page(request, collaboration, form, obj_or_None, conflict)` renders the form page.

    A save by someone else since the form was opened is shown, not overwritten:
    the form comes back over the row as it is now, with what was typed."""

    form: Callable[..., Any]
    save: Callable[..., Callable[[], Any]]
    page: Callable[..., HttpResponse]

    def create(self, request: HttpRequest, collaboration, obj, done: Callable[[Any], HttpResponse]) -> HttpResponse:
        form = self.form(collaboration, request.POST or None, obj)
        saved = submit_unless_changed(form, obj, self.save(request, collaboration, form))
        if saved:
            return done(saved.value)
        return self.page(request, collaboration, form, None, None)

    def edit(self, request: HttpRequest, collaboration, obj, fresh: Callable[[], Any],
             done: Callable[[Any], HttpResponse]) -> HttpResponse:
        form = self.form(collaboration, request.POST or None, obj)
        saved = submit_unless_changed(form, obj, self.save(request, collaboration, form))
        if saved:
            return done(saved.value)
        if saved.conflict:
            form = record_form_again(request.POST, lambda data, current: self.form(collaboration, data, current),
                                     fresh())
        return self.page(request, collaboration, form, obj, saved.conflict)
