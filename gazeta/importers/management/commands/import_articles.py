import sys

from django.core.management.base import BaseCommand, CommandError, no_translations
from tqdm import tqdm

from gazeta.importers.run import STDIN, LineError, import_jsonl, open_input

# Exit codes (docs/jsonl-format.md): 0 every line imported, 1 some lines failed,
# 2 the input could not be read at all (argparse also uses 2 for bad flags).
EXIT_LINES_FAILED = 1
EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = (
        "Import articles and their comments from a JSON Lines file (docs/jsonl-format.md). "
        "Running the same file again updates instead of duplicating. Exit status: 0 when "
        "every line was imported, 1 when some lines failed, 2 when the input was unreadable."
    )
    # call_command(..., stdin=stream) feeds "-" in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help=f'JSON Lines file to import, UTF-8, one article per line; "{STDIN}" reads '
            "standard input.",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Do not show the progress bar (it is shown only when standard error is a "
            "terminal).",
        )

    # Model validation messages in the same language as the format's own (English).
    @no_translations
    def handle(self, *args, **options):
        progress = not options["no_progress"] and sys.stderr.isatty()
        try:
            with open_input(options["file"], stdin=options.get("stdin")) as source:
                summary = import_jsonl(source, progress=progress, on_error=self.report_error)
        except OSError as exc:
            raise CommandError(
                f"cannot read {options['file']}: {exc.strerror or exc}", returncode=EXIT_UNREADABLE
            ) from exc
        self.stdout.write(f"Import finished: {summary}.")
        if summary.failed:
            raise CommandError(
                f"{summary.failed} line(s) failed; see the messages above.",
                returncode=EXIT_LINES_FAILED,
            )

    def report_error(self, error: LineError) -> None:
        with tqdm.external_write_mode(file=sys.stderr):
            self.stderr.write(str(error))
