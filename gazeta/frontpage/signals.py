"""Signals for apps that react to home page changes without frontpage importing them."""

from django.dispatch import Signal

# Sent after commit whenever what the home page shows changes because of curation: a pin or
# a banner was set, changed or cleared (``services``), or a pin or banner started or ended
# with time (``tasks.home_page_refresh``). The page cache listens to drop its copy of "/".
home_page_changed = Signal()
