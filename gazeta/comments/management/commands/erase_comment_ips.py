from django.conf import settings
from django.core.management.base import BaseCommand

from gazeta.comments.tasks import erase_old_comment_ips


class Command(BaseCommand):
    help = (
        "Forget IP addresses and browsers of comments older than "
        "GAZETA_COMMENT_IP_RETENTION_DAYS; run it daily (cron or a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the task for the background worker instead of running it here.",
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            result = erase_old_comment_ips.enqueue()
            self.stdout.write(f"Queued as {result.id}.")
            return
        count = erase_old_comment_ips.call()
        days = settings.GAZETA_COMMENT_IP_RETENTION_DAYS
        self.stdout.write(
            f"IP address and browser forgotten on {count} comment(s) over {days} days old."
        )
