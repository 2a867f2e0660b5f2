"""Account views that differ from django.contrib.auth.urls (log-in under the
django-axes lock, password reset sent by a job and rate-limited, a new
password lifting the lock). Included before Django's own under /konto/."""

from django.urls import path

from . import views as accounts

urlpatterns = [
    path("login/", accounts.login, name="login"),
    path("password_reset/", accounts.password_reset, name="password_reset"),
    path("reset/<uidb64>/<token>/", accounts.password_reset_confirm, name="password_reset_confirm"),
]
