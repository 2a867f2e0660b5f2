"""Background jobs of reporting rounds (Celery)."""

from celery import shared_task

from .services import rounds_send_reminders


@shared_task(name="collaborations.send_round_reminders")
def send_round_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind owners of missing status updates
    N days before a round's deadline and the day after. Idempotent."""
    return rounds_send_reminders()
