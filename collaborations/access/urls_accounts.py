"""Account views that differ from django.contrib.auth.urls (rate-limited
log-in and password reset). Included before Django's own under /konto/."""

from django.urls import path

from . import views as accounts

urlpatterns = [
    path("login/", accounts.login, name="login"),
    path("password_reset/", accounts.password_reset, name="password_reset"),
]
