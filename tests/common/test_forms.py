"""common.forms.submit: how every view sends a form to a service."""

from django import forms

from collaborations.common.errors import ConcurrentEditError, DomainError
from collaborations.common.forms import submit


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)


def test_a_form_not_sent_or_not_valid_never_reaches_the_service():
    calls = []
    for form in (NameForm(), NameForm({"name": ""})):
        saved = submit(form, lambda: calls.append(1))
        assert not saved and saved.conflict is None
    assert calls == []


def test_it_returns_what_the_service_returned():
    form = NameForm({"name": "Kåfjord"})
    saved = submit(form, lambda: form.cleaned_data["name"].upper())
    assert saved and saved.value == "KÅFJORD"


def test_a_refusal_goes_on_the_field_it_names_or_above_the_form():
    form = NameForm({"name": "Kåfjord"})

    def refuse():
        raise DomainError({"name": "Navnet er i bruk.", "other": "Noe annet er galt."})

    saved = submit(form, refuse)
    assert not saved
    assert form.errors == {"name": ["Navnet er i bruk."], "__all__": ["Noe annet er galt."]}


def test_a_save_by_someone_else_comes_back_as_the_conflict():
    form = NameForm({"name": "Kåfjord"})
    error = ConcurrentEditError([("Navn", "Lyngen", "Kåfjord")], changed_by="Kari")

    def stale():
        raise error

    saved = submit(form, stale)
    assert not saved and saved.conflict is error and form.errors == {}
