from django.core.management.base import BaseCommand

from gazeta.newsroom.popularity import view_counts_flush_task


class Command(BaseCommand):
    help = (
        "Add the article views counted in the cache to the database in one write (for "
        "“Most read”); run it every minute or few (cron or a systemd timer). Needs the cache "
        "the web servers count in, so Redis (REDIS_URL) in production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the task for the background worker instead of running it here.",
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            result = view_counts_flush_task.enqueue()
            self.stdout.write(f"Queued as {result.id}.")
            return
        views = view_counts_flush_task.call()
        self.stdout.write(f"{views} view(s) written.")
