"""Log-in and password reset: Django's own views, with a rate limit on the
POSTs (django-ratelimit) and the reset e-mail in text and HTML."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.decorators import ratelimit

LOGIN_RATE_PER_USERNAME = "10/m"
LOGIN_RATE_PER_ADDRESS = "60/m"
RESET_RATE_PER_ADDRESS = "10/h"

_login = auth_views.LoginView.as_view()
_password_reset = auth_views.PasswordResetView.as_view(
    email_template_name="registration/password_reset_email.txt",
    html_email_template_name="registration/password_reset_email.html",
    subject_template_name="registration/password_reset_subject.txt",
)


@ratelimit(key="ip", rate=LOGIN_RATE_PER_ADDRESS, method="POST", block=False)
@ratelimit(key="post:username", rate=LOGIN_RATE_PER_USERNAME, method="POST", block=False)
def login(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return render(request, "registration/login.html", {
            "form": AuthenticationForm(request), "limited": True,
            "next": request.POST.get("next", ""),
        }, status=429)
    return _login(request)


@ratelimit(key="ip", rate=RESET_RATE_PER_ADDRESS, method="POST", block=False)
def password_reset(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return render(request, "registration/password_reset_form.html", {"limited": True}, status=429)
    return _password_reset(request)
