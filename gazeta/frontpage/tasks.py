"""Slow or deferred follow-ups of home page curation, run by the task backend."""

from django.tasks import task

from .signals import home_page_changed


@task
def home_page_refresh() -> None:
    """Send ``home_page_changed``: services queue this for the moments a pin or a banner
    starts or ends, when time alone changes the home page."""
    home_page_changed.send(sender=home_page_refresh)
