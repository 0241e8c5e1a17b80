"""Background work of the newsroom, run by the task worker (``manage.py db_worker``)."""

import logging

from django.tasks import task

from .services import publication_sync

logger = logging.getLogger(__name__)


@task
def publication_sync_task() -> dict:
    """Publish what is due and take expired articles offline. Queued by the services for
    each scheduled or expiry time, and at every worker start (``publish_scheduled``), so
    nothing overdue waits for the next schedule."""
    went_live, expired = publication_sync()
    if went_live or expired:
        logger.info("Publication sync: %d went live, %d expired", went_live, expired)
    return {"went_live": went_live, "expired": expired}
