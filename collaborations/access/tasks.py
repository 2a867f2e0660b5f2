"""Background jobs of the access package (Celery)."""

from celery import shared_task
from django.utils import timezone

from .roles import permissions_sync_memberships_changing


@shared_task(name="collaborations.sync_membership_permissions")
def sync_membership_permissions() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): a membership that begins today or ended
    yesterday gives or takes access to the collaboration. Idempotent."""
    return permissions_sync_memberships_changing(timezone.localdate())
