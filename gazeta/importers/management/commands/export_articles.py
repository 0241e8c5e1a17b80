import os

from django.core.management.base import BaseCommand, CommandError

from gazeta.importers.run import STDIN, export_jsonl
from gazeta.newsroom.models import Article


class Command(BaseCommand):
    help = (
        "Export articles and their comments as JSON Lines (docs/jsonl-format.md), ordered by "
        "id. The output holds commenters' email addresses: treat it as personal data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            default=STDIN,
            help=f'File to write (created readable by its owner only); "{STDIN}", the '
            "default, writes to standard output.",
        )
        parser.add_argument(
            "--status",
            choices=Article.Status.values,
            help="Export only articles with this status.",
        )
        parser.add_argument(
            "--section", help="Export only the articles of this section (slug or name)."
        )

    def handle(self, *args, **options):
        filters = {"status": options["status"], "section": options["section"]}
        path = options["output"]
        if path == STDIN:
            count = export_jsonl(self.stdout, **filters)
        else:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with open(fd, "w", encoding="utf-8", newline="\n") as output:
                    count = export_jsonl(output, **filters)
            except OSError as exc:
                raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from exc
        # Standard output may be the export itself, so the count goes to standard error.
        self.stderr.write(f"Exported {count} article(s).", style_func=self.style.SUCCESS)
