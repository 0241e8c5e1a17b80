from gazeta.core.management import TaskCommand
from gazeta.newsroom.popularity import view_counts_flush_task


class Command(TaskCommand):
    help = (
        "Add the article views counted in the cache to the database in one write (for "
        "“Most read”); run it every minute or few (cron or a systemd timer). Needs the cache "
        "the web servers count in, so Redis (REDIS_URL) in production."
    )
    task = view_counts_flush_task

    def describe(self, result):
        return f"{result} view(s) written."
