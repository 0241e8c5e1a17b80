from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gazeta.pagecache import files
from gazeta.pagecache.purge import files_enabled, pages_changed


class Command(BaseCommand):
    help = (
        "Delete page files: of the given addresses (on every machine, and the CDN is told), "
        "all of them (--all), or this machine's files older than --older-than seconds (run "
        "that from cron behind nginx, as GAZETA_PAGE_FILES_MAX_AGE only governs the embedded "
        "server). See docs/page-files.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Site addresses such as / or /sport/.")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Delete every page file (everywhere).",
        )
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="SECONDS",
            help="Delete this machine's files written more than SECONDS ago.",
        )

    def handle(self, *args, paths, everything, older_than, **options):
        if not (paths or everything or older_than is not None):
            raise CommandError("Give addresses, --all or --older-than SECONDS.")
        if any(not p.startswith("/") for p in paths):
            raise CommandError("Addresses start with / (for example /sport/).")
        if older_than is not None:
            if older_than < 0:
                raise CommandError("--older-than must be 0 or more seconds.")
            if not files_enabled():
                raise CommandError("Page files are off (GAZETA_PAGE_FILES).")
            removed = files.delete_all(str(settings.GAZETA_PAGE_FILES_DIR), older_than=older_than)
            self.stdout.write(f"{removed} page file(s) older than {older_than} s deleted.")
        if paths or everything:
            pages_changed(paths=paths, everything=everything)
            what = "every page file" if everything else f"{len(paths)} address(es)"
            self.stdout.write(f"Purged {what}.")
