import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from gazeta.newsroom.corpus import CorpusExists, corpus_generate


class Command(BaseCommand):
    help = (
        "Fill the database with a generated Romanian demo corpus for benchmarks: articles "
        "over eight sections, reporters, topics and years of dates, threaded reader comments "
        "and the search index, written in large batches. Run it on a database of its own "
        "(DATABASE_URL or GAZETA_VAR_DIR). Running it again with the same --articles does "
        "nothing; another size is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles", type=int, required=True, help="How many articles to generate."
        )
        parser.add_argument(
            "--comments-per-article",
            type=int,
            default=0,
            help="Reader comments on each published article (default 0).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed of the generated text (default 1)."
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=5000,
            help="Articles (with their comments) written per transaction (default 5000).",
        )
        parser.add_argument(
            "--days",
            type=float,
            default=None,
            help="Days the publication dates span back from now (default: 200 articles "
            "a day, at least 60 days).",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Do not show the progress bar (it is shown only when standard error is a "
            "terminal).",
        )

    def handle(self, *args, **options):
        articles, comments = options["articles"], options["comments_per_article"]
        if articles < 1 or comments < 0 or options["batch"] < 1:
            raise CommandError(
                "--articles and --batch must be at least 1, --comments-per-article at least 0."
            )
        if options["days"] is not None and options["days"] <= 0:
            raise CommandError("--days must be more than 0.")
        show = not options["no_progress"] and sys.stderr.isatty()
        with tqdm(total=articles, unit="art", disable=not show, file=sys.stderr) as bar:
            try:
                summary = corpus_generate(
                    articles=articles,
                    comments_per_article=comments,
                    seed=options["seed"],
                    batch_size=options["batch"],
                    days=options["days"],
                    progress=bar.update,
                )
            except CorpusExists as error:
                raise CommandError(str(error)) from error
        if summary.skipped:
            self.stdout.write(
                f"The demo corpus is already there ({summary.articles:,} articles); nothing done."
            )
            return
        rate = summary.articles / summary.seconds if summary.seconds else 0
        stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.stages.items())
        self.stdout.write(
            f"Demo corpus on {connection.vendor}: {summary.articles:,} articles "
            f"({summary.published:,} published, ids {summary.first_id}–{summary.last_id}), "
            f"{summary.comments:,} comments, {summary.bylines:,} bylines, "
            f"{summary.tags:,} topic links, {summary.view_counts:,} hourly view counts, "
            f"in {summary.seconds:.1f} s "
            f"({rate:,.0f} articles/s; {stages})."
        )
