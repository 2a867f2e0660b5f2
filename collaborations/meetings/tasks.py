"""Background jobs of meetings (Celery)."""

from celery import shared_task

from .services import follow_ups_send_reminders


@shared_task(name="collaborations.send_follow_up_reminders")
def send_follow_up_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind the responsible person of each open
    follow-up a week before its deadline and once after it. Idempotent."""
    return follow_ups_send_reminders()
