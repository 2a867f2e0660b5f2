"""Background jobs of the access package (Celery)."""

from celery import shared_task
from django.contrib.auth.forms import PasswordResetForm
from django.utils import timezone, translation

from .roles import permissions_sync_memberships_changing


@shared_task(name="collaborations.sync_membership_permissions")
def sync_membership_permissions() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): a membership that begins today or ended
    yesterday gives or takes access to the collaboration. Idempotent."""
    return permissions_sync_memberships_changing(timezone.localdate())


@shared_task(name="collaborations.send_password_reset")
def send_password_reset(email: str, *, domain: str, use_https: bool, language: str) -> int:
    """The "Glemt passordet?" e-mail, in text and HTML, to every active user
    with a usable password and this address (Django's PasswordResetForm
    decides who), with a link on `domain`, in the language the request had.
    The view only queues this job, so an unknown address answers as fast as
    a known one. A failed send is logged by Django ("Failed to send password
    reset email"), as it was in the request. Returns the number of users
    written to."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    sent = len(list(form.get_users(form.cleaned_data["email"])))
    if sent:
        with translation.override(language):
            form.save(domain_override=domain, use_https=use_https,
                      subject_template_name="registration/password_reset_subject.txt",
                      email_template_name="registration/password_reset_email.txt",
                      html_email_template_name="registration/password_reset_email.html")
    return sent
