import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gazeta.newsroom.models import Article
from gazeta.newsroom.search import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index from every article, in chunks (searches keep "
        "working meanwhile), and drop entries of deleted articles. Publishing and editing "
        "keep the index up to date; run this after an upgrade or a bulk change made "
        "outside the newsroom services."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=500,
            help="Articles read and indexed per transaction (default 500).",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Do not show the progress bar (it is shown only when standard error is a "
            "terminal).",
        )

    def handle(self, *args, **options):
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        show = not options["no_progress"] and sys.stderr.isatty()
        with tqdm(
            total=Article.objects.count(), unit="art", disable=not show, file=sys.stderr
        ) as bar:
            count = search_index_rebuild(chunk_size=options["chunk_size"], progress=bar.update)
        self.stdout.write(f"Search index rebuilt: {count} articles.")
