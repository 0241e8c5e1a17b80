from django.core.management.base import BaseCommand

from gazeta.comments.services import commenter_erase


class Command(BaseCommand):
    help = (
        "Erase a commenter: by default their comments stay, signed “Anonim”, with no email, "
        "website, IP address or browser; --remove-comments deletes the comments instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The commenter's email address (case-insensitive).")
        parser.add_argument(
            "--remove-comments",
            action="store_true",
            help="Delete the comments instead of keeping them anonymous.",
        )

    def handle(self, *args, email, remove_comments, **options):
        count = commenter_erase(email=email, remove_comments=remove_comments)
        verb = "deleted" if remove_comments else "anonymised"
        self.stdout.write(f"{count} comment(s) {verb}.")
